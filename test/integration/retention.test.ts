/** Retention by size and time deletes whole old segments; reads below the log start are out of range. */
import { ApiKey } from '../../broker/protocol/apis';
import { ErrorCode } from '../../broker/protocol/error-codes';
import { kcat } from '../helpers/kcat';
import { RawKafka } from '../helpers/raw-kafka';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';
import { buildBatch } from '../helpers/batch-builder';

let b: InProcessBroker;
let raw: RawKafka;

beforeAll(async () => {
  b = await startBroker({ 'log.retention.check.interval.ms': '100' });
  raw = await RawKafka.connect(b.broker.port);
});

afterAll(async () => {
  raw.close();
  await b.stop();
  removeDir(b.logDir);
});

async function earliest(topic: string): Promise<number> {
  const res = await raw.request(ApiKey.ListOffsets, 2, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -2 }] }] });
  return res.topics[0].partitions[0].offset;
}

async function produceMany(topic: string, batches: number, timestamp?: number): Promise<void> {
  for (let i = 0; i < batches; i++) {
    const records = Array.from({ length: 10 }, (_, j) => ({ key: null, value: Buffer.alloc(100, 65 + ((i + j) % 26)), timestamp }));
    const res = await raw.request(ApiKey.Produce, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch(records) }] }] });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
  }
}

async function until(check: () => Promise<boolean>, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('retention.bytes deletes the oldest segments and moves the log start', async () => {
  await b.broker.services.logs.createTopic({ name: 'by-size', partitions: 1, configs: { 'segment.bytes': '4096', 'retention.bytes': '8192' } });
  await produceMany('by-size', 60);
  const log = b.broker.services.logs.partition('by-size', 0);
  // Retention deletes whole segments: what stays is at most retention.bytes plus one segment.
  await until(async () => (log?.size ?? Infinity) <= 8192 + 4096);
  const start = await earliest('by-size');
  expect(start).toBeGreaterThan(0);
  expect(log?.logEndOffset).toBe(600);

  // Reading below the log start is OFFSET_OUT_OF_RANGE; at the start it works.
  const fetch = (offset: number) =>
    raw.request(ApiKey.Fetch, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'by-size', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
  expect((await fetch(0)).responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  const ok = (await fetch(start)).responses[0].partitions[0];
  expect(ok.errorCode).toBe(0);
  expect(ok.records.length).toBeGreaterThan(0);

  // kcat and get-offsets style queries see the same log start.
  const res = await kcat(['-b', b.bootstrap, '-Q', '-t', 'by-size:0:-2']);
  expect(res.stdout.toString()).toContain(`by-size [0] offset ${start}`);
});

test('retention.ms deletes segments whose records are older than the limit', async () => {
  await b.broker.services.logs.createTopic({ name: 'by-time', partitions: 1, configs: { 'segment.bytes': '4096', 'retention.ms': '60000' } });
  const old = Date.now() - 3_600_000;
  await produceMany('by-time', 20, old);
  await produceMany('by-time', 5);
  await until(async () => (await earliest('by-time')) >= 150);
  const log = b.broker.services.logs.partition('by-time', 0);
  expect(log?.logEndOffset).toBe(250);
  // Recent records are all still there.
  expect(await earliest('by-time')).toBeLessThanOrEqual(200);
});
