/**
 * `sluice consumer-groups` and `console-consumer --group` end to end, as child processes of the
 * built CLI against a real broker: committed offsets and lag, members and state of a live group
 * (kcat, i.e. librdkafka, as the member), offset resets with Kafka's refusals and warnings, and
 * offset and group deletion.
 */
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import { KafkaClient } from '../../broker/client/kafka-client';
import { buildRecordBatch } from '../../broker/client/record-batch-builder';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';
import { RunningKcat } from '../helpers/kcat';
import { requireBuiltCli, sluice } from '../helpers/sluice-cli';

let b: InProcessBroker;
let bs: string[];
let client: KafkaClient;
let admin: KafkaAdmin;

beforeAll(async () => {
  requireBuiltCli();
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3' });
  bs = ['--bootstrap-server', b.bootstrap];
  client = await KafkaClient.connect({ bootstrapServers: b.bootstrap });
  admin = new KafkaAdmin(client);
  await admin.createTopics([{ name: 'cg', numPartitions: 3 }]);
  for (let p = 0; p < 3; p++) {
    await client.produce({ topic: 'cg', partition: p, batch: buildRecordBatch(Array.from({ length: 5 }, (_, i) => ({ key: null, value: Buffer.from(`p${p}-${i}`) }))) });
  }
});

afterAll(async () => {
  client.close();
  await b.stop();
  removeDir(b.logDir);
});

/** The data rows of a table printed after a blank line and a header, split on runs of spaces. */
function rows(stdout: string): string[][] {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(1).map((l) => l.trim().split(/\s+/));
}

const committed = async (group: string): Promise<number[]> => (await admin.fetchOffsets(group)).map((o) => o.offset);
const CONSUMER_FAST = ['--consumer-property', 'session.timeout.ms=6000', '--consumer-property', 'heartbeat.interval.ms=500'];

test('console-consumer --group commits exactly what it printed and the next run resumes there', async () => {
  const first = await sluice(['console-consumer', ...bs, '--topic', 'cg', '--group', 'cli-g', '--from-beginning', '--max-messages', '10', ...CONSUMER_FAST]);
  expect(first.code).toBe(0);
  expect(first.stdout.trimEnd().split('\n')).toHaveLength(10);
  expect(first.stderr).toContain('Processed a total of 10 messages');
  expect((await committed('cli-g')).reduce((a, n) => a + n, 0)).toBe(10);

  const listed = await sluice(['consumer-groups', ...bs, '--list']);
  expect(listed.code).toBe(0);
  expect(listed.stdout.split('\n')).toContain('cli-g');

  const described = await sluice(['consumer-groups', ...bs, '--describe', '--group', 'cli-g']);
  expect(described.code).toBe(0);
  expect(described.stderr).toBe("\nConsumer group 'cli-g' has no active members.\n");
  expect(described.stdout).toMatch(/^\nGROUP {11}TOPIC {11}PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG {13}CONSUMER-ID {5}HOST {12}CLIENT-ID\n/);
  const table = rows(described.stdout);
  expect(table.map((r) => [r[0], r[1], r[2], r[4], r[6], r[7], r[8]])).toEqual([0, 1, 2].map((p) => ['cli-g', 'cg', String(p), '5', '-', '-', '-']));
  expect(table.reduce((n, r) => n + Number(r[3]), 0)).toBe(10);
  expect(table.reduce((n, r) => n + Number(r[5]), 0)).toBe(5);

  const second = await sluice(['console-consumer', ...bs, '--topic', 'cg', '--group', 'cli-g', '--from-beginning', '--timeout-ms', '1500', ...CONSUMER_FAST]);
  expect(second.code).toBe(0);
  expect(second.stdout.trimEnd().split('\n')).toHaveLength(5);
  expect(first.stdout.split('\n').filter((l) => second.stdout.split('\n').includes(l) && l !== '')).toEqual([]);
  expect(await committed('cli-g')).toEqual([5, 5, 5]);

  const withPartition = await sluice(['console-consumer', ...bs, '--topic', 'cg', '--group', 'cli-g', '--partition', '0']);
  expect(withPartition.code).toBe(1);
  expect(withPartition.stderr).toContain('Options group and partition cannot be specified together.');
});

test('a live kcat group: describe offsets, members and state; reset and delete are refused', async () => {
  const member = new RunningKcat(['-b', b.bootstrap, '-u', '-G', 'cli-live', '-X', 'session.timeout.ms=6000', '-X', 'auto.offset.reset=earliest', '-X', 'client.id=kcat-member', 'cg']);
  try {
    await member.waitFor(() => member.lines.length === 15, 'kcat reading all 15 records');
    const deadline = Date.now() + 15000;
    let state = await sluice(['consumer-groups', ...bs, '--describe', '--group', 'cli-live', '--state']);
    while (!state.stdout.includes('Stable') && Date.now() < deadline) state = await sluice(['consumer-groups', ...bs, '--describe', '--group', 'cli-live', '--state']);
    expect(state.code).toBe(0);
    expect(state.stdout).toMatch(/^\nGROUP {11}COORDINATOR \(ID\) {10}ASSIGNMENT-STRATEGY  STATE {16}#MEMBERS\ncli-live {8}127\.0\.0\.1:\d+ \(\d+\) +range {16}Stable {15}1\n$/);

    const members = await sluice(['consumer-groups', ...bs, '--describe', '--group', 'cli-live', '--members', '--verbose']);
    expect(members.code).toBe(0);
    expect(members.stdout.split('\n')[1]).toMatch(/^GROUP +CONSUMER-ID +HOST +CLIENT-ID +#PARTITIONS +ASSIGNMENT$/);
    expect(rows(members.stdout)).toEqual([['cli-live', expect.stringMatching(/^kcat-member-/), expect.any(String), 'kcat-member', '3', 'cg(0,1,2)']]);

    // kcat commits asynchronously (auto.commit.interval.ms 5 s): wait for its offsets.
    while ((await committed('cli-live')).join() !== '5,5,5' && Date.now() < deadline + 10000) await new Promise((r) => setTimeout(r, 200));
    const offsets = await sluice(['consumer-groups', ...bs, '--describe', '--group', 'cli-live']);
    expect(offsets.stderr).toBe('');
    expect(rows(offsets.stdout).map((r) => [r[2], r[3], r[4], r[5], r[8]])).toEqual([0, 1, 2].map((p) => [String(p), '5', '5', '0', 'kcat-member']));

    const reset = await sluice(['consumer-groups', ...bs, '--reset-offsets', '--group', 'cli-live', '--topic', 'cg', '--to-earliest', '--execute']);
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain("Error: Assignments can only be reset if the group 'cli-live' is inactive, but the current state is Stable.");
    const deleted = await sluice(['consumer-groups', ...bs, '--delete', '--group', 'cli-live']);
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toContain("* Group 'cli-live' could not be deleted due to: The group is not empty.");
  } finally {
    await member.kill('SIGTERM');
  }
});

test('reset-offsets: dry run by default, then each scenario with --execute', async () => {
  await admin.commitOffsets('cli-reset', [0, 1, 2].map((partition) => ({ topic: 'cg', partition, offset: 3 })));
  const dry = await sluice(['consumer-groups', ...bs, '--reset-offsets', '--group', 'cli-reset', '--topic', 'cg', '--to-earliest']);
  expect(dry.code).toBe(0);
  expect(dry.stderr).toContain('WARN: No action will be performed as the --execute option is missing.');
  expect(dry.stdout).toBe(`\nGROUP           TOPIC           PARTITION  NEW-OFFSET${[0, 1, 2].map((p) => `\ncli-reset       cg              ${p}          0`).join('')}\n`);
  expect(await committed('cli-reset')).toEqual([3, 3, 3]);

  const run = async (...scenario: string[]): Promise<number[]> => {
    const r = await sluice(['consumer-groups', ...bs, '--reset-offsets', '--group', 'cli-reset', '--execute', ...scenario]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return committed('cli-reset');
  };
  expect(await run('--topic', 'cg', '--to-offset', '2')).toEqual([2, 2, 2]);
  expect(await run('--topic', 'cg:0,2', '--shift-by', '-5')).toEqual([0, 2, 0]);
  expect(await run('--all-topics', '--shift-by', '4')).toEqual([4, 5, 4]);
  expect(await run('--topic', 'cg:1', '--to-earliest')).toEqual([4, 0, 4]);
  expect(await run('--topic', 'cg', '--to-latest')).toEqual([5, 5, 5]);
  expect(await run('--topic', 'cg', '--to-datetime', '2000-01-01T00:00:00.000')).toEqual([0, 0, 0]);
  expect(await run('--topic', 'cg', '--to-offset', '99')).toEqual([5, 5, 5]);
  expect(await run('--topic', 'cg', '--by-duration', 'P1D')).toEqual([0, 0, 0]);

  const both = await sluice(['consumer-groups', ...bs, '--reset-offsets', '--group', 'cli-reset', '--topic', 'cg', '--to-earliest', '--dry-run', '--execute']);
  expect(both.code).toBe(1);
  expect(both.stderr).toContain('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
  const none = await sluice(['consumer-groups', ...bs, '--reset-offsets', '--group', 'cli-reset', '--topic', 'cg', '--dry-run']);
  expect(none.code).toBe(1);
});

test('delete-offsets, delete, missing groups, and --list --state', async () => {
  await admin.commitOffsets('cli-del', [0, 1].map((partition) => ({ topic: 'cg', partition, offset: 1 })));
  const states = await sluice(['consumer-groups', ...bs, '--list', '--state']);
  expect(states.stdout.split('\n')[0]).toBe('GROUP           STATE');
  expect(states.stdout).toMatch(/\ncli-del {9}Empty\n/);
  const onlyStable = await sluice(['consumer-groups', ...bs, '--list', '--state', 'stable']);
  expect(onlyStable.stdout).not.toContain('cli-del');

  const offsets = await sluice(['consumer-groups', ...bs, '--delete-offsets', '--group', 'cli-del', '--topic', 'cg:0']);
  expect(offsets.code).toBe(0);
  expect(offsets.stdout).toBe('Request succeeded for deleting offsets from group cli-del.\n\nTOPIC           PARTITION  STATUS         \ncg              0          Successful     \n');
  expect((await admin.fetchOffsets('cli-del')).map((o) => o.partition)).toEqual([1]);

  const deleted = await sluice(['consumer-groups', ...bs, '--delete', '--group', 'cli-del']);
  expect(deleted).toMatchObject({ code: 0, stdout: "Deletion of requested consumer groups ('cli-del') was successful.\n" });
  expect((await sluice(['consumer-groups', ...bs, '--list'])).stdout.split('\n')).not.toContain('cli-del');

  const again = await sluice(['consumer-groups', ...bs, '--delete', '--group', 'cli-del']);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("* Group 'cli-del' could not be deleted due to: The group id does not exist.");
  const missing = await sluice(['consumer-groups', ...bs, '--describe', '--group', 'nope']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("Error: Consumer group 'nope' does not exist.");
  const noAction = await sluice(['consumer-groups', ...bs, '--group', 'x']);
  expect(noAction.code).toBe(1);
  expect(noAction.stderr).toContain('Command must include exactly one action');
});

test('consumer-perf-test --group reads as a group member and reports the join as rebalance time', async () => {
  const r = await sluice(['consumer-perf-test', ...bs, '--topic', 'cg', '--group', 'cli-perf', '--messages', '15', '--timeout', '5000', '--hide-header']);
  expect(r.code).toBe(0);
  const fields = r.stdout.trim().split(', ');
  expect(fields[4]).toBe('15');
  expect(Number(fields[6])).toBeGreaterThanOrEqual(0);
  // It commits nothing, and left the group.
  expect(await admin.fetchOffsets('cli-perf')).toEqual([]);
  expect((await admin.describeGroups(['cli-perf']))[0]?.state).toMatch(/Empty|Dead/);
});
