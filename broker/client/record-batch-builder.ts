/**
 * Encodes records into one RecordBatch v2 (magic 2), the only format the broker accepts from
 * producers. Records are written straight into one growing buffer as they are appended, behind a
 * 61-byte gap that `build()` fills with the batch header; no per-record objects are kept. Record
 * layout (all lengths zig-zag varints):
 *
 *   length, attributes:int8, timestampDelta:varlong, offsetDelta:varint, keyLength, key,
 *   valueLength, value, headerCount, [headerKeyLength, headerKey, headerValueLength, headerValue]...
 *
 * With compression the records region (everything after the header) is compressed as one blob.
 * The CRC-32C covers attributes to the end of the batch.
 */
import { crc32c } from '@node-rs/crc32';
import { BATCH_OVERHEAD, LOG_OVERHEAD, Offset } from '../protocol/record-batch';
import { compress, compressionCodecOf } from './compression';

export type RecordHeader = readonly [string, Buffer | null];

export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Epoch milliseconds; defaults to the time of `append`. */
  timestamp?: number;
}

export interface RecordBatchOptions {
  /** Codec number or name (none, gzip, snappy, lz4, zstd). Non-gzip codecs need `loadCompression` first. */
  compression?: number | string;
  /** Idempotent producers set these; -1 means "not idempotent". */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  /** Initial buffer size; the buffer grows as records are appended. */
  initialCapacity?: number;
}

const TRANSACTIONAL_BIT = 0x10;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Bytes of a zig-zag varint for a value in the int32 range. */
function varintSize(n: number): number {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  let size = 1;
  while (v > 0x7f) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Bytes of a zig-zag varlong (exact for |n| < 2^52, which covers any timestamp delta). */
function varlongSize(n: number): number {
  if (n >= INT32_MIN / 2 && n <= INT32_MAX / 2) return varintSize(n);
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  while (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

function writeVarlong(buf: Buffer, pos: number, n: number): number {
  if (n >= INT32_MIN / 2 && n <= INT32_MAX / 2) return writeVarint(buf, pos, n);
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Scratch for header-key byte lengths, reused across records (sized on demand). */
let headerKeyLengths = new Int32Array(16);

export class RecordBatchBuilder {
  private buf: Buffer;
  private pos = BATCH_OVERHEAD;
  private records = 0;
  private baseTimestamp = -1;
  private maxTimestamp = -1;
  private readonly codec: number;
  private readonly attributes: number;
  private readonly producerId: number;
  private readonly producerEpoch: number;
  private readonly baseSequence: number;
  private readonly initialCapacity: number;

  constructor(opts: RecordBatchOptions = {}) {
    const c = opts.compression ?? 0;
    this.codec = typeof c === 'string' ? compressionCodecOf(c) : c;
    if (this.codec < 0 || this.codec > 4) throw new Error(`unknown compression codec ${this.codec}`);
    this.attributes = this.codec | (opts.transactional ? TRANSACTIONAL_BIT : 0);
    this.producerId = opts.producerId ?? -1;
    this.producerEpoch = opts.producerEpoch ?? -1;
    this.baseSequence = opts.baseSequence ?? -1;
    this.initialCapacity = Math.max(BATCH_OVERHEAD + 64, opts.initialCapacity ?? 16 * 1024);
    this.buf = Buffer.allocUnsafe(this.initialCapacity);
  }

  get count(): number {
    return this.records;
  }

  /** Size of the batch if built now without compression. */
  get sizeInBytes(): number {
    return this.pos;
  }

  get firstTimestamp(): number {
    return this.baseTimestamp;
  }

  /** Appends one record; returns its offset delta within the batch. */
  append(record: RecordInput): number {
    const timestamp = record.timestamp ?? Date.now();
    if (this.records === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) {
      this.maxTimestamp = timestamp;
    }
    const offsetDelta = this.records;
    const timestampDelta = timestamp - this.baseTimestamp;
    const { key, value } = record;
    const headers = record.headers;
    const headerCount = headers ? headers.length : 0;

    let body = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta);
    body += key === null ? 1 : varintSize(key.length) + key.length;
    body += value === null ? 1 : varintSize(value.length) + value.length;
    body += varintSize(headerCount);
    if (headers && headerCount > 0) {
      if (headerKeyLengths.length < headerCount) headerKeyLengths = new Int32Array(headerCount * 2);
      for (let i = 0; i < headerCount; i++) {
        const h = headers[i] as RecordHeader;
        const hv = h[1];
        const n = Buffer.byteLength(h[0], 'utf8');
        headerKeyLengths[i] = n;
        body += varintSize(n) + n + (hv === null ? 1 : varintSize(hv.length) + hv.length);
      }
    }
    this.ensure(5 + body);

    const buf = this.buf;
    let p = writeVarint(buf, this.pos, body);
    buf[p++] = 0; // record attributes: unused
    p = writeVarlong(buf, p, timestampDelta);
    p = writeVarint(buf, p, offsetDelta);
    if (key === null) {
      buf[p++] = 1; // zig-zag of -1
    } else {
      p = writeVarint(buf, p, key.length);
      p += key.copy(buf, p);
    }
    if (value === null) {
      buf[p++] = 1;
    } else {
      p = writeVarint(buf, p, value.length);
      p += value.copy(buf, p);
    }
    p = writeVarint(buf, p, headerCount);
    if (headers) {
      for (let i = 0; i < headerCount; i++) {
        const h = headers[i] as RecordHeader;
        const hv = h[1];
        const n = headerKeyLengths[i] as number;
        p = writeVarint(buf, p, n);
        p += buf.write(h[0], p, n, 'utf8');
        if (hv === null) {
          buf[p++] = 1;
        } else {
          p = writeVarint(buf, p, hv.length);
          p += hv.copy(buf, p);
        }
      }
    }
    this.pos = p;
    this.records++;
    return offsetDelta;
  }

  /**
   * The finished batch (baseOffset 0; the broker assigns the real one). The builder is then empty
   * and can be reused. Throws on an empty batch: the broker rejects those.
   */
  build(): Buffer {
    if (this.records === 0) throw new Error('cannot build an empty record batch');
    let out: Buffer;
    if (this.codec === 0) {
      if (this.pos * 2 >= this.buf.length) {
        // Mostly full: hand the buffer over and start the next batch in a fresh one.
        out = this.buf.subarray(0, this.pos);
        this.buf = Buffer.allocUnsafe(this.initialCapacity);
      } else {
        // Mostly empty: copy out the used part and keep the big buffer for the next batch.
        out = Buffer.allocUnsafe(this.pos);
        this.buf.copy(out, 0, 0, this.pos);
      }
    } else {
      const compressed = compress(this.codec, this.buf.subarray(BATCH_OVERHEAD, this.pos));
      out = Buffer.allocUnsafe(BATCH_OVERHEAD + compressed.length);
      compressed.copy(out, BATCH_OVERHEAD);
    }
    this.writeHeader(out);
    this.reset();
    return out;
  }

  /** Drops the appended records. */
  reset(): void {
    this.pos = BATCH_OVERHEAD;
    this.records = 0;
    this.baseTimestamp = -1;
    this.maxTimestamp = -1;
  }

  private writeHeader(out: Buffer): void {
    out.writeInt32BE(0, Offset.baseOffset);
    out.writeInt32BE(0, Offset.baseOffset + 4);
    out.writeInt32BE(out.length - LOG_OVERHEAD, Offset.batchLength);
    // The Java client sends -1 ("no leader epoch"); the broker overwrites it.
    out.writeInt32BE(-1, Offset.partitionLeaderEpoch);
    out.writeInt8(2, Offset.magic);
    out.writeInt16BE(this.attributes, Offset.attributes);
    out.writeInt32BE(this.records - 1, Offset.lastOffsetDelta);
    writeInt64(out, Offset.baseTimestamp, this.baseTimestamp);
    writeInt64(out, Offset.maxTimestamp, this.maxTimestamp);
    writeInt64(out, Offset.producerId, this.producerId);
    out.writeInt16BE(this.producerEpoch, Offset.producerEpoch);
    out.writeInt32BE(this.baseSequence, Offset.baseSequence);
    out.writeInt32BE(this.records, Offset.recordsCount);
    out.writeUInt32BE(crc32c(out.subarray(Offset.attributes)), Offset.crc);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/** int64 from a JS number (exact below 2^53; -1 and other negatives in two's complement). */
function writeInt64(buf: Buffer, at: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * 4294967296, at + 4);
}

/** Encodes `records` as one batch. */
export function buildRecordBatch(records: readonly RecordInput[], opts: RecordBatchOptions = {}): Buffer {
  let estimate = BATCH_OVERHEAD;
  for (const r of records) estimate += 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const builder = new RecordBatchBuilder({ ...opts, initialCapacity: opts.initialCapacity ?? estimate });
  for (const r of records) builder.append(r);
  return builder.build();
}
