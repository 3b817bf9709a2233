/**
 * Decodes the records of a fetched record set: a run of RecordBatch v2 batches, the last of which
 * may be cut short by the broker's size limit (it is ignored, as every Kafka client does). Keys,
 * values and header values are views into the fetched bytes (or into the decompressed records
 * region), never copies. Control batches (transaction markers) and records below the requested
 * offset are skipped. Non-gzip compressed batches need `loadCompression` to have run.
 */
import { crc32c } from '@node-rs/crc32';
import {
  BATCH_OVERHEAD,
  LOG_OVERHEAD,
  Offset,
  compressionOf,
  isControlBatch,
  isLogAppendTime,
  readBatchHeader,
  type BatchHeader,
} from '../protocol/record-batch';
import { decompress } from './compression';
import type { RecordHeader } from './record-batch-builder';

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface ConsumedRecord {
  offset: number;
  timestamp: number;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

export interface BatchView {
  /** Byte position of the batch in the record set. */
  position: number;
  /** Total size in bytes, including baseOffset and batchLength. */
  size: number;
  header: BatchHeader;
  compression: number;
  isControl: boolean;
}

/** A record set or batch that cannot be decoded. */
export class CorruptRecordError extends Error {
  readonly code = 'CORRUPT_RECORD';
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'CorruptRecordError';
  }
}

/** The complete batches of a record set; a partial trailing batch ends the iteration. */
export function* batchesOf(records: Buffer): Generator<BatchView> {
  let pos = 0;
  while (records.length - pos >= LOG_OVERHEAD) {
    const size = records.readInt32BE(pos + Offset.batchLength) + LOG_OVERHEAD;
    if (size > records.length - pos) return;
    // A batch smaller than its own header can only be garbage, and nothing after it can be framed.
    if (size < BATCH_OVERHEAD) throw new CorruptRecordError(`record batch at position ${pos} declares ${size} bytes, less than a batch header`);
    const magic = records.readInt8(pos + Offset.magic);
    if (magic !== 2) throw new CorruptRecordError(`record batch at position ${pos} has magic ${magic}; only RecordBatch v2 is supported`);
    const header = readBatchHeader(records, pos);
    yield { position: pos, size, header, compression: compressionOf(header.attributes), isControl: isControlBatch(header.attributes) };
    pos += size;
  }
}

/** True when the batch's stored CRC-32C matches its bytes. */
export function batchCrcValid(records: Buffer, batch: BatchView): boolean {
  return crc32c(records.subarray(batch.position + Offset.attributes, batch.position + batch.size)) === batch.header.crc;
}

/** Offset after the last complete batch (where the next fetch starts), or -1 when there is none. */
export function nextOffsetAfter(records: Buffer): number {
  let next = -1;
  for (const b of batchesOf(records)) next = b.header.baseOffset + b.header.lastOffsetDelta + 1;
  return next;
}

/**
 * Buffers over fetched bytes, made without Buffer#subarray: on Node 20 a subarray costs about three
 * times the construction of a plain Uint8Array subclass, and a record needs one per key, value and
 * header value. They are Buffers in every way code can tell: Buffer.isBuffer and instanceof hold,
 * every Buffer method is inherited, and `constructor` is Buffer (so species-based methods, and
 * equality checks that compare constructors, treat them as Buffers too).
 */
class BufferView extends Uint8Array {}
Object.setPrototypeOf(BufferView.prototype, Buffer.prototype);
Object.defineProperty(BufferView.prototype, 'constructor', { value: Buffer, writable: true, configurable: true, enumerable: false });

/** Cursor over one batch's records region; zig-zag varints decoded with plain arithmetic. */
class Cursor {
  private readonly memory: ArrayBuffer;
  private readonly memoryOffset: number;

  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
  ) {
    // Typed arrays view SharedArrayBuffers just as well; only the constructor's typings insist on ArrayBuffer.
    this.memory = buf.buffer as ArrayBuffer;
    this.memoryOffset = buf.byteOffset;
  }

  varint(): number {
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new CorruptRecordError('record ends inside a varint');
      const b = this.buf[this.pos++] as number;
      raw += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
    throw new CorruptRecordError('varint longer than 10 bytes');
  }

  /** A header key: decoded straight from the record's bytes, with no Buffer made for it. */
  text(): string | null {
    const n = this.varint();
    if (n < 0) return null;
    if (this.pos + n > this.end) throw new CorruptRecordError(`field of ${n} bytes overruns its record`);
    // No encoding means UTF-8 and skips Buffer#toString's lookup of the encoding by name.
    const out = this.buf.toString(undefined, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  bytes(): Buffer | null {
    const n = this.varint();
    if (n < 0) return null;
    if (this.pos + n > this.end) throw new CorruptRecordError(`field of ${n} bytes overruns its record`);
    const out = new BufferView(this.memory, this.memoryOffset + this.pos, n) as unknown as Buffer;
    this.pos += n;
    return out;
  }
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/** Decodes every record of one batch (control batches included; callers decide). */
export function* recordsOfBatch(records: Buffer, batch: BatchView): Generator<ConsumedRecord> {
  const decoder = new BatchDecoder(records, batch);
  for (let record = decoder.next(); record !== null; record = decoder.next()) yield record;
}

/** Appends the records of one batch at or above `minOffset` to `out` (a plain loop: no generator step per record). */
function decodeBatch(records: Buffer, batch: BatchView, minOffset: number, out: ConsumedRecord[]): ConsumedRecord[] {
  const decoder = new BatchDecoder(records, batch);
  for (let record = decoder.next(); record !== null; record = decoder.next()) if (record.offset >= minOffset) out.push(record);
  return out;
}

/** The records of one batch, one at a time. */
class BatchDecoder {
  private readonly header: BatchHeader;
  private readonly region: Buffer;
  private readonly cursor: Cursor;
  private readonly logAppendTime: boolean;
  private readonly timestampType: TimestampType;
  private index = 0;

  constructor(records: Buffer, batch: BatchView) {
    const { header } = batch;
    let region = records.subarray(batch.position + BATCH_OVERHEAD, batch.position + batch.size);
    if (batch.compression !== 0) {
      try {
        region = decompress(batch.compression, region);
      } catch (err) {
        throw new CorruptRecordError(`cannot decompress batch at offset ${header.baseOffset}: ${(err as Error).message}`);
      }
    }
    this.header = header;
    this.region = region;
    this.cursor = new Cursor(region, 0, region.length);
    this.logAppendTime = isLogAppendTime(header.attributes);
    this.timestampType = this.logAppendTime ? 'LogAppendTime' : 'CreateTime';
  }

  next(): ConsumedRecord | null {
    const { header, region } = this;
    const c = this.cursor;
    const i = this.index;
    if (i >= header.recordsCount) return null;
    this.index = i + 1;
    const length = c.varint();
    const start = c.pos;
    if (length < 0 || start + length > region.length) {
      throw new CorruptRecordError(`record ${i} of batch at offset ${header.baseOffset} declares ${length} bytes past the batch end`);
    }
    // Fields are bounded by the record's own length; the attributes byte is unused.
    c.end = start + length;
    c.pos = start + 1;
    const timestampDelta = c.varint();
    const offsetDelta = c.varint();
    const key = c.bytes();
    const value = c.bytes();
    const headerCount = c.varint();
    let headers = NO_HEADERS;
    if (headerCount > 0) {
      const list: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const k = c.text();
        if (k === null) throw new CorruptRecordError('record header with a null key');
        list.push([k, c.bytes()]);
      }
      headers = list;
    }
    c.pos = start + length;
    c.end = region.length;
    return {
      offset: header.baseOffset + offsetDelta,
      timestamp: this.logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      timestampType: this.timestampType,
      key,
      value,
      headers,
    };
  }
}

export interface ReadRecordsOptions {
  /** Records below this offset are skipped (a fetch may return the batch that contains it). */
  minOffset?: number;
  /** Check each batch's CRC-32C (the Java consumer's check.crcs=true). Default true. */
  verifyCrc?: boolean;
  /** Also yield the records of control batches. Default false. */
  includeControl?: boolean;
}

/** Every record of a fetched record set, in offset order. */
export function* readRecords(records: Buffer | null, opts: ReadRecordsOptions = {}): Generator<ConsumedRecord> {
  if (records === null || records.length === 0) return;
  const minOffset = opts.minOffset ?? 0;
  for (const batch of batchesOf(records)) {
    if (!wanted(records, batch, minOffset, opts)) continue;
    for (const record of recordsOfBatch(records, batch)) if (record.offset >= minOffset) yield record;
  }
}

/** The same records as readRecords, decoded into one array (the consumers' hot path). */
export function decodeRecords(records: Buffer | null, opts: ReadRecordsOptions = {}): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  if (records === null || records.length === 0) return out;
  const minOffset = opts.minOffset ?? 0;
  for (const batch of batchesOf(records)) {
    if (wanted(records, batch, minOffset, opts)) decodeBatch(records, batch, minOffset, out);
  }
  return out;
}

/** Whether a batch has records to return; throws when its CRC is checked and wrong. */
function wanted(records: Buffer, batch: BatchView, minOffset: number, opts: ReadRecordsOptions): boolean {
  if (batch.header.baseOffset + batch.header.lastOffsetDelta < minOffset) return false;
  if (batch.isControl && !opts.includeControl) return false;
  if ((opts.verifyCrc ?? true) && !batchCrcValid(records, batch)) {
    throw new CorruptRecordError(`record batch at offset ${batch.header.baseOffset} is corrupt: stored CRC ${batch.header.crc} does not match its bytes`);
  }
  return true;
}
