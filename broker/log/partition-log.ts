/**
 * The durable log of one topic partition: a directory `<log.dir>/<topic>-<partition>` of segments.
 * Appends and reads are synchronous and treat each batch as opaque bytes; flushes are asynchronous
 * and grouped. On one node the high watermark is the log end offset and the leader epoch is 0; both
 * are explicit so that replication can move them independently later.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { Compression, assignOffset, compressionOf, stampLogAppendTime, type BatchHeader, type RecordPoint } from '../protocol/record-batch';
import { isCompacted, loadCleanerState, saveCleanerState, type CleanableLog, type CleanerHandle, type CleanerState } from './cleaner/cleaner-state';
import { LogCleaner, type CleanOptions, type CleanStats } from './cleaner/log-cleaner';
import { requireKeys } from './cleaner/record-cursor';
import type { LogConfig } from './log-config';
import { LogFlusher } from './log-flusher';
import { LOG_START_OFFSET_CHECKPOINT, RECOVERY_POINT_CHECKPOINT, readOffsetCheckpoint, writeOffsetCheckpoint } from './log-files';
import { LogReader, findMaxTimestamp, findOffsetByTimestamp } from './log-reader';
import { ProducerState } from './producer-state';
import { loadProducerState, writeProducerSnapshot } from './producer-state-loader';
import { loadSegments, type RecoveryReport } from './recovery';
import { excessBySize, expiredByTime } from './retention';
import { Segment } from './segment';

export type { RecoveryReport, RecoveryAction } from './recovery';
export type { CleanStats, CleanOptions } from './cleaner/log-cleaner';

export interface PartitionLogOptions {
  /** The log directory; the partition's files live in `<dir>/<topic>-<partition>`. */
  dir: string;
  topic: string;
  partition: number;
  config: LogConfig;
  logger?: Logger;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker time stamped on LogAppendTime topics, -1 for CreateTime. */
  logAppendTime: number;
  logStartOffset: number;
  /** Non-null when the flush policy requires an fsync before acknowledging; resolves once durable. */
  durable: Promise<void> | null;
  /** An idempotent retry of a batch already in the log: nothing was appended, offsets are the original ones. */
  duplicate: boolean;
}

export interface ReadOptions {
  offset: number;
  maxBytes: number;
  minOneBatch: boolean;
  /** Defaults to the high watermark. */
  maxOffset?: number;
}

type State = 'open' | 'closed' | 'deleted';
const EMPTY = Buffer.alloc(0);

export class PartitionLog implements CleanableLog {
  readonly topic: string;
  readonly partition: number;
  /** The partition directory. */
  path: string;
  recoveryReport: RecoveryReport | null = null;
  private segments: Segment[] = [];
  private cfg: LogConfig;
  private startOffset = 0;
  private endOffset = 0;
  private state: State = 'open';
  /** Set by load(), which open() runs before handing the log out. */
  private flusher!: LogFlusher;
  private readonly producers = new ProducerState();
  private readonly reader = new LogReader(() => this.segments);
  private readonly logger: Logger | undefined;
  /** Set by load(): the cleaner's progress (cleaner-offset-checkpoint). */
  private cleanerState!: CleanerState;
  private readonly handle: CleanerHandle;

  private constructor(opts: PartitionLogOptions) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.path = path.join(opts.dir, `${opts.topic}-${opts.partition}`);
    this.cfg = opts.config;
    this.logger = opts.logger;
    this.handle = this.createCleanerHandle();
  }

  /** Opens (creating if needed) the partition directory and recovers it. */
  static async open(opts: PartitionLogOptions): Promise<PartitionLog> {
    const log = new PartitionLog(opts);
    await fs.promises.mkdir(log.path, { recursive: true });
    log.load();
    return log;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  /** On a single node every appended batch is committed. */
  get highWatermark(): number {
    return this.endOffset;
  }

  get leaderEpoch(): number {
    return 0;
  }

  /** Bytes on disk in .log files. */
  get size(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.size;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Offsets below this are known to be on disk. */
  get recoveryPoint(): number {
    return this.flusher.recoveryPoint;
  }

  /** Wall-clock time of the last completed flush (periodic flush.ms checks). */
  get lastFlushMs(): number {
    return this.flusher.lastFlushMs;
  }

  get config(): LogConfig {
    return this.cfg;
  }

  updateConfig(config: LogConfig): void {
    this.cfg = config;
    for (const segment of this.segments) {
      segment.indexIntervalBytes = config.indexIntervalBytes;
      segment.maxIndexBytes = config.segmentIndexBytes;
    }
  }

  /**
   * Appends one batch already validated by the caller (validateProducedBatch). The buffer is
   * modified in place: base offset and leader epoch, and for LogAppendTime topics the timestamp.
   */
  append(batch: Buffer, header: BatchHeader, opts: { now?: number } = {}): AppendResult {
    this.ensureOpen();
    // Compacted topics refuse keyless records (Kafka's LogValidator). Compressed batches are not
    // opened on the produce path; the cleaner drops any keyless record it finds in them.
    if (compressionOf(header.attributes) === Compression.none && isCompacted(this.cfg)) requireKeys(batch, `${this.topic}-${this.partition}`);
    const now = opts.now ?? Date.now();
    const logAppendTimeTopic = this.cfg.messageTimestampType === 'LogAppendTime';
    if (header.producerId >= 0) {
      const duplicate = this.producers.check(header);
      if (duplicate) {
        return {
          baseOffset: duplicate.firstOffset,
          lastOffset: duplicate.lastOffset,
          logAppendTime: logAppendTimeTopic ? duplicate.timestamp : -1,
          logStartOffset: this.startOffset,
          durable: this.flusher.durabilityOf(duplicate.lastOffset, this.cfg),
          duplicate: true,
        };
      }
    }
    const baseOffset = this.endOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    let maxTimestamp = header.maxTimestamp;
    if (logAppendTimeTopic) {
      stampLogAppendTime(batch, 0, batch.length, now);
      maxTimestamp = now;
    }
    assignOffset(batch, 0, baseOffset, this.leaderEpoch);
    let active: Segment;
    try {
      this.maybeRoll(batch.length, lastOffset, now);
      active = this.activeSegment;
      active.append(batch, { baseOffset, lastOffset, maxTimestamp, now });
    } catch (err) {
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `append to ${this.topic}-${this.partition} failed: ${(err as Error).message}`);
    }
    this.endOffset = lastOffset + 1;
    if (header.producerId >= 0) {
      this.producers.update({
        producerId: header.producerId,
        epoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        lastOffsetDelta: header.lastOffsetDelta,
        baseOffset,
        timestamp: maxTimestamp,
      });
    }
    return {
      baseOffset,
      lastOffset,
      logAppendTime: logAppendTimeTopic ? now : -1,
      logStartOffset: this.startOffset,
      durable: this.flusher.appended(active, header.recordsCount, this.cfg),
      duplicate: false,
    };
  }

  /**
   * Whole stored batches, starting with the batch that contains `offset`, as raw bytes. Stops
   * before a batch that would exceed maxBytes (but returns at least one batch when minOneBatch,
   * KIP-74) and before batches at or above maxOffset. Crosses segment boundaries.
   */
  read(opts: ReadOptions): Buffer {
    this.ensureOpen();
    const { offset } = opts;
    if (offset < this.startOffset || offset > this.endOffset) {
      throw new KafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${offset} is out of range for ${this.topic}-${this.partition} (log start ${this.startOffset}, log end ${this.endOffset})`,
      );
    }
    const maxOffset = Math.min(opts.maxOffset ?? this.highWatermark, this.endOffset);
    if (offset >= maxOffset) return EMPTY;
    return this.reader.read({ offset, maxBytes: opts.maxBytes, minOneBatch: opts.minOneBatch, maxOffset });
  }

  /** The earliest offset whose timestamp is >= `timestamp` (see findOffsetByTimestamp), or null. */
  offsetForTimestamp(timestamp: number): RecordPoint | null {
    this.ensureOpen();
    return findOffsetByTimestamp(this.segments, timestamp, this.startOffset);
  }

  /** The offset and timestamp of the record with the largest timestamp, or null for an empty log. */
  maxTimestamp(): RecordPoint | null {
    this.ensureOpen();
    return findMaxTimestamp(this.segments, this.startOffset);
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1: the high watermark) and deletes the
   * segments entirely below it. Returns the new log start offset (the low watermark).
   */
  deleteRecordsBefore(offset: number): number {
    this.ensureOpen();
    const target = offset === -1 ? this.highWatermark : offset;
    if (target < 0 || target > this.highWatermark) {
      throw new KafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `cannot delete records before ${offset} in ${this.topic}-${this.partition}: the high watermark is ${this.highWatermark}`,
      );
    }
    if (target > this.startOffset) {
      this.startOffset = target;
      this.persistLogStartOffset();
      let deleted = 0;
      while (this.segments.length > 1 && (this.segments[1] as Segment).baseOffset <= target) {
        this.deleteOldestSegment();
        deleted++;
      }
      this.afterHeadDeletion();
      this.logger?.info({ topic: this.topic, partition: this.partition, logStartOffset: target, deletedSegments: deleted }, 'deleted records');
    }
    return this.startOffset;
  }

  /**
   * Deletes whole segments beyond retention.bytes (oldest first, while what remains is still at
   * least retention.bytes) or older than retention.ms (by their largest timestamp, else file time),
   * when cleanup.policy includes delete. The active segment is rolled first when it must go too.
   */
  applyRetention(now: number): { deletedSegments: number } {
    if (this.state !== 'open' || !this.cfg.cleanupPolicy.includes('delete')) return { deletedSegments: 0 };
    const count = Math.max(expiredByTime(this.segments, now, this.cfg.retentionMs), excessBySize(this.segments, this.cfg.retentionBytes));
    if (count === 0) return { deletedSegments: 0 };
    if (count === this.segments.length) this.roll(now);
    for (let i = 0; i < count; i++) this.deleteOldestSegment();
    const first = this.segments[0] as Segment;
    if (first.baseOffset > this.startOffset) {
      this.startOffset = first.baseOffset;
      this.persistLogStartOffset();
    }
    this.afterHeadDeletion();
    this.logger?.info({ topic: this.topic, partition: this.partition, deletedSegments: count, logStartOffset: this.startOffset }, 'retention deleted segments');
    return { deletedSegments: count };
  }

  /**
   * Runs one cleaning of a compacted log now, with a cleaner of its own (the LogManager runs a
   * shared one in the background). Resolves with its statistics, or null when the log needed no
   * cleaning (see cleaner/cleanable-range.ts) or is not compacted.
   */
  compact(opts: CleanOptions = {}): Promise<CleanStats | null> {
    return new LogCleaner().cleanPartition(this, opts);
  }

  /** The cleaner's view of this log; null unless it is open. */
  cleanerHandle(): CleanerHandle | null {
    return this.state === 'open' ? this.handle : null;
  }

  /** True when appends are waiting for an fsync (periodic flush.ms checks). */
  get hasUnflushedData(): boolean {
    return this.flusher.hasUnflushedData;
  }

  /** fsyncs everything appended so far (grouped with concurrent requests). */
  flush(): Promise<void> {
    if (this.state !== 'open') return Promise.resolve();
    return this.flusher.flush();
  }

  /** Flushes, completes the index files, records the recovery point and the producer state, closes. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closed';
    await this.flusher.syncForClose(this.activeSegment);
    writeOffsetCheckpoint(path.join(this.path, RECOVERY_POINT_CHECKPOINT), this.endOffset, { durable: true });
    writeProducerSnapshot(this.path, this.producers, this.endOffset);
    for (const segment of this.segments) segment.close();
  }

  /**
   * Deletes the partition: renames the directory at once (so a topic re-created under the same name
   * starts clean), then closes the files and removes it.
   */
  async delete(): Promise<void> {
    if (this.state === 'deleted') return;
    const wasOpen = this.state === 'open';
    this.state = 'deleted';
    const doomed = `${this.path}.${crypto.randomBytes(8).toString('hex')}-delete`;
    if (fs.existsSync(this.path)) fs.renameSync(this.path, doomed);
    this.path = doomed;
    if (wasOpen) await this.flusher.idle();
    for (const segment of this.segments) segment.close();
    await fs.promises.rm(doomed, { recursive: true, force: true });
  }

  private get activeSegment(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  private ensureOpen(): void {
    if (this.state !== 'open') {
      throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `partition ${this.topic}-${this.partition} is ${this.state}`);
    }
  }

  private load(): void {
    const recoveryPoint = readOffsetCheckpoint(path.join(this.path, RECOVERY_POINT_CHECKPOINT)) ?? 0;
    const checkpointedStart = readOffsetCheckpoint(path.join(this.path, LOG_START_OFFSET_CHECKPOINT));
    const loaded = loadSegments({
      dir: this.path,
      recoveryPoint,
      indexIntervalBytes: this.cfg.indexIntervalBytes,
      maxIndexBytes: this.cfg.segmentIndexBytes,
    });
    this.segments = loaded.segments;
    if (this.segments.length === 0) this.segments.push(this.createSegment(checkpointedStart ?? 0, Date.now()));
    this.endOffset = this.activeSegment.nextOffset;
    const first = this.segments[0] as Segment;
    this.startOffset = Math.min(Math.max(checkpointedStart ?? 0, first.baseOffset), this.endOffset);
    this.flusher = new LogFlusher({
      name: `${this.topic}-${this.partition}`,
      recoveryPoint: Math.min(recoveryPoint, this.endOffset),
      endOffset: () => this.endOffset,
      // Not fsynced itself: a lost or stale recovery point only means more re-validation at start-up.
      checkpoint: (offset) => {
        if (this.state === 'open') writeOffsetCheckpoint(path.join(this.path, RECOVERY_POINT_CHECKPOINT), offset, { durable: false });
      },
    });
    // What recovery validated may still be only in the page cache: the next flush syncs it.
    for (const segment of this.segments) if (segment.nextOffset > this.flusher.recoveryPoint || segment.dirty) this.flusher.markDirty(segment);
    loadProducerState({ dir: this.path, segments: this.segments, logStartOffset: this.startOffset, logEndOffset: this.endOffset, state: this.producers });
    this.cleanerState = loadCleanerState(this.path, this.startOffset);
    if (loaded.actions.length > 0) {
      this.recoveryReport = {
        topic: this.topic,
        partition: this.partition,
        dir: this.path,
        recoveryPoint,
        logEndOffset: this.endOffset,
        truncatedBytes: loaded.truncatedBytes,
        actions: loaded.actions,
      };
      this.logger?.warn({ report: this.recoveryReport }, 'recovered partition log');
    }
  }

  private createSegment(baseOffset: number, now: number): Segment {
    const { indexIntervalBytes, segmentIndexBytes: maxIndexBytes } = this.cfg;
    return Segment.create({ dir: this.path, baseOffset, indexIntervalBytes, maxIndexBytes }, now);
  }

  /**
   * Rolls before an append when segment.bytes would be exceeded, segment.ms elapsed, or the index
   * is full. On compacted topics max.compaction.lag.ms also bounds the segment's age, as in Kafka,
   * since the cleaner never touches the active segment.
   */
  private maybeRoll(batchSize: number, lastOffset: number, now: number): void {
    const active = this.activeSegment;
    if (active.isEmpty) return;
    const maxAgeMs = isCompacted(this.cfg) ? Math.min(this.cfg.segmentMs, this.cfg.maxCompactionLagMs) : this.cfg.segmentMs;
    if (active.size + batchSize > this.cfg.segmentBytes || now - active.createdMs >= maxAgeMs || active.indexFull(lastOffset)) {
      this.roll(now);
    }
  }

  private roll(now: number): void {
    const old = this.activeSegment;
    old.seal();
    this.flusher.markDirty(old);
    this.segments.push(this.createSegment(this.endOffset, now));
    // A snapshot per roll bounds the header walk needed to rebuild producer state after a crash.
    writeProducerSnapshot(this.path, this.producers, this.endOffset);
  }

  private deleteOldestSegment(): void {
    const segment = this.segments.shift() as Segment;
    this.flusher.forget(segment);
    segment.delete();
  }

  private afterHeadDeletion(): void {
    this.reader.invalidate();
    this.producers.removeBefore(this.startOffset);
  }

  /** See CleanerHandle.replaceSegments. */
  private replaceSegments(old: readonly Segment[], install: () => Segment): boolean {
    if (this.state !== 'open' || old.length === 0) return false;
    const at = this.segments.indexOf(old[0] as Segment);
    if (at < 0 || at + old.length >= this.segments.length) return false; // never the active segment
    for (let i = 0; i < old.length; i++) if (this.segments[at + i] !== old[i] || (old[i] as Segment).deleted) return false;
    let replacement: Segment;
    try {
      replacement = install();
    } catch (err) {
      if (old.some((s) => s.deleted)) {
        // Past the commit point: the files are as a crash would leave them; a restart completes the swap.
        this.logger?.error({ err, topic: this.topic, partition: this.partition }, 'swapping in a cleaned segment failed; restart the broker to complete it');
        throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `swapping in a cleaned segment of ${this.topic}-${this.partition} failed: ${(err as Error).message}`);
      }
      throw err;
    }
    for (const segment of old) this.flusher.forget(segment);
    this.segments.splice(at, old.length, replacement);
    this.reader.invalidate();
    return true;
  }

  private createCleanerHandle(): CleanerHandle {
    return {
      topic: this.topic,
      partition: this.partition,
      dir: () => this.path,
      config: () => this.cfg,
      isOpen: () => this.state === 'open',
      segments: () => this.segments,
      logStartOffset: () => this.startOffset,
      logEndOffset: () => this.endOffset,
      state: () => this.cleanerState,
      lastBatchOffsetOf: (producerId) => this.producers.lastBatchOffset(producerId),
      saveState: () => {
        if (this.state === 'open') saveCleanerState(this.path, this.cleanerState);
      },
      replaceSegments: (old, install) => this.replaceSegments(old, install),
    };
  }

  private persistLogStartOffset(): void {
    writeOffsetCheckpoint(path.join(this.path, LOG_START_OFFSET_CHECKPOINT), this.startOffset, { durable: true });
  }
}
