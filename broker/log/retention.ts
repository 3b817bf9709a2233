/**
 * Which leading segments retention may delete. Both rules only ever take a prefix of the log (the
 * oldest segments), as Kafka does, and never count an empty active segment.
 */
import type { Segment } from './segment';

/** How many leading segments are entirely older than retention.ms (by largest timestamp, else file time). */
export function expiredByTime(segments: readonly Segment[], now: number, retentionMs: number): number {
  if (retentionMs < 0) return 0;
  let count = 0;
  for (const segment of segments) {
    if (segment.isEmpty) break;
    const newest = segment.maxTimestamp >= 0 ? segment.maxTimestamp : segment.lastModifiedMs;
    if (now - newest <= retentionMs) break;
    count++;
  }
  return count;
}

/** How many leading segments can go while what remains still holds at least retention.bytes. */
export function excessBySize(segments: readonly Segment[], retentionBytes: number): number {
  if (retentionBytes < 0) return 0;
  let excess = -retentionBytes;
  for (const segment of segments) excess += segment.size;
  let count = 0;
  for (const segment of segments) {
    if (segment.isEmpty || excess - segment.size < 0) break;
    excess -= segment.size;
    count++;
  }
  return count;
}
