/**
 * Writes one cleaned segment to `<base>.log.cleaned`, `<base>.index.cleaned` and
 * `<base>.timeindex.cleaned`: batches go through a 1 MiB buffer to the .log, and the index entries
 * are built as the batches are written, with the same rule as Segment.indexBatch (an offset entry
 * once more than index.interval.bytes were written since the last one, a time entry beside it when
 * the largest timestamp grew, and a final time entry for the largest timestamp, as at a roll).
 * finish() makes the three files durable before segment-swap.ts renames them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Offset } from '../../protocol/record-batch';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFileName, writeFully } from '../log-files';
import { OffsetIndex } from '../offset-index';
import { TimeIndex } from '../time-index';

const fdatasync = promisify(fs.fdatasync);
const BUFFER_BYTES = 1 << 20;

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

/** The three file names of segment `base` with `extra` appended (".cleaned", ".swap" or ""). */
export function segmentFiles(dir: string, base: number, extra: string): { log: string; index: string; timeIndex: string } {
  return {
    log: path.join(dir, segmentFileName(base, LOG_SUFFIX) + extra),
    index: path.join(dir, segmentFileName(base, INDEX_SUFFIX) + extra),
    timeIndex: path.join(dir, segmentFileName(base, TIME_INDEX_SUFFIX) + extra),
  };
}

export interface CleanedSegmentInfo {
  baseOffset: number;
  size: number;
  nextOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
}

export class CleanedSegmentWriter {
  readonly baseOffset: number;
  readonly files: { log: string; index: string; timeIndex: string };
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  private fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  private bytesSinceIndexEntry = 0;
  private readonly offsetIndex: OffsetIndex;
  private readonly timeIndex: TimeIndex;
  private readonly indexIntervalBytes: number;

  constructor(opts: { dir: string; baseOffset: number; indexIntervalBytes: number }) {
    this.baseOffset = opts.baseOffset;
    this.nextOffset = opts.baseOffset;
    this.indexIntervalBytes = opts.indexIntervalBytes;
    this.files = segmentFiles(opts.dir, opts.baseOffset, CLEANED_SUFFIX);
    // O_TRUNC, and clear() below: leftovers of an earlier attempt must not survive into this one.
    this.fd = fs.openSync(this.files.log, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
    this.offsetIndex = new OffsetIndex(this.files.index);
    this.timeIndex = new TimeIndex(this.files.timeIndex);
    this.offsetIndex.clear();
    this.timeIndex.clear();
  }

  /** Appends the batch at src[at, at+size) (its header says where it lies in the offset space). */
  append(src: Buffer, at: number, size: number): void {
    const baseOffset = Number(src.readBigInt64BE(at + Offset.baseOffset));
    const lastOffset = baseOffset + src.readInt32BE(at + Offset.lastOffsetDelta);
    const maxTimestamp = Number(src.readBigInt64BE(at + Offset.maxTimestamp));
    const position = this.size;
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
    if (this.buffered + size > BUFFER_BYTES) this.drain();
    if (size > BUFFER_BYTES) {
      writeFully(this.fd, src.subarray(at, at + size), position);
    } else {
      src.copy(this.buffer, this.buffered, at, at + size);
      this.buffered += size;
    }
    this.size += size;
  }

  /** Writes out and fsyncs the .log and both indexes, closes them and sets the file times. */
  async finish(lastModifiedMs: number): Promise<CleanedSegmentInfo> {
    this.drain();
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    await Promise.all([fdatasync(this.fd), this.offsetIndex.sync(), this.timeIndex.sync()]);
    this.closeFiles();
    // Retention by time falls back to the file time when batches carry no timestamps: keep the old one.
    const mtime = new Date(lastModifiedMs);
    for (const file of [this.files.log, this.files.index, this.files.timeIndex]) fs.utimesSync(file, mtime, mtime);
    return { baseOffset: this.baseOffset, size: this.size, nextOffset: this.nextOffset, maxTimestamp: this.maxTimestamp, offsetOfMaxTimestamp: this.offsetOfMaxTimestamp };
  }

  /** Closes and removes the files (a cleaning that was given up). */
  abort(): void {
    this.closeFiles();
    for (const file of [this.files.log, this.files.index, this.files.timeIndex]) fs.rmSync(file, { force: true });
  }

  private drain(): void {
    if (this.buffered === 0) return;
    const position = this.size - this.buffered;
    writeFully(this.fd, this.buffer.subarray(0, this.buffered), position);
    this.buffered = 0;
  }

  private closeFiles(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    this.offsetIndex.closeFd();
    this.timeIndex.closeFd();
  }
}
