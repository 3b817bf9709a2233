/**
 * `sluice get-offsets`: Kafka's GetOffsetShell. Prints `topic:partition:offset` for each partition:
 * the latest offset (--time -1, the default), the earliest (-2), or the first offset whose timestamp
 * is at or after a time in milliseconds. Partitions without such an offset are left out, as in Kafka.
 */
import { EARLIEST_TIMESTAMP, KafkaClient, LATEST_TIMESTAMP } from '../../broker/client/kafka-client';
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import { UsageError, clientProperties, type FlagSpec, type ParsedArgs } from './args';
import { runTool } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'bootstrap-server', kind: 'value', valueName: 'host:port', aliases: ['broker-list'], description: 'REQUIRED: the broker(s) to connect to.' },
  { name: 'topic', kind: 'value', valueName: 'topic', description: 'The topic (a regular expression); default all topics.' },
  { name: 'partitions', kind: 'value', valueName: 'list', description: 'Comma-separated partitions or ranges (0,2,4-6); default all.' },
  { name: 'time', kind: 'value', valueName: 'ts', description: '-1 or latest (default), -2 or earliest, or a timestamp in ms.' },
  { name: 'exclude-internal-topics', kind: 'boolean', description: 'Leave out internal topics.' },
  { name: 'command-config', kind: 'value', valueName: 'file', description: 'Client properties file.' },
];

const DEF = { command: 'get-offsets', summary: 'Prints the offsets of topic partitions for a time.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

export function parsePartitionList(spec: string): Set<number> {
  const out = new Set<number>();
  for (const part of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`--partitions: "${part}" is not a partition number or range`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UsageError(`--partitions: range "${part}" is empty`);
    for (let p = from; p <= to; p++) out.add(p);
  }
  return out;
}

export function parseTime(v: string | undefined): number {
  if (v === undefined) return LATEST_TIMESTAMP;
  const t = v.trim().toLowerCase();
  if (t === 'latest') return LATEST_TIMESTAMP;
  if (t === 'earliest') return EARLIEST_TIMESTAMP;
  if (!/^-?\d+$/.test(t)) throw new UsageError(`--time must be -1, -2, latest, earliest or a timestamp in ms; got "${v}"`);
  const n = Number(t);
  if (n < -2) throw new UsageError(`--time ${n} is not supported (use -1, -2 or a timestamp)`);
  return n;
}

async function main(args: ParsedArgs): Promise<number> {
  const bootstrap = args.required('bootstrap-server');
  const time = parseTime(args.value('time'));
  const wanted = args.has('partitions') ? parsePartitionList(args.required('partitions')) : null;
  const props = clientProperties(args.value('command-config'), [], 'command-config');
  const client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'get-offsets' });
  try {
    const admin = new KafkaAdmin(client);
    const pattern = args.value('topic');
    let topics = await admin.listTopics({ includeInternal: !args.has('exclude-internal-topics') });
    if (pattern !== undefined) {
      let re: RegExp | null = null;
      try {
        re = new RegExp(`^(?:${pattern})$`);
      } catch {
        re = null;
      }
      topics = topics.filter((t) => (re ? re.test(t) : t === pattern));
      if (topics.length === 0) throw new Error(`Could not match any topic-partitions with the specified filters (topic '${pattern}')`);
    }
    const lines: string[] = [];
    for (const topic of topics) {
      const meta = await client.topic(topic);
      const partitions = meta.partitions.map((p) => p.partition).filter((p) => wanted === null || wanted.has(p));
      if (partitions.length === 0) continue;
      for (const o of await client.listOffsets(topic, partitions, time)) {
        if (o.offset >= 0) lines.push(`${topic}:${o.partition}:${o.offset}`);
      }
    }
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    client.close();
  }
}
