import { inspect } from 'node:util';
import zlib from 'node:zlib';
import { decompress, loadCompression } from '../../../../broker/client/compression';
import { BatchBufferPool, RecordBatchBuilder, buildRecordBatch, type RecordInput } from '../../../../broker/client/record-batch-builder';
import { CorruptRecordError, batchesOf, decodeRecords, nextOffsetAfter, readRecords } from '../../../../broker/client/record-batch-reader';
import { Offset, assignOffset, checkCrc, readBatchHeader, validateProducedBatch } from '../../../../broker/protocol/record-batch';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

beforeAll(async () => {
  await loadCompression('all');
});

function sampleRecords(n: number, base = 1700000000000): RecordInput[] {
  const out: RecordInput[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
      value: i % 5 === 4 ? null : Buffer.from(`value ${i} `.repeat(1 + (i % 7))),
      headers: i % 2 === 0 ? [] : [['h', Buffer.from(String(i))], ['ünïcode-key', null]],
      timestamp: base + i * 3 - (i % 4 === 1 ? 50 : 0), // some timestamps go backwards
    });
  }
  return out;
}

describe('RecordBatch v2 builder and reader', () => {
  test.each(CODECS)('round trip with %s', (codec) => {
    const records = sampleRecords(200);
    const batch = buildRecordBatch(records, { compression: codec });
    expect(batch.readInt8(Offset.magic)).toBe(2);
    expect(checkCrc(batch, 0, batch.length)).toBe(true);
    const header = validateProducedBatch(batch, { maxMessageBytes: 10 * 1024 * 1024 });
    expect(header.recordsCount).toBe(200);
    expect(header.lastOffsetDelta).toBe(199);
    expect(header.attributes & 7).toBe(CODECS.indexOf(codec));
    expect(header.baseTimestamp).toBe(1700000000000);
    expect(header.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp as number)));
    expect(header.producerId).toBe(-1);
    expect(header.baseSequence).toBe(-1);

    assignOffset(batch, 0, 1000, 3); // what the broker does: outside the CRC
    expect(checkCrc(batch, 0, batch.length)).toBe(true);
    const read = [...readRecords(batch)];
    expect(read).toHaveLength(200);
    read.forEach((r, i) => {
      const src = records[i] as RecordInput;
      expect(r.offset).toBe(1000 + i);
      expect(r.timestamp).toBe(src.timestamp);
      expect(r.timestampType).toBe('CreateTime');
      expect(r.key?.toString('hex') ?? null).toBe(src.key?.toString('hex') ?? null);
      expect(r.value?.toString('hex') ?? null).toBe(src.value?.toString('hex') ?? null);
      expect(r.headers.map(([k, v]) => [k, v?.toString('hex') ?? null])).toEqual((src.headers ?? []).map(([k, v]) => [k, v?.toString('hex') ?? null]));
    });
  });

  test('large values span several xerial snappy blocks and lz4/zstd frames', () => {
    const big = Buffer.alloc(300 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 9)) & 0xff;
    for (const codec of CODECS) {
      const batch = buildRecordBatch([{ key: null, value: big }, { key: Buffer.from('k'), value: Buffer.alloc(0) }], { compression: codec });
      const read = [...readRecords(batch)];
      // Buffer.equals: jest's deep equality walks 300 KB byte by byte.
      expect(read).toHaveLength(2);
      expect(read[0]?.value?.equals(big)).toBe(true);
      expect(read[1]?.value?.length).toBe(0);
      expect(read[1]?.key).toEqual(Buffer.from('k'));
    }
  });

  test('builder is reusable and writes one buffer per batch', () => {
    const b = new RecordBatchBuilder({ initialCapacity: 128 });
    expect(() => b.build()).toThrow(/empty/);
    b.append({ key: null, value: Buffer.from('a'), timestamp: 5 });
    const first = b.build();
    expect(b.count).toBe(0);
    for (let i = 0; i < 1000; i++) b.append({ key: null, value: Buffer.from('xyz'.repeat(i % 10)), timestamp: 10 + i });
    const second = b.build();
    expect([...readRecords(first)].map((r) => r.value?.toString())).toEqual(['a']);
    const values = [...readRecords(second)];
    expect(values).toHaveLength(1000);
    expect(values[999]?.timestamp).toBe(1009);
    expect(checkCrc(second, 0, second.length)).toBe(true);
  });

  test('timestamps far from the base use the varlong path', () => {
    const records: RecordInput[] = [
      { key: null, value: Buffer.from('a'), timestamp: 1 },
      { key: null, value: Buffer.from('b'), timestamp: 1700000000000 },
      { key: null, value: Buffer.from('c'), timestamp: 0 },
    ];
    const read = [...readRecords(buildRecordBatch(records))];
    expect(read.map((r) => r.timestamp)).toEqual([1, 1700000000000, 0]);
  });

  test('producer fields and the transactional bit', () => {
    const batch = buildRecordBatch([{ key: null, value: null }], { producerId: 42, producerEpoch: 3, baseSequence: 7, transactional: true });
    const h = readBatchHeader(batch);
    expect([h.producerId, h.producerEpoch, h.baseSequence, h.attributes & 0x10]).toEqual([42, 3, 7, 0x10]);
    const [r] = [...readRecords(batch)];
    expect(r?.key).toBeNull();
    expect(r?.value).toBeNull();
  });
});

describe('bytes on the wire', () => {
  // Written by an earlier version of the builder and checked against kafkajs: any change here changes what brokers receive.
  const GOLDEN =
    '000000000000000000000083ffffffff02a5d485690000000000020000018bcfe568000000018bcfe56807ffffffffffffffffffffffffffff000000034a000000046b310a68656c6c6f041074726163652d69640661626312c3bc6ec3af636f6465010c000e020101004800130400287878787878787878787878787878787878787878021074726163652d696400';
  const records: RecordInput[] = [
    { key: Buffer.from('k1'), value: Buffer.from('hello'), headers: [['trace-id', Buffer.from('abc')], ['ünïcode', null]], timestamp: 1700000000000 },
    { key: null, value: null, timestamp: 1700000000007 },
    { key: Buffer.alloc(0), value: Buffer.from('x'.repeat(20)), headers: [['trace-id', Buffer.from('')]], timestamp: 1699999999990 },
  ];

  test('a batch is byte for byte what it always was', () => {
    expect(buildRecordBatch(records).toString('hex')).toBe(GOLDEN);
  });

  test('the same bytes from a reused builder writing into recycled buffers', () => {
    const pool = new BatchBufferPool();
    const builder = new RecordBatchBuilder({ initialCapacity: 128, bufferPool: pool });
    for (let round = 0; round < 5; round++) {
      // Garbage first, so that a recycled buffer holds stale bytes where the next batch goes.
      for (let i = 0; i < 50; i++) builder.append({ key: Buffer.alloc(7, 0xee), value: Buffer.alloc(31, 0xdd), headers: [['junk', Buffer.alloc(3, 0xcc)]], timestamp: i });
      pool.release(builder.build());
      for (const r of records) builder.append(r);
      const batch = builder.build();
      expect(batch.toString('hex')).toBe(GOLDEN);
      pool.release(batch);
    }
  });
});

describe('batch buffers', () => {
  const value = Buffer.alloc(4000, 0x61);

  /** Appends like the Producer: seal once the batch reaches batchSize. */
  function fill(builder: RecordBatchBuilder, batchSize: number, batches: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; out.length < batches; i++) {
      builder.append({ key: null, value: value.subarray(0, 3500 + ((i * 37) % 500)), timestamp: i });
      if (builder.sizeInBytes >= batchSize) out.push(builder.build());
    }
    return out;
  }

  test('a full batch leaves room for its last record in the next buffer, so only the first batch grows', () => {
    const allocations = jest.spyOn(Buffer, 'allocUnsafe');
    try {
      const builder = new RecordBatchBuilder({ initialCapacity: 65536 + 1024 });
      const batches = fill(builder, 65536, 20);
      // The initial buffer, one growth in the first batch, then one buffer per batch.
      expect(allocations).toHaveBeenCalledTimes(1 + 1 + 20);
      for (const b of batches) expect(checkCrc(b, 0, b.length)).toBe(true);
    } finally {
      allocations.mockRestore();
    }
  });

  test('one outsized record does not make every later buffer as large', () => {
    const builder = new RecordBatchBuilder({ initialCapacity: 16384 });
    builder.append({ key: null, value: Buffer.alloc(1 << 20), timestamp: 1 });
    const allocations = jest.spyOn(Buffer, 'allocUnsafe');
    try {
      expect(builder.build().length).toBeGreaterThan(1 << 20);
      expect(allocations).toHaveBeenCalledWith(2 * 16384);
    } finally {
      allocations.mockRestore();
    }
  });

  test('with a pool, whose buffers have headroom, no batch grows', () => {
    const pool = new BatchBufferPool();
    const take = jest.spyOn(pool, 'take');
    const builder = new RecordBatchBuilder({ initialCapacity: 65536 + 1024, bufferPool: pool });
    fill(builder, 65536, 20);
    expect(take).toHaveBeenCalledTimes(1 + 20);
  });

  test('released buffers are written again; the batches built in them read back whole', () => {
    const pool = new BatchBufferPool(2);
    const builder = new RecordBatchBuilder({ initialCapacity: 65536 + 1024, bufferPool: pool });
    const memory = new Set<ArrayBufferLike>();
    for (let round = 0; round < 10; round++) {
      const [batch] = fill(builder, 65536, 1) as [Buffer];
      memory.add(batch.buffer);
      expect(checkCrc(batch, 0, batch.length)).toBe(true);
      expect([...readRecords(batch)].every((r) => r.value?.every((b) => b === 0x61))).toBe(true);
      pool.release(batch);
    }
    expect(memory.size).toBeLessThanOrEqual(3);
  });

  test('the pool keeps only its own buffers, each once, and no more than it may', () => {
    const pool = new BatchBufferPool(2);
    pool.release(Buffer.allocUnsafe(100_000)); // not the pool's
    pool.release(Buffer.from('a slice of the shared pool'));
    const a = pool.take(1000);
    expect(pool.take(1000).buffer).not.toBe(a.buffer); // nothing spare yet
    pool.release(a.subarray(0, 10));
    pool.release(a.subarray(0, 20)); // the same memory again
    const again = pool.take(1000);
    expect(again.buffer).toBe(a.buffer);
    expect(again.length).toBe(a.buffer.byteLength);
    expect(pool.take(1000).buffer).not.toBe(a.buffer); // it was kept once
    const many = [pool.take(10), pool.take(10), pool.take(10)];
    for (const b of many) pool.release(b);
    expect(new Set([pool.take(10).buffer, pool.take(10).buffer, pool.take(10).buffer]).size).toBe(3);
  });

  test('a spare too small for what is asked is not handed out', () => {
    const pool = new BatchBufferPool();
    const small = pool.take(1000);
    pool.release(small);
    const big = pool.take(small.length + 1);
    expect(big.length).toBeGreaterThan(small.length);
  });

  test('header keys are encoded right however many distinct ones there are', () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `k-${i}-ü`); // more than the encoder keeps
    const batch = buildRecordBatch(keys.map((k) => ({ key: null, value: null, headers: [[k, null], ['fixed', null]], timestamp: 1 })));
    const read = [...readRecords(batch)];
    expect(read.map((r) => r.headers.map(([k]) => k).join('|'))).toEqual(keys.map((k) => `${k}|fixed`));
  });
});

describe('decoded records', () => {
  test('keys, values and header values are Buffers over the fetched bytes', () => {
    const batch = buildRecordBatch([{ key: Buffer.from('key'), value: Buffer.from('value'), headers: [['h', Buffer.from('hv')]], timestamp: 1 }]);
    const [r] = decodeRecords(batch);
    const fields = [r?.key, r?.value, r?.headers[0]?.[1]] as Buffer[];
    for (const f of fields) {
      expect(Buffer.isBuffer(f)).toBe(true);
      expect(f).toBeInstanceOf(Buffer);
      expect(f.constructor).toBe(Buffer);
      expect(f.buffer).toBe(batch.buffer); // a view, not a copy
      expect(inspect(f)).toMatch(/^<Buffer /);
      expect(Buffer.isBuffer(f.subarray(1))).toBe(true);
    }
    expect(fields.map((f) => f.toString())).toEqual(['key', 'value', 'hv']);
    expect(r?.value).toStrictEqual(Buffer.from('value'));
    expect(Buffer.concat([r?.key as Buffer, r?.value as Buffer]).toString()).toBe('keyvalue');
    expect(JSON.stringify(r?.key)).toBe(JSON.stringify(Buffer.from('key')));
  });
});

describe('reading fetched record sets', () => {
  function recordSet(): Buffer {
    const a = buildRecordBatch(sampleRecords(3), { compression: 'gzip' });
    const b = buildRecordBatch(sampleRecords(2));
    assignOffset(a, 0, 10, 0);
    assignOffset(b, 0, 13, 0);
    return Buffer.concat([a, b]);
  }

  test('several batches, minOffset skips earlier records, partial tail ignored', () => {
    const set = recordSet();
    expect([...readRecords(set)].map((r) => r.offset)).toEqual([10, 11, 12, 13, 14]);
    expect([...readRecords(set, { minOffset: 12 })].map((r) => r.offset)).toEqual([12, 13, 14]);
    const truncated = set.subarray(0, set.length - 5);
    expect([...readRecords(truncated)].map((r) => r.offset)).toEqual([10, 11, 12]);
    expect(nextOffsetAfter(truncated)).toBe(13);
    expect(nextOffsetAfter(set)).toBe(15);
    expect([...readRecords(set.subarray(0, 7))]).toEqual([]);
    expect([...readRecords(null)]).toEqual([]);
  });

  test('control batches are skipped unless asked for', () => {
    const ctl = buildRecordBatch([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }]);
    ctl.writeInt16BE(ctl.readInt16BE(Offset.attributes) | 0x30, Offset.attributes);
    assignOffset(ctl, 0, 15, 0);
    const { writeCrc } = jest.requireActual('../../../../broker/protocol/record-batch');
    writeCrc(ctl, 0, ctl.length);
    const set = Buffer.concat([recordSet(), ctl]);
    expect([...readRecords(set)].map((r) => r.offset)).toEqual([10, 11, 12, 13, 14]);
    expect([...readRecords(set, { includeControl: true })].map((r) => r.offset)).toContain(15);
    expect([...batchesOf(set)].map((b) => b.isControl)).toEqual([false, false, true]);
  });

  test('a CRC mismatch is reported, and garbage never crashes the reader', () => {
    const set = recordSet();
    const bad = Buffer.from(set);
    const at = bad.lastIndexOf(Buffer.from('value 1')); // a byte of a value in the uncompressed batch
    bad[at] = (bad[at] as number) ^ 0x01;
    expect(() => [...readRecords(bad)]).toThrow(CorruptRecordError);
    expect([...readRecords(bad, { verifyCrc: false })]).toHaveLength(5);
    const garbage = Buffer.alloc(100, 0xff);
    garbage.writeInt32BE(20, 8); // declares a batch smaller than a header
    expect(() => [...readRecords(garbage)]).toThrow(CorruptRecordError);
    for (let seed = 1; seed < 200; seed++) {
      const noise = Buffer.from(set);
      for (let i = 0; i < 8; i++) noise[(seed * 7919 + i * 104729) % noise.length] = (seed * 31 + i) & 0xff;
      try {
        for (const r of readRecords(noise, { verifyCrc: false })) expect(typeof r.offset).toBe('number');
      } catch (err) {
        expect(err).toBeInstanceOf(CorruptRecordError);
      }
    }
  });
});

describe('codec interoperability', () => {
  test('gzip batches from this builder decode with plain zlib', () => {
    const batch = buildRecordBatch([{ key: null, value: Buffer.from('hello') }], { compression: 'gzip' });
    const inflated = zlib.gunzipSync(batch.subarray(61));
    expect(inflated.includes(Buffer.from('hello'))).toBe(true);
  });

  test('raw (unframed) snappy as librdkafka writes it is accepted', async () => {
    const snappy = await import('snappy');
    const payload = Buffer.from('raw snappy payload '.repeat(100));
    expect(decompress(2, snappy.compressSync(payload))).toEqual(payload);
  });

  test('zstd frames without a content size (streaming encoders, the Java client) decode', () => {
    // A hand-built zstd frame: no content size, 128 KB window, 20 RLE blocks of 128 KB = 2.5 MB.
    const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
    const blockSize = 128 * 1024;
    for (let i = 0; i < 20; i++) {
      const header = ((blockSize << 3) | (1 << 1) | (i === 19 ? 1 : 0)) >>> 0; // RLE block
      parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x61]));
    }
    const out = decompress(4, Buffer.concat(parts));
    expect(out.length).toBe(20 * blockSize);
    expect(out.every((b) => b === 0x61)).toBe(true);
  });
});

describe('cross-check with kafkajs 2.2.4 (an independent implementation)', () => {
  /* eslint-disable @typescript-eslint/no-require-imports -- kafkajs internals are CommonJS without types */
  const { RecordBatch: KjsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (opts: Record<string, unknown>) => Promise<{ buffer: Buffer }> };
  const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (opts: Record<string, unknown>) => unknown;
  const KjsBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<{ records: Array<Record<string, unknown>> }>;
  const KjsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
  const { Types } = require('kafkajs/src/protocol/message/compression') as { Types: Record<string, number> };
  /* eslint-enable @typescript-eslint/no-require-imports */

  test('our batches decode in kafkajs', async () => {
    for (const codec of ['none', 'gzip'] as const) {
      const batch = buildRecordBatch(
        [
          { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [['a', Buffer.from('b')]], timestamp: 1700000000000 },
          { key: null, value: Buffer.from('v2'), timestamp: 1700000000005 },
        ],
        { compression: codec },
      );
      assignOffset(batch, 0, 7, 0);
      const decoded = await KjsBatchDecoder(new KjsDecoder(batch));
      expect(decoded.records.map((r) => [r.offset, r.timestamp, r.key && String(r.key), String(r.value)])).toEqual([
        ['7', '1700000000000', 'k1', 'v1'],
        ['8', '1700000000005', null, 'v2'],
      ]);
      expect(String((decoded.records[0]?.headers as Record<string, Buffer>).a)).toBe('b');
    }
  });

  test('kafkajs batches decode here', async () => {
    for (const compression of [Types.None, Types.GZIP]) {
      const records = [
        KjsRecord({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('x'), value: Buffer.from('one'), headers: { h: Buffer.from('1') } }),
        KjsRecord({ offsetDelta: 1, timestampDelta: 9, key: null, value: Buffer.from('two') }),
      ];
      const { buffer } = await KjsRecordBatch({ compression, firstTimestamp: 1600000000000, maxTimestamp: 1600000000009, lastOffsetDelta: 1, records });
      expect(checkCrc(buffer, 0, buffer.length)).toBe(true);
      const read = [...readRecords(buffer)];
      expect(read.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString()])).toEqual([
        [0, 1600000000000, 'x', 'one'],
        [1, 1600000000009, null, 'two'],
      ]);
      expect(read[0]?.headers).toEqual([['h', Buffer.from('1')]]);
    }
  });
});
