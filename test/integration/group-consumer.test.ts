/**
 * GroupConsumer against the real broker's group coordinator: two members split a topic, a member
 * that closes hands its partitions over at its committed offsets (nothing read twice, nothing
 * skipped), a new member resumes from the commits, static membership survives a restart, and
 * the admin sees members, assignments and offsets.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import { GroupConsumer, type GroupConsumerOptions } from '../../broker/client/group-consumer';
import { KafkaClient } from '../../broker/client/kafka-client';
import { buildRecordBatch } from '../../broker/client/record-batch-builder';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';
import { RunningKcat } from '../helpers/kcat';

let b: InProcessBroker;
let client: KafkaClient;
let admin: KafkaAdmin;

beforeAll(async () => {
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3' });
  client = await KafkaClient.connect({ bootstrapServers: b.bootstrap, clientId: 'group-test' });
  admin = new KafkaAdmin(client);
});

afterAll(async () => {
  client.close();
  await b.stop();
  removeDir(b.logDir);
});

/** Appends `n` records to each partition, valued `<partition>:<i>` from `from`. */
async function produce(topic: string, partitions: number, n: number, from = 0): Promise<void> {
  for (let p = 0; p < partitions; p++) {
    const batch = buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`${p}:${from + i}`) })));
    await client.produce({ topic, partition: p, batch });
  }
}

const FAST: Partial<GroupConsumerOptions> = { sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, heartbeatIntervalMs: 200, autoCommitIntervalMs: 200, maxWaitMs: 100, autoOffsetReset: 'earliest' };

/** A consumer polling in the background, recording what it read. */
class Member {
  readonly seen: string[] = [];
  readonly consumer: GroupConsumer;
  private running = true;
  private readonly loop: Promise<void>;
  error: Error | null = null;

  constructor(groupId: string, topic: string, extra: Partial<GroupConsumerOptions> = {}, ownClient = client) {
    this.consumer = new GroupConsumer(ownClient, { groupId, topics: [topic], ...FAST, ...extra });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        for (const p of await this.consumer.poll()) for (const r of p.records) this.seen.push(`${p.partition}@${r.offset}=${r.value?.toString()}`);
      } catch (err) {
        this.error = err as Error;
        await sleep(100);
      }
    }
  }

  partitions(): number[] {
    return this.consumer.assignment().map((tp) => tp.partition);
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.consumer.close();
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('two members split four partitions 2/2; when one closes the other takes all four at the committed offsets', async () => {
  await admin.createTopics([{ name: 'split', numPartitions: 4 }]);
  await produce('split', 4, 5);
  const a = new Member('g-split', 'split', {}, client);
  await until(() => a.partitions().length === 4, 'the first member to get all partitions');
  // A second client: each member's coordinator traffic has its own connection either way.
  const other = await KafkaClient.connect({ bootstrapServers: b.bootstrap, clientId: 'group-test-b' });
  const bm = new Member('g-split', 'split', {}, other);
  try {
    await until(() => a.partitions().length === 2 && bm.partitions().length === 2 && a.consumer.generationId === bm.consumer.generationId, 'a 2/2 split');
    expect([...a.partitions(), ...bm.partitions()].sort()).toEqual([0, 1, 2, 3]);
    expect(a.consumer.protocolName).toBe('range');
    // Range gives contiguous ranges in member-id order.
    const [first, second] = [a, bm].sort((x, y) => (x.consumer.memberId < y.consumer.memberId ? -1 : 1));
    expect(first?.partitions()).toEqual([0, 1]);
    expect(second?.partitions()).toEqual([2, 3]);

    const [group] = await admin.describeGroups(['g-split']);
    expect(group).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(group?.members.map((m) => m.memberId).sort()).toEqual([a.consumer.memberId, bm.consumer.memberId].sort());
    expect(group?.members.find((m) => m.memberId === bm.consumer.memberId)).toMatchObject({ clientId: 'group-test-b', topics: ['split'], assignment: [{ topic: 'split', partitions: bm.partitions() }] });

    await produce('split', 4, 5, 5);
    await until(() => a.seen.length + bm.seen.length === 40, 'all 40 records');
    await bm.close();
    await until(() => a.partitions().length === 4, 'the remaining member to take all four partitions');
    await produce('split', 4, 5, 10);
    await until(() => a.seen.length + bm.seen.length === 60, 'all 60 records');
    await sleep(300);
    // Every record exactly once across both members.
    const all = [...a.seen, ...bm.seen].sort();
    expect(new Set(all).size).toBe(60);
    for (let p = 0; p < 4; p++) for (let i = 0; i < 15; i++) expect(all).toContain(`${p}@${i}=${p}:${i}`);
  } finally {
    await a.close();
    await bm.close().catch(() => undefined);
    other.close();
  }
  expect(a.error).toBeNull();
  const offsets = await admin.fetchOffsets('g-split');
  expect(offsets.map((o) => [o.partition, o.offset])).toEqual([
    [0, 15],
    [1, 15],
    [2, 15],
    [3, 15],
  ]);
  expect((await admin.describeGroups(['g-split']))[0]?.state).toBe('Empty');

  // A new member resumes from the commits: it reads only what came later.
  await produce('split', 4, 1, 15);
  const c = new Member('g-split', 'split');
  try {
    await until(() => c.seen.length === 4, 'the four new records');
    await sleep(300);
    expect(c.seen.sort()).toEqual(['0@15=0:15', '1@15=1:15', '2@15=2:15', '3@15=3:15']);
  } finally {
    await c.close();
  }
});

test('commitSync, committed() and latest reset without auto-commit; roundrobin when asked', async () => {
  await admin.createTopics([{ name: 'manual', numPartitions: 2 }]);
  await produce('manual', 2, 3);
  const consumer = new GroupConsumer(client, { groupId: 'g-manual', topics: ['manual'], ...FAST, autoCommit: false, autoOffsetReset: 'latest', assignors: ['roundrobin'] });
  try {
    expect(await consumer.join()).toEqual([
      { topic: 'manual', partition: 0 },
      { topic: 'manual', partition: 1 },
    ]);
    expect(consumer.protocolName).toBe('roundrobin');
    expect(consumer.isLeader).toBe(true);
    expect([consumer.position('manual', 0), consumer.position('manual', 1)]).toEqual([3, 3]);
    expect(await consumer.committed()).toEqual([]);
    await produce('manual', 2, 1, 3);
    let got = 0;
    await until(async () => {
      for (const p of await consumer.poll()) got += p.records.length;
      return got === 2;
    }, 'two new records');
    await consumer.commitSync();
    expect((await consumer.committed()).map((o) => o.offset)).toEqual([4, 4]);
    await consumer.commitSync([{ topic: 'manual', partition: 1, offset: 2, metadata: 'rewind' }]);
    expect(await consumer.committed([{ topic: 'manual', partition: 1 }])).toEqual([{ topic: 'manual', partition: 1, offset: 2, leaderEpoch: -1, metadata: 'rewind' }]);
  } finally {
    await consumer.close();
  }
  // Closing without auto-commit does not commit the positions.
  expect((await admin.fetchOffsets('g-manual')).map((o) => o.offset)).toEqual([4, 2]);
});

test('the revocation listener may commit while the consumer closes, and nothing may poll during it', async () => {
  await admin.createTopics([{ name: 'revoked', numPartitions: 1 }]);
  await produce('revoked', 1, 5);
  let pollDuringClose: unknown = null;
  const consumer: GroupConsumer = new GroupConsumer(client, {
    groupId: 'g-revoked', topics: ['revoked'], ...FAST, autoCommit: false,
    listener: {
      onPartitionsRevoked: async (parts) => {
        pollDuringClose = await consumer.poll().then(() => 'polled', (err: Error) => err.message);
        await consumer.commitSync(parts.map((p) => ({ topic: p.topic, partition: p.partition, offset: 5 })));
      },
    },
  });
  await consumer.join();
  await consumer.close();
  expect(pollDuringClose).toBe("the consumer of group 'g-revoked' is closed");
  expect((await admin.fetchOffsets('g-revoked')).map((o) => o.offset)).toEqual([5]);
});

test('a static member that restarts keeps its seat and its assignment without waiting for the session timeout', async () => {
  await admin.createTopics([{ name: 'static', numPartitions: 2 }]);
  const first = new GroupConsumer(client, { groupId: 'g-static', topics: ['static'], ...FAST, groupInstanceId: 'instance-1' });
  await first.join();
  const generation = first.generationId;
  await first.close();
  // No LeaveGroup for a static member: it is still in the group.
  const [before] = await admin.describeGroups(['g-static']);
  expect(before?.members.map((m) => m.groupInstanceId)).toEqual(['instance-1']);
  const again = new GroupConsumer(client, { groupId: 'g-static', topics: ['static'], ...FAST, groupInstanceId: 'instance-1' });
  try {
    const started = Date.now();
    expect(await again.join()).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(again.generationId).toBeGreaterThanOrEqual(generation);
    const [after] = await admin.describeGroups(['g-static']);
    expect(after?.members).toHaveLength(1);
    expect(after?.members[0]).toMatchObject({ groupInstanceId: 'instance-1', memberId: again.memberId });
  } finally {
    await again.close();
  }
});

test('admin: list, simple commits, offset deletion and group deletion', async () => {
  await admin.createTopics([{ name: 'adm', numPartitions: 2 }]);
  await produce('adm', 2, 4);
  await admin.commitOffsets('g-admin', [
    { topic: 'adm', partition: 0, offset: 1 },
    { topic: 'adm', partition: 1, offset: 3 },
  ]);
  expect((await admin.fetchOffsets('g-admin', ['adm'])).map((o) => [o.partition, o.offset])).toEqual([
    [0, 1],
    [1, 3],
  ]);
  expect((await admin.listGroups()).find((g) => g.groupId === 'g-admin')).toMatchObject({ state: 'Empty' });
  const deleted = await admin.deleteOffsets('g-admin', [{ topic: 'adm', partitions: [0] }]);
  expect(deleted).toEqual({ error: null, partitions: [{ topic: 'adm', partition: 0, error: null }] });
  expect((await admin.fetchOffsets('g-admin')).map((o) => o.partition)).toEqual([1]);
  expect(await admin.deleteGroups(['g-admin'])).toEqual([{ groupId: 'g-admin', error: null }]);
  expect(await admin.fetchOffsets('g-admin')).toEqual([]);
  const [gone] = await admin.describeGroups(['g-admin']);
  expect(gone?.state).toBe('Dead');
  const [missing] = await admin.deleteGroups(['never-was']);
  expect(missing?.error?.message).toContain('GROUP_ID_NOT_FOUND');
});

test('shares a group with kcat (librdkafka, range/roundrobin): the partitions are split between the two', async () => {
  await admin.createTopics([{ name: 'mixed', numPartitions: 4 }]);
  await produce('mixed', 4, 2);
  const ours = new Member('g-mixed', 'mixed');
  const theirs = new RunningKcat(['-b', b.bootstrap, '-u', '-G', 'g-mixed', '-X', 'session.timeout.ms=6000', '-X', 'auto.offset.reset=earliest', '-X', 'client.id=kcat-member', '-f', '%p@%o=%s\\n', 'mixed']);
  try {
    await until(async () => {
      const [g] = await admin.describeGroups(['g-mixed']);
      return g?.state === 'Stable' && g.members.length === 2 && ours.partitions().length === 2;
    }, 'a stable group of two');
    const [g] = await admin.describeGroups(['g-mixed']);
    const kcatMember = g?.members.find((m) => m.clientId === 'kcat-member');
    expect(kcatMember?.topics).toEqual(['mixed']);
    const kcatPartitions = kcatMember?.assignment.flatMap((a) => a.partitions) ?? [];
    expect([...kcatPartitions, ...ours.partitions()].sort()).toEqual([0, 1, 2, 3]);
    await produce('mixed', 4, 1, 2);
    await until(() => theirs.lines.length + ours.seen.length >= 12, 'all 12 records between the two');
    const read = [...theirs.lines, ...ours.seen].sort();
    expect(new Set(read).size).toBe(read.length);
  } finally {
    await theirs.kill('SIGTERM');
    await ours.close();
  }
});
