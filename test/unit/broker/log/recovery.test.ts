import fs from 'node:fs';
import path from 'node:path';
import { batchesIn, openLog, produce, readAll, removeTempDirs, segmentFiles, tempDir, values } from './log-test-utils';

afterEach(removeTempDirs);

const SMALL = { 'segment.bytes': '1000', 'index.interval.bytes': '100' };

/** A log with several segments, closed cleanly; returns its partition directory and contents. */
async function seeded(dir: string, batches = 40): Promise<{ partDir: string; contents: Buffer }> {
  const log = await openLog(dir, SMALL);
  for (let i = 0; i < batches; i++) produce(log, values(2, `s${i}-`));
  const contents = readAll(log);
  await log.close();
  return { partDir: log.path, contents };
}

function lastLog(partDir: string): string {
  return path.join(partDir, segmentFiles(partDir, '.log').at(-1) as string);
}

test('garbage appended to the active segment is truncated and appends continue at the right offset', async () => {
  const dir = tempDir();
  const { partDir, contents } = await seeded(dir);
  const garbage = Buffer.from('this is not a record batch, just some garbage bytes that follow the last one');
  fs.appendFileSync(lastLog(partDir), garbage);
  const log = await openLog(dir, SMALL);
  expect(log.recoveryReport).not.toBeNull();
  const report = log.recoveryReport!;
  expect(report.truncatedBytes).toBe(garbage.length);
  expect(report.actions).toEqual(
    expect.arrayContaining([expect.objectContaining({ action: 'truncated', bytes: garbage.length, file: path.basename(lastLog(partDir)) })]),
  );
  expect(log.logEndOffset).toBe(80);
  expect(readAll(log).equals(contents)).toBe(true);
  expect(produce(log, values(1)).baseOffset).toBe(80);
  await log.close();
  const clean = await openLog(dir, SMALL);
  expect(clean.recoveryReport).toBeNull();
  expect(clean.logEndOffset).toBe(81);
  await clean.close();
});

test('a truncated last batch is cut off; the batches before it are intact', async () => {
  const dir = tempDir();
  const { partDir, contents } = await seeded(dir);
  const file = lastLog(partDir);
  const size = fs.statSync(file).size;
  fs.truncateSync(file, size - 5);
  const log = await openLog(dir, SMALL);
  const report = log.recoveryReport!;
  expect(report.actions.find((a) => a.action === 'truncated')?.reason).toMatch(/incomplete batch/);
  expect(log.logEndOffset).toBe(78);
  const after = readAll(log);
  expect(after.equals(contents.subarray(0, after.length))).toBe(true);
  expect(batchesIn(after).at(-1)).toEqual([76, 77]);
  expect(produce(log, values(2)).baseOffset).toBe(78);
  await log.close();
});

test('a zero-filled tail (pre-extended file after a crash) is truncated', async () => {
  const dir = tempDir();
  const { partDir } = await seeded(dir);
  fs.appendFileSync(lastLog(partDir), Buffer.alloc(4096));
  const log = await openLog(dir, SMALL);
  expect(log.recoveryReport?.truncatedBytes).toBe(4096);
  expect(log.recoveryReport?.actions.find((a) => a.action === 'truncated')?.reason).toMatch(/impossible batch length/);
  expect(log.logEndOffset).toBe(80);
  await log.close();
});

test('a batch with a flipped bit fails its CRC: the log is cut at that batch', async () => {
  const dir = tempDir();
  const { partDir } = await seeded(dir);
  // Without a recovery point (no flush ever completed) the whole last segment is re-validated.
  fs.rmSync(path.join(partDir, 'recovery-point-offset-checkpoint'));
  const file = lastLog(partDir);
  const bytes = fs.readFileSync(file);
  const firstSize = bytes.readInt32BE(8) + 12;
  bytes[firstSize + 70] = (bytes[firstSize + 70] as number) ^ 0x01; // inside the second batch's records
  fs.writeFileSync(file, bytes);
  const firstBase = Number(bytes.readBigInt64BE(0));
  const log = await openLog(dir, SMALL);
  expect(log.recoveryReport?.actions.find((a) => a.action === 'truncated')?.reason).toMatch(/CRC-32C/);
  expect(log.logEndOffset).toBe(firstBase + 2);
  await log.close();
});

test('a missing or corrupt index is rebuilt identically and lookups use it', async () => {
  const dir = tempDir();
  const { partDir, contents } = await seeded(dir);
  const indexes = segmentFiles(partDir, '.index');
  expect(indexes.length).toBeGreaterThan(2);
  const victim = path.join(partDir, indexes[0] as string);
  const timeVictim = path.join(partDir, indexes[1]!.replace('.index', '.timeindex'));
  const original = fs.readFileSync(victim);
  const originalTime = fs.readFileSync(timeVictim);
  expect(original.length).toBeGreaterThan(0);
  fs.rmSync(victim);
  // Not increasing: the second entry's position goes backwards.
  fs.writeFileSync(path.join(partDir, indexes[1] as string), Buffer.from([0, 0, 0, 5, 0, 0, 1, 0, 0, 0, 0, 9, 0, 0, 0, 1]));
  fs.writeFileSync(timeVictim, Buffer.from([1, 2, 3]));
  const log = await openLog(dir, SMALL);
  const rebuilt = log.recoveryReport!.actions.filter((a) => a.action === 'index-rebuilt');
  expect(rebuilt.map((a) => a.file)).toEqual([indexes[0]!.replace('.index', '.log'), indexes[1]!.replace('.index', '.log')]);
  expect(rebuilt[0]?.reason).toMatch(/missing/);
  expect(rebuilt[1]?.reason).toMatch(/not increasing/);
  expect(log.recoveryReport!.truncatedBytes).toBe(0);
  expect(fs.readFileSync(victim).equals(original)).toBe(true);
  expect(fs.readFileSync(timeVictim).equals(originalTime)).toBe(true);
  expect(readAll(log).equals(contents)).toBe(true);
  for (const offset of [0, 1, 9, 17, 30, 45, 79]) {
    const [first] = batchesIn(log.read({ offset, maxBytes: 1, minOneBatch: true }));
    expect(first?.[0]).toBeLessThanOrEqual(offset);
    expect(first?.[1]).toBeGreaterThanOrEqual(offset);
  }
  await log.close();
});

test('after a crash without close, the unflushed tail is re-validated and index entries are rebuilt', async () => {
  const dir = tempDir();
  const log = await openLog(dir, SMALL);
  for (let i = 0; i < 30; i++) produce(log, values(2));
  await log.flush();
  for (let i = 0; i < 30; i++) produce(log, values(2));
  // No close(): pending index entries and the recovery point stay as a crash would leave them.
  const again = await openLog(dir, SMALL);
  expect(again.logEndOffset).toBe(120);
  const report = again.recoveryReport!;
  expect(report.recoveryPoint).toBe(60);
  expect(report.truncatedBytes).toBe(0);
  expect(report.actions).toEqual([
    { file: path.basename(lastLog(again.path)), action: 'index-rebuilt', reason: 'index entries missing or stale' },
  ]);
  expect(batchesIn(readAll(again))).toHaveLength(60);
  expect(produce(again, values(1)).baseOffset).toBe(120);
  await again.close();
});

test('corruption in an unflushed middle segment removes the segments written after it', async () => {
  const dir = tempDir();
  const log = await openLog(dir, SMALL);
  for (let i = 0; i < 40; i++) produce(log, values(2));
  // Crash without any flush: the recovery point stays 0, so every segment is re-validated.
  const partDir = log.path;
  const logs = segmentFiles(partDir, '.log');
  const second = path.join(partDir, logs[1] as string);
  fs.truncateSync(second, fs.statSync(second).size - 3);
  const again = await openLog(dir, SMALL);
  const report = again.recoveryReport!;
  expect(report.actions.filter((a) => a.action === 'segment-deleted').map((a) => a.file)).toEqual(logs.slice(2));
  expect(segmentFiles(partDir, '.log')).toEqual(logs.slice(0, 2));
  expect(again.logEndOffset).toBe(batchesIn(readAll(again)).at(-1)![1] + 1);
  await again.close();
});

test('stray files from interrupted operations are deleted', async () => {
  const dir = tempDir();
  const { partDir } = await seeded(dir, 5);
  for (const name of ['00000000000000000000.log.swap', '00000000000000000000.log.cleaned', '00000000000000000000.log.deleted', '00000000000000000077.index']) {
    fs.writeFileSync(path.join(partDir, name), 'x');
  }
  const log = await openLog(dir, SMALL);
  expect(log.recoveryReport?.actions.filter((a) => a.action === 'stray-deleted')).toHaveLength(4);
  expect(fs.readdirSync(partDir).some((n) => n.endsWith('.swap') || n.endsWith('.cleaned') || n.endsWith('.deleted') || n.startsWith('00000000000000000077'))).toBe(false);
  expect(log.logEndOffset).toBe(10);
  await log.close();
});

test('a tail cut at any byte recovers to the longest whole-batch prefix', async () => {
  const dir = tempDir();
  const { partDir, contents } = await seeded(dir, 12);
  const file = lastLog(partDir);
  const full = fs.readFileSync(file);
  const boundaries: number[] = [0];
  for (let pos = 0; pos < full.length; pos += full.readInt32BE(pos + 8) + 12) boundaries.push(pos + full.readInt32BE(pos + 8) + 12);
  for (let cut = full.length - 1; cut > Math.max(0, full.length - 260); cut -= 7) {
    fs.writeFileSync(file, full.subarray(0, cut));
    fs.rmSync(path.join(partDir, 'recovery-point-offset-checkpoint'), { force: true });
    const log = await openLog(dir, SMALL);
    const kept = Math.max(...boundaries.filter((b) => b <= cut));
    expect(fs.statSync(file).size).toBe(kept);
    expect(log.recoveryReport?.truncatedBytes ?? 0).toBe(cut - kept);
    const after = readAll(log);
    expect(after.equals(contents.subarray(0, after.length))).toBe(true);
    await log.close();
  }
});
