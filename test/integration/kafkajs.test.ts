/** kafkajs 2.2.4 against the broker: producers (plain and idempotent) and the admin client. */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kcat } from '../helpers/kcat';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';

let b: InProcessBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  b = await startBroker();
  kafka = new Kafka({ clientId: 'kafkajs-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
  await b.stop();
  removeDir(b.logDir);
});

async function consumeAll(topic: string): Promise<string[]> {
  const res = await kcat(['-b', b.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-f', '%p:%o:%k=%s\n']);
  expect(res.code).toBe(0);
  return res.stdout.toString().split('\n').filter(Boolean);
}

test('producer sends keyed and unkeyed messages that kcat reads back', async () => {
  const producer = kafka.producer();
  await producer.connect();
  const first = await producer.send({ topic: 'kjs-plain', messages: [{ key: 'a', value: 'one' }, { value: 'two' }] });
  expect(first[0]).toMatchObject({ topicName: 'kjs-plain', partition: 0, errorCode: 0, baseOffset: '0' });
  await producer.sendBatch({ topicMessages: [{ topic: 'kjs-plain', messages: Array.from({ length: 500 }, (_, i) => ({ value: `m${i}` })) }] });
  await producer.disconnect();
  const lines = await consumeAll('kjs-plain');
  expect(lines.slice(0, 3)).toEqual(['0:0:a=one', '0:1:=two', '0:2:=m0']);
  expect(lines).toHaveLength(502);
});

test('idempotent producer writes each batch once', async () => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < 5; i++) await producer.send({ topic: 'kjs-idem', acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] });
  await producer.disconnect();
  expect(await consumeAll('kjs-idem')).toEqual(['0:0:k0=v0', '0:1:k1=v1', '0:2:k2=v2', '0:3:k3=v3', '0:4:k4=v4']);
});

test('admin: create, describe, alter, partitions, offsets, delete records, delete topics', async () => {
  expect(await admin.createTopics({ topics: [{ topic: 'kjs-admin', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] })).toBe(true);
  expect(await admin.createTopics({ topics: [{ topic: 'kjs-admin', numPartitions: 2 }] })).toBe(false);
  await expect(admin.createTopics({ topics: [{ topic: 'kjs-rf3', numPartitions: 1, replicationFactor: 3 }] })).rejects.toMatchObject({
    errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
  });
  expect(await admin.listTopics()).toEqual(expect.arrayContaining(['kjs-admin']));

  const meta = await admin.fetchTopicMetadata({ topics: ['kjs-admin'] });
  expect(meta.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1]);
  expect(meta.topics[0]?.partitions[0]).toMatchObject({ leader: 0, replicas: [0], isr: [0] });

  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'kjs-admin' }] });
  const entries = described.resources[0]?.configEntries ?? [];
  expect(entries.find((e) => e.configName === 'retention.ms')).toMatchObject({ configValue: '3600000', isDefault: false });
  expect(entries.find((e) => e.configName === 'segment.bytes')).toMatchObject({ configValue: '1073741824' });

  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'kjs-admin', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
  const after = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'kjs-admin', configNames: ['cleanup.policy', 'retention.ms'] }] });
  const afterEntries = after.resources[0]?.configEntries ?? [];
  expect(afterEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
  // AlterConfigs replaces the whole override set: retention.ms is back to its default.
  expect(afterEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('604800000');
  await expect(
    admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'kjs-admin', configEntries: [{ name: 'retention.ms', value: 'soon' }] }] }),
  ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });

  await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-admin', count: 4 }] });
  expect((await admin.fetchTopicMetadata({ topics: ['kjs-admin'] })).topics[0]?.partitions).toHaveLength(4);
  await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kjs-admin', count: 2 }] })).rejects.toThrow();

  const producer = kafka.producer();
  await producer.connect();
  const before = Date.now();
  await producer.send({ topic: 'kjs-admin', messages: Array.from({ length: 10 }, (_, i) => ({ key: `x${i}`, value: `x${i}`, partition: 1, timestamp: String(before + i * 1000) })) });
  await producer.disconnect();

  const offsets = await admin.fetchTopicOffsets('kjs-admin');
  expect(offsets.find((o) => o.partition === 1)).toMatchObject({ offset: '10', high: '10', low: '0' });
  const byTime = await admin.fetchTopicOffsetsByTimestamp('kjs-admin', before + 4500);
  expect(byTime.find((o) => o.partition === 1)?.offset).toBe('5');

  await admin.deleteTopicRecords({ topic: 'kjs-admin', partitions: [{ partition: 1, offset: '7' }] });
  expect((await admin.fetchTopicOffsets('kjs-admin')).find((o) => o.partition === 1)).toMatchObject({ low: '7', high: '10' });

  await admin.deleteTopics({ topics: ['kjs-admin'] });
  expect(await admin.listTopics()).not.toContain('kjs-admin');
});
