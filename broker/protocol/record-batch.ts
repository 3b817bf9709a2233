/**
 * RecordBatch v2 (magic 2) header access. The broker treats a batch as opaque bytes: it reads and
 * rewrites header fields in place and never decodes the records themselves. Layout (byte offsets
 * from the start of the batch):
 *
 *   0 baseOffset:int64   8 batchLength:int32   12 partitionLeaderEpoch:int32   16 magic:int8
 *   17 crc:uint32 (CRC-32C over bytes [21, end))   21 attributes:int16   23 lastOffsetDelta:int32
 *   27 baseTimestamp:int64   35 maxTimestamp:int64   43 producerId:int64   51 producerEpoch:int16
 *   53 baseSequence:int32   57 recordsCount:int32   61 records...
 *
 * baseOffset and partitionLeaderEpoch are outside the CRC, so assigning them needs no recompute.
 */
import { crc32c } from '@node-rs/crc32';
import { ErrorCode, KafkaError } from './error-codes';

export const BATCH_OVERHEAD = 61;
/** Bytes before batchLength's count starts: baseOffset + batchLength. */
export const LOG_OVERHEAD = 12;

export const Offset = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
} as const;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof Compression;

const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;

/** Total size in bytes of the batch that starts at `pos`, or -1 when the header is not complete. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  if (buf.length - pos < LOG_OVERHEAD) return -1;
  return buf.readInt32BE(pos + Offset.batchLength) + LOG_OVERHEAD;
}

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Reads the 61-byte header at `pos` (the caller checked that it is there). */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(pos + Offset.baseOffset)),
    batchLength: buf.readInt32BE(pos + Offset.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(pos + Offset.partitionLeaderEpoch),
    magic: buf.readInt8(pos + Offset.magic),
    crc: buf.readUInt32BE(pos + Offset.crc),
    attributes: buf.readInt16BE(pos + Offset.attributes),
    lastOffsetDelta: buf.readInt32BE(pos + Offset.lastOffsetDelta),
    baseTimestamp: Number(buf.readBigInt64BE(pos + Offset.baseTimestamp)),
    maxTimestamp: Number(buf.readBigInt64BE(pos + Offset.maxTimestamp)),
    producerId: Number(buf.readBigInt64BE(pos + Offset.producerId)),
    producerEpoch: buf.readInt16BE(pos + Offset.producerEpoch),
    baseSequence: buf.readInt32BE(pos + Offset.baseSequence),
    recordsCount: buf.readInt32BE(pos + Offset.recordsCount),
  };
}

export function compressionOf(attributes: number): number {
  return attributes & 0x07;
}

export function isLogAppendTime(attributes: number): boolean {
  return (attributes & TIMESTAMP_TYPE_BIT) !== 0;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & CONTROL_BIT) !== 0;
}

export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_BIT) !== 0;
}

/** CRC-32C of the batch at `pos` as stored, and as computed over its bytes. */
export function checkCrc(buf: Buffer, pos: number, size: number): boolean {
  const stored = buf.readUInt32BE(pos + Offset.crc);
  return crc32c(buf.subarray(pos + Offset.attributes, pos + size)) === stored;
}

/** Recomputes the CRC after a CRC-covered field changed (LogAppendTime stamping, compaction). */
export function writeCrc(buf: Buffer, pos: number, size: number): void {
  buf.writeUInt32BE(crc32c(buf.subarray(pos + Offset.attributes, pos + size)), pos + Offset.crc);
}

export function lastOffsetOf(buf: Buffer, pos = 0): number {
  return Number(buf.readBigInt64BE(pos + Offset.baseOffset)) + buf.readInt32BE(pos + Offset.lastOffsetDelta);
}

export function baseOffsetOf(buf: Buffer, pos = 0): number {
  return Number(buf.readBigInt64BE(pos + Offset.baseOffset));
}

export function maxTimestampOf(buf: Buffer, pos = 0): number {
  return Number(buf.readBigInt64BE(pos + Offset.maxTimestamp));
}

/** Assigns the base offset and the leader epoch in place; neither is covered by the CRC. */
export function assignOffset(buf: Buffer, pos: number, baseOffset: number, leaderEpoch: number): void {
  buf.writeBigInt64BE(BigInt(baseOffset), pos + Offset.baseOffset);
  buf.writeInt32BE(leaderEpoch, pos + Offset.partitionLeaderEpoch);
}

/** Stamps broker time on a LogAppendTime topic's batch; the attributes change, so the CRC is recomputed. */
export function stampLogAppendTime(buf: Buffer, pos: number, size: number, now: number): void {
  buf.writeInt16BE(buf.readInt16BE(pos + Offset.attributes) | TIMESTAMP_TYPE_BIT, pos + Offset.attributes);
  buf.writeBigInt64BE(BigInt(now), pos + Offset.maxTimestamp);
  writeCrc(buf, pos, size);
}

export interface ValidateOptions {
  maxMessageBytes: number;
}

/**
 * Validates the RECORDS of one partition in a produce request, the way Kafka's LogValidator does for
 * clients: exactly one magic-2 batch, a consistent length, a matching CRC-32C, a record count that
 * agrees with lastOffsetDelta, no control batch, and a size within max.message.bytes. Throws a
 * KafkaError with the code clients expect; returns the parsed header otherwise.
 */
export function validateProducedBatch(records: Buffer, opts: ValidateOptions): BatchHeader {
  if (records.length < BATCH_OVERHEAD) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `record set of ${records.length} bytes is shorter than a batch header`);
  }
  const magic = records.readInt8(Offset.magic);
  if (magic !== 2) {
    throw new KafkaError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format v${magic} is not supported; use RecordBatch v2`);
  }
  const size = batchSizeAt(records, 0);
  if (size < BATCH_OVERHEAD || size > records.length) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `batch length ${size - LOG_OVERHEAD} does not fit the ${records.length}-byte record set`);
  }
  if (size !== records.length) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, 'a produce request must carry exactly one record batch per partition');
  }
  if (size > opts.maxMessageBytes) {
    throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${size} bytes exceeds max.message.bytes=${opts.maxMessageBytes}`);
  }
  if (!checkCrc(records, 0, size)) {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'record batch CRC-32C mismatch');
  }
  const header = readBatchHeader(records, 0);
  if (header.recordsCount <= 0 || header.lastOffsetDelta + 1 !== header.recordsCount) {
    throw new KafkaError(
      ErrorCode.INVALID_RECORD,
      `records count ${header.recordsCount} does not match lastOffsetDelta ${header.lastOffsetDelta}`,
    );
  }
  if (isControlBatch(header.attributes)) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, 'clients may not produce control batches');
  }
  const codec = compressionOf(header.attributes);
  if (codec > Compression.zstd) {
    throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec ${codec}`);
  }
  if (header.producerId >= 0 && header.baseSequence < 0) {
    throw new KafkaError(ErrorCode.INVALID_RECORD, 'an idempotent batch needs a base sequence >= 0');
  }
  return header;
}

/**
 * Reads a zig-zag varint/varlong at `pos` into `varintOut` (value, next position). Plain arithmetic
 * instead of 32-bit bitwise ops so that varlongs up to 2^53 (timestamp deltas) decode exactly.
 */
const varintOut = { value: 0, next: 0 };
function readZigZagVarint(buf: Buffer, pos: number, end: number): boolean {
  let raw = 0;
  let scale = 1;
  for (let i = pos; i < end && i < pos + 10; i++) {
    const byte = buf[i] as number;
    raw += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      varintOut.value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      varintOut.next = i + 1;
      return true;
    }
    scale *= 128;
  }
  return false;
}

export interface RecordPoint {
  offset: number;
  timestamp: number;
}

/**
 * The first record of the UNCOMPRESSED batch at `pos` whose offset is >= `minOffset` and whose
 * timestamp is >= `targetTimestamp`, decoding only each record's length, timestampDelta and
 * offsetDelta (keys, values and headers are skipped by length). LogAppendTime batches carry one
 * timestamp for every record (maxTimestamp). Returns null when no record qualifies or the records
 * are malformed; the caller must not pass compressed batches.
 */
export function findRecordAtOrAfterTimestamp(
  buf: Buffer,
  pos: number,
  size: number,
  targetTimestamp: number,
  minOffset: number,
): RecordPoint | null {
  const baseOffset = baseOffsetOf(buf, pos);
  const attributes = buf.readInt16BE(pos + Offset.attributes);
  const logAppendTime = isLogAppendTime(attributes);
  const baseTimestamp = Number(buf.readBigInt64BE(pos + Offset.baseTimestamp));
  const maxTimestamp = maxTimestampOf(buf, pos);
  const count = buf.readInt32BE(pos + Offset.recordsCount);
  const end = pos + size;
  let p = pos + BATCH_OVERHEAD;
  for (let i = 0; i < count; i++) {
    if (!readZigZagVarint(buf, p, end)) return null;
    const length = varintOut.value;
    const bodyStart = varintOut.next;
    const next = bodyStart + length;
    if (length < 0 || next > end) return null;
    // body: attributes:int8, timestampDelta:varlong, offsetDelta:varint
    if (!readZigZagVarint(buf, bodyStart + 1, next)) return null;
    const timestamp = logAppendTime ? maxTimestamp : baseTimestamp + varintOut.value;
    if (!readZigZagVarint(buf, varintOut.next, next)) return null;
    const offset = baseOffset + varintOut.value;
    if (offset >= minOffset && timestamp >= targetTimestamp) return { offset, timestamp };
    p = next;
  }
  return null;
}
