/**
 * Walks the record batches of a .log file region through a reusable read buffer, so that recovery,
 * index rebuilds, producer-state rebuilds and offset lookups do one read syscall per chunk instead
 * of one per batch. Only the 12-byte length prefix is trusted to find the next batch; callers check
 * the rest (magic, CRC, offsets) and decide what a bad batch means.
 */
import { BATCH_OVERHEAD, LOG_OVERHEAD, Offset } from '../protocol/record-batch';
import { readFully } from './log-files';

export type ScanStatus =
  | 'batch'
  /** Nothing left before `end`. */
  | 'end'
  /** The length prefix or the batch runs past `end`: a torn write. */
  | 'torn'
  /** batchLength is too small to hold a batch header (zeroed or garbage bytes). */
  | 'bad-length';

export interface ScannerOptions {
  fd: number;
  start: number;
  end: number;
  /** Read-ahead size; small for short header scans, large for whole-segment walks. */
  chunkSize?: number;
}

export class BatchScanner {
  /** The chunk holding the current batch's header (and body after body()). */
  buf: Buffer;
  /** Where the current batch starts inside `buf`. */
  at = 0;
  /** File position and total size of the current batch. */
  batchPosition = -1;
  batchSize = 0;
  /** File position of the next batch. */
  position: number;
  private bufStart = 0;
  private bufLen = 0;
  private readonly fd: number;
  private readonly end: number;

  constructor(opts: ScannerOptions) {
    this.fd = opts.fd;
    this.position = opts.start;
    this.end = opts.end;
    this.buf = Buffer.allocUnsafe(opts.chunkSize ?? 1 << 20);
  }

  next(): ScanStatus {
    const pos = this.position;
    if (pos >= this.end) return 'end';
    if (this.end - pos < LOG_OVERHEAD || !this.ensure(pos, LOG_OVERHEAD)) return 'torn';
    const size = this.buf.readInt32BE(this.at + Offset.batchLength) + LOG_OVERHEAD;
    if (size < BATCH_OVERHEAD) return 'bad-length';
    if (pos + size > this.end || !this.ensure(pos, BATCH_OVERHEAD)) return 'torn';
    this.batchPosition = pos;
    this.batchSize = size;
    this.position = pos + size;
    return 'batch';
  }

  /** Makes the whole current batch available at `buf[at..at+batchSize)`. */
  body(): boolean {
    return this.ensure(this.batchPosition, this.batchSize);
  }

  get baseOffset(): number {
    return Number(this.buf.readBigInt64BE(this.at + Offset.baseOffset));
  }

  get lastOffset(): number {
    return this.baseOffset + this.buf.readInt32BE(this.at + Offset.lastOffsetDelta);
  }

  get maxTimestamp(): number {
    return Number(this.buf.readBigInt64BE(this.at + Offset.maxTimestamp));
  }

  get magic(): number {
    return this.buf.readInt8(this.at + Offset.magic);
  }

  get attributes(): number {
    return this.buf.readInt16BE(this.at + Offset.attributes);
  }

  /** Ensures file bytes [pos, pos+len) are in the buffer; false if the file ended early. */
  private ensure(pos: number, len: number): boolean {
    if (pos >= this.bufStart && pos + len <= this.bufStart + this.bufLen) {
      this.at = pos - this.bufStart;
      return true;
    }
    if (len > this.buf.length) this.buf = Buffer.allocUnsafe(len);
    const want = Math.min(this.buf.length, this.end - pos);
    this.bufLen = readFully(this.fd, this.buf, 0, want, pos);
    this.bufStart = pos;
    this.at = 0;
    return this.bufLen >= len;
  }
}
