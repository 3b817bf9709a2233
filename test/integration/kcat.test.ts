/**
 * librdkafka 2.0.2 (Debian's kcat) against the broker: metadata, and 100,000-message round trips with
 * every compression codec and with keys, byte for byte and in order per partition.
 */
import { randomBytes } from 'node:crypto';
import { Compression, Offset, compressionOf, type CompressionName } from '../../broker/protocol/record-batch';
import { kcat } from '../helpers/kcat';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';

const COUNT = 100_000;
let b: InProcessBroker;

beforeAll(async () => {
  b = await startBroker({ 'num.partitions': '3' });
});

afterAll(async () => {
  await b.stop();
  removeDir(b.logDir);
});

function makeLines(prefix: string, keyed: boolean): string[] {
  const lines: string[] = [];
  const noise = randomBytes(COUNT * 4).toString('base64');
  for (let i = 0; i < COUNT; i++) {
    const value = `${prefix}-${i}-${noise.slice((i * 5) % (noise.length - 40), ((i * 5) % (noise.length - 40)) + (i % 37))}-ünï`;
    lines.push(keyed ? `key${i % 101}:${value}` : value);
  }
  return lines;
}

/** Parses `partition \t offset \t key \t value` lines into per-partition sequences. */
function byPartition(output: string): Map<number, Array<{ offset: number; key: string; value: string }>> {
  const out = new Map<number, Array<{ offset: number; key: string; value: string }>>();
  for (const line of output.split('\n')) {
    if (line === '') continue;
    const [p, o, k, ...v] = line.split('\t');
    const list = out.get(Number(p)) ?? [];
    list.push({ offset: Number(o), key: k as string, value: v.join('\t') });
    out.set(Number(p), list);
  }
  return out;
}

test('kcat -L lists the broker and auto-created topics', async () => {
  const produced = await kcat(['-b', b.bootstrap, '-P', '-t', 'listed'], 'x\n');
  expect(produced.code).toBe(0);
  const res = await kcat(['-b', b.bootstrap, '-L']);
  expect(res.code).toBe(0);
  const text = res.stdout.toString();
  expect(text).toContain('1 brokers:');
  expect(text).toContain(`broker 0 at ${b.bootstrap} (controller)`);
  expect(text).toMatch(/topic "listed" with 3 partitions/);
});

test.each([
  ['none', false],
  ['gzip', false],
  ['lz4', false],
  ['snappy', false],
  ['zstd', false],
  ['gzip', true],
  ['none', true],
])('kcat round trip of %s-compressed messages (keyed: %s)', async (codec, keyed) => {
  const topic = `rt-${codec}-${keyed ? 'keyed' : 'plain'}`;
  const lines = makeLines(topic, keyed);
  const args = ['-b', b.bootstrap, '-P', '-t', topic, '-z', codec, '-X', 'linger.ms=5'];
  if (keyed) args.push('-K', ':');
  const produced = await kcat(args, lines.join('\n') + '\n');
  expect(produced.stderr).not.toMatch(/not compressing|error/i);
  expect(produced.code).toBe(0);

  const consumed = await kcat(['-b', b.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-f', '%p\t%o\t%k\t%s\n']);
  expect(consumed.code).toBe(0);
  const partitions = byPartition(consumed.stdout.toString('utf8'));
  const seen: string[] = [];
  for (const records of partitions.values()) {
    records.forEach((r, i) => expect(r.offset).toBe(i));
    // Within a partition, records keep the order they were produced in.
    const indexes = records.map((r) => Number(r.value.split('-')[3]));
    for (let i = 1; i < indexes.length; i++) expect(indexes[i]).toBeGreaterThan(indexes[i - 1] as number);
    for (const r of records) seen.push(keyed ? `${r.key}:${r.value}` : r.value);
  }
  expect(seen.length).toBe(COUNT);
  expect(new Set(seen)).toEqual(new Set(lines));
  if (keyed) {
    // Every key lives in exactly one partition.
    const home = new Map<string, number>();
    for (const [p, records] of partitions) {
      for (const r of records) {
        if (!home.has(r.key)) home.set(r.key, p);
        expect(home.get(r.key)).toBe(p);
      }
    }
  }
  // Batches are stored as produced: still compressed with the producer's codec.
  for (let p = 0; p < 3; p++) {
    const stored = b.broker.services.logs.partition(topic, p)?.read({ offset: 0, maxBytes: 1, minOneBatch: true });
    if (stored && stored.length > 0) expect(compressionOf(stored.readInt16BE(Offset.attributes))).toBe(Compression[codec as CompressionName]);
  }
});
