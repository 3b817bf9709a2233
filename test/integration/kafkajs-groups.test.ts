/**
 * kafkajs 2.2.4 consumer groups against the coordinator: three consumers join (rebalancing on
 * each join), split the partitions, read every message once, rebalance when one leaves, commit, and
 * a later consumer resumes from the committed offsets. Then the admin calls on groups.
 */
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';

let b: InProcessBroker;
let kafka: Kafka;
let admin: Admin;
/** Every consumer started, so that a failed test cannot leave one reconnecting forever. */
const consumers: Consumer[] = [];

beforeAll(async () => {
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '300', 'offsets.topic.num.partitions': '5' });
  kafka = new Kafka({ clientId: 'kjs-groups', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'kjs-g', numPartitions: 6 }] });
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  await admin.disconnect();
  await b.stop();
  removeDir(b.logDir);
});

async function produce(prefix: string, count: number): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await producer.send({ topic: 'kjs-g', messages: values.map((value, i) => ({ key: `k${i}`, value })) });
  await producer.disconnect();
  return values;
}

interface Member {
  consumer: Consumer;
  seen: string[];
  assigned: () => number[];
}

/** kafkajs heartbeats between fetches: a short fetch wait lets members notice rebalances quickly. */
async function member(groupId: string): Promise<Member> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 10000, maxWaitTimeInMs: 200 });
  consumers.push(consumer);
  const seen: string[] = [];
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assignment = [...(e.payload.memberAssignment['kjs-g'] ?? [])].sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: 'kjs-g', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(String(message.value));
    },
  });
  return { consumer, seen, assigned: () => assignment };
}

async function until(check: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sorted = (xs: string[]): string[] => [...xs].sort();

test('three consumers split the topic, rebalance on join and leave, and commit where a new consumer resumes', async () => {
  const first = await produce('first', 600);
  const members = [await member('kjs-group')];
  members.push(await member('kjs-group'));
  members.push(await member('kjs-group'));
  await until(() => members.every((m) => m.assigned().length === 2), 'a 2/2/2 split');
  expect(members.flatMap((m) => m.assigned()).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  await until(() => members.reduce((n, m) => n + m.seen.length, 0) >= first.length, 'all first-phase messages');
  expect(sorted(members.flatMap((m) => m.seen))).toEqual(sorted(first));

  const described = await admin.describeGroups(['kjs-group']);
  expect(described.groups[0]).toMatchObject({ groupId: 'kjs-group', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
  expect(described.groups[0]?.members).toHaveLength(3);

  // A leaving member commits, sends LeaveGroup, and its partitions move to the other two.
  const leaver = members.pop() as Member;
  await leaver.consumer.disconnect();
  await until(() => members.every((m) => m.assigned().length === 3), 'a 3/3 split after the leave');
  const before = members.map((m) => m.seen.length);
  const second = await produce('second', 300);
  await until(() => members.reduce((n, m, i) => n + m.seen.length - (before[i] as number), 0) >= second.length, 'all second-phase messages');
  expect(sorted(members.flatMap((m, i) => m.seen.slice(before[i])))).toEqual(sorted(second));
  for (const m of members) await m.consumer.disconnect();

  const offsets = await admin.fetchOffsets({ groupId: 'kjs-group', topics: ['kjs-g'] });
  const total = offsets[0]?.partitions.reduce((n, p) => n + Number(p.offset), 0);
  expect(total).toBe(first.length + second.length);

  const third = await produce('third', 60);
  const late = await member('kjs-group');
  await until(() => late.seen.length >= third.length, 'the third-phase messages');
  await new Promise((r) => setTimeout(r, 300));
  expect(sorted(late.seen)).toEqual(sorted(third));
  await late.consumer.disconnect();
}, 90000);

test('admin: listGroups, describeGroups, fetchOffsets, resetOffsets, setOffsets, deleteGroups', async () => {
  await produce('admin', 30);
  await admin.setOffsets({ groupId: 'kjs-admin', topic: 'kjs-g', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '3' }] });
  const listed = await admin.listGroups();
  expect(listed.groups.map((g) => g.groupId)).toContain('kjs-admin');
  const fetched = await admin.fetchOffsets({ groupId: 'kjs-admin', topics: ['kjs-g'] });
  const byPartition = new Map(fetched[0]?.partitions.map((p) => [p.partition, p.offset]));
  expect(byPartition.get(0)).toBe('7');
  expect(byPartition.get(1)).toBe('3');
  expect(byPartition.get(2)).toBe('-1');

  await admin.resetOffsets({ groupId: 'kjs-admin', topic: 'kjs-g', earliest: true });
  const reset = await admin.fetchOffsets({ groupId: 'kjs-admin', topics: ['kjs-g'] });
  expect(reset[0]?.partitions.every((p) => p.offset === '-2')).toBe(true);
  // A consumer resolves the reset to the log start: it reads everything again.
  const m = await member('kjs-admin');
  await until(() => m.seen.length > 0, 'the consumer after a reset');
  await m.consumer.disconnect();

  const described = await admin.describeGroups(['kjs-admin', 'kjs-never']);
  expect(described.groups.map((g) => g.state)).toEqual(['Empty', 'Dead']);
  expect(await admin.deleteGroups(['kjs-admin'])).toEqual([expect.objectContaining({ groupId: 'kjs-admin', errorCode: 0 })]);
  expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('kjs-admin');
  await expect(admin.deleteGroups(['kjs-admin'])).rejects.toThrow();
}, 60000);
