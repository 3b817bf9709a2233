/**
 * `sluice topics`: Kafka's kafka-topics tool over the Kafka protocol. One action per call: --create,
 * --list, --describe, --delete or --alter (partitions). Like Kafka, --topic is a regular expression
 * for every action but --create, and the describe output uses Kafka's tab-separated layout.
 */
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import { KafkaClient } from '../../broker/client/kafka-client';
import { ZERO_TOPIC_ID, type PartitionMetadata } from '../../broker/client/metadata';
import { ErrorCode, KafkaError } from '../../broker/protocol/error-codes';
import { UsageError, clientProperties, parseKeyValues, type FlagSpec, type ParsedArgs } from './args';
import { runTool } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'bootstrap-server', kind: 'value', valueName: 'host:port', description: 'REQUIRED: the broker(s) to connect to.' },
  { name: 'command-config', kind: 'value', valueName: 'file', description: 'Client properties file.' },
  { name: 'create', kind: 'boolean', description: 'Create a new topic.' },
  { name: 'list', kind: 'boolean', description: 'List all available topics.' },
  { name: 'describe', kind: 'boolean', description: 'List details for the given topics.' },
  { name: 'delete', kind: 'boolean', description: 'Delete a topic.' },
  { name: 'alter', kind: 'boolean', description: 'Alter the number of partitions of a topic.' },
  { name: 'topic', kind: 'value', valueName: 'topic', description: 'The topic (a regular expression except with --create).' },
  { name: 'partitions', kind: 'value', valueName: 'n', description: 'Number of partitions (--create, --alter).' },
  { name: 'replication-factor', kind: 'value', valueName: 'n', description: 'Replication factor (--create).' },
  { name: 'config', kind: 'list', valueName: 'name=value', description: 'A topic config override (--create); repeatable.' },
  { name: 'if-not-exists', kind: 'boolean', description: 'With --create: do nothing if the topic exists.' },
  { name: 'if-exists', kind: 'boolean', description: 'With --alter, --delete, --describe: do nothing if the topic does not exist.' },
  { name: 'exclude-internal', kind: 'boolean', description: 'Leave out internal topics (--list, --describe).' },
];

const DEF = { command: 'topics', summary: 'Create, delete, describe, or change a topic.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

const ACTIONS = ['create', 'list', 'describe', 'delete', 'alter'] as const;

async function main(args: ParsedArgs): Promise<number> {
  const actions = ACTIONS.filter((a) => args.has(a));
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  const action = actions[0] as (typeof ACTIONS)[number];
  const bootstrap = args.required('bootstrap-server');
  const props = clientProperties(args.value('command-config'), [], 'command-config');
  if (action !== 'list' && action !== 'describe' && !args.has('topic')) throw new UsageError(`Missing required argument "--topic" for --${action}`);
  if (action === 'alter' && args.has('config')) throw new UsageError('--config with --alter is not supported; topic configs are set at creation');
  const client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'sluice-topics', requestTimeoutMs: Number(props['request.timeout.ms'] ?? 30000) });
  try {
    const admin = new KafkaAdmin(client);
    switch (action) {
      case 'create':
        return await create(admin, args);
      case 'list':
        return await list(admin, args);
      case 'describe':
        return await describe(admin, args);
      case 'delete':
        return await remove(admin, args);
      case 'alter':
        return await alter(admin, args);
    }
  } catch (err) {
    if (err instanceof KafkaError) {
      process.stderr.write(`Error while executing topic command : ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    client.close();
  }
}

async function create(admin: KafkaAdmin, args: ParsedArgs): Promise<number> {
  const topic = args.required('topic');
  const partitions = args.int('partitions');
  const replicationFactor = args.int('replication-factor');
  if (partitions !== undefined && partitions < 1) throw new UsageError('The partitions must be greater than 0');
  if (replicationFactor !== undefined && replicationFactor < 1) throw new UsageError('The replication factor must be greater than 0');
  const configs = parseKeyValues(args.list('config'), 'config');
  if (topic.includes('.') || topic.includes('_')) {
    process.stdout.write("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n");
  }
  try {
    await admin.createTopics([{ name: topic, numPartitions: partitions, replicationFactor, configs }]);
  } catch (err) {
    if (err instanceof KafkaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS) {
      if (args.has('if-not-exists')) return 0;
      process.stderr.write(`Error while executing topic command : Topic '${topic}' already exists.\n`);
      return 1;
    }
    throw err;
  }
  process.stdout.write(`Created topic ${topic}.\n`);
  return 0;
}

/** Kafka matches --topic as a whole-name Java regex; names that are not valid regexes match literally. */
function topicMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  try {
    const re = new RegExp(`^(?:${pattern})$`);
    return (name) => re.test(name);
  } catch {
    return (name) => name === pattern;
  }
}

async function matchingTopics(admin: KafkaAdmin, args: ParsedArgs): Promise<string[] | null> {
  const all = await admin.listTopics({ includeInternal: !args.has('exclude-internal') });
  const pattern = args.value('topic');
  const names = all.filter(topicMatcher(pattern));
  if (pattern !== undefined && names.length === 0) {
    if (args.has('if-exists')) return null;
    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${pattern}' does not exist as expected`);
  }
  return names;
}

async function list(admin: KafkaAdmin, args: ParsedArgs): Promise<number> {
  const all = await admin.listTopics({ includeInternal: !args.has('exclude-internal') });
  const names = all.filter(topicMatcher(args.value('topic')));
  if (names.length > 0) process.stdout.write(`${names.join('\n')}\n`);
  return 0;
}

function nodes(list: readonly number[]): string {
  return list.join(',');
}

function partitionLine(topic: string, p: PartitionMetadata): string {
  const leader = p.leader < 0 ? 'none' : String(p.leader);
  const offline = p.offlineReplicas.length > 0 ? `\tOffline: ${nodes(p.offlineReplicas)}` : '';
  return `\tTopic: ${topic}\tPartition: ${p.partition}\tLeader: ${leader}\tReplicas: ${nodes(p.replicas)}\tIsr: ${nodes(p.isr)}${offline}`;
}

async function describe(admin: KafkaAdmin, args: ParsedArgs): Promise<number> {
  const names = await matchingTopics(admin, args);
  if (names === null || names.length === 0) return 0;
  const topics = await admin.describeTopics(names);
  const out: string[] = [];
  for (const t of topics) {
    const configs = t.configs
      .filter((c) => !c.isDefault)
      .map((c) => `${c.name}=${c.isSensitive ? null : c.value}`)
      .join(',');
    const rf = t.partitions[0]?.replicas.length ?? 0;
    out.push(`Topic: ${t.name}\tTopicId: ${t.topicId ?? ZERO_TOPIC_ID}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}`);
    for (const p of t.partitions) out.push(partitionLine(t.name, p));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

async function remove(admin: KafkaAdmin, args: ParsedArgs): Promise<number> {
  const names = await matchingTopics(admin, args);
  if (names === null || names.length === 0) return 0;
  await admin.deleteTopics(names);
  return 0;
}

async function alter(admin: KafkaAdmin, args: ParsedArgs): Promise<number> {
  const count = args.int('partitions');
  if (count === undefined) throw new UsageError('--alter needs --partitions');
  const names = await matchingTopics(admin, args);
  if (names === null || names.length === 0) return 0;
  process.stdout.write('WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\n');
  await admin.createPartitions(names.map((topic) => ({ topic, count })));
  process.stdout.write('Adding partitions succeeded!\n');
  return 0;
}
