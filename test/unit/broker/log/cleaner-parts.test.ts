import { digestKey } from '../../../../broker/log/cleaner/key-digest';
import { OffsetMap } from '../../../../broker/log/cleaner/offset-map';
import { parseCleanerSettings } from '../../../../broker/log/cleaner/cleaner-settings';
import { requireKeys } from '../../../../broker/log/cleaner/record-cursor';
import { ErrorCode } from '../../../../broker/protocol/error-codes';
import { buildBatch } from '../../../helpers/batch-builder';

describe('key digest (MurmurHash3 x86_128, seed 0)', () => {
  // Reference values from the C implementation, over bytes (i * 37 + 11) & 255, as signed words.
  const golden: Array<[number, number[]]> = [
    [0, [0, 0, 0, 0]],
    [1, [438995260, -2107787925, -2107787925, -2107787925]],
    [5, [-1581393419, -55211625, 624881411, 624881411]],
    [16, [-1439031181, -1463543739, -1376763518, -1286200345]],
    [17, [-989360704, -68988641, -1629615184, -1361030261]],
    [31, [1713349654, 1692756420, -992361054, -1363398888]],
    [40, [-342403226, -1855404414, 1414214859, -649137301]],
  ];
  const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255));

  test.each(golden)('length %i matches the reference implementation', (length, expected) => {
    const out = new Int32Array(4);
    // Digest from an offset inside a larger buffer, as the cleaner does.
    const padded = Buffer.concat([Buffer.from('xyz'), bytes]);
    digestKey(padded, 3, length, out);
    expect([...out]).toEqual(expected);
  });

  test('distinct keys get distinct digests', () => {
    const seen = new Set<string>();
    const out = new Int32Array(4);
    for (let i = 0; i < 20_000; i++) {
      const key = Buffer.from(`key-${i}`);
      digestKey(key, 0, key.length, out);
      seen.add(out.join(','));
    }
    expect(seen.size).toBe(20_000);
  });
});

describe('offset map', () => {
  const digestOf = (key: string): Int32Array => {
    const out = new Int32Array(4);
    const buf = Buffer.from(key);
    digestKey(buf, 0, buf.length, out);
    return out;
  };

  test('keeps the latest offset per key, grows, and clears', () => {
    const map = new OffsetMap({ maxBytes: 64 * 1024 * 1024 });
    for (let i = 0; i < 50_000; i++) map.put(digestOf(`k${i % 20_000}`), i);
    expect(map.size).toBe(20_000);
    expect(map.get(digestOf('k0'))).toBe(40_000);
    expect(map.get(digestOf('k19999'))).toBe(39_999);
    expect(map.get(digestOf('missing'))).toBe(-1);
    expect(map.latestOffset).toBe(49_999);
    expect(map.allocatedBytes).toBeGreaterThan(20_000 * 24);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get(digestOf('k0'))).toBe(-1);
    expect(map.allocatedBytes).toBeLessThanOrEqual(4096 * 24);
  });

  test('stops accepting keys at the load factor of its maximum size', () => {
    const map = new OffsetMap({ maxBytes: 1024 * 24, loadFactor: 0.75 });
    expect(map.maxEntries).toBe(768);
    expect(map.canFit(768)).toBe(true);
    for (let i = 0; i < 768; i++) map.put(digestOf(`k${i}`), i);
    expect(map.canFit(1)).toBe(false);
    // Updating a key already in the map is always possible.
    map.put(digestOf('k5'), 1000);
    expect(map.get(digestOf('k5'))).toBe(1000);
    expect(() => map.put(digestOf('one-too-many'), 1)).toThrow(/full/);
    for (let i = 0; i < 768; i++) expect(map.get(digestOf(`k${i}`))).toBe(i === 5 ? 1000 : i);
  });
});

test('requireKeys: keyless records are INVALID_RECORD, malformed ones CORRUPT_MESSAGE', () => {
  expect(() => requireKeys(buildBatch([{ key: 'a', value: '1' }, { key: '', value: null }]), 't-0')).not.toThrow();
  expect(() => requireKeys(buildBatch([{ key: 'a', value: '1' }, { key: null, value: '2' }]), 't-0')).toThrow(
    expect.objectContaining({ code: ErrorCode.INVALID_RECORD }),
  );
  const batch = buildBatch([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
  expect(() => requireKeys(batch.subarray(0, batch.length - 3), 't-0')).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
});

test('cleaner settings: Kafka defaults, overrides, and clear errors for bad values', () => {
  expect(parseCleanerSettings({})).toEqual({ enable: true, backoffMs: 15000, dedupeBufferBytes: 134217728, loadFactor: 0.9 });
  expect(parseCleanerSettings({ 'log.cleaner.enable': 'false', 'log.cleaner.backoff.ms': '200', 'log.cleaner.dedupe.buffer.size': '1048576' })).toMatchObject({
    enable: false,
    backoffMs: 200,
    dedupeBufferBytes: 1048576,
  });
  expect(() => parseCleanerSettings({ 'log.cleaner.enable': 'maybe' })).toThrow(/log\.cleaner\.enable="maybe"/);
  expect(() => parseCleanerSettings({ 'log.cleaner.backoff.ms': '0' })).toThrow(/log\.cleaner\.backoff\.ms/);
  expect(() => parseCleanerSettings({ 'log.cleaner.dedupe.buffer.size': 'lots' })).toThrow(/log\.cleaner\.dedupe\.buffer\.size/);
});
