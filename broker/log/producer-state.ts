/**
 * Idempotent-producer state of one partition: per producer id, the epoch and the first/last
 * sequence and offsets of its last five batches (what a producer may have in flight). A retried
 * batch matching one of them is a duplicate and is answered with the original offsets instead of
 * being appended again. The state is rebuilt from batch headers at open, starting from a snapshot
 * taken at roll and close.
 */
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import type { BatchHeader } from '../protocol/record-batch';

/** Kafka keeps this many batches per producer (max.in.flight.requests.per.connection <= 5). */
const CACHED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

export interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /** The batch's maxTimestamp as stored (the log append time on LogAppendTime topics). */
  timestamp: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

/** Sequences wrap to 0 after Int32.MAX_VALUE. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

interface SnapshotJson {
  version: 1;
  offset: number;
  producers: Array<[number, number, Array<[number, number, number, number, number]>]>;
}

export class ProducerState {
  private readonly producers = new Map<number, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  /**
   * Validates an incoming batch against the producer's state. Returns the cached batch when it is a
   * retry of one already appended; throws INVALID_PRODUCER_EPOCH or OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  check(header: BatchHeader): CachedBatch | null {
    if (header.producerId < 0) return null;
    const entry = this.producers.get(header.producerId);
    if (!entry) return null; // unknown producer (new, or its state expired): any sequence starts it
    const { producerId, producerEpoch, baseSequence } = header;
    if (producerEpoch < entry.epoch) {
      throw new KafkaError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${producerId} epoch ${producerEpoch} is older than the current epoch ${entry.epoch}`,
      );
    }
    if (producerEpoch > entry.epoch) {
      if (baseSequence !== 0) {
        throw new KafkaError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `producer ${producerId} started epoch ${producerEpoch} at sequence ${baseSequence}; a new epoch must start at 0`,
        );
      }
      return null;
    }
    const lastSeq = incrementSequence(baseSequence, header.lastOffsetDelta);
    for (const cached of entry.batches) {
      if (cached.firstSeq === baseSequence && cached.lastSeq === lastSeq) return cached;
    }
    const latest = entry.batches[entry.batches.length - 1];
    if (latest) {
      const expected = incrementSequence(latest.lastSeq, 1);
      if (baseSequence !== expected) {
        throw new KafkaError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `producer ${producerId} epoch ${producerEpoch} sent sequence ${baseSequence}, expected ${expected}`,
        );
      }
    }
    return null;
  }

  /** Records an appended batch (also used, without validation, when rebuilding from the log). */
  update(opts: { producerId: number; epoch: number; baseSequence: number; lastOffsetDelta: number; baseOffset: number; timestamp: number }): void {
    let entry = this.producers.get(opts.producerId);
    if (entry && opts.epoch < entry.epoch) return;
    if (!entry || opts.epoch > entry.epoch) {
      entry = { epoch: opts.epoch, batches: [] };
      this.producers.set(opts.producerId, entry);
    }
    entry.batches.push({
      firstSeq: opts.baseSequence,
      lastSeq: incrementSequence(opts.baseSequence, opts.lastOffsetDelta),
      firstOffset: opts.baseOffset,
      lastOffset: opts.baseOffset + opts.lastOffsetDelta,
      timestamp: opts.timestamp,
    });
    if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
  }

  /** Base offset of the producer's last batch, or -1 for an unknown producer (the cleaner keeps that batch). */
  lastBatchOffset(producerId: number): number {
    const batches = this.producers.get(producerId)?.batches;
    return batches?.[batches.length - 1]?.firstOffset ?? -1;
  }

  /** Forgets producers whose last batch lies entirely before the log start offset, as Kafka does. */
  removeBefore(logStartOffset: number): void {
    for (const [id, entry] of this.producers) {
      const last = entry.batches[entry.batches.length - 1];
      if (!last || last.lastOffset < logStartOffset) this.producers.delete(id);
    }
  }

  clear(): void {
    this.producers.clear();
  }

  /** Serialises the state as of `offset` (the log end offset when taken). */
  toSnapshot(offset: number): string {
    const producers: SnapshotJson['producers'] = [];
    for (const [id, entry] of this.producers) {
      producers.push([id, entry.epoch, entry.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset, b.timestamp])]);
    }
    const json: SnapshotJson = { version: 1, offset, producers };
    return JSON.stringify(json);
  }

  /** Loads a snapshot; returns its offset, or null (state left empty) when it is unreadable. */
  loadSnapshot(text: string): number | null {
    this.producers.clear();
    try {
      const json = JSON.parse(text) as SnapshotJson;
      if (json.version !== 1 || !Number.isSafeInteger(json.offset) || !Array.isArray(json.producers)) return null;
      for (const [id, epoch, batches] of json.producers) {
        this.producers.set(id, {
          epoch,
          batches: batches.map(([firstSeq, lastSeq, firstOffset, lastOffset, timestamp]) => ({ firstSeq, lastSeq, firstOffset, lastOffset, timestamp })),
        });
      }
      return json.offset;
    } catch {
      this.producers.clear();
      return null;
    }
  }
}
