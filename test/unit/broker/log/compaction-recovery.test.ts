/**
 * Crash safety of compaction: the files a crash leaves at each step of the swap (cleaned-segment
 * writing, renames to .swap, deletion of the old segments, renames into place) are made by hand
 * from a real cleaning, and the log must open consistent: either as before the cleaning or as after.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecoveryActionKind } from '../../../../broker/log/recovery';
import { COMPACT, contents, cycling, write, type Row } from './compaction-utils';
import { openLog, removeTempDirs, segmentFiles, tempDir } from './log-test-utils';

afterEach(removeTempDirs);

const SMALL = { ...COMPACT, 'segment.bytes': '1000' };
/** Opened with segment.bytes this large, the cleaner merges every old segment into one. */
const BIG = { ...COMPACT, 'segment.bytes': '1000000' };
const NAME = '00000000000000000000';

interface Scenario {
  /** Partition directory before the cleaning; copies of it get the leftover files. */
  original: string;
  /** Partition directory after a complete cleaning. */
  cleaned: string;
  before: Row[];
  after: Row[];
  /** Base offsets of the segments the cleaning replaced. */
  oldBases: number[];
}

/** Outlives the per-test temp dirs: every test copies from it. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-compaction-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function scenario(): Promise<Scenario> {
  const a = path.join(root, 'a');
  const log = await openLog(a, SMALL);
  write(log, cycling(300, 10));
  const before = contents(log);
  await log.close();
  const b = path.join(root, 'b');
  fs.cpSync(a, b, { recursive: true });
  const cleaned = await openLog(b, BIG);
  const stats = await cleaned.compact();
  expect(stats?.segmentsAfter).toBe(2);
  const after = contents(cleaned);
  await cleaned.close();
  expect(after.length).toBeLessThan(before.length);
  const bases = segmentFiles(log.path, '.log').map((f) => Number(f.slice(0, 20)));
  return { original: log.path, cleaned: cleaned.path, before, after, oldBases: bases.slice(0, -1) };
}

/** A copy of the pre-cleaning log, in a directory of its own; returns the log dir to open. */
function copyOriginal(s: Scenario): { logDir: string; part: string } {
  const logDir = tempDir();
  const part = path.join(logDir, 't-0');
  fs.cpSync(s.original, part, { recursive: true });
  return { logDir, part };
}

/** Copies the cleaned segment's files (log, index, timeindex) into `part` with the given suffixes. */
function placeCleaned(s: Scenario, part: string, suffixes: { log: string; index: string; timeindex: string }): void {
  for (const [ext, suffix] of Object.entries(suffixes)) {
    fs.copyFileSync(path.join(s.cleaned, `${NAME}.${ext}`), path.join(part, `${NAME}.${ext}${suffix}`));
  }
}

function removeSegment(part: string, base: number, exts = ['log', 'index', 'timeindex']): void {
  for (const ext of exts) fs.rmSync(path.join(part, `${String(base).padStart(20, '0')}.${ext}`), { force: true });
}

function leftovers(part: string): string[] {
  return fs.readdirSync(part).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'));
}

async function openAndCheck(logDir: string, expected: Row[], kinds: RecoveryActionKind[]): Promise<void> {
  const log = await openLog(logDir, BIG);
  expect(contents(log)).toEqual(expected);
  const actions = log.recoveryReport?.actions.map((a) => a.action) ?? [];
  for (const kind of kinds) expect(actions).toContain(kind);
  expect(leftovers(log.path)).toEqual([]);
  // The log works on: appends continue at the old end, and a cleaning gives the fully cleaned result.
  expect(log.logEndOffset).toBe(300);
  await log.compact({ force: true });
  const settled = contents(log);
  await log.close();
  const again = await openLog(logDir, BIG);
  expect(again.recoveryReport).toBeNull();
  expect(contents(again)).toEqual(settled);
  await again.close();
}

let s: Scenario;
beforeAll(async () => {
  s = await scenario();
});

test('crash while writing the cleaned segment: the .cleaned files are discarded and the old segments kept', async () => {
  const { logDir, part } = copyOriginal(s);
  placeCleaned(s, part, { log: '.cleaned', index: '.cleaned', timeindex: '.cleaned' });
  // A torn .cleaned file is just as harmless.
  fs.truncateSync(path.join(part, `${NAME}.log.cleaned`), 100);
  await openAndCheck(logDir, s.before, ['stray-deleted']);
});

test('crash while renaming to .swap (indexes renamed, log not yet): everything is discarded', async () => {
  const { logDir, part } = copyOriginal(s);
  placeCleaned(s, part, { log: '.cleaned', index: '.swap', timeindex: '.swap' });
  await openAndCheck(logDir, s.before, ['stray-deleted']);
});

test('crash right after the commit point (.log.swap written, old segments all there): the swap is completed', async () => {
  const { logDir, part } = copyOriginal(s);
  placeCleaned(s, part, { log: '.swap', index: '.swap', timeindex: '.swap' });
  const log = await openLog(logDir, BIG);
  expect(contents(log)).toEqual(s.after);
  expect(log.recoveryReport?.actions).toContainEqual(expect.objectContaining({ file: `${NAME}.log`, action: 'swap-completed' }));
  expect(log.segmentCount).toBe(2);
  expect(segmentFiles(part, '.log')).toEqual(segmentFiles(s.cleaned, '.log'));
  // The swapped-in indexes are used as they are: nothing to rebuild.
  expect(log.recoveryReport?.actions.some((a) => a.action === 'index-rebuilt')).toBe(false);
  await log.close();
  await openAndCheck(logDir, s.after, []);
});

test('crash while deleting the old segments: the swap is completed over what is left', async () => {
  const { logDir, part } = copyOriginal(s);
  placeCleaned(s, part, { log: '.swap', index: '.swap', timeindex: '.swap' });
  expect(s.oldBases.length).toBeGreaterThan(3);
  removeSegment(part, s.oldBases[0] as number);
  removeSegment(part, s.oldBases[1] as number);
  removeSegment(part, s.oldBases[2] as number, ['log']); // its indexes were not deleted yet
  await openAndCheck(logDir, s.after, ['swap-completed']);
});

test('crash while renaming into place (log renamed, index swaps left): the indexes are rebuilt', async () => {
  const { logDir, part } = copyOriginal(s);
  for (const base of s.oldBases) removeSegment(part, base);
  placeCleaned(s, part, { log: '', index: '.swap', timeindex: '.swap' });
  await openAndCheck(logDir, s.after, ['stray-deleted', 'index-rebuilt']);
});

test('crash after the swap but before the checkpoint: the next cleaning redoes the work idempotently', async () => {
  const logDir = tempDir();
  const part = path.join(logDir, 't-0');
  fs.cpSync(s.cleaned, part, { recursive: true });
  fs.rmSync(path.join(part, 'cleaner-offset-checkpoint'));
  const log = await openLog(logDir, BIG);
  expect(contents(log)).toEqual(s.after);
  const stats = await log.compact();
  expect(stats).toMatchObject({ firstDirtyOffset: 0, recordsRemoved: 0 });
  expect(contents(log)).toEqual(s.after);
  await log.close();
});
