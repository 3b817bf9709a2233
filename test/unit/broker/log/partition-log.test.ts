import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, KafkaError } from '../../../../broker/protocol/error-codes';
import { checkCrc, isLogAppendTime, maxTimestampOf } from '../../../../broker/protocol/record-batch';
import { sizedRecords } from '../../../helpers/batch-builder';
import { batchesIn, openLog, produce, readAll, removeTempDirs, segmentFiles, tempDir, values } from './log-test-utils';

afterEach(removeTempDirs);

test('append assigns consecutive offsets and reads return the stored batches across segment rolls', async () => {
  const dir = tempDir();
  const log = await openLog(dir, { 'segment.bytes': '500' });
  const results = [];
  for (let i = 0; i < 30; i++) results.push(produce(log, values(3, `b${i}-`)));
  expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 30 }, (_, i) => i * 3));
  expect(results[29]?.lastOffset).toBe(89);
  expect(log.logEndOffset).toBe(90);
  expect(log.highWatermark).toBe(90);
  expect(log.segmentCount).toBeGreaterThan(3);
  const files = segmentFiles(log.path, '.log');
  expect(files[0]).toBe('00000000000000000000.log');
  expect(files.every((f) => /^\d{20}\.log$/.test(f))).toBe(true);

  const all = readAll(log);
  expect(batchesIn(all)).toEqual(Array.from({ length: 30 }, (_, i) => [i * 3, i * 3 + 2]));
  expect(all.length).toBe(log.size);
  // Stored bytes are complete batches with valid CRCs (offsets are outside the CRC).
  let pos = 0;
  while (pos < all.length) {
    const size = all.readInt32BE(pos + 8) + 12;
    expect(checkCrc(all, pos, size)).toBe(true);
    pos += size;
  }
  await log.close();
});

test('reading from the middle of a batch returns that whole batch', async () => {
  const log = await openLog(tempDir());
  produce(log, values(5));
  produce(log, values(5));
  const out = log.read({ offset: 7, maxBytes: 1 << 20, minOneBatch: true });
  expect(batchesIn(out)).toEqual([[5, 9]]);
  expect(batchesIn(log.read({ offset: 2, maxBytes: 1 << 20, minOneBatch: true }))).toEqual([[0, 4], [5, 9]]);
  await log.close();
});

test('maxBytes stops before a batch that does not fit, minOneBatch returns one oversized batch', async () => {
  const log = await openLog(tempDir(), { 'segment.bytes': '1500' });
  for (let i = 0; i < 6; i++) produce(log, sizedRecords(4, 100));
  const one = readAll(log).readInt32BE(8) + 12;
  expect(batchesIn(log.read({ offset: 0, maxBytes: one * 2 + 10, minOneBatch: false }))).toEqual([[0, 3], [4, 7]]);
  expect(log.read({ offset: 0, maxBytes: one - 1, minOneBatch: false }).length).toBe(0);
  expect(batchesIn(log.read({ offset: 0, maxBytes: 10, minOneBatch: true }))).toEqual([[0, 3]]);
  expect(batchesIn(log.read({ offset: 9, maxBytes: 0, minOneBatch: true }))).toEqual([[8, 11]]);
  // maxOffset (the high watermark) excludes batches starting at or after it.
  expect(batchesIn(log.read({ offset: 0, maxBytes: 1 << 20, minOneBatch: true, maxOffset: 8 }))).toEqual([[0, 3], [4, 7]]);
  expect(log.read({ offset: 8, maxBytes: 1 << 20, minOneBatch: true, maxOffset: 8 }).length).toBe(0);
  await log.close();
});

test('offsets outside [logStartOffset, logEndOffset] are OFFSET_OUT_OF_RANGE; the end offset reads empty', async () => {
  const log = await openLog(tempDir());
  produce(log, values(3));
  expect(log.read({ offset: 3, maxBytes: 100, minOneBatch: true }).length).toBe(0);
  const err = (() => {
    try {
      log.read({ offset: 4, maxBytes: 100, minOneBatch: true });
    } catch (e) {
      return e;
    }
    return null;
  })();
  expect(err).toBeInstanceOf(KafkaError);
  expect((err as KafkaError).code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  expect(() => log.read({ offset: -1, maxBytes: 100, minOneBatch: true })).toThrow(KafkaError);
  await log.close();
});

test('sequential reads continue where the previous read ended, also after new appends and rolls', async () => {
  const log = await openLog(tempDir(), { 'segment.bytes': '300' });
  const seen: number[] = [];
  let next = 0;
  for (let round = 0; round < 20; round++) {
    produce(log, values(2, `r${round}-`));
    for (;;) {
      const out = log.read({ offset: next, maxBytes: 300, minOneBatch: true });
      if (out.length === 0) break;
      for (const [base, last] of batchesIn(out)) {
        seen.push(base);
        next = last + 1;
      }
    }
  }
  expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  expect(log.segmentCount).toBeGreaterThan(2);
  await log.close();
});

test('LogAppendTime topics stamp the broker time and keep a valid CRC', async () => {
  const log = await openLog(tempDir(), { 'message.timestamp.type': 'LogAppendTime' });
  const res = produce(log, values(2, 'x', 1000), { now: 1_700_000_000_000 });
  expect(res.logAppendTime).toBe(1_700_000_000_000);
  const stored = readAll(log);
  expect(isLogAppendTime(stored.readInt16BE(21))).toBe(true);
  expect(maxTimestampOf(stored)).toBe(1_700_000_000_000);
  expect(checkCrc(stored, 0, stored.length)).toBe(true);
  const create = await openLog(tempDir());
  expect(produce(create, values(1)).logAppendTime).toBe(-1);
  await Promise.all([log.close(), create.close()]);
});

test('segment.ms rolls the active segment once it is old enough', async () => {
  const log = await openLog(tempDir(), { 'segment.ms': '1000' });
  const t0 = Date.now();
  produce(log, values(1), { now: t0 });
  produce(log, values(1), { now: t0 + 10 });
  expect(log.segmentCount).toBe(1);
  produce(log, values(1), { now: t0 + 5000 });
  expect(log.segmentCount).toBe(2);
  expect(segmentFiles(log.path, '.log')).toEqual(['00000000000000000000.log', '00000000000000000002.log']);
  await log.close();
});

test('reopening continues at the right offset with the data intact and no recovery report', async () => {
  const dir = tempDir();
  const log = await openLog(dir, { 'segment.bytes': '1000', 'index.interval.bytes': '100' });
  for (let i = 0; i < 40; i++) produce(log, values(2, `p${i}-`));
  const before = readAll(log);
  await log.close();
  const again = await openLog(dir, { 'segment.bytes': '1000', 'index.interval.bytes': '100' });
  expect(again.recoveryReport).toBeNull();
  expect(again.logEndOffset).toBe(80);
  expect(readAll(again).equals(before)).toBe(true);
  expect(produce(again, values(1)).baseOffset).toBe(80);
  await again.close();
  expect(fs.existsSync(path.join(dir, 't-0', 'recovery-point-offset-checkpoint'))).toBe(true);
});

test('operations on a closed log fail with a retriable error', async () => {
  const log = await openLog(tempDir());
  await log.close();
  expect(() => produce(log, values(1))).toThrow(KafkaError);
});
