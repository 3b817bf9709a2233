/**
 * The embedded client: the same KafkaClient, Producer, consumers and admin, connected to a broker
 * in this process through in-memory pipes instead of TCP. Topics are created and described,
 * 100k records produced with acks=all and read back by an AssignedConsumer and by a consumer group
 * whose second member resumes at the first one's commits, and the broker's TCP listener never sees
 * a connection. Stopping the broker under a connected client fails its calls with ConnectionErrors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AssignedConsumer } from '../../broker/client/assigned-consumer';
import { ConnectionError } from '../../broker/client/errors';
import { GroupConsumer, type GroupConsumerOptions } from '../../broker/client/group-consumer';
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import { KafkaClient } from '../../broker/client/kafka-client';
import { Producer } from '../../broker/client/producer';
import { embeddedClientOptions } from '../../broker/client/transport';
import type { ConsumedRecord } from '../../broker/client/record-batch-reader';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';

const N = 100_000;
const TOPIC = 'embedded-records';
const PARTITIONS = 4;

let b: InProcessBroker;
let client: KafkaClient;
let admin: KafkaAdmin;

beforeAll(async () => {
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3' });
  client = await KafkaClient.connectEmbedded(b.broker, { clientId: 'embedded-test' });
  admin = new KafkaAdmin(client);
});

afterAll(async () => {
  client.close();
  await b.stop();
  removeDir(b.logDir);
});

/** A 100-byte value that starts with the record's number. */
function value(i: number): Buffer {
  return Buffer.from(`${String(i).padStart(8, '0')}:`.padEnd(100, 'x'));
}

function indexOf(r: ConsumedRecord): number {
  return Number((r.value as Buffer).subarray(0, 8).toString());
}

/** Counts a record in a per-record tally. */
function mark(seen: Uint8Array, r: ConsumedRecord): void {
  const i = indexOf(r);
  seen[i] = (seen[i] ?? 0) + 1;
}

test('the embedded client talks to the broker without TCP', async () => {
  expect(client.clusterId).toBe(b.broker.services.clusterId);
  const [node] = [...client.clusterMetadata.brokers.values()];
  // Addresses are the broker's advertised ones, as over TCP; only the transport differs.
  expect(`${node?.host}:${node?.port}`).toBe(b.broker.advertisedAddress);
  expect(b.broker.connectionStats.open.inProcess).toBeGreaterThan(0);
  expect(b.broker.connectionStats.accepted.tcp).toBe(0);
  expect(embeddedClientOptions(b.broker).bootstrapServers).toBe(b.bootstrap);
});

test('KafkaAdmin creates, lists and describes topics', async () => {
  const created = await admin.createTopics([
    { name: TOPIC, numPartitions: PARTITIONS },
    { name: 'embedded-compacted', numPartitions: 1, configs: { 'cleanup.policy': 'compact' } },
  ]);
  expect(created.map((t) => [t.name, t.numPartitions])).toEqual([
    [TOPIC, PARTITIONS],
    ['embedded-compacted', 1],
  ]);
  expect(await admin.listTopics()).toEqual(expect.arrayContaining([TOPIC, 'embedded-compacted']));
  const [described] = await admin.describeTopics(['embedded-compacted'], { includeConfigs: true });
  expect(described?.partitions).toHaveLength(1);
  expect(described?.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG' });
  const [records] = await admin.describeTopics([TOPIC]);
  expect(records?.partitions.map((p) => p.leader)).toEqual(Array(PARTITIONS).fill(b.broker.config.nodeId));
});

test(`a Producer with acks=all writes ${N} records and an AssignedConsumer reads them all back in order`, async () => {
  const producer = new Producer(client, { acks: -1 });
  for (let i = 0; i < N; i++) {
    const wait = producer.send({ topic: TOPIC, key: Buffer.from(`key-${i % 1000}`), value: value(i) });
    if (wait) await wait;
  }
  await producer.flush();
  producer.close();
  const ends = await client.listOffsets(TOPIC, [0, 1, 2, 3], -1);
  expect(ends.reduce((sum, o) => sum + o.offset, 0)).toBe(N);

  const consumer = await AssignedConsumer.create(client, { topic: TOPIC, start: 'earliest', maxWaitMs: 100 });
  const seen = new Uint8Array(N);
  const last = new Map<number, number>();
  const outOfOrder: string[] = [];
  let count = 0;
  while (count < N) {
    for (const p of await consumer.poll()) {
      for (const r of p.records) {
        const i = indexOf(r);
        // One producer: each partition holds its records in send order.
        if (i <= (last.get(p.partition) ?? -1)) outOfOrder.push(`${p.partition}@${r.offset}: record ${i} after ${last.get(p.partition)}`);
        last.set(p.partition, i);
        mark(seen, r);
        count++;
      }
    }
  }
  expect(outOfOrder.slice(0, 5)).toEqual([]);
  expect(count).toBe(N);
  expect(seen.every((x) => x === 1)).toBe(true);
  expect(consumer.caughtUp()).toBe(true);
});

test('a consumer group: the first member commits half way, a second one resumes at the commits', async () => {
  const fast: Partial<GroupConsumerOptions> = { sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, heartbeatIntervalMs: 200, maxWaitMs: 100 };
  const seen = new Uint8Array(N);
  const first = new GroupConsumer(client, { groupId: 'embedded-group', topics: [TOPIC], autoCommit: false, autoOffsetReset: 'earliest', ...fast });
  let firstCount = 0;
  try {
    while (firstCount < N / 2) {
      for (const p of await first.poll()) {
        for (const r of p.records) {
          mark(seen, r);
          firstCount++;
        }
      }
    }
    expect(first.assignment()).toHaveLength(PARTITIONS);
    const [group] = await admin.describeGroups(['embedded-group']);
    expect(group?.members).toEqual([expect.objectContaining({ clientId: 'embedded-test', clientHost: '/in-process' })]);
    await first.commitSync();
  } finally {
    await first.close();
  }
  const committed = await admin.fetchOffsets('embedded-group', [TOPIC]);
  expect(committed.reduce((sum, c) => sum + c.offset, 0)).toBe(firstCount);

  // Another embedded client, as a second worker task would have.
  const other = await KafkaClient.connectEmbedded(b.broker, { clientId: 'embedded-test-2' });
  const second = new GroupConsumer(other, { groupId: 'embedded-group', topics: [TOPIC], autoCommit: false, autoOffsetReset: 'earliest', ...fast });
  let secondCount = 0;
  try {
    const firstOffsets = new Map<number, number>();
    while (firstCount + secondCount < N) {
      for (const p of await second.poll()) {
        for (const r of p.records) {
          if (!firstOffsets.has(p.partition)) firstOffsets.set(p.partition, r.offset);
          mark(seen, r);
          secondCount++;
        }
      }
    }
    for (const c of committed) if (firstOffsets.has(c.partition)) expect(firstOffsets.get(c.partition)).toBe(c.offset);
    await sleep(200);
    expect((await second.poll({ maxWaitMs: 50 })).flatMap((p) => p.records)).toEqual([]);
  } finally {
    await second.close();
    other.close();
  }
  // Every record exactly once across the two members.
  expect(seen.every((x) => x === 1)).toBe(true);
});

test('no TCP connection was ever accepted', () => {
  const stats = b.broker.connectionStats;
  expect(stats.accepted.tcp).toBe(0);
  expect(stats.open.tcp).toBe(0);
  expect(stats.accepted.inProcess).toBeGreaterThan(2);
});

test('stopping the broker fails the calls of a connected embedded client with ConnectionErrors, without hanging', async () => {
  const own = await startBroker();
  let closed = false;
  const c = await KafkaClient.connectEmbedded(own.broker, { clientId: 'embedded-stop', retries: 2 });
  try {
    await new KafkaAdmin(c).createTopics([{ name: 'stop-here', numPartitions: 1 }]);
    await c.topic('stop-here');
    // A fetch parked at the broker (nothing to read for up to 20 s) when it stops.
    const parked = c.fetch({ partitions: [{ topic: 'stop-here', partition: 0, offset: 0 }], maxWaitMs: 20000 });
    await sleep(100);
    const started = Date.now();
    await own.stop();
    closed = true;
    const [answer] = await parked;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer?.error).toBeInstanceOf(ConnectionError);
    expect(answer?.error?.message).toMatch(`connection to broker at ${own.bootstrap} closed`);

    // New requests cannot reconnect: the broker refuses in-process connections once stopped.
    const err = await c.listOffsets('stop-here', [0], -1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toBe(`cannot connect to broker at ${own.bootstrap} (in-process): the broker is shutting down`);
    await expect(new KafkaAdmin(c).listTopics()).rejects.toThrow(ConnectionError);
    const producer = new Producer(c, { acks: -1 });
    const sent = producer.send({ topic: 'stop-here', key: null, value: value(0) });
    await expect(Promise.resolve(sent).then(() => producer.flush())).rejects.toThrow(ConnectionError);
    producer.close();
    await expect(KafkaClient.connectEmbedded(own.broker)).rejects.toThrow(ConnectionError);
  } finally {
    c.close();
    if (!closed) await own.stop();
    removeDir(own.logDir);
  }
});
