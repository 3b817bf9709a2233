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
  /** Where batch buffers come from, so that those of sent batches can be written again. */
  bufferPool?: BatchBufferPool;
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

/** A length-prefixed byte field (-1 for null), copied with Uint8Array#set, which costs less per call than Buffer#copy. */
function writeBytes(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) return writeVarint(buf, pos, -1);
  const at = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, at);
  return at + bytes.length;
}

/**
 * UTF-8 bytes of the header keys met so far. A producer repeats a handful of keys on every record,
 * and measuring then encoding a string costs more than looking it up; the bound keeps keys made up
 * per record from growing the cache without end.
 */
const headerKeyBytes = new Map<string, Buffer>();
const HEADER_KEY_CACHE_LIMIT = 1024;

function encodedHeaderKey(key: string): Buffer {
  let bytes = headerKeyBytes.get(key);
  if (bytes === undefined) {
    if (headerKeyBytes.size >= HEADER_KEY_CACHE_LIMIT) headerKeyBytes.clear();
    bytes = Buffer.from(key, 'utf8');
    headerKeyBytes.set(key, bytes);
  }
  return bytes;
}

/** The encoded keys of the record being appended, between sizing it and writing it. */
const recordHeaderKeys: Buffer[] = [];

/**
 * A size an eighth larger, in whole pages: the next batches' buffers are asked for at the size the
 * last one ended up at, which varies by a record or so from batch to batch.
 */
function withHeadroom(size: number): number {
  return Math.ceil((size + (size >> 3)) / 4096) * 4096;
}

/**
 * Spare batch buffers. Writing into a freshly allocated buffer of a few hundred KB page-faults on
 * every 4 KB, which costs several times the copy itself, and the memory goes back to the system
 * when it is collected; a producer that returns the buffers of answered batches has the next batches
 * written into memory that is already mapped. Only buffers this pool allocated are taken back, so a
 * slice of Node's shared buffer pool can never be handed out twice.
 */
export class BatchBufferPool {
  private readonly spares: Buffer[] = [];
  private readonly allocated = new WeakSet<ArrayBuffer>();

  constructor(private readonly maxSpares = 4) {}

  /** A buffer of at least `size` bytes, with arbitrary contents. */
  take(size: number): Buffer {
    const spare = this.spares.pop();
    // One producer's builders ask for about one size; a spare too small for it is let go.
    if (spare !== undefined && spare.length >= size) return spare;
    const fresh = Buffer.allocUnsafeSlow(withHeadroom(size));
    this.allocated.add(fresh.buffer);
    return fresh;
  }

  /** Takes back the memory of a built batch that nothing reads any more. */
  release(batch: Buffer): void {
    const memory = batch.buffer;
    if (this.spares.length >= this.maxSpares || !(memory instanceof ArrayBuffer) || !this.allocated.has(memory)) return;
    if (this.spares.some((spare) => spare.buffer === memory)) return;
    this.spares.push(Buffer.from(memory));
  }
}

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
  private readonly pool: BatchBufferPool | null;
  /** Largest record of the open batch, for sizing the buffer of the next one. */
  private largestRecord = 0;

  constructor(opts: RecordBatchOptions = {}) {
    const c = opts.compression ?? 0;
    this.codec = typeof c === 'string' ? compressionCodecOf(c) : c;
    if (this.codec < 0 || this.codec > 4) throw new Error(`unknown compression codec ${this.codec}`);
    this.attributes = this.codec | (opts.transactional ? TRANSACTIONAL_BIT : 0);
    this.producerId = opts.producerId ?? -1;
    this.producerEpoch = opts.producerEpoch ?? -1;
    this.baseSequence = opts.baseSequence ?? -1;
    this.initialCapacity = Math.max(BATCH_OVERHEAD + 64, opts.initialCapacity ?? 16 * 1024);
    this.pool = opts.bufferPool ?? null;
    this.buf = this.allocate(this.initialCapacity);
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
      for (let i = 0; i < headerCount; i++) {
        const h = headers[i] as RecordHeader;
        const hv = h[1];
        const hk = encodedHeaderKey(h[0]);
        recordHeaderKeys[i] = hk;
        body += varintSize(hk.length) + hk.length + (hv === null ? 1 : varintSize(hv.length) + hv.length);
      }
    }
    this.ensure(5 + body);
    if (5 + body > this.largestRecord) this.largestRecord = 5 + body;

    const buf = this.buf;
    let p = writeVarint(buf, this.pos, body);
    buf[p++] = 0; // record attributes: unused
    p = writeVarlong(buf, p, timestampDelta);
    p = writeVarint(buf, p, offsetDelta);
    p = writeBytes(buf, p, key);
    p = writeBytes(buf, p, value);
    p = writeVarint(buf, p, headerCount);
    if (headers) {
      for (let i = 0; i < headerCount; i++) {
        p = writeBytes(buf, p, recordHeaderKeys[i] as Buffer);
        p = writeBytes(buf, p, (headers[i] as RecordHeader)[1]);
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
        this.buf = this.allocate(this.nextCapacity());
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
    this.largestRecord = 0;
  }

  /**
   * A batch is sealed by the record that takes it past the batch size, so a full batch ends up to a
   * record larger than that. The next buffer leaves room for one more record as large as this
   * batch's largest, or the last append of every batch would grow the buffer (doubling it and copying
   * the whole batch); at most twice the initial size, so that one outsized record does not make every
   * later buffer as large.
   */
  private nextCapacity(): number {
    return Math.max(this.initialCapacity, Math.min(this.pos + this.largestRecord, 2 * this.initialCapacity));
  }

  private allocate(size: number): Buffer {
    return this.pool ? this.pool.take(size) : Buffer.allocUnsafe(size);
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
    const grown = this.allocate(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.pool?.release(this.buf);
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
