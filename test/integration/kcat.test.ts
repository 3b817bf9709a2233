/**
 * librdkafka 2.0.2 (Debian's kcat) against the broker: metadata, and 100,000-message round trips with
 * every compression codec and with keys, byte for byte and in order per partition.
 */
import { randomBytes } from 'node:crypto';
import { Compression, Offset, batchSizeAt, compressionOf, type CompressionName } from '../../broker/protocol/record-batch';
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
  // Offsets are dense, records keep their produce order within a partition, and (keyed) every key
  // lives in exactly one partition. Counted in plain loops: 100,000 expect() calls would dominate.
  const seen: string[] = [];
  const home = new Map<string, number>();
  let offsetGaps = 0;
  let reordered = 0;
  let keysInTwoPartitions = 0;
  for (const [p, records] of partitions) {
    let previous = -1;
    records.forEach((r, i) => {
      if (r.offset !== i) offsetGaps++;
      const index = Number(r.value.split('-')[3]);
      if (index <= previous) reordered++;
      previous = index;
      if (keyed && (home.get(r.key) ?? p) !== p) keysInTwoPartitions++;
      home.set(r.key, p);
      seen.push(keyed ? `${r.key}:${r.value}` : r.value);
    });
  }
  expect({ offsetGaps, reordered, keysInTwoPartitions }).toEqual({ offsetGaps: 0, reordered: 0, keysInTwoPartitions: 0 });
  expect(seen.length).toBe(COUNT);
  expect(new Set(seen)).toEqual(new Set(lines));
  // Batches are stored as produced: still compressed with the producer's codec (librdkafka sends a
  // batch uncompressed when compression would not make it smaller, so some may be plain).
  const codecs = new Set<number>();
  for (let p = 0; p < 3; p++) {
    const stored = b.broker.services.logs.partition(topic, p)?.read({ offset: 0, maxBytes: 64 << 20, minOneBatch: true }) ?? Buffer.alloc(0);
    for (let pos = 0; pos < stored.length; pos += batchSizeAt(stored, pos)) codecs.add(compressionOf(stored.readInt16BE(pos + Offset.attributes)));
  }
  expect(codecs.has(Compression[codec as CompressionName])).toBe(true);
  expect([...codecs].every((c) => c === 0 || c === Compression[codec as CompressionName])).toBe(true);
});
