import fs from 'node:fs';
import path from 'node:path';
import { buildRecordBatch } from '../../../../broker/client/record-batch-builder';
import { readRecords } from '../../../../broker/client/record-batch-reader';
import { LogCleaner } from '../../../../broker/log/cleaner/log-cleaner';
import { ErrorCode } from '../../../../broker/protocol/error-codes';
import { loadCompression } from '../../../../broker/protocol/compression';
import { checkCrc, validateProducedBatch } from '../../../../broker/protocol/record-batch';
import { COMPACT, activeBase, batchRanges, contents, cycling, expectedAfterCompaction, write, type Row } from './compaction-utils';
import { config, openLog, produce, readAll, removeTempDirs, segmentFiles, tempDir, values } from './log-test-utils';

afterEach(removeTempDirs);

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

test('keeps the latest record per key at its original offset, merges segments and survives a reopen', async () => {
  const dir = tempDir();
  const log = await openLog(dir, COMPACT);
  const rows = write(log, cycling(300, 10));
  const before = batchRanges(log);
  const segmentsBefore = log.segmentCount;
  expect(segmentsBefore).toBeGreaterThanOrEqual(5);
  const uncleanable = activeBase(log);

  const stats = await log.compact();
  expect(stats).not.toBeNull();
  expect(stats).toMatchObject({ topic: 't', partition: 0, firstDirtyOffset: 0, endOffset: uncleanable, mapFull: false, mapEntries: 10, segmentsBefore });
  const expected = expectedAfterCompaction(rows, uncleanable);
  expect(contents(log)).toEqual(expected);
  expect(stats!.recordsRemoved).toBe(uncleanable - expected.filter(([o]) => o < uncleanable).length);
  expect(stats!.bytesWritten).toBeLessThan(stats!.bytesRead);
  // Each old segment was about segment.bytes, so each became a cleaned segment of its own.
  expect(log.segmentCount).toBe(segmentsBefore);
  expect(log.logEndOffset).toBe(300);
  expect(log.logStartOffset).toBe(0);

  // Every stored batch is one of the original batches (same base and last offset), with a valid CRC.
  const after = batchRanges(log);
  for (const range of after) expect(before).toContainEqual(range);
  const all = readAll(log);
  for (let pos = 0; pos < all.length; pos += all.readInt32BE(pos + 8) + 12) expect(checkCrc(all, pos, all.readInt32BE(pos + 8) + 12)).toBe(true);
  // The very last cleaned batch (the end of the cleaned segment) is kept, if only as an empty header.
  expect(after).toContainEqual(before.find(([, last]) => last === uncleanable - 1));

  // A read at a removed offset returns the next batch that still holds records.
  const firstKept = expected[0]![0];
  expect(firstKept).toBeGreaterThan(0);
  const fromZero = [...readRecords(log.read({ offset: 0, maxBytes: 1 << 20, minOneBatch: true }))];
  expect(fromZero[0]?.offset).toBe(firstKept);

  // A round without new dirty data has nothing to do; appends continue.
  expect(await log.compact()).toBeNull();
  expect(fs.readFileSync(path.join(log.path, 'cleaner-offset-checkpoint'), 'utf8')).toBe(`0\n${uncleanable}\n-1\n`);
  expect(produce(log, [{ key: 'k1', value: 'new' }]).baseOffset).toBe(300);
  rows.push([300, 'k1', 'new']);

  // The next round merges the small cleaned segments into one.
  rows.push(...write(log, cycling(300, 10, 'w')));
  const count = log.segmentCount;
  const second = await log.compact();
  expect(second?.firstDirtyOffset).toBe(uncleanable);
  expect(log.segmentCount).toBeLessThan(count - 2);
  const final = expectedAfterCompaction(rows, activeBase(log));
  expect(contents(log)).toEqual(final);
  await log.close();

  const again = await openLog(dir, COMPACT);
  expect(again.recoveryReport).toBeNull();
  expect(contents(again)).toEqual(final);
  expect(again.segmentCount).toBe(log.segmentCount);
  await again.close();
});

test('tombstones are kept with a delete horizon, then removed once it has passed', async () => {
  const log = await openLog(tempDir(), { ...COMPACT, 'delete.retention.ms': '1000' });
  const rows = [
    ...write(log, [['a', 'a1'], ['b', 'b1'], ['c', 'c1']], 3, { baseTimestamp: T }),
    ...write(log, [['a', null], ['b', null]], 2, { baseTimestamp: T + 10 }),
    ...write(log, cycling(120, 40, 'filler'), 3, { baseTimestamp: T + 20 }),
  ];
  const uncleanable = activeBase(log);
  expect(uncleanable).toBeGreaterThan(10);

  expect(await log.compact({ now: T + 100 })).not.toBeNull();
  const kept = expectedAfterCompaction(rows, uncleanable);
  expect(contents(log)).toEqual(kept);
  expect(kept.filter(([, , v]) => v === null).map(([, k]) => k)).toEqual(['a', 'b']);
  // The tombstones' batch is stamped (attribute bit 6, baseTimestamp = horizon); timestamps are unchanged.
  const fetched = readAll(log);
  let pos = 0;
  while (Number(fetched.readBigInt64BE(pos)) !== 3) pos += fetched.readInt32BE(pos + 8) + 12;
  expect(fetched.readInt16BE(pos + 21) & 0x40).toBe(0x40);
  expect(Number(fetched.readBigInt64BE(pos + 27))).toBe(T + 100 + 1000);
  const records = [...readRecords(fetched)];
  expect(records.find((r) => r.offset === 3)?.timestamp).toBe(T + 10);
  expect(records.find((r) => r.offset === 4)?.timestamp).toBe(T + 10);
  expect(records.find((r) => r.offset === 2)?.timestamp).toBe(T);

  // Before the horizon nothing is due; at the horizon the tombstones go.
  expect(new LogCleaner().assess(log, T + 500)).toMatchObject({ deleteHorizonDue: false, needsCleaning: false });
  expect(await log.compact({ now: T + 500 })).toBeNull();
  expect(new LogCleaner().assess(log, T + 1100)).toMatchObject({ deleteHorizonDue: true, needsCleaning: true });
  const second = await log.compact({ now: T + 1100 });
  expect(second?.tombstonesRemoved).toBe(2);
  expect(contents(log)).toEqual(expectedAfterCompaction(rows, uncleanable, { dropTombstones: true }));
  expect(contents(log).some(([, k]) => k === 'a' || k === 'b')).toBe(false);
  expect(await log.compact({ now: T + 5000 })).toBeNull();
  await log.close();
});

test('with delete.retention.ms at Long.MAX tombstones are never stamped nor removed', async () => {
  const log = await openLog(tempDir(), { ...COMPACT, 'delete.retention.ms': '9223372036854775807' });
  const rows = [...write(log, [['a', 'a1'], ['a', null]], 2, { baseTimestamp: T }), ...write(log, cycling(120, 40), 3, { baseTimestamp: T })];
  const uncleanable = activeBase(log);
  await log.compact({ now: T });
  expect(contents(log)).toEqual(expectedAfterCompaction(rows, uncleanable));
  const all = readAll(log);
  expect(all.readInt16BE(21) & 0x40).toBe(0);
  expect(Number(all.readBigInt64BE(27))).toBe(T);
  expect(new LogCleaner().assess(log, Number.MAX_SAFE_INTEGER)?.deleteHorizonDue).toBe(false);
  await log.compact({ now: T + 10 * 365 * 24 * HOUR, force: true });
  expect(contents(log)[0]).toEqual([1, 'a', null]);
  await log.close();
});

test('min.compaction.lag.ms keeps recent segments out of cleaning', async () => {
  const now = Date.now();
  const log = await openLog(tempDir(), { ...COMPACT, 'min.compaction.lag.ms': '60000' });
  const old = write(log, cycling(150, 10, 'old'), 3, { baseTimestamp: now - HOUR });
  // Roll so that the recent records start a segment of their own.
  log.updateConfig(config({ ...COMPACT, 'min.compaction.lag.ms': '60000', 'segment.ms': '1' }));
  await new Promise((r) => setTimeout(r, 5));
  const recent = write(log, cycling(150, 10, 'new'), 3, { baseTimestamp: now });
  log.updateConfig(config({ ...COMPACT, 'min.compaction.lag.ms': '60000' }));
  const firstRecent = recent[0]![0];
  const range = new LogCleaner().assess(log, now);
  expect(range?.firstUncleanableOffset).toBe(firstRecent);

  expect(await log.compact({ now })).not.toBeNull();
  const rows = [...old, ...recent];
  expect(contents(log)).toEqual(expectedAfterCompaction(rows, firstRecent));
  // Every recent write is still there, including the versions that supersede each other.
  expect(contents(log).filter(([o]) => o >= firstRecent)).toHaveLength(150);
  await log.close();
});

test('min.cleanable.dirty.ratio gates cleaning; max.compaction.lag.ms forces it', async () => {
  const settings = { ...COMPACT, 'min.cleanable.dirty.ratio': '0.9' };
  const log = await openLog(tempDir(), settings);
  write(log, cycling(300, 100), 3, { baseTimestamp: T });
  const cleaner = new LogCleaner();
  const first = cleaner.assess(log, T);
  expect(first).toMatchObject({ firstDirtyOffset: 0, cleanBytes: 0, dirtyRatio: 1, needsCleaning: true });
  expect(await cleaner.cleanPartition(log, { now: T })).not.toBeNull();

  // A few more writes: the dirty part is small against the cleaned part.
  write(log, cycling(60, 100, 'w'), 3, { baseTimestamp: T + 1000 });
  const second = cleaner.assess(log, T + 2000)!;
  expect(second.dirtyBytes).toBeGreaterThan(0);
  expect(second.cleanBytes).toBeGreaterThan(second.dirtyBytes);
  expect(second.dirtyRatio).toBeCloseTo(second.dirtyBytes / (second.cleanBytes + second.dirtyBytes), 10);
  expect(second.dirtyRatio).toBeLessThan(0.9);
  expect(second.needsCleaning).toBe(false);
  expect(await cleaner.cleanPartition(log, { now: T + 2000 })).toBeNull();

  // The oldest dirty record is older than max.compaction.lag.ms: cleaned despite the ratio.
  log.updateConfig(config({ ...settings, 'max.compaction.lag.ms': '5000' }));
  expect(cleaner.assess(log, T + 3000)).toMatchObject({ maxCompactionLagExceeded: false, needsCleaning: false });
  expect(cleaner.assess(log, T + 7000)).toMatchObject({ maxCompactionLagExceeded: true, needsCleaning: true });
  const forced = await cleaner.cleanPartition(log, { now: T + 7000 });
  expect(forced?.firstDirtyOffset).toBe(second.firstDirtyOffset);
  expect(forced?.recordsRemoved).toBeGreaterThan(0);
  await log.close();
});

test('max.compaction.lag.ms also bounds the age of the active segment on compacted topics', async () => {
  const settings = { ...COMPACT, 'segment.bytes': '1000000', 'max.compaction.lag.ms': '1000' };
  const log = await openLog(tempDir(), settings);
  const now = Date.now();
  produce(log, [{ key: 'a', value: '1' }], { now });
  produce(log, [{ key: 'a', value: '2' }], { now: now + 500 });
  expect(log.segmentCount).toBe(1);
  produce(log, [{ key: 'a', value: '3' }], { now: now + 2000 });
  expect(log.segmentCount).toBe(2);
  // Not on a topic that is not compacted.
  const plain = await openLog(tempDir(), { 'segment.bytes': '1000000', 'max.compaction.lag.ms': '1000' });
  produce(plain, [{ key: 'a', value: '1' }], { now });
  produce(plain, [{ key: 'a', value: '2' }], { now: now + 2000 });
  expect(plain.segmentCount).toBe(1);
  await Promise.all([log.close(), plain.close()]);
});

describe.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('%s batches', (codec) => {
  beforeAll(() => loadCompression('all'));

  test('are cleaned and recompressed with the same codec', async () => {
    const log = await openLog(tempDir(), { ...COMPACT, 'segment.bytes': '3000' });
    const rows: Row[] = [];
    for (let b = 0; b < 40; b++) {
      const pairs = cycling(20, 15, `b${b}-`).map(([k, v], i) => [k, i === 7 ? null : `${v} ${'x'.repeat(30)}`] as [string, string | null]);
      const batch = buildRecordBatch(pairs.map(([key, value]) => ({ key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: T + b })), { compression: codec });
      const result = log.append(batch, validateProducedBatch(batch, { maxMessageBytes: 1 << 20 }));
      pairs.forEach(([k, v], j) => rows.push([result.baseOffset + j, k, v]));
    }
    const uncleanable = activeBase(log);
    const stats = await log.compact({ now: T });
    expect(stats?.recordsRemoved).toBeGreaterThan(0);
    expect(contents(log)).toEqual(expectedAfterCompaction(rows, uncleanable));
    const all = readAll(log);
    for (let pos = 0; pos < all.length; pos += all.readInt32BE(pos + 8) + 12) {
      const count = all.readInt32BE(pos + 57);
      if (count > 0) expect(all.readInt16BE(pos + 21) & 0x07).toBe(['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(codec));
    }
    await log.close();
  });
});

test('compacted topics refuse keyless records in uncompressed batches; the cleaner drops those in compressed ones', async () => {
  const log = await openLog(tempDir(), COMPACT);
  expect(() => produce(log, [{ key: 'a', value: '1' }, { key: null, value: '2' }])).toThrow(
    expect.objectContaining({ code: ErrorCode.INVALID_RECORD, message: expect.stringMatching(/without key in topic partition t-0/) }),
  );
  expect(log.logEndOffset).toBe(0);
  produce(log, [{ key: null, value: 'gz' }, { key: 'a', value: 'gz2' }], { compression: 'gzip' });
  write(log, cycling(200, 5));
  const stats = await log.compact();
  expect(stats?.keylessRemoved).toBe(1);
  expect(contents(log).some(([, k]) => k === '<null>')).toBe(false);
  await log.close();

  const plain = await openLog(tempDir(), { 'segment.bytes': '2000' });
  expect(produce(plain, values(3)).baseOffset).toBe(0);
  expect(await plain.compact()).toBeNull();
  await plain.close();
});

test('a full offset map cleans part of the log per round and the checkpoint carries on from there', async () => {
  const dir = tempDir();
  const log = await openLog(dir, COMPACT);
  const rows = write(log, [...cycling(150, 150, 'a'), ...cycling(150, 150, 'b')], 3);
  const uncleanable = activeBase(log);
  // 64 slots: at most 57 keys per round.
  const cleaner = new LogCleaner({ dedupeBufferBytes: 64 * 24 });
  const first = await cleaner.cleanPartition(log);
  expect(first).toMatchObject({ mapFull: true, firstDirtyOffset: 0 });
  expect(first!.endOffset).toBeLessThan(uncleanable);
  expect(first!.mapEntries).toBeLessThanOrEqual(57);
  let rounds = 1;
  let last = first!;
  while (last.mapFull) {
    const next = await cleaner.cleanPartition(log, { force: true });
    expect(next!.firstDirtyOffset).toBe(last.endOffset);
    last = next!;
    if (++rounds > 20) throw new Error('never finished');
  }
  expect(rounds).toBeGreaterThan(2);
  expect(last.endOffset).toBe(uncleanable);
  expect(contents(log)).toEqual(expectedAfterCompaction(rows, uncleanable));
  await log.close();
});

test("an idempotent producer's last batch is kept as an empty header so a retry is still recognised after a restart", async () => {
  const dir = tempDir();
  const log = await openLog(dir, COMPACT);
  const idem = { producerId: 7, producerEpoch: 0 };
  produce(log, [{ key: 'p', value: '1' }, { key: 'q', value: '1' }], { ...idem, baseSequence: 0 });
  const lastOfProducer = produce(log, [{ key: 'p', value: '2' }, { key: 'q', value: '2' }], { ...idem, baseSequence: 2 });
  // Later plain writes supersede every record of the producer.
  write(log, [['p', '3'], ['q', '3'], ...cycling(150, 20)]);
  await log.compact();
  const ranges = batchRanges(log);
  expect(ranges).not.toContainEqual([0, 1]);
  expect(ranges).toContainEqual([2, 3]);
  const all = readAll(log);
  expect(all.readInt32BE(57)).toBe(0); // the first stored batch is the empty header of offsets 2..3
  expect(Number(all.readBigInt64BE(43))).toBe(7);
  expect(all.readInt32BE(53)).toBe(2);
  expect(contents(log).some(([, , v]) => v === '2' || v === '1')).toBe(false);
  await log.close();

  // Rebuild the producer state from the log alone.
  fs.rmSync(path.join(log.path, 'producer-state-snapshot'));
  const again = await openLog(dir, COMPACT);
  const retry = produce(again, [{ key: 'p', value: '2' }, { key: 'q', value: '2' }], { ...idem, baseSequence: 2 });
  expect(retry).toMatchObject({ duplicate: true, baseOffset: lastOfProducer.baseOffset, lastOffset: lastOfProducer.lastOffset });
  expect(produce(again, [{ key: 'p', value: '4' }], { ...idem, baseSequence: 4 }).duplicate).toBe(false);
  await again.close();
});

test('appends, reads and retention go on while a cleaning runs; the cleaning gives up when the log changes under it', async () => {
  const log = await openLog(tempDir(), { ...COMPACT, 'cleanup.policy': 'compact,delete', 'retention.bytes': '-1' });
  const rows = write(log, cycling(600, 30));
  const uncleanable = activeBase(log);
  const cleaner = new LogCleaner({ sliceMs: 0 });
  const running = cleaner.cleanPartition(log);
  let appended = 0;
  let reads = 0;
  while (appended < 20) {
    await new Promise((r) => setImmediate(r));
    rows.push(...write(log, [[`live${appended}`, 'x']], 1));
    expect(readRecords(log.read({ offset: 0, maxBytes: 1 << 20, minOneBatch: true })).next().done).toBe(false);
    appended++;
    reads++;
  }
  const stats = await running;
  expect(stats).not.toBeNull();
  expect(stats!.longestSliceMs).toBeLessThan(1000);
  expect(reads).toBe(20);
  expect(contents(log)).toEqual(expectedAfterCompaction(rows, uncleanable));

  // Retention deleting the oldest segments mid-cleaning: the round is given up and leaves nothing behind.
  write(log, cycling(600, 600, 'z'));
  const again = cleaner.cleanPartition(log, { force: true });
  await new Promise((r) => setImmediate(r));
  log.updateConfig(config({ ...COMPACT, 'cleanup.policy': 'compact,delete', 'retention.bytes': '4000' }));
  expect(log.applyRetention(Date.now()).deletedSegments).toBeGreaterThan(0);
  expect(await again).toBeNull();
  expect(segmentFiles(log.path, '.cleaned')).toEqual([]);
  expect(segmentFiles(log.path, '.swap')).toEqual([]);
  expect(contents(log).length).toBeGreaterThan(0);
  await log.close();
});

test('closing the log stops a cleaning in progress; the log reopens unchanged', async () => {
  const dir = tempDir();
  const log = await openLog(dir, COMPACT);
  write(log, cycling(600, 30));
  const before = contents(log);
  const running = new LogCleaner({ sliceMs: 0 }).cleanPartition(log);
  await new Promise((r) => setImmediate(r));
  await log.close();
  expect(await running).toBeNull();
  expect(fs.readdirSync(log.path).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).toEqual([]);
  const again = await openLog(dir, COMPACT);
  expect(again.recoveryReport).toBeNull();
  expect(contents(again)).toEqual(before);
  await again.close();
});

test('compact,delete: retention still deletes old segments of a compacted topic', async () => {
  const now = Date.now();
  const log = await openLog(tempDir(), { ...COMPACT, 'cleanup.policy': 'compact,delete', 'retention.ms': '1000' });
  write(log, cycling(90, 10), 3, { baseTimestamp: now - HOUR });
  write(log, cycling(90, 10, 'new'), 3, { baseTimestamp: now });
  expect(log.applyRetention(now).deletedSegments).toBeGreaterThan(0);
  expect(log.logStartOffset).toBeGreaterThan(0);
  expect(await log.compact({ now })).not.toBeNull();
  await log.close();
});
