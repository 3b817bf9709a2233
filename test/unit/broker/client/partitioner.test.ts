import { StickyPartitioner, murmur2, partitionForKey, toPositive } from '../../../../broker/client/partitioner';

describe('murmur2 (Kafka Utils.murmur2)', () => {
  // Values from the Java implementation (seed 0x9747b28c), as signed 32-bit ints.
  const vectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
    ['', 275646681],
  ];
  test.each(vectors)('murmur2(%j) = %d', (input, expected) => {
    expect(murmur2(Buffer.from(input, 'utf8'))).toBe(expected);
  });

  test('keyed partition is toPositive(murmur2) % n, not Math.abs', () => {
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(partitionForKey(Buffer.from('21'), 3)).toBe((-973932308 & 0x7fffffff) % 3);
    expect(partitionForKey(Buffer.from('abc'), 10)).toBe(479470107 % 10);
    expect(() => partitionForKey(Buffer.from('x'), 0)).toThrow(RangeError);
  });
});

describe('StickyPartitioner', () => {
  test('keeps one partition until the batch is sealed, then moves to a different one', () => {
    const p = new StickyPartitioner();
    const first = p.partition('t', 4);
    expect(p.partition('t', 4)).toBe(first);
    for (let i = 0; i < 50; i++) {
      const before = p.partition('t', 4);
      p.nextBatch('t', before, 4);
      const after = p.partition('t', 4);
      expect(after).not.toBe(before);
      expect(after).toBeGreaterThanOrEqual(0);
      expect(after).toBeLessThan(4);
    }
  });

  test('a single partition stays put', () => {
    const p = new StickyPartitioner();
    expect(p.partition('t', 1)).toBe(0);
    p.nextBatch('t', 0, 1);
    expect(p.partition('t', 1)).toBe(0);
  });
});
