/**
 * `sluice consumer-perf-test`: Kafka's ConsumerPerformance. Reads --messages records from every
 * partition of a topic (from the beginning unless --from-latest), then prints Kafka's header and CSV
 * line. With --group it joins that consumer group first and rebalance.time.ms is the time the join
 * took; without, it reads the partitions directly, so rebalance.time.ms is 0 and the fetch time is
 * the whole run. Progress goes to stderr every --reporting-interval ms.
 */
import { AssignedConsumer } from '../../broker/client/assigned-consumer';
import { loadCompression } from '../../broker/client/compression';
import { GroupConsumer } from '../../broker/client/group-consumer';
import { KafkaClient } from '../../broker/client/kafka-client';
import { UsageError, clientProperties, type FlagSpec, type ParsedArgs } from './args';
import { fixed, isAbort, runTool, shutdownSignal } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'bootstrap-server', kind: 'value', valueName: 'host:port', aliases: ['broker-list'], description: 'REQUIRED: the broker(s) to connect to.' },
  { name: 'topic', kind: 'value', valueName: 'topic', description: 'REQUIRED: the topic to consume.' },
  { name: 'messages', kind: 'value', valueName: 'n', description: 'REQUIRED: number of messages to consume.' },
  { name: 'timeout', kind: 'value', valueName: 'ms', description: 'Longest wait between records (default 10000).' },
  { name: 'from-latest', kind: 'boolean', description: 'Start at the end of the topic instead of the beginning.' },
  { name: 'fetch-size', kind: 'value', valueName: 'bytes', description: 'Bytes to fetch per partition and request (default 1048576).' },
  { name: 'reporting-interval', kind: 'value', valueName: 'ms', description: 'Progress interval (default 5000).' },
  { name: 'hide-header', kind: 'boolean', description: 'Do not print the header line.' },
  { name: 'date-format', kind: 'value', valueName: 'format', description: 'Only the default yyyy-MM-dd HH:mm:ss:SSS is supported.' },
  { name: 'consumer.config', kind: 'value', valueName: 'file', description: 'Consumer properties file.' },
  { name: 'group', kind: 'value', valueName: 'group', description: 'Consume as a member of this consumer group (committing nothing).' },
  { name: 'print-metrics', kind: 'boolean', description: 'Accepted for compatibility; no metrics are printed.' },
  { name: 'show-detailed-stats', kind: 'boolean', description: 'Accepted for compatibility; progress goes to stderr.' },
];

const DEF = { command: 'consumer-perf-test', summary: 'Measures consumer throughput.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

/** Java's SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS") in local time. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`;
}

async function main(args: ParsedArgs): Promise<number> {
  const bootstrap = args.required('bootstrap-server');
  const topic = args.required('topic');
  const wanted = args.int('messages');
  if (wanted === undefined) throw new UsageError('Missing required argument "--messages"');
  const timeoutMs = args.int('timeout', 10000) as number;
  const interval = args.int('reporting-interval', 5000) as number;
  const dateFormat = args.value('date-format');
  if (dateFormat !== undefined && dateFormat !== 'yyyy-MM-dd HH:mm:ss:SSS') throw new UsageError('--date-format: only yyyy-MM-dd HH:mm:ss:SSS is supported');
  const props = clientProperties(args.value('consumer.config'), [], 'consumer.config');
  await loadCompression('all');

  const stop = shutdownSignal();
  const client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'perf-consumer-client', signal: stop.signal });
  let messages = 0;
  let bytes = 0;
  const startMs = Date.now();
  let lastConsumed = startMs;
  let timedOut = false;
  let lastReport = startMs;
  let reportedMessages = 0;
  let reportedBytes = 0;
  let rebalanceMs = 0;
  let group: GroupConsumer | null = null;
  try {
    const groupId = args.value('group');
    let consumer: { poll(opts: { maxWaitMs: number }): Promise<Array<{ records: Array<{ key: Buffer | null; value: Buffer | null }> }>> };
    if (groupId !== undefined) {
      group = new GroupConsumer(client, {
        groupId,
        topics: [topic],
        autoOffsetReset: args.has('from-latest') ? 'latest' : 'earliest',
        autoCommit: false,
        partitionMaxBytes: args.int('fetch-size', 1048576),
        verifyCrc: true,
        signal: stop.signal,
      });
      await group.join();
      rebalanceMs = Date.now() - startMs;
      lastConsumed = Date.now();
      consumer = group;
    } else {
      consumer = await AssignedConsumer.create(client, {
        topic,
        start: args.has('from-latest') ? 'latest' : 'earliest',
        resetPolicy: 'earliest',
        partitionMaxBytes: args.int('fetch-size', 1048576),
        verifyCrc: true,
        signal: stop.signal,
      });
    }
    while (messages < wanted && !stop.signal.aborted) {
      const polled = await consumer.poll({ maxWaitMs: Math.min(500, timeoutMs) });
      const now = Date.now();
      for (const p of polled) {
        for (const r of p.records) {
          if (messages >= wanted) break;
          messages++;
          bytes += (r.key ? r.key.length : 0) + (r.value ? r.value.length : 0);
          lastConsumed = now;
        }
      }
      if (now - lastReport >= interval) {
        const secs = (now - lastReport) / 1000;
        process.stderr.write(
          `${formatDate(now)}, ${messages} messages (${fixed(bytes / 1048576, 4)} MB) consumed, ${fixed((messages - reportedMessages) / secs, 4)} nMsg.sec, ${fixed((bytes - reportedBytes) / 1048576 / secs, 4)} MB.sec\n`,
        );
        lastReport = now;
        reportedMessages = messages;
        reportedBytes = bytes;
      }
      if (now - lastConsumed > timeoutMs) {
        timedOut = true;
        break;
      }
    }
  } catch (err) {
    if (!isAbort(err)) throw err;
  } finally {
    await group?.close().catch(() => undefined);
    client.close();
    stop.dispose();
  }
  const endMs = Date.now();
  if (timedOut) {
    process.stderr.write(`WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.\n`);
  }
  const elapsedSecs = (endMs - startMs) / 1000;
  const mb = bytes / (1024 * 1024);
  const fetchMs = endMs - startMs - rebalanceMs;
  const fetchSecs = fetchMs / 1000;
  if (!args.has('hide-header')) process.stdout.write(`${HEADER}\n`);
  process.stdout.write(
    `${formatDate(startMs)}, ${formatDate(endMs)}, ${fixed(mb, 4)}, ${fixed(mb / elapsedSecs, 4)}, ${messages}, ${fixed(messages / elapsedSecs, 4)}, ${rebalanceMs}, ${fetchMs}, ${fixed(mb / fetchSecs, 4)}, ${fixed(messages / fetchSecs, 4)}\n`,
  );
  return 0;
}
