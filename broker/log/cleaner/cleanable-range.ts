/**
 * Which part of a compacted log the cleaner may clean now, and whether it should (Kafka's
 * LogCleanerManager.cleanableOffsets and the dirty-ratio check).
 *
 * - The dirty part starts at the checkpointed first dirty offset (reset to the log start when the
 *   checkpoint is missing or outside the log) and ends at the first uncleanable offset: the active
 *   segment's base offset, or earlier, the base of the first segment holding a record newer than
 *   min.compaction.lag.ms (by the segment's largest timestamp, else its file time).
 * - cleanBytes = size of the segments that start below the first dirty offset; dirtyBytes = size of
 *   the segments overlapping the dirty part (a segment holding the first dirty offset counts in
 *   both, as in Kafka); dirty ratio = dirty / (clean + dirty).
 * - The log needs cleaning when it has dirty bytes and the ratio reaches min.cleanable.dirty.ratio,
 *   or when the first dirty batch is older than max.compaction.lag.ms (by its maxTimestamp), or when
 *   the delete horizon of a kept tombstone has passed (so the tombstone can go).
 */
import { BATCH_OVERHEAD, maxTimestampOf } from '../../protocol/record-batch';
import { isNever } from '../log-config';
import type { Segment } from '../segment';
import type { CleanerHandle } from './cleaner-state';

export interface CleanableRange {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  cleanBytes: number;
  dirtyBytes: number;
  dirtyRatio: number;
  maxCompactionLagExceeded: boolean;
  deleteHorizonDue: boolean;
  needsCleaning: boolean;
}

function newestTimestamp(segment: Segment): number {
  return segment.maxTimestamp >= 0 ? segment.maxTimestamp : segment.lastModifiedMs;
}

/** maxTimestamp of the batch holding `offset` (or the first after it), -1 when unknown. */
function batchTimestamp(segment: Segment, offset: number): number {
  const loc = segment.findBatch(offset);
  if (!loc) return -1;
  const header = segment.read(loc.position, BATCH_OVERHEAD);
  return header.length === BATCH_OVERHEAD ? maxTimestampOf(header, 0) : -1;
}

export function cleanableRange(h: CleanerHandle, now: number): CleanableRange {
  const segments = h.segments();
  const config = h.config();
  const active = segments[segments.length - 1] as Segment;
  let firstDirty = h.state().firstDirtyOffset;
  if (firstDirty < h.logStartOffset() || firstDirty > h.logEndOffset()) firstDirty = h.logStartOffset();
  let firstUncleanable = active.baseOffset;
  if (config.minCompactionLagMs > 0) {
    for (const segment of segments) {
      if (segment === active || segment.baseOffset >= firstUncleanable) break;
      if (segment.nextOffset <= firstDirty) continue;
      if (newestTimestamp(segment) > now - config.minCompactionLagMs) {
        firstUncleanable = segment.baseOffset;
        break;
      }
    }
  }
  firstUncleanable = Math.max(firstUncleanable, firstDirty);
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let firstDirtySegment: Segment | null = null;
  for (const segment of segments) {
    if (segment === active) break;
    if (segment.baseOffset < firstDirty) cleanBytes += segment.size;
    if (segment.baseOffset < firstUncleanable && segment.nextOffset > firstDirty) {
      dirtyBytes += segment.size;
      firstDirtySegment ??= segment;
    }
  }
  const total = cleanBytes + dirtyBytes;
  const dirtyRatio = total > 0 ? dirtyBytes / total : 0;
  let maxCompactionLagExceeded = false;
  if (firstDirtySegment && !isNever(config.maxCompactionLagMs)) {
    const timestamp = batchTimestamp(firstDirtySegment, firstDirty);
    maxCompactionLagExceeded = timestamp >= 0 && now - timestamp > config.maxCompactionLagMs;
  }
  const deleteHorizonDue = h.state().deleteHorizon >= 0 && now >= h.state().deleteHorizon && active.baseOffset > h.logStartOffset();
  const needsCleaning = (dirtyBytes > 0 && (dirtyRatio >= config.minCleanableDirtyRatio || maxCompactionLagExceeded)) || deleteHorizonDue;
  return {
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset: firstUncleanable,
    cleanBytes,
    dirtyBytes,
    dirtyRatio,
    maxCompactionLagExceeded,
    deleteHorizonDue,
    needsCleaning,
  };
}
