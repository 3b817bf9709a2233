/**
 * Start-up recovery of one partition directory. Segments that hold offsets at or after the recovery
 * point (the last offset known fsynced) — and always the last segment — are re-validated batch by
 * batch: complete header, sane batchLength, magic 2, CRC-32C, increasing offsets. The first bad or
 * torn batch and everything after it are cut off, and the indexes are rebuilt as the scan goes.
 * Segments before the recovery point only get their indexes sanity-checked (rebuilt on failure).
 * Before all that, the leftovers of an interrupted compaction are dealt with (cleaner/segment-swap.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkCrc } from '../protocol/record-batch';
import { finishInterruptedCleaning } from './cleaner/segment-swap';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, isStrayFile, parseSegmentFileName, segmentFileName } from './log-files';
import { Segment } from './segment';

export type RecoveryActionKind = 'truncated' | 'index-rebuilt' | 'segment-deleted' | 'stray-deleted' | 'swap-completed';

export interface RecoveryAction {
  /** File name inside the partition directory. */
  file: string;
  action: RecoveryActionKind;
  reason: string;
  /** Bytes cut off (truncated) or removed (segment-deleted). */
  bytes?: number;
}

/** What recovery repaired in one partition; PartitionLog.open exposes it (null when nothing was). */
export interface RecoveryReport {
  topic: string;
  partition: number;
  dir: string;
  /** Offset up to which the log was known to be flushed before this start. */
  recoveryPoint: number;
  logEndOffset: number;
  truncatedBytes: number;
  actions: RecoveryAction[];
}

export interface LoadOptions {
  dir: string;
  recoveryPoint: number;
  indexIntervalBytes: number;
  maxIndexBytes: number;
}

export interface LoadResult {
  segments: Segment[];
  actions: RecoveryAction[];
  truncatedBytes: number;
}

const INT32_MAX = 0x7fffffff;

/** Opens, checks and repairs every segment of `dir`, oldest first. */
export function loadSegments(opts: LoadOptions): LoadResult {
  const actions: RecoveryAction[] = [];
  // First the leftovers of an interrupted compaction: .cleaned files go, .swap files are completed.
  actions.push(...finishInterruptedCleaning(opts.dir));
  const bases = listSegments(opts.dir, actions);
  const segments: Segment[] = [];
  let truncatedBytes = 0;
  let previousEnd = -1;
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i] as number;
    const nextBase = bases[i + 1];
    const isLast = nextBase === undefined;
    const segment = Segment.open({ dir: opts.dir, baseOffset: base, indexIntervalBytes: opts.indexIntervalBytes, maxIndexBytes: opts.maxIndexBytes });
    segments.push(segment);
    const file = segmentFileName(base, LOG_SUFFIX);
    const maxRelativeOffset = isLast ? INT32_MAX : nextBase - 1 - base;
    const indexProblem = checkIndexes(segment, maxRelativeOffset);
    const unflushed = isLast || nextBase > opts.recoveryPoint;
    let result: ScanResult | null = null;
    if (unflushed || indexProblem !== null) {
      const start = indexProblem === null && opts.recoveryPoint > base ? segment.offsetIndex.lookupPosition(opts.recoveryPoint - base) : 0;
      result = recoverSegment(segment, { start, minOffset: Math.max(base, previousEnd), upperOffset: nextBase ?? Number.MAX_SAFE_INTEGER });
    } else {
      const tailProblem = loadTail(segment);
      if (tailProblem !== null) {
        result = recoverSegment(segment, { start: 0, minOffset: Math.max(base, previousEnd), upperOffset: nextBase });
        result.indexReason ??= tailProblem;
      }
    }
    if (!isLast) segment.seal();
    if (result) {
      segment.offsetIndex.writePending();
      segment.timeIndex.writePending();
      if (result.truncatedBytes > 0) {
        truncatedBytes += result.truncatedBytes;
        actions.push({ file, action: 'truncated', reason: result.truncateReason ?? 'invalid data', bytes: result.truncatedBytes });
      }
      const reason = indexProblem ?? result.indexReason ?? (result.indexesChanged(segment) ? 'index entries missing or stale' : null);
      if (reason !== null) actions.push({ file, action: 'index-rebuilt', reason });
      if (result.truncatedBytes > 0 && unflushed && !isLast) {
        // Later segments were written after the bad batch and cannot be trusted to follow it.
        for (const later of bases.slice(i + 1)) deleteSegmentFiles(opts.dir, later, actions, `follows the truncated segment ${file}`);
        break;
      }
    }
    previousEnd = segment.nextOffset;
  }
  return { segments, actions, truncatedBytes };
}

/** Deletes stray files and index files without a .log; returns the segment base offsets, sorted. */
function listSegments(dir: string, actions: RecoveryAction[]): number[] {
  const names = fs.readdirSync(dir);
  const logs = new Set<number>();
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.suffix === LOG_SUFFIX) logs.add(parsed.baseOffset);
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (isStrayFile(name)) {
      fs.rmSync(path.join(dir, name), { force: true, recursive: true });
      actions.push({ file: name, action: 'stray-deleted', reason: 'left over by an interrupted operation' });
    } else if (parsed && parsed.suffix !== LOG_SUFFIX && !logs.has(parsed.baseOffset)) {
      fs.rmSync(path.join(dir, name), { force: true });
      actions.push({ file: name, action: 'stray-deleted', reason: 'index without a log segment' });
    }
  }
  return [...logs].sort((a, b) => a - b);
}

function deleteSegmentFiles(dir: string, base: number, actions: RecoveryAction[], reason: string): void {
  const file = segmentFileName(base, LOG_SUFFIX);
  let bytes = 0;
  try {
    bytes = fs.statSync(path.join(dir, file)).size;
  } catch {
    // already gone
  }
  for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) fs.rmSync(path.join(dir, segmentFileName(base, suffix)), { force: true });
  actions.push({ file, action: 'segment-deleted', reason, bytes });
}

function checkIndexes(segment: Segment, maxRelativeOffset: number): string | null {
  const { offset, time } = segment.loadedIndexBytes;
  if (offset === null) return 'offset index file missing';
  if (time === null) return 'time index file missing';
  return (
    segment.offsetIndex.check({ fileBytes: offset, logSize: segment.size, maxRelativeOffset }) ??
    segment.timeIndex.check({ fileBytes: time, maxRelativeOffset })
  );
}

/**
 * For a flushed segment that is not re-validated: its end offset and largest timestamp, from a header
 * walk of the part after the last index entry. Returns a problem if the walk does not end cleanly.
 */
function loadTail(segment: Segment): string | null {
  const last = segment.timeIndex.entryCount - 1;
  if (last >= 0) {
    segment.maxTimestamp = segment.timeIndex.timestampAt(last);
    segment.offsetOfMaxTimestamp = segment.baseOffset + segment.timeIndex.relativeOffsetAt(last);
  }
  const start = Math.max(0, segment.offsetIndex.lastPosition);
  const scan = segment.scanner(start, 1 << 16);
  for (;;) {
    const status = scan.next();
    if (status === 'end') return null;
    if (status !== 'batch') return `batch at position ${scan.position} is ${status} (found while loading the segment)`;
    segment.nextOffset = scan.lastOffset + 1;
    if (scan.maxTimestamp > segment.maxTimestamp) {
      segment.maxTimestamp = scan.maxTimestamp;
      segment.offsetOfMaxTimestamp = scan.baseOffset;
    }
  }
}

interface ScanResult {
  truncatedBytes: number;
  truncateReason: string | null;
  indexReason: string | null;
  indexesChanged(segment: Segment): boolean;
}

/**
 * Validates batches from `start` to the end of the file, rebuilding index entries from there on and
 * truncating the file at the first batch that fails a check.
 */
export function recoverSegment(segment: Segment, opts: { start: number; minOffset: number; upperOffset: number }): ScanResult {
  const before = { offset: segment.offsetIndex.snapshot(), time: segment.timeIndex.snapshot() };
  const start = segment.prepareIndexRebuild(opts.start);
  const scan = segment.scanner(start);
  let expected = start === 0 ? opts.minOffset : -1;
  let validEnd = start;
  let reason: string | null = null;
  for (;;) {
    const status = scan.next();
    if (status === 'end') break;
    const at = status === 'batch' ? scan.batchPosition : scan.position;
    if (status === 'torn') {
      reason = `incomplete batch at position ${at}: only ${segment.size - at} bytes left`;
      break;
    }
    if (status === 'bad-length') {
      reason = `impossible batch length at position ${at}`;
      break;
    }
    if (scan.magic !== 2) {
      reason = `magic ${scan.magic} instead of 2 at position ${at}`;
      break;
    }
    if (!scan.body() || !checkCrc(scan.buf, scan.at, scan.batchSize)) {
      reason = `CRC-32C mismatch in the batch at position ${at}`;
      break;
    }
    const base = scan.baseOffset;
    const last = scan.lastOffset;
    if (base < expected || last < base || last >= opts.upperOffset) {
      reason = `offsets ${base}..${last} at position ${at} do not follow ${expected - 1}`;
      break;
    }
    segment.indexBatch(at, scan.batchSize, base, last, scan.maxTimestamp);
    expected = last + 1;
    validEnd = scan.position;
  }
  const truncatedBytes = segment.size - validEnd;
  if (truncatedBytes > 0) segment.truncateTo(validEnd);
  return {
    truncatedBytes,
    truncateReason: reason,
    indexReason: null,
    indexesChanged: (s) => !s.offsetIndex.contentEquals(before.offset) || !s.timeIndex.contentEquals(before.time),
  };
}
