/**
 * One log segment: `<base>.log` (RecordBatch v2 bytes exactly as stored), `<base>.index` and
 * `<base>.timeindex`, named by the 20-digit base offset. The .log is written with positioned
 * writeSync on an open descriptor (a page-cache write costs microseconds; the async threadpool costs
 * more) and fsynced asynchronously by flush(), so concurrent appends share one fdatasync.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BatchScanner } from './batch-scanner';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, readFully, segmentFileName, writeFully } from './log-files';
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from './offset-index';
import { SparseIndex } from './sparse-index';
import { TIME_INDEX_ENTRY_SIZE, TimeIndex } from './time-index';

const fdatasync = promisify(fs.fdatasync);

/** Where a batch lies in a segment. */
export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
}

export interface SegmentOptions {
  dir: string;
  baseOffset: number;
  indexIntervalBytes: number;
  /** segment.index.bytes: the segment rolls when its index reaches this size. */
  maxIndexBytes: number;
}

export class Segment {
  readonly baseOffset: number;
  readonly logFile: string;
  offsetIndex: OffsetIndex;
  timeIndex: TimeIndex;
  /** Bytes of valid batches in the .log file. */
  size: number;
  /** Last offset + 1 of the last batch; baseOffset while empty. */
  nextOffset: number;
  /** Largest batch maxTimestamp and the base offset of the batch that carried it; -1 when unknown. */
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** Wall-clock time the segment started, for segment.ms. */
  createdMs: number;
  /** Last append (or file mtime), the retention.ms fallback when batches carry no timestamps. */
  lastModifiedMs: number;
  indexIntervalBytes: number;
  maxIndexBytes: number;
  /** Raw sizes of the index files found at open (null: missing), for the sanity check. */
  loadedIndexBytes: { offset: number | null; time: number | null } = { offset: 0, time: 0 };
  /** Written since the last fdatasync. */
  dirty = false;
  /** No longer the active segment: its indexes are complete and can be synced and closed. */
  sealed = false;
  deleted = false;
  private bytesSinceIndexEntry = 0;
  private fd: number;
  private inFlightSyncs = 0;
  private closeWhenIdle = false;

  private constructor(opts: SegmentOptions, fd: number, size: number, createdMs: number, lastModifiedMs: number) {
    this.baseOffset = opts.baseOffset;
    this.logFile = path.join(opts.dir, segmentFileName(opts.baseOffset, LOG_SUFFIX));
    this.fd = fd;
    this.size = size;
    this.nextOffset = opts.baseOffset;
    this.createdMs = createdMs;
    this.lastModifiedMs = lastModifiedMs;
    this.indexIntervalBytes = opts.indexIntervalBytes;
    this.maxIndexBytes = opts.maxIndexBytes;
    this.offsetIndex = new OffsetIndex(path.join(opts.dir, segmentFileName(opts.baseOffset, INDEX_SUFFIX)));
    this.timeIndex = new TimeIndex(path.join(opts.dir, segmentFileName(opts.baseOffset, TIME_INDEX_SUFFIX)));
  }

  /** Creates an empty segment (truncating leftovers of the same name). */
  static create(opts: SegmentOptions, now: number): Segment {
    const file = path.join(opts.dir, segmentFileName(opts.baseOffset, LOG_SUFFIX));
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
    const segment = new Segment(opts, fd, 0, now, now);
    segment.offsetIndex.clear();
    segment.timeIndex.clear();
    return segment;
  }

  /** Opens an existing segment and loads its index files as found; recovery validates them. */
  static open(opts: SegmentOptions): Segment {
    const file = path.join(opts.dir, segmentFileName(opts.baseOffset, LOG_SUFFIX));
    const fd = fs.openSync(file, fs.constants.O_RDWR);
    const stat = fs.fstatSync(fd);
    // birthtime is 0 on filesystems without it; mtime is later than creation, so never rolls early.
    const created = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
    const segment = new Segment(opts, fd, stat.size, created, stat.mtimeMs);
    const offsetBytes = SparseIndex.readFile(segment.offsetIndex.file);
    const timeBytes = SparseIndex.readFile(segment.timeIndex.file);
    segment.loadedIndexBytes = { offset: offsetBytes?.length ?? null, time: timeBytes?.length ?? null };
    if (offsetBytes) segment.offsetIndex = new OffsetIndex(segment.offsetIndex.file, offsetBytes);
    if (timeBytes) segment.timeIndex = new TimeIndex(segment.timeIndex.file, timeBytes);
    return segment;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** The index reached segment.index.bytes, or relative offsets would overflow int32: time to roll. */
  indexFull(lastOffset: number): boolean {
    return (
      (this.offsetIndex.entryCount + 1) * OFFSET_INDEX_ENTRY_SIZE > this.maxIndexBytes ||
      (this.timeIndex.entryCount + 2) * TIME_INDEX_ENTRY_SIZE > this.maxIndexBytes ||
      lastOffset - this.baseOffset > 0x7fffffff
    );
  }

  /** Appends one batch whose offsets were assigned by the caller. */
  append(batch: Buffer, loc: { baseOffset: number; lastOffset: number; maxTimestamp: number; now: number }): void {
    const position = this.size;
    try {
      writeFully(this.fd, batch, position);
    } catch (err) {
      // Leave no partial batch behind for readers or recovery to trip over.
      fs.ftruncateSync(this.fd, position);
      throw err;
    }
    this.size += batch.length;
    this.dirty = true;
    this.lastModifiedMs = loc.now;
    this.indexBatch(position, batch.length, loc.baseOffset, loc.lastOffset, loc.maxTimestamp);
  }

  /**
   * Records a batch in the indexes and the segment's statistics. Kafka's rule: an offset-index
   * entry for the batch that starts once more than index.interval.bytes were written since the last
   * entry, and a time-index entry beside it when the largest timestamp grew.
   */
  indexBatch(position: number, size: number, baseOffset: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = baseOffset;
    }
    if (this.bytesSinceIndexEntry > this.indexIntervalBytes) {
      this.offsetIndex.append(baseOffset - this.baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /**
   * Resets the index bookkeeping before a rebuild that resumes at `position`, which must be the
   * position of an offset-index entry (or 0: rebuild from scratch). Returns the position to scan from.
   */
  prepareIndexRebuild(position: number): number {
    let entry = this.offsetIndex.entryCount - 1;
    while (entry >= 0 && this.offsetIndex.positionAt(entry) > position) entry--;
    if (position === 0 || entry < 0 || this.offsetIndex.positionAt(entry) !== position) {
      this.offsetIndex.clear();
      this.timeIndex.clear();
      this.maxTimestamp = -1;
      this.offsetOfMaxTimestamp = -1;
      this.bytesSinceIndexEntry = 0;
      return 0;
    }
    const relativeOffset = this.offsetIndex.relativeOffsetAt(entry);
    this.offsetIndex.truncateEntries(entry);
    this.timeIndex.truncateToOffset(relativeOffset);
    // The batch at `position` had an index entry, so the rebuild must give it one again.
    this.bytesSinceIndexEntry = this.indexIntervalBytes + 1;
    // Kept time entries cover every batch before `position` (see time-index.ts), so their last
    // timestamp is the largest one so far.
    const last = this.timeIndex.entryCount - 1;
    this.maxTimestamp = last >= 0 ? this.timeIndex.timestampAt(last) : -1;
    this.offsetOfMaxTimestamp = last >= 0 ? this.baseOffset + this.timeIndex.relativeOffsetAt(last) : -1;
    return position;
  }

  /** Reads `length` bytes at `position` into a new buffer (shorter only if the file is). */
  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const n = readFully(this.fd, buf, 0, length, position);
    return n === length ? buf : buf.subarray(0, n);
  }

  /** A scanner over this segment's batches from `start`. */
  scanner(start: number, chunkSize?: number): BatchScanner {
    return new BatchScanner({ fd: this.fd, start, end: this.size, chunkSize });
  }

  /**
   * The batch containing `offset`, or the first batch after it when `offset` falls in a gap; null
   * when every batch of the segment ends before `offset`. An index lookup, then a short header scan.
   */
  findBatch(offset: number): BatchLocation | null {
    const start = offset <= this.baseOffset ? 0 : this.offsetIndex.lookupPosition(offset - this.baseOffset);
    const scan = this.scanner(start, Math.min(1 << 16, Math.max(4096, this.indexIntervalBytes * 2)));
    while (scan.next() === 'batch') {
      const last = scan.lastOffset;
      if (last >= offset) return { position: scan.batchPosition, size: scan.batchSize, baseOffset: scan.baseOffset, lastOffset: last };
    }
    return null;
  }

  /** Drops everything from `position` on (recovery of a torn tail). */
  truncateTo(position: number): void {
    fs.ftruncateSync(this.fd, position);
    this.size = position;
    this.dirty = true;
  }

  /** Called when the segment stops being the active one: completes its time index (Kafka does too). */
  seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    this.offsetIndex.writePending();
    this.timeIndex.writePending();
  }

  /**
   * fdatasync of the .log, and of the indexes once sealed. The active segment's index files are
   * written but not synced on each flush: recovery always re-scans the last segment and rebuilds its
   * missing entries, so syncing them would only add fsyncs to every acknowledged flush.
   */
  async sync(): Promise<void> {
    if (this.deleted) return;
    this.inFlightSyncs++;
    try {
      const work: Promise<void>[] = [];
      if (this.dirty) {
        this.dirty = false;
        work.push(fdatasync(this.fd));
      }
      if (this.sealed) {
        work.push(this.offsetIndex.sync(), this.timeIndex.sync());
      } else {
        this.offsetIndex.writePending();
        this.timeIndex.writePending();
      }
      await Promise.all(work);
      if (this.sealed) {
        // Sealed indexes are only read from memory from now on; free their descriptors.
        this.offsetIndex.closeFd();
        this.timeIndex.closeFd();
      }
    } catch (err) {
      this.dirty = true;
      throw err;
    } finally {
      this.inFlightSyncs--;
      if (this.inFlightSyncs === 0 && this.closeWhenIdle) this.closeNow();
    }
  }

  /** Writes pending index entries and syncs everything (clean shutdown). */
  async syncAll(): Promise<void> {
    this.inFlightSyncs++;
    try {
      this.dirty = false;
      await Promise.all([fdatasync(this.fd), this.offsetIndex.sync(), this.timeIndex.sync()]);
    } finally {
      this.inFlightSyncs--;
      if (this.inFlightSyncs === 0 && this.closeWhenIdle) this.closeNow();
    }
  }

  /** Closes the descriptors, once any fdatasync in flight on them has finished. */
  close(): void {
    if (this.inFlightSyncs > 0) this.closeWhenIdle = true;
    else this.closeNow();
  }

  /** Removes the files now (no reader can hold them: reads copy into their own buffers). */
  delete(): void {
    this.deleted = true;
    this.close();
    fs.rmSync(this.logFile, { force: true });
    fs.rmSync(this.offsetIndex.file, { force: true });
    fs.rmSync(this.timeIndex.file, { force: true });
  }

  private closeNow(): void {
    this.closeWhenIdle = false;
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    this.offsetIndex.closeFd();
    this.timeIndex.closeFd();
  }
}
