/**
 * `sluice consumer-groups`: Kafka's kafka-consumer-groups over the Kafka protocol. One action per
 * call: --list, --describe (offsets and lag, --members [--verbose], or --state), --delete,
 * --reset-offsets (a dry run unless --execute) and --delete-offsets. Tables use Kafka's column
 * layouts and `-` for missing values. Errors go to stderr and exit with 1.
 */
import type { GroupDescription } from '../../broker/client/group-admin';
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import { KafkaClient, LATEST_TIMESTAMP } from '../../broker/client/kafka-client';
import type { TopicPartition } from '../../broker/client/partition-fetcher';
import { ErrorCode, KafkaError } from '../../broker/protocol/error-codes';
import { UsageError, clientProperties, type FlagSpec, type ParsedArgs } from './args';
import { SCENARIOS, parseTopicArg, partitionsToReset, planReset } from './consumer-groups-reset';
import { runTool } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'bootstrap-server', kind: 'value', valueName: 'host:port', description: 'REQUIRED: the broker(s) to connect to.' },
  { name: 'command-config', kind: 'value', valueName: 'file', description: 'Client properties file.' },
  { name: 'list', kind: 'boolean', description: 'List all consumer groups.' },
  { name: 'describe', kind: 'boolean', description: 'Describe consumer groups: offsets and lag (default), --members, or --state.' },
  { name: 'delete', kind: 'boolean', description: 'Delete consumer groups that have no members.' },
  { name: 'reset-offsets', kind: 'boolean', description: 'Reset the offsets of an inactive group (a dry run unless --execute).' },
  { name: 'delete-offsets', kind: 'boolean', description: 'Delete the committed offsets of topics (--topic) in a group.' },
  { name: 'group', kind: 'list', valueName: 'group', description: 'The consumer group; repeatable.' },
  { name: 'all-groups', kind: 'boolean', description: 'Apply to all consumer groups (--describe, --delete, --reset-offsets).' },
  { name: 'members', kind: 'boolean', description: 'With --describe: the members of the group.' },
  { name: 'offsets', kind: 'boolean', description: 'With --describe: offsets and lag (the default).' },
  { name: 'state', kind: 'value', valueName: 'states', implicit: '', description: 'With --describe: the group state; with --list: show states, optionally only these (comma-separated).' },
  { name: 'verbose', kind: 'boolean', description: 'With --describe --members: also each member\u2019s assignment.' },
  { name: 'topic', kind: 'list', valueName: 'topic[:partitions]', description: 'The topic (--reset-offsets, --delete-offsets); repeatable.' },
  { name: 'all-topics', kind: 'boolean', description: 'With --reset-offsets: every partition the group has an offset for.' },
  { name: 'to-earliest', kind: 'boolean', description: 'Reset to the earliest offset.' },
  { name: 'to-latest', kind: 'boolean', description: 'Reset to the latest offset.' },
  { name: 'to-current', kind: 'boolean', description: 'Reset to the current committed offset.' },
  { name: 'to-offset', kind: 'value', valueName: 'offset', description: 'Reset to this offset.' },
  { name: 'shift-by', kind: 'value', valueName: 'n', description: 'Move the committed offset by n (may be negative).' },
  { name: 'to-datetime', kind: 'value', valueName: 'datetime', description: "Reset to the first offset at or after 'YYYY-MM-DDTHH:mm:SS.sss' (optional zone)." },
  { name: 'by-duration', kind: 'value', valueName: 'duration', description: "Reset to the first offset at or after now minus an ISO-8601 duration ('PnDTnHnMnS')." },
  { name: 'dry-run', kind: 'boolean', description: 'Only show the reset plan (the default).' },
  { name: 'execute', kind: 'boolean', description: 'Carry out the reset.' },
  { name: 'timeout', kind: 'value', valueName: 'ms', description: 'Accepted for compatibility.' },
];

const DEF = { command: 'consumer-groups', summary: 'Lists, describes, deletes consumer groups and resets their offsets.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const;
const MISSING = '-';
const STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

/** Java's %-Ns: left-justified, never truncated. */
function pad(value: string | number, width: number): string {
  return String(value).padEnd(width);
}

function widest(values: readonly string[], min: number): number {
  return values.reduce((w, v) => Math.max(w, v.length), min);
}

async function main(args: ParsedArgs): Promise<number> {
  const actions = ACTIONS.filter((a) => args.has(a));
  if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`);
  const action = actions[0] as (typeof ACTIONS)[number];
  const bootstrap = args.required('bootstrap-server');
  if (action !== 'list' && !args.has('group') && !(args.has('all-groups') && action !== 'delete-offsets')) throw new UsageError(`Option --${action} takes one of these options: --group, --all-groups`);
  if (action === 'delete-offsets' && (args.list('group').length !== 1 || !args.has('topic'))) throw new UsageError('Option --delete-offsets takes the following options: --group (one), --topic');
  if (action === 'reset-offsets') checkResetArgs(args);
  if (action === 'describe' && args.value('state')) throw new UsageError('Option --describe does not take a value for --state');
  const props = clientProperties(args.value('command-config'), [], 'command-config');
  const client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'sluice-consumer-groups', requestTimeoutMs: Number(props['request.timeout.ms'] ?? 30000) });
  try {
    const admin = new KafkaAdmin(client);
    const groups = action === 'list' ? [] : args.has('all-groups') ? await consumerGroupIds(admin) : args.list('group');
    switch (action) {
      case 'list':
        return await list(admin, args);
      case 'describe':
        return await describe(admin, groups, args);
      case 'delete':
        return await remove(admin, groups);
      case 'reset-offsets':
        return await reset(admin, groups, args);
      case 'delete-offsets':
        return await deleteOffsets(admin, groups[0] as string, args);
    }
  } catch (err) {
    if (err instanceof KafkaError) {
      process.stderr.write(`Error: Executing consumer group command failed due to ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    client.close();
  }
}

function checkResetArgs(args: ParsedArgs): void {
  if (args.has('dry-run') && args.has('execute')) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
  if (!args.has('topic') && !args.has('all-topics')) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  if (args.has('topic') && args.has('all-topics')) throw new UsageError('Option [reset-offsets] takes only one of these options: --all-topics, --topic');
  if (SCENARIOS.filter((s) => args.has(s)).length !== 1) throw new UsageError(`Option [reset-offsets] takes exactly one of these options: ${SCENARIOS.map((s) => `--${s}`).join(', ')}`);
  args.int('to-offset');
  args.int('shift-by');
  if (!args.has('dry-run') && !args.has('execute')) {
    process.stderr.write(
      'WARN: No action will be performed as the --execute option is missing. In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n',
    );
  }
}

/** Consumer groups: protocol type "consumer", or "" for groups that only hold committed offsets. */
async function consumerGroupIds(admin: KafkaAdmin): Promise<string[]> {
  return (await admin.listGroups()).filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId);
}

async function list(admin: KafkaAdmin, args: ParsedArgs): Promise<number> {
  if (!args.has('state')) {
    const ids = await consumerGroupIds(admin);
    if (ids.length > 0) process.stdout.write(`${ids.join('\n')}\n`);
    return 0;
  }
  const wanted = (args.value('state') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const state = STATES.find((x) => x.toLowerCase() === s.toLowerCase());
      if (!state) throw new UsageError(`Invalid state list '${args.value('state')}'. Valid states are: ${STATES.join(', ')}`);
      return state;
    });
  const listed = (await admin.listGroups({ states: wanted })).filter((g) => (g.protocolType === 'consumer' || g.protocolType === '') && (wanted.length === 0 || g.state === null || wanted.includes(g.state)));
  const width = widest(listed.map((g) => g.groupId), 15);
  const lines = [`${pad('GROUP', width)} STATE`, ...listed.map((g) => `${pad(g.groupId, width)} ${g.state ?? 'Unknown'}`)];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Kafka's shouldPrintMemberState: notes on stderr, and whether there is a table to print. */
function printable(g: GroupDescription, rows: number): boolean {
  switch (g.state) {
    case 'Dead':
      process.stderr.write(`\nError: Consumer group '${g.groupId}' does not exist.\n`);
      return false;
    case 'Empty':
      process.stderr.write(`\nConsumer group '${g.groupId}' has no active members.\n`);
      break;
    case 'PreparingRebalance':
    case 'CompletingRebalance':
      process.stderr.write(`\nWarning: Consumer group '${g.groupId}' is rebalancing.\n`);
      break;
  }
  return rows > 0;
}

async function describe(admin: KafkaAdmin, groups: readonly string[], args: ParsedArgs): Promise<number> {
  const described = (await admin.describeGroups(groups)).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  let missing = 0;
  for (const g of described) {
    if (g.state === 'Dead') missing++;
    if (args.has('members') && !args.has('offsets')) describeMembers(g, args.has('verbose'));
    else if (args.has('state') && !args.has('offsets')) describeState(g);
    else await describeOffsets(admin, g);
  }
  return missing > 0 ? 1 : 0;
}

async function describeOffsets(admin: KafkaAdmin, g: GroupDescription): Promise<void> {
  const committed = g.state === 'Dead' ? [] : await admin.fetchOffsets(g.groupId);
  const committedAt = new Map(committed.map((c) => [`${c.topic}\u0000${c.partition}`, c.offset]));
  type Row = TopicPartition & { consumerId: string; host: string; clientId: string };
  const rows: Row[] = [];
  const assigned = new Set<string>();
  const byMember = [...g.members].filter((m) => m.assignment.some((a) => a.partitions.length > 0)).sort((a, b) => count(b.assignment) - count(a.assignment));
  for (const m of byMember) {
    const tps = m.assignment.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))).sort(byTopicPartition);
    for (const tp of tps) {
      assigned.add(`${tp.topic}\u0000${tp.partition}`);
      rows.push({ ...tp, consumerId: m.memberId, host: m.clientHost, clientId: m.clientId });
    }
  }
  for (const c of committed) if (!assigned.has(`${c.topic}\u0000${c.partition}`)) rows.push({ topic: c.topic, partition: c.partition, consumerId: MISSING, host: MISSING, clientId: MISSING });
  if (!printable(g, rows.length)) return;
  const ends = await logEndOffsets(admin, rows);
  const wGroup = Math.max(15, g.groupId.length);
  const wTopic = widest(rows.map((r) => r.topic), 15);
  const wConsumer = widest(rows.map((r) => r.consumerId), 15);
  const wHost = widest(rows.map((r) => r.host), 15);
  const line = (cols: Array<string | number>): string =>
    `\n${pad(cols[0] as string, wGroup)} ${pad(cols[1] as string, wTopic)} ${pad(cols[2] as string, 10)} ${pad(cols[3] as string, 15)} ${pad(cols[4] as string, 15)} ${pad(cols[5] as string, 15)} ${pad(cols[6] as string, wConsumer)} ${pad(cols[7] as string, wHost)} ${cols[8]}`;
  let out = line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
  for (const r of rows) {
    const key = `${r.topic}\u0000${r.partition}`;
    const current = committedAt.get(key);
    const end = ends.get(key);
    const lag = current !== undefined && end !== undefined ? String(end - current) : MISSING;
    out += line([g.groupId, r.topic, r.partition, current ?? MISSING, end ?? MISSING, lag, r.consumerId, r.host, r.clientId]);
  }
  process.stdout.write(`${out}\n`);
}

function count(assignment: ReadonlyArray<{ partitions: number[] }>): number {
  return assignment.reduce((n, a) => n + a.partitions.length, 0);
}

function byTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

async function logEndOffsets(admin: KafkaAdmin, tps: readonly TopicPartition[]): Promise<Map<string, number>> {
  const byTopic = new Map<string, Set<number>>();
  for (const tp of tps) byTopic.set(tp.topic, (byTopic.get(tp.topic) ?? new Set()).add(tp.partition));
  const out = new Map<string, number>();
  for (const [topic, partitions] of byTopic) {
    try {
      for (const o of await admin.client.listOffsets(topic, [...partitions], LATEST_TIMESTAMP)) out.set(`${topic}\u0000${o.partition}`, o.offset);
    } catch (err) {
      // A deleted topic still has committed offsets: show them without an end.
      if (!(err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) throw err;
    }
  }
  return out;
}

function describeMembers(g: GroupDescription, verbose: boolean): void {
  if (!printable(g, g.members.length)) return;
  const withInstance = g.members.some((m) => m.groupInstanceId);
  const widths = [Math.max(15, g.groupId.length), widest(g.members.map((m) => m.memberId), 15), widest(g.members.map((m) => m.groupInstanceId ?? ''), 17), widest(g.members.map((m) => m.clientHost), 15), widest(g.members.map((m) => m.clientId), 15)];
  const row = (group: string, id: string, instance: string, host: string, clientId: string, partitions: string): string =>
    `${pad(group, widths[0] as number)} ${pad(id, widths[1] as number)} ${withInstance ? `${pad(instance, widths[2] as number)} ` : ''}${pad(host, widths[3] as number)} ${pad(clientId, widths[4] as number)} ${pad(partitions, 15)} `;
  let out = `\n${row('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS')}${verbose ? 'ASSIGNMENT' : ''}\n`;
  for (const m of g.members) {
    const assignment = m.assignment
      .filter((a) => a.partitions.length > 0)
      .map((a) => `${a.topic}(${[...a.partitions].sort((x, y) => x - y).join(',')})`)
      .sort()
      .join(',');
    out += `${row(g.groupId, m.memberId, m.groupInstanceId ?? '', m.clientHost, m.clientId, String(count(m.assignment)))}${verbose ? assignment || MISSING : ''}\n`;
  }
  process.stdout.write(out);
}

function describeState(g: GroupDescription): void {
  if (!printable(g, 1)) return;
  const coordinator = `${g.coordinator.host}:${g.coordinator.port} (${g.coordinator.nodeId})`;
  const wGroup = Math.max(15, g.groupId.length);
  const wCoordinator = Math.max(25, coordinator.length);
  const line = (a: string, b: string, c: string, d: string, e: string | number): string => `\n${pad(a, wGroup)} ${pad(b, wCoordinator)} ${pad(c, 20)} ${pad(d, 20)} ${e}`;
  process.stdout.write(`${line('GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS')}${line(g.groupId, coordinator, g.protocol || MISSING, g.state, g.members.length)}\n`);
}

/** Kafka's exception messages for the group errors a command reports. */
function kafkaMessage(err: KafkaError): string {
  switch (err.code) {
    case ErrorCode.NON_EMPTY_GROUP:
      return 'The group is not empty.';
    case ErrorCode.GROUP_ID_NOT_FOUND:
      return 'The group id does not exist.';
    case ErrorCode.INVALID_GROUP_ID:
      return 'The configured groupId is invalid.';
    case ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC:
      return 'The consumer group is actively subscribed to the topic.';
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return 'This server does not host this topic-partition.';
    default:
      return err.message;
  }
}

async function remove(admin: KafkaAdmin, groups: readonly string[]): Promise<number> {
  const results = await admin.deleteGroups(groups);
  const failed = results.filter((r) => r.error);
  const ok = results.filter((r) => !r.error).map((r) => `'${r.groupId}'`);
  if (failed.length === 0) {
    process.stdout.write(`Deletion of requested consumer groups (${ok.join(', ')}) was successful.\n`);
    return 0;
  }
  const lines = ['', 'Error: Deletion of some consumer groups failed:', ...failed.map((r) => `* Group '${r.groupId}' could not be deleted due to: ${kafkaMessage(r.error as KafkaError)}`)];
  process.stderr.write(`${lines.join('\n')}\n`);
  if (ok.length > 0) process.stdout.write(`\nThese consumer groups were deleted successfully: ${ok.join(', ')}\n`);
  return 1;
}

async function reset(admin: KafkaAdmin, groups: readonly string[], args: ParsedArgs): Promise<number> {
  const execute = args.has('execute');
  const plans: Array<{ groupId: string; offsets: Array<TopicPartition & { offset: number }> }> = [];
  let refused = 0;
  for (const g of await admin.describeGroups(groups)) {
    if (g.state !== 'Empty' && g.state !== 'Dead') {
      process.stderr.write(`\nError: Assignments can only be reset if the group '${g.groupId}' is inactive, but the current state is ${g.state}.\n`);
      refused++;
      continue;
    }
    const offsets = await planReset(admin, g.groupId, await partitionsToReset(admin, g.groupId, args), args, (line) => process.stdout.write(`${line}\n`));
    if (execute) await admin.commitOffsets(g.groupId, offsets);
    plans.push({ groupId: g.groupId, offsets });
  }
  const rows = plans.flatMap((p) => p.offsets.map((o) => ({ groupId: p.groupId, ...o })));
  if (rows.length > 0) {
    const wGroup = widest(rows.map((r) => r.groupId), 15);
    const wTopic = widest(rows.map((r) => r.topic), 15);
    const line = (a: string, b: string, c: string | number, d: string | number): string => `\n${pad(a, wGroup)} ${pad(b, wTopic)} ${pad(c, 10)} ${d}`;
    process.stdout.write(`${line('GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET')}${rows.map((r) => line(r.groupId, r.topic, r.partition, r.offset)).join('')}\n`);
  }
  return refused > 0 ? 1 : 0;
}

async function deleteOffsets(admin: KafkaAdmin, groupId: string, args: ParsedArgs): Promise<number> {
  const partitions: Array<{ topic: string; partitions: number[] }> = [];
  for (const arg of args.list('topic')) {
    const { topic, partitions: given } = parseTopicArg(arg);
    partitions.push({ topic, partitions: given ?? (await admin.client.topic(topic)).partitions.map((p) => p.partition) });
  }
  const result = await admin.deleteOffsets(groupId, partitions);
  const top = result.error;
  if (!top) process.stdout.write(`Request succeeded for deleting offsets from group ${groupId}.\n`);
  else if (top.code === ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC || top.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) process.stderr.write('\nError: Encountered some partition-level error, see the follow-up details.\n');
  else process.stderr.write(`\nError: ${kafkaMessage(top)}\n`);
  const rows = [...result.partitions].sort(byTopicPartition);
  if (rows.length > 0) {
    const wTopic = widest(rows.map((r) => r.topic), 15);
    const line = (a: string, b: string | number, c: string): string => `\n${pad(a, wTopic)} ${pad(b, 10)} ${pad(c, 15)}`;
    process.stdout.write(`${line('TOPIC', 'PARTITION', 'STATUS')}${rows.map((r) => line(r.topic, r.partition, r.error ? `Error: ${kafkaMessage(r.error)}` : 'Successful')).join('')}\n`);
  }
  return top || rows.some((r) => r.error) ? 1 : 0;
}
