import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from '../../../../broker/protocol/error-codes';
import { sizedRecords } from '../../../helpers/batch-builder';
import { batchesIn, openLog, produce, readAll, removeTempDirs, segmentFiles, tempDir, values } from './log-test-utils';

afterEach(removeTempDirs);

const HOUR = 3_600_000;

test('retention.bytes deletes the oldest segments while the rest still holds retention.bytes', async () => {
  const log = await openLog(tempDir(), { 'segment.bytes': '1100', 'retention.bytes': '2500' });
  for (let i = 0; i < 20; i++) produce(log, sizedRecords(2, 200)); // ~530-byte batches, two per segment
  const segmentsBefore = log.segmentCount;
  const sizeBefore = log.size;
  const { deletedSegments } = log.applyRetention(Date.now());
  expect(deletedSegments).toBeGreaterThan(0);
  expect(log.segmentCount).toBe(segmentsBefore - deletedSegments);
  expect(log.size).toBeGreaterThanOrEqual(2500);
  expect(log.size).toBeLessThan(2500 + 1100);
  expect(log.size).toBeLessThan(sizeBefore);
  const first = batchesIn(readAll(log))[0]!;
  expect(log.logStartOffset).toBe(first[0]);
  expect(() => log.read({ offset: 0, maxBytes: 100, minOneBatch: true })).toThrow(expect.objectContaining({ code: ErrorCode.OFFSET_OUT_OF_RANGE }));
  expect(log.applyRetention(Date.now()).deletedSegments).toBe(0);
  await log.close();
});

test('retention.ms deletes segments whose newest record is too old, never the active one unless rolled first', async () => {
  const dir = tempDir();
  const now = Date.now();
  const log = await openLog(dir, { 'segment.bytes': '600', 'retention.ms': String(HOUR) });
  for (let i = 0; i < 6; i++) produce(log, values(4, 'old', now - 3 * HOUR));
  const oldEnd = log.logEndOffset;
  for (let i = 0; i < 6; i++) produce(log, values(4, 'new', now - 60_000));
  const { deletedSegments } = log.applyRetention(now);
  expect(deletedSegments).toBeGreaterThan(0);
  expect(log.logStartOffset).toBeLessThanOrEqual(oldEnd);
  // Everything older than an hour is gone as far as whole segments allow; nothing recent was lost.
  const remaining = batchesIn(readAll(log));
  expect(remaining.at(-1)).toEqual([44, 47]);
  expect(remaining.filter(([b]) => b >= oldEnd)).toHaveLength(6);

  // When every segment, the active one included, is expired: roll, then delete them all.
  const all = await openLog(tempDir(), { 'retention.ms': String(HOUR) });
  produce(all, values(3, 'x', now - 2 * HOUR));
  expect(all.applyRetention(now).deletedSegments).toBe(1);
  expect(all.segmentCount).toBe(1);
  expect(all.logStartOffset).toBe(3);
  expect(all.logEndOffset).toBe(3);
  expect(produce(all, values(1)).baseOffset).toBe(3);
  await Promise.all([log.close(), all.close()]);
});

test('compact-only topics are not subject to retention', async () => {
  const now = Date.now();
  const log = await openLog(tempDir(), { 'segment.bytes': '300', 'retention.ms': '1000', 'cleanup.policy': 'compact' });
  for (let i = 0; i < 6; i++) produce(log, [{ key: `k${i}`, value: 'v', timestamp: now - HOUR }]);
  expect(log.applyRetention(now).deletedSegments).toBe(0);
  expect(log.logStartOffset).toBe(0);
  await log.close();
});

test('deleteRecordsBefore moves the log start offset, deletes whole segments and survives reopen', async () => {
  const dir = tempDir();
  const log = await openLog(dir, { 'segment.bytes': '500' });
  for (let i = 0; i < 20; i++) produce(log, values(3));
  const segments = log.segmentCount;
  expect(log.deleteRecordsBefore(31)).toBe(31);
  expect(log.logStartOffset).toBe(31);
  expect(log.segmentCount).toBeLessThan(segments);
  expect(Number(segmentFiles(log.path, '.log')[0]!.slice(0, 20))).toBeLessThanOrEqual(31);
  // The batch holding 31 is still returned whole; offsets below the start are out of range.
  expect(batchesIn(log.read({ offset: 31, maxBytes: 1, minOneBatch: true }))).toEqual([[30, 32]]);
  expect(() => log.read({ offset: 29, maxBytes: 100, minOneBatch: true })).toThrow(expect.objectContaining({ code: ErrorCode.OFFSET_OUT_OF_RANGE }));
  expect(() => log.deleteRecordsBefore(61)).toThrow(expect.objectContaining({ code: ErrorCode.OFFSET_OUT_OF_RANGE }));
  expect(log.deleteRecordsBefore(10)).toBe(31);
  await log.close();

  const again = await openLog(dir, { 'segment.bytes': '500' });
  expect(again.logStartOffset).toBe(31);
  expect(again.deleteRecordsBefore(-1)).toBe(60);
  expect(again.read({ offset: 60, maxBytes: 100, minOneBatch: true }).length).toBe(0);
  // A crash right after (no close) keeps it too: the checkpoint is written durably at once.
  const crashed = await openLog(dir, { 'segment.bytes': '500' });
  expect(crashed.logStartOffset).toBe(60);
  expect(fs.existsSync(path.join(again.path, 'log-start-offset-checkpoint'))).toBe(true);
  await crashed.close();
});

test('offsetForTimestamp finds the earliest record at or after a timestamp, exactly for uncompressed batches', async () => {
  const dir = tempDir();
  const log = await openLog(dir, { 'segment.bytes': '700', 'index.interval.bytes': '50' });
  const t0 = 1_700_000_000_000;
  // Offset n has timestamp t0 + 10n; batches of 4 records.
  for (let b = 0; b < 25; b++) produce(log, Array.from({ length: 4 }, (_, i) => ({ value: 'v', timestamp: t0 + 10 * (b * 4 + i) })));
  expect(log.segmentCount).toBeGreaterThan(3);
  expect(log.offsetForTimestamp(t0 - 5)).toEqual({ offset: 0, timestamp: t0 });
  expect(log.offsetForTimestamp(t0)).toEqual({ offset: 0, timestamp: t0 });
  expect(log.offsetForTimestamp(t0 + 1)).toEqual({ offset: 1, timestamp: t0 + 10 });
  expect(log.offsetForTimestamp(t0 + 10 * 57)).toEqual({ offset: 57, timestamp: t0 + 570 });
  expect(log.offsetForTimestamp(t0 + 10 * 57 - 3)).toEqual({ offset: 57, timestamp: t0 + 570 });
  expect(log.offsetForTimestamp(t0 + 10 * 99)).toEqual({ offset: 99, timestamp: t0 + 990 });
  expect(log.offsetForTimestamp(t0 + 10 * 99 + 1)).toBeNull();
  expect(log.maxTimestamp()).toEqual({ offset: 99, timestamp: t0 + 990 });
  // Below the log start offset nothing is returned.
  log.deleteRecordsBefore(42);
  expect(log.offsetForTimestamp(t0)).toEqual({ offset: 42, timestamp: t0 + 420 });
  await log.close();
  const again = await openLog(dir, { 'segment.bytes': '700', 'index.interval.bytes': '50' });
  expect(again.offsetForTimestamp(t0 + 10 * 77)).toEqual({ offset: 77, timestamp: t0 + 770 });
  await again.close();
});

test('offsetForTimestamp on compressed batches returns the batch base offset and its max timestamp', async () => {
  const log = await openLog(tempDir());
  const t0 = 1_700_000_000_000;
  produce(log, [{ value: 'a', timestamp: t0 }, { value: 'b', timestamp: t0 + 5 }], { compression: 'gzip' });
  produce(log, [{ value: 'c', timestamp: t0 + 10 }, { value: 'd', timestamp: t0 + 20 }], { compression: 'gzip' });
  expect(log.offsetForTimestamp(t0 + 12)).toEqual({ offset: 2, timestamp: t0 + 20 });
  expect(log.offsetForTimestamp(t0 + 1)).toEqual({ offset: 0, timestamp: t0 + 5 });
  await log.close();
});

test('LogAppendTime batches are found by their broker timestamp', async () => {
  const log = await openLog(tempDir(), { 'message.timestamp.type': 'LogAppendTime' });
  produce(log, values(3, 'a', 5), { now: 1000 });
  produce(log, values(3, 'b', 5), { now: 2000 });
  expect(log.offsetForTimestamp(1500)).toEqual({ offset: 3, timestamp: 2000 });
  expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 1000 });
  await log.close();
});
