/**
 * `sluice console-consumer`: Kafka's kafka-console-consumer without consumer groups (yet). Reads one
 * partition or all of them from the latest offset, the beginning, or a given offset, prints each
 * record through Kafka's DefaultMessageFormatter, and ends after --max-messages, after --timeout-ms
 * without a message, on SIGINT/SIGTERM, or when stdout goes away; then prints
 * `Processed a total of N messages` to stderr, as Kafka does.
 */
import { AssignedConsumer, type StartPosition } from '../../broker/client/assigned-consumer';
import { loadCompression } from '../../broker/client/compression';
import { KafkaClient } from '../../broker/client/kafka-client';
import { UsageError, clientProperties, parseKeyValues, type FlagSpec, type ParsedArgs } from './args';
import { formatRecord, formatterOptions } from './message-formatter';
import { Output, isAbort, runTool, shutdownSignal } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'bootstrap-server', kind: 'value', valueName: 'host:port', description: 'REQUIRED: the broker(s) to connect to.' },
  { name: 'topic', kind: 'value', valueName: 'topic', description: 'REQUIRED: the topic to consume.' },
  { name: 'from-beginning', kind: 'boolean', description: 'Start with the earliest message instead of the latest.' },
  { name: 'partition', kind: 'value', valueName: 'n', description: 'Consume only this partition.' },
  { name: 'offset', kind: 'value', valueName: 'offset', description: "With --partition: a non-negative offset, 'earliest' or 'latest' (default)." },
  { name: 'max-messages', kind: 'value', valueName: 'n', description: 'Exit after this many messages.' },
  { name: 'timeout-ms', kind: 'value', valueName: 'ms', description: 'Exit when no message arrived for this long.' },
  { name: 'property', kind: 'list', valueName: 'key=value', description: 'Formatter properties: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal.' },
  { name: 'consumer-property', kind: 'list', valueName: 'key=value', description: 'Consumer properties (isolation.level, client.id, ...).' },
  { name: 'consumer.config', kind: 'value', valueName: 'file', description: 'Consumer properties file.' },
  { name: 'isolation-level', kind: 'value', valueName: 'level', description: 'read_uncommitted (default) or read_committed.' },
  { name: 'group', kind: 'value', valueName: 'group', description: 'Consumer groups are not supported yet.' },
];

const DEF = { command: 'console-consumer', summary: 'Reads records from a topic and writes them to standard output.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

function startPosition(args: ParsedArgs): StartPosition {
  const offset = args.value('offset');
  if (offset !== undefined) {
    if (!args.has('partition')) throw new UsageError('The partition is required when offset is specified.');
    if (args.has('from-beginning')) throw new UsageError('Options from-beginning and offset cannot be specified together.');
    const o = offset.trim().toLowerCase();
    if (o === 'earliest' || o === 'latest') return o;
    if (!/^\d+$/.test(o)) throw new UsageError(`The provided offset value '${offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
    return Number(o);
  }
  return args.has('from-beginning') ? 'earliest' : 'latest';
}

function isolationLevel(v: string | undefined): number {
  if (v === undefined || v === 'read_uncommitted') return 0;
  if (v === 'read_committed') return 1;
  throw new UsageError(`isolation.level must be read_uncommitted or read_committed, got "${v}"`);
}

async function main(args: ParsedArgs): Promise<number> {
  if (args.has('group')) throw new UsageError('--group is not supported yet: consumer groups come later; use --partition/--offset or --from-beginning');
  const bootstrap = args.required('bootstrap-server');
  const topic = args.required('topic');
  const props = clientProperties(args.value('consumer.config'), args.list('consumer-property'), 'consumer-property');
  const format = formatterOptions(parseKeyValues(args.list('property'), 'property'));
  const start = startPosition(args);
  const partition = args.int('partition');
  const maxMessages = args.int('max-messages') ?? Infinity;
  const timeoutMs = args.int('timeout-ms');
  const level = isolationLevel(args.value('isolation-level') ?? props['isolation.level']);

  const stop = shutdownSignal();
  const out = new Output(process.stdout, () => stop.stop('stdout closed'));
  let processed = 0;
  let client: KafkaClient | null = null;
  try {
    await loadCompression('all');
    client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'console-consumer', signal: stop.signal });
    const consumer = await AssignedConsumer.create(client, {
      topic,
      partitions: partition === undefined ? undefined : [partition],
      start,
      // Kafka's console consumer resets to earliest with --from-beginning, else to latest.
      resetPolicy: start === 'earliest' ? 'earliest' : 'latest',
      isolationLevel: level,
      signal: stop.signal,
    });
    let lastMessageAt = Date.now();
    while (processed < maxMessages && !stop.signal.aborted) {
      const waitMs = timeoutMs === undefined ? 500 : Math.max(0, Math.min(500, lastMessageAt + timeoutMs - Date.now()));
      const polled = await consumer.poll({ maxWaitMs: waitMs, signal: stop.signal });
      const parts: Buffer[] = [];
      for (const p of polled) {
        for (const r of p.records) {
          if (processed >= maxMessages) break;
          formatRecord(parts, r, p.partition, format);
          processed++;
          lastMessageAt = Date.now();
        }
      }
      out.writeAll(parts);
      await out.flush();
      if (out.closed) break;
      if (timeoutMs !== undefined && Date.now() - lastMessageAt >= timeoutMs) break;
    }
  } catch (err) {
    if (!isAbort(err) && !stop.signal.aborted) {
      await out.flush();
      process.stderr.write(`Error: ${(err as Error).message}\nProcessed a total of ${processed} messages\n`);
      return 1;
    }
  } finally {
    client?.close();
    stop.dispose();
  }
  await out.flush();
  process.stderr.write(`Processed a total of ${processed} messages\n`);
  return 0;
}
