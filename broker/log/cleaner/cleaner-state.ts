/**
 * What the cleaner needs from a partition log, and what it remembers about it.
 *
 * PartitionLog hands the cleaner a CleanerHandle (a view over its private state plus the one
 * mutation the cleaner may make: swapping cleaned segments in). The cleaner's progress is kept per
 * partition in `cleaner-offset-checkpoint` — Kafka keeps one such file per log directory; one per
 * partition directory suits this layout, where a partition directory is self-contained — holding
 * the first dirty offset (everything below it was cleaned) and the earliest delete horizon of a
 * tombstone still kept in the cleaned part (-1: none).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogConfig } from '../log-config';
import { writeFileAtomicSync } from '../log-files';
import type { Segment } from '../segment';

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';
const VERSION = '0';

export interface CleanerState {
  /** Offsets below this have been cleaned; the dirty part starts here. */
  firstDirtyOffset: number;
  /** Earliest delete horizon of a tombstone kept in the cleaned part, or -1 when there is none. */
  deleteHorizon: number;
  /** Set when cleaning met data it cannot parse; the partition is skipped until the next start. */
  uncleanable: string | null;
}

export interface CleanerHandle {
  readonly topic: string;
  readonly partition: number;
  /** The partition directory (it changes when the partition is deleted). */
  dir(): string;
  config(): LogConfig;
  /** False once the log was closed or deleted: the cleaner gives up at its next step. */
  isOpen(): boolean;
  /** The current segments, oldest first; the last one is the active segment. */
  segments(): readonly Segment[];
  logStartOffset(): number;
  logEndOffset(): number;
  state(): CleanerState;
  /** Base offset of the last batch the producer appended (per the idempotent-producer state), or -1. */
  lastBatchOffsetOf(producerId: number): number;
  /** Persists state() (cleaner-offset-checkpoint). */
  saveState(): void;
  /**
   * Replaces `old` (consecutive, non-active segments still in the log) with the segment `install`
   * returns; `install` does the file swap. False, without calling `install`, when the log changed
   * meanwhile (closed, or a segment of `old` was deleted by retention or DeleteRecords).
   */
  replaceSegments(old: readonly Segment[], install: () => Segment): boolean;
}

/** Anything the cleaner can clean (PartitionLog); null when it is not open. */
export interface CleanableLog {
  cleanerHandle(): CleanerHandle | null;
}

/** The state from the partition's checkpoint; without one, everything from `logStartOffset` is dirty. */
export function loadCleanerState(dir: string, logStartOffset: number): CleanerState {
  let text = '';
  try {
    text = fs.readFileSync(path.join(dir, CLEANER_OFFSET_CHECKPOINT), 'utf8');
  } catch {
    // never cleaned
  }
  const [version, offset, horizon] = text.split('\n');
  if (version === VERSION && /^\d+$/.test(offset ?? '') && /^-?\d+$/.test(horizon ?? '')) {
    return { firstDirtyOffset: Number(offset), deleteHorizon: Number(horizon), uncleanable: null };
  }
  return { firstDirtyOffset: logStartOffset, deleteHorizon: -1, uncleanable: null };
}

/**
 * Not fsynced: a lost checkpoint only means cleaning again from the log start, and a stale one
 * (older offset, older horizon) only cleans again or keeps tombstones longer.
 */
export function saveCleanerState(dir: string, state: CleanerState): void {
  writeFileAtomicSync(path.join(dir, CLEANER_OFFSET_CHECKPOINT), `${VERSION}\n${state.firstDirtyOffset}\n${state.deleteHorizon}\n`, { durable: false });
}

export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('compact');
}
