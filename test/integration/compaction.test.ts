/**
 * Log compaction end to end: 100,000 records over 1,000 keys (lz4 from kcat, gzip from kafkajs) and
 * 100 tombstones into a compacted topic; the broker's background cleaner leaves the latest value per
 * key at its original offset, the tombstones disappear after delete.retention.ms, and the result
 * survives a broker restart. Real clients read it: kcat (librdkafka) and a raw Fetch decoded by the
 * broker client's record reader.
 */
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { readRecords } from '../../broker/client/record-batch-reader';
import { ApiKey } from '../../broker/protocol/apis';
import { kcat } from '../helpers/kcat';
import { RawKafka } from '../helpers/raw-kafka';
import { removeDir, startBroker, tempDir, type InProcessBroker } from '../helpers/broker-harness';

const TOPIC = 'compacted';
const KEYS = 1000;
const RECORDS = 100_000;
const TOMBSTONES = 100;
const DELETE_RETENTION_MS = 3000;
const PROPS = { 'log.cleaner.backoff.ms': '200' };

let logDir: string;
let b: InProcessBroker | null = null;

beforeAll(() => {
  logDir = tempDir();
});

afterAll(async () => {
  await b?.stop();
  removeDir(logDir);
});

/** Every record from the beginning as "offset key value" (NULL for a tombstone), via kcat. */
async function consumeAll(bootstrap: string): Promise<string[]> {
  const res = await kcat(['-C', '-b', bootstrap, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%o %k %s\n']);
  expect(res.code).toBe(0);
  return res.stdout.toString().split('\n').filter(Boolean).map((line) => {
    const [offset, key, value = ''] = line.split(' ');
    return `${offset} ${key} ${short(value)}`;
  });
}

function short(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}...` : value;
}

/** The same through a raw Fetch v11 and the broker client's record reader (empty batches, gaps). */
async function fetchAll(port: number): Promise<string[]> {
  const raw = await RawKafka.connect(port);
  const out: string[] = [];
  try {
    let offset = 0;
    for (;;) {
      const res = await raw.request(ApiKey.Fetch, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 4 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 4 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const part = res.responses[0].partitions[0];
      expect(part.errorCode).toBe(0);
      const records = part.records as Buffer | null;
      if (!records || records.length === 0) break;
      let next = offset;
      for (const r of readRecords(records, { minOffset: offset })) {
        out.push(`${r.offset} ${r.key?.toString()} ${r.value === null ? 'NULL' : short(r.value.toString())}`);
      }
      // Whole batches come back, and the last batch's header covers offsets whose records are gone.
      let pos = 0;
      while (pos + 61 <= records.length && pos + records.readInt32BE(pos + 8) + 12 <= records.length) {
        next = Number(records.readBigInt64BE(pos)) + records.readInt32BE(pos + 23) + 1;
        pos += records.readInt32BE(pos + 8) + 12;
      }
      if (next <= offset) break;
      offset = next;
    }
  } finally {
    raw.close();
  }
  return out;
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 150));
    last = await probe();
  }
  return last;
}

const SENTINEL = `${RECORDS + TOMBSTONES} zz-end ${'x'.repeat(40)}...`;

/** What compaction must leave: each key's last value at its offset, tombstones (while kept), the sentinel. */
function expected(withTombstones: boolean): string[] {
  const lines: string[] = [];
  for (let j = TOMBSTONES; j < KEYS; j++) lines.push(`${RECORDS - KEYS + j} k${j} v${RECORDS - KEYS + j}`);
  if (withTombstones) for (let j = 0; j < TOMBSTONES; j++) lines.push(`${RECORDS + j} k${j} NULL`);
  lines.push(SENTINEL);
  return lines;
}

test('a compacted topic keeps the latest value per key, drops tombstones after delete.retention.ms, and stays so after a restart', async () => {
  b = await startBroker(PROPS, logDir);
  await b.broker.services.logs.createTopic({
    name: TOPIC,
    partitions: 1,
    configs: { 'cleanup.policy': 'compact', 'segment.bytes': '65536', 'delete.retention.ms': String(DELETE_RETENTION_MS), 'min.cleanable.dirty.ratio': '0.01' },
  });

  // The first half from kcat, lz4-compressed.
  const half = RECORDS / 2;
  const lines = Array.from({ length: half }, (_, i) => `k${i % KEYS}:v${i}`).join('\n');
  const produced = await kcat(['-P', '-b', b.bootstrap, '-t', TOPIC, '-p', '0', '-K', ':', '-z', 'lz4', '-X', 'linger.ms=5'], `${lines}\n`);
  expect(produced.code).toBe(0);
  expect(b.broker.services.logs.partition(TOPIC, 0)?.logEndOffset).toBe(half);

  // The second half from kafkajs, gzip-compressed; then tombstones, then a large record that rolls the
  // segment so that everything before it can be cleaned.
  const kafka = new Kafka({ clientId: 'compaction-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let start = half; start < RECORDS; start += 5000) {
      const messages = Array.from({ length: 5000 }, (_, i) => ({ key: `k${(start + i) % KEYS}`, value: `v${start + i}` }));
      await producer.send({ topic: TOPIC, compression: CompressionTypes.GZIP, messages });
    }
    await producer.send({ topic: TOPIC, messages: Array.from({ length: TOMBSTONES }, (_, j) => ({ key: `k${j}`, value: null })) });
    await producer.send({ topic: TOPIC, messages: [{ key: 'zz-end', value: 'x'.repeat(70000) }] });
    // Keyless records are refused on a compacted topic.
    await expect(producer.send({ topic: TOPIC, messages: [{ value: 'no key' }] })).rejects.toMatchObject({ type: 'INVALID_RECORD' });
  } finally {
    await producer.disconnect();
  }
  const log = b.broker.services.logs.partition(TOPIC, 0)!;
  expect(log.logEndOffset).toBe(RECORDS + TOMBSTONES + 1);

  // The cleaner runs every 200 ms: first the latest values with the tombstones still there ...
  const withTombstones = expected(true);
  const first = await until('compacted with tombstones', () => consumeAll(b!.bootstrap), (got) => got.length <= withTombstones.length);
  expect(first).toEqual(withTombstones);
  expect(await fetchAll(b.broker.port)).toEqual(withTombstones);
  expect(log.size).toBeLessThan(200_000);

  // ... then, once delete.retention.ms has passed, without them.
  const final = expected(false);
  expect(await until('tombstones removed', () => consumeAll(b!.bootstrap), (got) => got.length <= final.length, 20000)).toEqual(final);
  const sizeAfter = log.size;
  await b.stop();
  b = null;

  // A restart reads the same compacted log, and keeps appending after it.
  b = await startBroker(PROPS, logDir);
  expect(b.broker.services.logs.recoveryReports).toEqual([]);
  const reopened = b.broker.services.logs.partition(TOPIC, 0)!;
  expect(reopened.logEndOffset).toBe(RECORDS + TOMBSTONES + 1);
  expect(reopened.logStartOffset).toBe(0);
  expect(reopened.size).toBe(sizeAfter);
  expect(await consumeAll(b.bootstrap)).toEqual(final);
  expect(await fetchAll(b.broker.port)).toEqual(final);
  const earliest = await kcat(['-Q', '-b', b.bootstrap, '-t', `${TOPIC}:0:-2`]);
  expect(earliest.stdout.toString()).toContain(`${TOPIC} [0] offset 0`);
  const latest = await kcat(['-Q', '-b', b.bootstrap, '-t', `${TOPIC}:0:-1`]);
  expect(latest.stdout.toString()).toContain(`${TOPIC} [0] offset ${RECORDS + TOMBSTONES + 1}`);
}, 90000);
