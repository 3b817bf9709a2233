/**
 * The cleaner's work on one stored batch: first mapping its keys (pass 1), then deciding which
 * records survive and rewriting the batch when some do not (pass 2).
 *
 * A rewritten batch keeps its base offset, partition leader epoch, lastOffsetDelta, producer id,
 * epoch and base sequence, so offsets never change and a consumer that reaches the end of the batch
 * moves past the offsets it no longer holds, as with Kafka (MemoryRecords.filterTo with the last
 * offset overridden). Kept records are copied byte for byte, their offsetDelta unchanged. A
 * compressed batch is decompressed here (the only place the broker does that) and the survivors are
 * recompressed with the same codec.
 *
 * Tombstones follow KIP-534: the first cleaning that keeps a tombstone stamps its batch with a delete
 * horizon (now + delete.retention.ms) in baseTimestamp and sets attribute bit 6; record timestamp
 * deltas are rebased so that every record keeps its timestamp. A later cleaning at or after the
 * horizon removes the tombstones of that batch.
 */
import { compress, decompress } from '../../protocol/compression';
import { BATCH_OVERHEAD, Compression, LOG_OVERHEAD, Offset, isControlBatch, isLogAppendTime, isTransactional, writeCrc } from '../../protocol/record-batch';
import { digestKey } from './key-digest';
import type { OffsetMap } from './offset-map';
import { CorruptRecordsError, RecordCursor, varintSize, writeVarint } from './record-cursor';

/** Attribute bit 6: baseTimestamp holds the delete horizon of the batch's tombstones (KIP-534). */
export const DELETE_HORIZON_BIT = 0x40;
/** Bits an empty batch header keeps: timestamp type, transactional, control (Kafka's writeEmptyHeader). */
const EMPTY_BATCH_ATTRIBUTES = 0x08 | 0x10 | 0x20;
/** Worst-case growth of one record when its timestampDelta is rebased (length and delta varints). */
const REBASE_SLACK = 16;
/**
 * Horizons beyond this (year ~144,000) are not stamped: a delete.retention.ms that large means
 * "keep tombstones", and rebased timestamp deltas must stay exact doubles.
 */
const MAX_HORIZON = 2 ** 52;

export type FilterOutcome = 'kept' | 'rewritten' | 'dropped';

export interface FilterCounters {
  recordsRead: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  keylessRemoved: number;
}

/** The batch's records region, decompressed when needed. */
interface Region {
  buf: Buffer;
  start: number;
  end: number;
}

function recordsRegion(src: Buffer, at: number, size: number, attributes: number): Region {
  const codec = attributes & 0x07;
  if (codec === Compression.none) return { buf: src, start: at + BATCH_OVERHEAD, end: at + size };
  let buf: Buffer;
  try {
    buf = decompress(codec, src.subarray(at + BATCH_OVERHEAD, at + size));
  } catch (err) {
    throw new CorruptRecordsError(`cannot decompress the batch at offset ${src.readBigInt64BE(at + Offset.baseOffset)}: ${(err as Error).message}`);
  }
  return { buf, start: 0, end: buf.length };
}

/** Control and transactional batches are left exactly as they are (see log-cleaner.ts). */
export function isUntouchable(attributes: number): boolean {
  return isControlBatch(attributes) || isTransactional(attributes);
}

export class BatchFilter {
  readonly counters: FilterCounters = { recordsRead: 0, recordsRemoved: 0, tombstonesRemoved: 0, keylessRemoved: 0 };
  /** The rewritten batch after a 'rewritten' outcome. */
  output: Buffer = Buffer.alloc(0);
  /** After filter(): the delete horizon of the tombstones the written batch still holds, or -1. */
  tombstoneHorizon = -1;
  private readonly cursor = new RecordCursor();
  private readonly digest = new Int32Array(4);
  private keep = new Uint8Array(1024);
  /** The delete horizon stamped on batches whose tombstones are kept for the first time, or -1: never. */
  private readonly newHorizon: number;

  constructor(
    private readonly map: OffsetMap,
    private readonly now: number,
    deleteRetentionMs: number,
  ) {
    const horizon = now + deleteRetentionMs;
    this.newHorizon = horizon <= MAX_HORIZON ? horizon : -1;
  }

  /**
   * Pass 1: records every keyed record's offset in the map. The caller checked that the batch's
   * records fit (map.canFit) and skips untouchable batches.
   */
  mapKeys(src: Buffer, at: number, size: number): void {
    const attributes = src.readInt16BE(at + Offset.attributes);
    const baseOffset = Number(src.readBigInt64BE(at + Offset.baseOffset));
    const region = recordsRegion(src, at, size, attributes);
    const cursor = this.cursor.reset(region.buf, region.start, region.end, src.readInt32BE(at + Offset.recordsCount));
    while (cursor.next()) {
      if (cursor.keyLength < 0) continue;
      digestKey(region.buf, cursor.keyStart, cursor.keyLength, this.digest);
      this.map.put(this.digest, baseOffset + cursor.offsetDelta);
    }
  }

  /**
   * Pass 2: decides the fate of the batch at src[at, at+size). 'kept': write the original bytes;
   * 'rewritten': write `output`; 'dropped': write nothing. With `retainEmpty`, a batch that loses
   * every record is still written as an empty header (the last batch of a producer, or of a
   * cleaned segment) so that its offsets and producer sequence stay known.
   */
  filter(src: Buffer, at: number, size: number, retainEmpty: boolean): FilterOutcome {
    const attributes = src.readInt16BE(at + Offset.attributes);
    const count = src.readInt32BE(at + Offset.recordsCount);
    this.counters.recordsRead += count;
    this.tombstoneHorizon = -1;
    if (isUntouchable(attributes) || count === 0) return 'kept';
    const baseOffset = Number(src.readBigInt64BE(at + Offset.baseOffset));
    const baseTimestamp = Number(src.readBigInt64BE(at + Offset.baseTimestamp));
    const hasHorizon = (attributes & DELETE_HORIZON_BIT) !== 0;
    const tombstonesExpired = hasHorizon && this.now >= baseTimestamp;
    const region = recordsRegion(src, at, size, attributes);
    if (this.keep.length < count) this.keep = new Uint8Array(Math.max(count, this.keep.length * 2));
    const { keep, digest, map, counters } = this;
    const cursor = this.cursor.reset(region.buf, region.start, region.end, count);
    let kept = 0;
    let keptBytes = 0;
    let keptTombstones = 0;
    let maxTimestamp = -1;
    let i = 0;
    while (cursor.next()) {
      let retain = true;
      if (cursor.keyLength < 0) {
        retain = false;
        counters.keylessRemoved++;
      } else {
        digestKey(region.buf, cursor.keyStart, cursor.keyLength, digest);
        if (map.get(digest) > baseOffset + cursor.offsetDelta) {
          retain = false;
        } else if (cursor.valueLength < 0) {
          if (tombstonesExpired) {
            retain = false;
            counters.tombstonesRemoved++;
          } else {
            keptTombstones++;
          }
        }
      }
      keep[i++] = retain ? 1 : 0;
      if (retain) {
        kept++;
        keptBytes += cursor.recordEnd - cursor.recordStart;
        const timestamp = baseTimestamp + cursor.timestampDelta;
        if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      }
    }
    if (i !== count) throw new CorruptRecordsError(`batch at offset ${baseOffset} holds ${i} records, its header says ${count}`);
    counters.recordsRemoved += count - kept;
    const stamp = keptTombstones > 0 && !hasHorizon && this.newHorizon >= 0;
    if (kept === count && !stamp) {
      if (keptTombstones > 0 && hasHorizon) this.tombstoneHorizon = baseTimestamp;
      return 'kept';
    }
    if (kept === 0) {
      if (!retainEmpty) return 'dropped';
      this.output = emptyBatch(src, at);
      return 'rewritten';
    }
    const newBase = stamp ? this.newHorizon : baseTimestamp;
    const payload = this.copyKept(region, count, keptBytes + (stamp ? kept * REBASE_SLACK : 0), stamp ? baseTimestamp - newBase : 0);
    const codec = attributes & 0x07;
    const body = codec === Compression.none ? payload : compress(codec, payload);
    const out = Buffer.allocUnsafe(BATCH_OVERHEAD + body.length);
    src.copy(out, 0, at, at + BATCH_OVERHEAD);
    out.writeInt32BE(BATCH_OVERHEAD - LOG_OVERHEAD + body.length, Offset.batchLength);
    out.writeInt16BE(stamp ? attributes | DELETE_HORIZON_BIT : attributes, Offset.attributes);
    if (stamp) out.writeBigInt64BE(BigInt(newBase), Offset.baseTimestamp);
    // LogAppendTime batches carry the append time in maxTimestamp for every record: keep it.
    if (!isLogAppendTime(attributes)) out.writeBigInt64BE(BigInt(maxTimestamp), Offset.maxTimestamp);
    out.writeInt32BE(kept, Offset.recordsCount);
    body.copy(out, BATCH_OVERHEAD);
    writeCrc(out, 0, out.length);
    if (keptTombstones > 0 && (stamp || hasHorizon)) this.tombstoneHorizon = newBase;
    this.output = out;
    return 'rewritten';
  }

  /** The kept records, back to back; with a non-zero `shift`, each timestampDelta is rebased by it. */
  private copyKept(region: Region, count: number, capacity: number, shift: number): Buffer {
    const out = Buffer.allocUnsafe(capacity);
    const cursor = this.cursor.reset(region.buf, region.start, region.end, count);
    const src = region.buf;
    let p = 0;
    let i = 0;
    while (cursor.next()) {
      if (this.keep[i++] === 0) continue;
      if (shift === 0) {
        p += src.copy(out, p, cursor.recordStart, cursor.recordEnd);
        continue;
      }
      const delta = cursor.timestampDelta + shift;
      const rest = cursor.recordEnd - cursor.afterTimestamp;
      p = writeVarint(out, p, 1 + varintSize(delta) + rest);
      out[p++] = src[cursor.bodyStart] as number;
      p = writeVarint(out, p, delta);
      p += src.copy(out, p, cursor.afterTimestamp, cursor.recordEnd);
    }
    return out.subarray(0, p);
  }
}

/**
 * The header of `src`'s batch with no records (Kafka's DefaultRecordBatch.writeEmptyHeader): same
 * offsets and producer fields, no compression, both timestamps set to the batch's maxTimestamp.
 */
function emptyBatch(src: Buffer, at: number): Buffer {
  const out = Buffer.allocUnsafe(BATCH_OVERHEAD);
  src.copy(out, 0, at, at + BATCH_OVERHEAD);
  out.writeInt32BE(BATCH_OVERHEAD - LOG_OVERHEAD, Offset.batchLength);
  out.writeInt16BE(src.readInt16BE(at + Offset.attributes) & EMPTY_BATCH_ATTRIBUTES, Offset.attributes);
  out.writeBigInt64BE(src.readBigInt64BE(at + Offset.maxTimestamp), Offset.baseTimestamp);
  out.writeInt32BE(0, Offset.recordsCount);
  writeCrc(out, 0, out.length);
  return out;
}
