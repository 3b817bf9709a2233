/**
 * `sluice console-consumer`: Kafka's kafka-console-consumer. Without --group it reads one partition
 * or all of them from the latest offset, the beginning, or a given offset; with --group (or
 * group.id in the consumer properties) it joins that consumer group, starts at the group's
 * committed offsets (auto.offset.reset, i.e. --from-beginning, where there are none) and commits
 * what it printed. Each record goes through Kafka's DefaultMessageFormatter. It ends after
 * --max-messages, after --timeout-ms without a message, on SIGINT/SIGTERM, or when stdout goes
 * away; then prints `Processed a total of N messages` to stderr, as Kafka does.
 */
import { AssignedConsumer, type StartPosition } from '../../broker/client/assigned-consumer';
import { loadCompression } from '../../broker/client/compression';
import { GroupConsumer, type GroupConsumerOptions } from '../../broker/client/group-consumer';
import { KafkaClient } from '../../broker/client/kafka-client';
import type { ConsumedRecord } from '../../broker/client/record-batch-reader';
import type { Properties } from '../../broker/config/properties';
import { UsageError, booleanProperty, clientProperties, intProperty, parseKeyValues, type FlagSpec, type ParsedArgs } from './args';
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
  { name: 'group', kind: 'value', valueName: 'group', description: 'Join this consumer group and commit its offsets (not with --partition).' },
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

/** The group id from --group, --consumer-property or --consumer.config; they must agree. */
function groupIdOf(args: ParsedArgs, fileProps: Properties, extraProps: Properties): string | undefined {
  const ids = new Set<string>();
  const flag = args.value('group');
  if (flag !== undefined) ids.add(flag);
  if (fileProps['group.id'] !== undefined) ids.add(fileProps['group.id']);
  if (extraProps['group.id'] !== undefined) ids.add(extraProps['group.id']);
  if (ids.size > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...ids].map((g) => `'${g}'`).join(', ')}`,
    );
  }
  const id = [...ids][0];
  if (id !== undefined && args.has('partition')) throw new UsageError('Options group and partition cannot be specified together.');
  return id;
}

/** partition.assignment.strategy: our names or Kafka's class names. */
function assignors(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((v) => {
    const name = v.trim();
    if (/RangeAssignor$/.test(name)) return 'range';
    if (/RoundRobinAssignor$/.test(name)) return 'roundrobin';
    return name;
  });
}

function groupOptions(groupId: string, topic: string, props: Properties, fromBeginning: boolean, isolation: number, signal: AbortSignal): GroupConsumerOptions {
  const reset = props['auto.offset.reset'];
  if (reset !== undefined && fromBeginning && reset !== 'earliest') throw new UsageError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`);
  const policy = reset ?? (fromBeginning ? 'earliest' : 'latest');
  if (policy !== 'earliest' && policy !== 'latest' && policy !== 'none') throw new UsageError(`auto.offset.reset must be earliest, latest or none; got "${policy}"`);
  return {
    groupId,
    topics: [topic],
    groupInstanceId: props['group.instance.id'] || null,
    sessionTimeoutMs: intProperty(props, 'session.timeout.ms', 45000),
    heartbeatIntervalMs: intProperty(props, 'heartbeat.interval.ms', 3000),
    rebalanceTimeoutMs: intProperty(props, 'max.poll.interval.ms', 300000),
    autoCommit: booleanProperty(props, 'enable.auto.commit', true),
    autoCommitIntervalMs: intProperty(props, 'auto.commit.interval.ms', 5000),
    autoOffsetReset: policy,
    assignors: assignors(props['partition.assignment.strategy']),
    isolationLevel: isolation,
    signal,
  };
}

interface Source {
  poll(opts: { maxWaitMs: number; signal: AbortSignal }): Promise<Array<{ topic?: string; partition: number; records: ConsumedRecord[] }>>;
  /** Moves a partition back so that a commit does not cover records that were not printed. */
  unread?(topic: string, partition: number, offset: number): void;
}

async function main(args: ParsedArgs): Promise<number> {
  const bootstrap = args.required('bootstrap-server');
  const topic = args.required('topic');
  const fileProps = clientProperties(args.value('consumer.config'), [], 'consumer.config');
  const extraProps = parseKeyValues(args.list('consumer-property'), 'consumer-property');
  const props = { ...fileProps, ...extraProps };
  const groupId = groupIdOf(args, fileProps, extraProps);
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
  let group: GroupConsumer | null = null;
  let failure: Error | null = null;
  try {
    const groupOpts = groupId === undefined ? null : groupOptions(groupId, topic, props, args.has('from-beginning'), level, stop.signal);
    await loadCompression('all');
    client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'console-consumer', signal: stop.signal });
    let source: Source;
    if (groupOpts) {
      const consumer = new GroupConsumer(client, groupOpts);
      group = consumer;
      source = { poll: (o) => consumer.poll(o), unread: (t, p, offset) => consumer.seek(t, p, offset) };
    } else {
      source = await AssignedConsumer.create(client, {
        topic,
        partitions: partition === undefined ? undefined : [partition],
        start,
        // Kafka's console consumer resets to earliest with --from-beginning, else to latest.
        resetPolicy: start === 'earliest' ? 'earliest' : 'latest',
        isolationLevel: level,
        signal: stop.signal,
      });
    }
    let lastMessageAt = Date.now();
    while (processed < maxMessages && !stop.signal.aborted) {
      const waitMs = timeoutMs === undefined ? 500 : Math.max(0, Math.min(500, lastMessageAt + timeoutMs - Date.now()));
      const polled = await source.poll({ maxWaitMs: waitMs, signal: stop.signal });
      const parts: Buffer[] = [];
      for (const p of polled) {
        for (const r of p.records) {
          if (processed >= maxMessages) {
            source.unread?.(p.topic ?? topic, p.partition, r.offset);
            break;
          }
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
    if (!isAbort(err) && !stop.signal.aborted) failure = err as Error;
  } finally {
    // Commits what was printed and leaves the group, even after SIGINT.
    await group?.close().catch((err: Error) => {
      failure ??= err;
    });
    client?.close();
    stop.dispose();
  }
  await out.flush();
  if (failure) {
    process.stderr.write(`Error: ${failure.message}\nProcessed a total of ${processed} messages\n`);
    return 1;
  }
  process.stderr.write(`Processed a total of ${processed} messages\n`);
  return 0;
}
