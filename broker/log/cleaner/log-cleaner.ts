/**
 * Log compaction (cleanup.policy=compact, and compact,delete): keeps the latest record per key.
 *
 * One cleaning of a partition, as Kafka's Cleaner does it:
 *   1. Map: walk the dirty part [first dirty, first uncleanable) and record, per key digest, the
 *      offset of its latest record (offset-map.ts). When the map fills up, the mapped part ends at
 *      the last batch that fitted and the rest stays dirty for the next round.
 *   2. Clean: rewrite every non-active segment from the log start up to the end of the mapped part,
 *      in groups of consecutive segments that together fit segment.bytes (so that small cleaned
 *      segments merge), keeping a record when no later offset of its key is in the map, dropping
 *      keyless records, and dropping tombstones once their batch's delete horizon passed
 *      (batch-filter.ts). Each group becomes one cleaned segment, swapped in crash-safely
 *      (segment-swap.ts), with its indexes rebuilt as it is written.
 *   3. Checkpoint: the first dirty offset moves to the end of the mapped part.
 *
 * Offsets never change. Kept batches keep their headers (offset range, producer id, epoch and
 * sequence); a batch that loses every record disappears unless it is the last batch of its
 * producer (per the idempotent-producer state, so a retrying producer is still recognised after a
 * restart rebuilds that state from the log) or the last batch of its group (so a cleaned segment
 * always ends where the old ones did); those are kept as empty headers, as Kafka keeps them.
 * Control and transactional batches are left as they are (this broker accepts neither from clients).
 *
 * The broker is single-threaded: the work runs in slices of at most `sliceMs` of synchronous work,
 * with setImmediate between them, so appends and fetches go on while a partition is cleaned. After
 * every pause the cleaner checks that the log is still open and the segments it works on still
 * exist (retention, DeleteRecords and topic deletion may run meanwhile); if not, it gives up the
 * round and removes its unfinished files.
 */
import { setImmediate as pause } from 'node:timers/promises';
import { isCompressionLoaded, loadCompression } from '../../protocol/compression';
import { Offset } from '../../protocol/record-batch';
import { Segment } from '../segment';
import { BatchFilter, isUntouchable } from './batch-filter';
import { cleanableRange, type CleanableRange } from './cleanable-range';
import { CleanedSegmentWriter } from './cleaned-segment-writer';
import { isCompacted, type CleanableLog, type CleanerHandle } from './cleaner-state';
import { CLEANER_DEFAULTS } from './cleaner-settings';
import { OffsetMap } from './offset-map';
import { CorruptRecordsError } from './record-cursor';
import { discardCleanedFiles, swapInCleanedSegment } from './segment-swap';

export { cleanableRange, type CleanableRange } from './cleanable-range';

export interface LogCleanerOptions {
  /** log.cleaner.dedupe.buffer.size */
  dedupeBufferBytes?: number;
  /** log.cleaner.io.buffer.load.factor */
  loadFactor?: number;
  /** Longest stretch of synchronous work between two pauses (a batch is never split); default 5 ms. */
  sliceMs?: number;
}

export interface CleanOptions {
  /** The time the retention rules are judged against; default Date.now(). */
  now?: number;
  /** Clean even when the log does not need it (below min.cleanable.dirty.ratio). */
  force?: boolean;
  signal?: AbortSignal;
}

export interface CleanStats {
  topic: string;
  partition: number;
  /** The dirty part that was mapped: [firstDirtyOffset, endOffset). */
  firstDirtyOffset: number;
  endOffset: number;
  /** The map filled up before the end of the dirty part; the rest is cleaned in a later round. */
  mapFull: boolean;
  mapEntries: number;
  /** Bytes read while mapping the dirty part. */
  mapBytesRead: number;
  /** Bytes of segments read and written by the cleaning pass. */
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  keylessRemoved: number;
  segmentsBefore: number;
  segmentsAfter: number;
  /** Wall-clock time of the whole cleaning, pauses included. */
  durationMs: number;
  /** The longest run of synchronous work between two pauses. */
  longestSliceMs: number;
  dirtyRatio: number;
}

/** The cleaning stopped because the log changed under it or the cleaner is shutting down. */
class CleaningAborted extends Error {}

/** Kafka's groupSegmentsBySize: consecutive segments whose sizes, index sizes and offset span fit one segment. */
export function groupSegments(segments: readonly Segment[], maxBytes: number, maxIndexBytes: number): Segment[][] {
  const groups: Segment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const first = segments[i] as Segment;
    const group = [first];
    let logBytes = first.size;
    let indexBytes = first.offsetIndex.sizeInBytes;
    let timeBytes = first.timeIndex.sizeInBytes;
    i++;
    while (i < segments.length) {
      const next = segments[i] as Segment;
      if (
        logBytes + next.size > maxBytes ||
        indexBytes + next.offsetIndex.sizeInBytes > maxIndexBytes ||
        timeBytes + next.timeIndex.sizeInBytes > maxIndexBytes ||
        next.nextOffset - 1 - first.baseOffset > 0x7fffffff
      ) {
        break;
      }
      group.push(next);
      logBytes += next.size;
      indexBytes += next.offsetIndex.sizeInBytes;
      timeBytes += next.timeIndex.sizeInBytes;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

/** Time-sliced cooperative scheduling for one cleaning. */
class Slicer {
  longest = 0;
  private start = performance.now();

  constructor(
    private readonly sliceMs: number,
    private readonly check: () => void,
  ) {}

  get due(): boolean {
    return performance.now() - this.start >= this.sliceMs;
  }

  async pause(): Promise<void> {
    this.longest = Math.max(this.longest, performance.now() - this.start);
    await pause();
    this.start = performance.now();
    this.check();
  }

  /** Ends the current slice at an await the caller makes anyway (an fsync). */
  stopClock(): void {
    this.longest = Math.max(this.longest, performance.now() - this.start);
  }

  restartClock(): void {
    this.start = performance.now();
    this.check();
  }
}

export class LogCleaner {
  private readonly map: OffsetMap;
  private readonly sliceMs: number;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(opts: LogCleanerOptions = {}) {
    this.map = new OffsetMap({ maxBytes: opts.dedupeBufferBytes ?? CLEANER_DEFAULTS.dedupeBufferBytes, loadFactor: opts.loadFactor ?? CLEANER_DEFAULTS.loadFactor });
    this.sliceMs = opts.sliceMs ?? 5;
  }

  /** The log's cleanable range, or null when it is closed, not compacted or marked uncleanable. */
  assess(log: CleanableLog, now: number): CleanableRange | null {
    const h = log.cleanerHandle();
    if (!h || !isCompacted(h.config()) || h.state().uncleanable !== null) return null;
    return cleanableRange(h, now);
  }

  /**
   * Cleans the log when it needs it (or always, with `force`). Resolves with what was done, or null
   * when there was nothing to do or the round was given up. Cleanings by one cleaner run one at a
   * time (they share the offset map). Throws on I/O errors; data that cannot be parsed marks the
   * partition uncleanable (logged by the caller through the thrown error) instead of failing again.
   */
  cleanPartition(log: CleanableLog, opts: CleanOptions = {}): Promise<CleanStats | null> {
    const run = this.chain.then(() => this.cleanNow(log, opts));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async cleanNow(log: CleanableLog, opts: CleanOptions): Promise<CleanStats | null> {
    const h = log.cleanerHandle();
    if (!h || !isCompacted(h.config()) || h.state().uncleanable !== null) return null;
    const now = opts.now ?? Date.now();
    const range = cleanableRange(h, now);
    if (!range.needsCleaning && !opts.force) return null;
    const started = performance.now();
    const segmentsBefore = h.segments().length;
    const slicer = new Slicer(this.sliceMs, () => {
      if (opts.signal?.aborted) throw new CleaningAborted('the cleaner is stopping');
      if (!h.isOpen()) throw new CleaningAborted('the log was closed');
    });
    const filter = new BatchFilter(this.map, now, h.config().deleteRetentionMs);
    try {
      const mapped = await this.buildMap(h, range, filter, slicer);
      const active = h.segments()[h.segments().length - 1];
      const cleanable = h.segments().filter((s) => s !== active && s.baseOffset < mapped.endOffset);
      const groups = groupSegments(cleanable, h.config().segmentBytes, h.config().segmentIndexBytes);
      let horizon = -1;
      let bytesRead = 0;
      let bytesWritten = 0;
      for (const group of groups) {
        const done = await this.cleanGroup(h, group, filter, slicer);
        bytesRead += done.bytesRead;
        bytesWritten += done.bytesWritten;
        if (done.horizon >= 0 && (horizon < 0 || done.horizon < horizon)) horizon = done.horizon;
      }
      h.state().firstDirtyOffset = mapped.endOffset;
      h.state().deleteHorizon = horizon;
      h.saveState();
      slicer.stopClock();
      return {
        topic: h.topic,
        partition: h.partition,
        firstDirtyOffset: range.firstDirtyOffset,
        endOffset: mapped.endOffset,
        mapFull: mapped.full,
        mapEntries: this.map.size,
        mapBytesRead: mapped.bytesRead,
        bytesRead,
        bytesWritten,
        ...filter.counters,
        segmentsBefore,
        segmentsAfter: h.segments().length,
        durationMs: performance.now() - started,
        longestSliceMs: slicer.longest,
        dirtyRatio: range.dirtyRatio,
      };
    } catch (err) {
      if (err instanceof CleaningAborted) return null;
      if (err instanceof CorruptRecordsError) {
        h.state().uncleanable = err.message;
        throw new Error(`cannot clean ${h.topic}-${h.partition}: ${err.message}; the partition is skipped until the broker restarts`);
      }
      throw err;
    } finally {
      this.map.clear();
    }
  }

  /** Pass 1: the key → latest offset map of the dirty part. */
  private async buildMap(h: CleanerHandle, range: CleanableRange, filter: BatchFilter, slicer: Slicer): Promise<{ endOffset: number; full: boolean; bytesRead: number }> {
    const { firstDirtyOffset: from, firstUncleanableOffset: to } = range;
    let endOffset = from;
    let bytesRead = 0;
    // A copy: retention may shift the live list while this pass pauses (it then gives up anyway).
    for (const segment of [...h.segments()]) {
      if (segment.baseOffset >= to) break;
      if (segment.nextOffset <= from) continue;
      const start = segment.baseOffset >= from ? 0 : (segment.findBatch(from)?.position ?? segment.size);
      const scan = segment.scanner(start);
      for (;;) {
        const status = scan.next();
        if (status === 'end') break;
        if (status !== 'batch' || !scan.body()) throw new CorruptRecordsError(`${status} batch at position ${scan.position} of ${segment.logFile}`);
        const base = scan.baseOffset;
        if (base >= to) return { endOffset: to, full: false, bytesRead };
        const attributes = scan.attributes;
        if (!isCompressionLoaded(attributes & 0x07)) await this.loadCodec(attributes, slicer, [segment]);
        if (!isUntouchable(attributes)) {
          const count = scan.buf.readInt32BE(scan.at + Offset.recordsCount);
          if (!this.map.canFit(count)) {
            if (endOffset <= from) {
              throw new Error(`log.cleaner.dedupe.buffer.size is too small to map even one batch (${count} records) of ${h.topic}-${h.partition}`);
            }
            return { endOffset, full: true, bytesRead };
          }
          filter.mapKeys(scan.buf, scan.at, scan.batchSize);
        }
        endOffset = scan.lastOffset + 1;
        bytesRead += scan.batchSize;
        if (slicer.due) {
          await slicer.pause();
          if (segment.deleted) throw new CleaningAborted('a segment was deleted while it was being mapped');
        }
      }
    }
    return { endOffset: Math.max(endOffset, to), full: false, bytesRead };
  }

  /** Pass 2 for one group: writes the cleaned segment and swaps it in. */
  private async cleanGroup(h: CleanerHandle, group: readonly Segment[], filter: BatchFilter, slicer: Slicer): Promise<{ bytesRead: number; bytesWritten: number; horizon: number }> {
    const first = group[0] as Segment;
    const last = group[group.length - 1] as Segment;
    const dir = h.dir();
    const config = h.config();
    const writer = new CleanedSegmentWriter({ dir, baseOffset: first.baseOffset, indexIntervalBytes: config.indexIntervalBytes });
    let changed = group.length > 1;
    let bytesRead = 0;
    let horizon = -1;
    let installed = false;
    try {
      for (const segment of group) {
        if (segment.deleted) throw new CleaningAborted('a segment was deleted before it was cleaned');
        const scan = segment.scanner(0);
        for (;;) {
          const status = scan.next();
          if (status === 'end') break;
          if (status !== 'batch' || !scan.body()) throw new CorruptRecordsError(`${status} batch at position ${scan.position} of ${segment.logFile}`);
          if (!isCompressionLoaded(scan.attributes & 0x07)) await this.loadCodec(scan.attributes, slicer, group);
          const producerId = Number(scan.buf.readBigInt64BE(scan.at + Offset.producerId));
          const lastOfGroup = segment === last && scan.position >= segment.size;
          const retainEmpty = lastOfGroup || (producerId >= 0 && h.lastBatchOffsetOf(producerId) === scan.baseOffset);
          const outcome = filter.filter(scan.buf, scan.at, scan.batchSize, retainEmpty);
          if (outcome === 'kept') writer.append(scan.buf, scan.at, scan.batchSize);
          else if (outcome === 'rewritten') writer.append(filter.output, 0, filter.output.length);
          if (outcome !== 'kept') changed = true;
          if (filter.tombstoneHorizon >= 0 && outcome !== 'dropped' && (horizon < 0 || filter.tombstoneHorizon < horizon)) horizon = filter.tombstoneHorizon;
          bytesRead += scan.batchSize;
          if (slicer.due) {
            await slicer.pause();
            if (group.some((s) => s.deleted)) throw new CleaningAborted('a segment was deleted while it was being cleaned');
          }
        }
      }
      if (!changed || writer.size === 0) {
        writer.abort();
        return { bytesRead, bytesWritten: 0, horizon };
      }
      slicer.stopClock();
      const info = await writer.finish(Math.max(...group.map((s) => s.lastModifiedMs)));
      slicer.restartClock();
      installed = h.replaceSegments(group, () => {
        swapInCleanedSegment(dir, first.baseOffset, group);
        const segment = Segment.open({ dir, baseOffset: first.baseOffset, indexIntervalBytes: config.indexIntervalBytes, maxIndexBytes: config.segmentIndexBytes });
        segment.nextOffset = info.nextOffset;
        segment.maxTimestamp = info.maxTimestamp;
        segment.offsetOfMaxTimestamp = info.offsetOfMaxTimestamp;
        segment.sealed = true;
        return segment;
      });
      if (!installed) throw new CleaningAborted('the log changed while a segment was being cleaned');
      return { bytesRead, bytesWritten: info.size, horizon };
    } catch (err) {
      if (!installed) {
        writer.abort();
        discardCleanedFiles(dir, first.baseOffset);
      }
      throw err;
    }
  }

  /** Loads a compression codec the first time a batch needs it; the await ends the slice. */
  private async loadCodec(attributes: number, slicer: Slicer, watched: readonly Segment[]): Promise<void> {
    slicer.stopClock();
    try {
      await loadCompression(attributes & 0x07);
    } catch (err) {
      throw new CorruptRecordsError((err as Error).message);
    }
    slicer.restartClock();
    if (watched.some((s) => s.deleted)) throw new CleaningAborted('a segment was deleted while a codec was loading');
  }
}
