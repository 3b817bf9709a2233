/**
 * The read side of a partition log, over its ordered segments: fetch reads of whole stored batches,
 * timestamp lookups and header walks. Batches stay opaque bytes; only headers are parsed (and, for
 * an exact timestamp lookup in an uncompressed batch, the records' timestamp deltas).
 */
import {
  Compression,
  LOG_OVERHEAD,
  Offset,
  baseOffsetOf,
  batchSizeAt,
  compressionOf,
  findRecordAtOrAfterTimestamp,
  lastOffsetOf,
  type RecordPoint,
} from '../protocol/record-batch';
import type { BatchScanner } from './batch-scanner';
import type { Segment } from './segment';

const EMPTY = Buffer.alloc(0);
/** Sequential-read positions remembered per partition (one per distinct consumer position, roughly). */
const READ_CACHE_SIZE = 32;

/** Index of the last segment whose base offset is <= `offset` (0 if none). */
export function floorSegment(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((segments[mid] as Segment).baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

interface Cursor {
  segment: Segment;
  position: number;
}

export interface FetchRange {
  offset: number;
  maxBytes: number;
  minOneBatch: boolean;
  /** Batches whose base offset is >= this are not returned (the high watermark). */
  maxOffset: number;
}

/**
 * Remembers where previous reads ended so that a consumer asking for the next offset skips the
 * index lookup and header scan: a sequential fetch is then one pread.
 */
export class LogReader {
  private readonly cache = new Map<number, Cursor>();

  constructor(private readonly segments: () => readonly Segment[]) {}

  /** Whole batches starting with the one containing `offset`; see PartitionLog.read for the contract. */
  read(range: FetchRange): Buffer {
    const segments = this.segments();
    const start = this.locate(segments, range.offset);
    if (!start) return EMPTY;
    let index = floorSegment(segments, start.segment.baseOffset);
    let position = start.position;
    const parts: Buffer[] = [];
    let total = 0;
    let nextOffset = -1;
    let segment = start.segment;
    while (index < segments.length) {
      segment = segments[index] as Segment;
      const available = segment.size - position;
      if (available <= 0) {
        index++;
        position = 0;
        continue;
      }
      const budget = range.maxBytes - total;
      let chunk = budget > 0 ? segment.read(position, Math.min(available, budget)) : EMPTY;
      let cut = 0;
      let reachedMax = false;
      while (cut + LOG_OVERHEAD <= chunk.length) {
        const size = batchSizeAt(chunk, cut);
        if (cut + size > chunk.length) break;
        if (baseOffsetOf(chunk, cut) >= range.maxOffset) {
          reachedMax = true;
          break;
        }
        nextOffset = lastOffsetOf(chunk, cut) + 1;
        cut += size;
      }
      if (cut === 0 && total === 0 && range.minOneBatch && !reachedMax) {
        // KIP-74: the first batch is returned whole even when it is larger than maxBytes.
        const header = segment.read(position, Offset.lastOffsetDelta + 4);
        if (baseOffsetOf(header, 0) >= range.maxOffset) break;
        chunk = segment.read(position, batchSizeAt(header, 0));
        cut = chunk.length;
        nextOffset = lastOffsetOf(chunk, 0) + 1;
      }
      if (cut > 0) {
        parts.push(cut === chunk.length ? chunk : chunk.subarray(0, cut));
        total += cut;
        position += cut;
      }
      if (reachedMax || position < segment.size) break; // out of budget, or at the high watermark
      index++;
      position = 0;
    }
    if (nextOffset >= 0) this.remember(nextOffset, index < segments.length ? { segment: segments[index] as Segment, position } : { segment, position: segment.size });
    if (parts.length === 0) return EMPTY;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
  }

  /** Forgets cursors into deleted segments. */
  invalidate(): void {
    for (const [offset, cursor] of this.cache) if (cursor.segment.deleted) this.cache.delete(offset);
  }

  private remember(offset: number, cursor: Cursor): void {
    this.cache.delete(offset);
    this.cache.set(offset, cursor);
    if (this.cache.size > READ_CACHE_SIZE) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
  }

  /** Where the batch containing `offset` starts (or the first batch after a gap). */
  private locate(segments: readonly Segment[], offset: number): Cursor | null {
    const cached = this.cache.get(offset);
    if (cached && !cached.segment.deleted && cached.position <= cached.segment.size) return cached;
    for (let i = floorSegment(segments, offset); i < segments.length; i++) {
      const segment = segments[i] as Segment;
      const found = segment.findBatch(offset);
      if (found) return { segment, position: found.position };
    }
    return null;
  }
}

/**
 * Calls `visit` for every batch whose last offset is >= `fromOffset`, in offset order. The scanner
 * passed to `visit` is positioned on the batch (header in `buf` at `at`).
 */
export function forEachBatch(segments: readonly Segment[], fromOffset: number, visit: (scan: BatchScanner) => boolean | void): void {
  for (let i = floorSegment(segments, fromOffset); i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.nextOffset <= fromOffset) continue;
    const found = segment.findBatch(fromOffset);
    if (!found) continue;
    const scan = segment.scanner(found.position);
    while (scan.next() === 'batch') {
      if (visit(scan) === false) return;
    }
  }
}

/**
 * The earliest record at or after `fromOffset` whose timestamp is >= `timestamp`. Segments whose
 * largest timestamp is below the target are skipped; inside a segment the time index gives a start
 * point and batch maxTimestamps narrow it to a batch. For uncompressed batches the records' deltas
 * give the exact record. A compressed batch is not decompressed: its base offset (or `fromOffset`)
 * and its maxTimestamp are returned, which makes a consumer seek slightly early — never late.
 */
export function findOffsetByTimestamp(segments: readonly Segment[], timestamp: number, fromOffset: number): RecordPoint | null {
  for (let i = floorSegment(segments, fromOffset); i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.maxTimestamp < timestamp || segment.nextOffset <= fromOffset) continue;
    const entry = segment.timeIndex.floorBefore(timestamp);
    const indexed = entry < 0 ? segment.baseOffset : segment.baseOffset + segment.timeIndex.relativeOffsetAt(entry);
    const found = findInSegment(segment, Math.max(indexed, fromOffset), timestamp, fromOffset);
    if (found) return found;
  }
  return null;
}

function findInSegment(segment: Segment, startOffset: number, timestamp: number, minOffset: number): RecordPoint | null {
  const loc = segment.findBatch(startOffset);
  if (!loc) return null;
  const scan = segment.scanner(loc.position, 1 << 16);
  while (scan.next() === 'batch') {
    if (scan.lastOffset < minOffset || scan.maxTimestamp < timestamp) continue;
    const base = scan.baseOffset;
    if (compressionOf(scan.attributes) !== Compression.none) {
      return { offset: Math.max(base, minOffset), timestamp: scan.maxTimestamp };
    }
    if (!scan.body()) return null;
    const found = findRecordAtOrAfterTimestamp(scan.buf, scan.at, scan.batchSize, timestamp, minOffset);
    if (found) return found;
  }
  return null;
}

/** The record carrying the largest timestamp (the earliest one on ties), for ListOffsets MAX_TIMESTAMP. */
export function findMaxTimestamp(segments: readonly Segment[], fromOffset: number): RecordPoint | null {
  let best: Segment | null = null;
  for (const segment of segments) {
    if (segment.nextOffset > fromOffset && segment.maxTimestamp >= 0 && (!best || segment.maxTimestamp > best.maxTimestamp)) best = segment;
  }
  if (!best) return null;
  return findInSegment(best, Math.max(best.offsetOfMaxTimestamp, fromOffset), best.maxTimestamp, fromOffset);
}
