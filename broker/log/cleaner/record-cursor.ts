/**
 * Walks the records of one RecordBatch v2 records region (uncompressed bytes) without creating an
 * object per record: the cursor exposes the current record's field positions, and the caller copies
 * or skips bytes by position. Record layout (varints are zig-zag):
 *
 *   length:varint  attributes:int8  timestampDelta:varlong  offsetDelta:varint
 *   keyLength:varint key  valueLength:varint value  headerCount:varint headers...
 *
 * Used by the cleaner, and by the append path of compacted topics to refuse keyless records.
 */
import { ErrorCode, KafkaError } from '../../protocol/error-codes';
import { BATCH_OVERHEAD, Offset } from '../../protocol/record-batch';

export class CorruptRecordsError extends Error {
  readonly code = 'CORRUPT_RECORDS';
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'CorruptRecordsError';
  }
}

export class RecordCursor {
  buf: Buffer = Buffer.alloc(0);
  /** Position of the current record's length varint, and of the record after it. */
  recordStart = 0;
  recordEnd = 0;
  /** Position just after the length varint (the attributes byte). */
  bodyStart = 0;
  timestampDelta = 0;
  /** Position just after the timestampDelta varlong (where offsetDelta starts). */
  afterTimestamp = 0;
  offsetDelta = 0;
  /** Key bytes at buf[keyStart, keyStart + keyLength); keyLength -1 for a null key. */
  keyStart = 0;
  keyLength = -1;
  /** -1 for a null value (a tombstone). */
  valueLength = -1;
  private pos = 0;
  private end = 0;
  private left = 0;
  private limit = 0;

  /** Starts a walk over `count` records in buf[start, end). */
  reset(buf: Buffer, start: number, end: number, count: number): this {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.left = count;
    return this;
  }

  /** Moves to the next record; false after the last one. Throws CorruptRecordsError on malformed bytes. */
  next(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    this.recordStart = this.pos;
    this.limit = this.end;
    const length = this.varint();
    const body = this.pos;
    if (length < 1 || body + length > this.end) throw new CorruptRecordsError(`record of ${length} bytes at position ${this.recordStart} overruns its batch`);
    this.bodyStart = body;
    this.recordEnd = body + length;
    this.limit = this.recordEnd;
    this.pos = body + 1; // the attributes byte is unused
    this.timestampDelta = this.varint();
    this.afterTimestamp = this.pos;
    this.offsetDelta = this.varint();
    this.keyLength = this.varint();
    this.keyStart = this.pos;
    if (this.keyLength > 0) this.pos += this.keyLength;
    if (this.pos > this.recordEnd) throw new CorruptRecordsError(`record key overruns its record at position ${this.recordStart}`);
    this.valueLength = this.varint();
    if (this.valueLength > 0 && this.pos + this.valueLength > this.recordEnd) {
      throw new CorruptRecordsError(`record value overruns its record at position ${this.recordStart}`);
    }
    this.pos = this.recordEnd;
    return true;
  }

  /** Records not yet visited. */
  get remaining(): number {
    return this.left;
  }

  private varint(): number {
    let raw = 0;
    let scale = 1;
    const { buf } = this;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.limit) throw new CorruptRecordsError(`record ends inside a varint at position ${this.pos}`);
      const byte = buf[this.pos++] as number;
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
    throw new CorruptRecordsError(`varint longer than 10 bytes at position ${this.pos}`);
  }
}

/** Bytes of the zig-zag varint/varlong encoding of `value`. */
export function varintSize(value: number): number {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Writes the zig-zag varint/varlong encoding of `value` at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  // Arithmetic instead of 32-bit bitwise ops so that 64-bit timestamp deltas encode exactly.
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

const sharedCursor = new RecordCursor();
const EMPTY = Buffer.alloc(0);

/**
 * Refuses a batch with a keyless record for a compacted topic, as Kafka's LogValidator does
 * (INVALID_RECORD). Only uncompressed batches can be checked here: compressed ones are never
 * decompressed on the produce path, and the cleaner drops keyless records it meets.
 */
export function requireKeys(batch: Buffer, partitionName: string): void {
  const count = batch.readInt32BE(Offset.recordsCount);
  const cursor = sharedCursor.reset(batch, BATCH_OVERHEAD, batch.length, count);
  try {
    while (cursor.next()) {
      if (cursor.keyLength < 0) {
        throw new KafkaError(ErrorCode.INVALID_RECORD, `Compacted topic cannot accept message without key in topic partition ${partitionName}.`);
      }
    }
  } catch (err) {
    if (err instanceof CorruptRecordsError) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `malformed record batch: ${err.message}`);
    throw err;
  } finally {
    cursor.buf = EMPTY;
  }
}
