/**
 * `source.snapshot` of initial snapshot records, as Debezium resolves it (RelationalSnapshotChangeEventSource):
 * the very first record `first`, the very last `last`, the first and last record of every other table
 * `first_in_data_collection` / `last_in_data_collection`, everything else `true`. Position in the whole snapshot
 * wins over position in the table, and last wins over first (a one-row snapshot is `last`).
 */
import type { SnapshotMarker } from '../events';

export interface RecordPosition {
  /** The table is the first one of the snapshot. */
  firstTable: boolean;
  /** The table is the last one of the snapshot. */
  lastTable: boolean;
  firstInTable: boolean;
  lastInTable: boolean;
}

export function snapshotMarker(p: RecordPosition): SnapshotMarker {
  if (p.lastInTable && p.lastTable) return 'last';
  if (p.firstInTable && p.firstTable) return 'first';
  if (p.lastInTable) return 'last_in_data_collection';
  if (p.firstInTable) return 'first_in_data_collection';
  return 'true';
}
