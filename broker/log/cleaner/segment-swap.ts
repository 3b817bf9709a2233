/**
 * Replacing segments with a cleaned one so that a crash at any point leaves a consistent log, as
 * Kafka does it, and the start-up half that finishes or undoes an interrupted replacement.
 *
 * A cleaned segment replaces a group of consecutive old segments [A, N) and is named after the
 * first one (A). It always ends with the group's last batch (possibly as an empty header), so its
 * own offset range ends exactly at N, which is how recovery knows which old segments it replaces.
 *
 *   1. write `A.log.cleaned`, `A.index.cleaned`, `A.timeindex.cleaned` and fsync them;
 *   2. rename them to `.swap`, the indexes first and the .log last, then fsync the directory:
 *      `A.log.swap` existing is the commit point;
 *   3. delete the old segments' files;
 *   4. rename `A.log.swap` to `A.log`, then the index swaps to their final names.
 *
 * At start-up: `.cleaned` files are deleted (the old segments are intact); each `A.log.swap` is
 * completed (the segments in [A, N) are deleted and the swap files renamed); index `.swap` files
 * without their `.log.swap` are deleted, and recovery rebuilds any index that is then missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BatchScanner } from '../batch-scanner';
import { LOG_SUFFIX, fsyncDirSync, parseSegmentFileName, segmentFileName } from '../log-files';
import type { Segment } from '../segment';
import { CLEANED_SUFFIX, SWAP_SUFFIX, segmentFiles } from './cleaned-segment-writer';

/** What start-up did about a leftover file (recovery.ts adds these to its report). */
export interface CleaningRecoveryAction {
  file: string;
  action: 'stray-deleted' | 'swap-completed';
  reason: string;
}

/**
 * Steps 2-4 for a cleaned segment at `base` replacing `old` (whose first segment is at `base`).
 * Synchronous, so no append or read interleaves. Throws when a step fails; before the commit point
 * the old segments are untouched and the swap files are removed.
 */
export function swapInCleanedSegment(dir: string, base: number, old: readonly Segment[]): void {
  const cleaned = segmentFiles(dir, base, CLEANED_SUFFIX);
  const swap = segmentFiles(dir, base, SWAP_SUFFIX);
  const final = segmentFiles(dir, base, '');
  try {
    fs.renameSync(cleaned.index, swap.index);
    fs.renameSync(cleaned.timeIndex, swap.timeIndex);
    fs.renameSync(cleaned.log, swap.log);
    fsyncDirSync(dir);
  } catch (err) {
    for (const file of [...Object.values(cleaned), ...Object.values(swap)]) fs.rmSync(file, { force: true });
    throw err;
  }
  for (const segment of old) segment.delete();
  fs.renameSync(swap.log, final.log);
  fs.renameSync(swap.index, final.index);
  fs.renameSync(swap.timeIndex, final.timeIndex);
}

/** Removes whatever a given-up cleaning of segment `base` left behind. */
export function discardCleanedFiles(dir: string, base: number): void {
  for (const file of Object.values(segmentFiles(dir, base, CLEANED_SUFFIX))) fs.rmSync(file, { force: true });
}

const LOG_SWAP = /^(\d{20})\.log\.swap$/;

/** The offset after the last complete batch of a .log file, or `base` when it holds none. */
function endOffsetOf(file: string, base: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const scan = new BatchScanner({ fd, start: 0, end: fs.fstatSync(fd).size, chunkSize: 1 << 16 });
    let next = base;
    while (scan.next() === 'batch') next = scan.lastOffset + 1;
    return next;
  } finally {
    fs.closeSync(fd);
  }
}

/** Start-up: discards `.cleaned` files and completes or discards `.swap` files (see the top of this file). */
export function finishInterruptedCleaning(dir: string): CleaningRecoveryAction[] {
  const actions: CleaningRecoveryAction[] = [];
  let names = fs.readdirSync(dir);
  let changed = false;
  for (const name of names) {
    if (!name.endsWith(CLEANED_SUFFIX)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    actions.push({ file: name, action: 'stray-deleted', reason: 'left over by an interrupted compaction; the segments it was to replace are intact' });
    changed = true;
  }
  const swaps = names
    .map((name) => LOG_SWAP.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  for (const base of swaps) {
    const swap = segmentFiles(dir, base, SWAP_SUFFIX);
    const final = segmentFiles(dir, base, '');
    const end = endOffsetOf(swap.log, base);
    changed = true;
    if (end <= base) {
      fs.rmSync(swap.log, { force: true });
      actions.push({ file: path.basename(swap.log), action: 'stray-deleted', reason: 'an interrupted compaction left an empty swap segment' });
      continue;
    }
    let replaced = 0;
    for (const name of fs.readdirSync(dir)) {
      const parsed = parseSegmentFileName(name);
      if (!parsed || parsed.baseOffset < base || parsed.baseOffset >= end) continue;
      fs.rmSync(path.join(dir, name), { force: true });
      if (parsed.suffix === LOG_SUFFIX) replaced++;
    }
    fs.renameSync(swap.log, final.log);
    for (const [from, to] of [[swap.index, final.index], [swap.timeIndex, final.timeIndex]] as const) {
      if (fs.existsSync(from)) fs.renameSync(from, to);
    }
    actions.push({
      file: segmentFileName(base, LOG_SUFFIX),
      action: 'swap-completed',
      reason: `finished an interrupted compaction: the cleaned segment replaced ${replaced} segment file(s) covering offsets ${base}..${end - 1}`,
    });
  }
  names = fs.readdirSync(dir);
  for (const name of names) {
    if (!name.endsWith(SWAP_SUFFIX)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    actions.push({ file: name, action: 'stray-deleted', reason: 'index left by an interrupted compaction without its segment; the index is rebuilt if missing' });
    changed = true;
  }
  if (changed) fsyncDirSync(dir);
  return actions;
}
