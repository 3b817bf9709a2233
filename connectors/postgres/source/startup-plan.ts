/**
 * What to do at start-up, from the snapshot mode, the stored offset and the replication slot (reference §5.1, §5.2):
 * whether to snapshot, whether the slot is created (exporting its snapshot when one is taken) or reused, and
 * whether and where streaming resumes. Pure, so every combination is unit-tested.
 *
 * A snapshot over an existing slot (a snapshot that crashed part-way, `always`, no stored offset) reads in a fresh
 * REPEATABLE READ transaction and then streams from the slot's confirmed position, which is older than the
 * snapshot: changes in between arrive again after the snapshot rows (duplicates, never gaps), so a consumer
 * applying the topic in order ends with the table's state - including rows deleted since an earlier, interrupted
 * snapshot read them.
 */
import type { Lsn, SlotInfo } from '../replication';
import type { SnapshotMode } from './config-keys';
import type { StoredOffset, StoredStreamPosition } from './source-offset';

export type SlotAction = 'create' | 'use' | 'recreate';

export interface StartupPlan {
  snapshot: boolean;
  slot: SlotAction;
  stream: boolean;
  /** The stored streaming position to resume from (and to filter the replay with); absent after a snapshot. */
  resume?: StoredStreamPosition;
  warnings: string[];
}

export interface PlanInputs {
  mode: SnapshotMode;
  stored: StoredOffset;
  slot: Pick<SlotInfo, 'confirmedFlushLsn' | 'walStatus'> | undefined;
  slotName: string;
}

export class StartupPlanError extends Error {}

function resumeLsn(position: StoredStreamPosition): Lsn | undefined {
  return position.lsnCommit ?? position.lsnProc ?? position.lsn;
}

export function planStartup(inputs: PlanInputs): StartupPlan {
  const { mode, stored, slot, slotName } = inputs;
  const warnings: string[] = [];
  const existing: SlotAction = slot === undefined ? 'create' : 'use';
  const stream = mode !== 'initial_only';
  const lost = slot !== undefined && slot.walStatus === 'lost';

  if (lost && mode !== 'when_needed' && mode !== 'always' && !(mode === 'initial_only' && stored.kind === 'stream')) {
    throw new StartupPlanError(
      `replication slot "${slotName}" has lost WAL it needs (wal_status = lost, see max_slot_wal_keep_size): changes were lost. ` +
        `Use snapshot.mode=when_needed to take a new snapshot, or drop the slot and delete the connector's offsets`,
    );
  }
  const slotForSnapshot: SlotAction = lost ? 'recreate' : existing;

  if (stored.kind === 'none' || stored.kind === 'snapshot-incomplete') {
    if (mode === 'no_data') {
      if (stored.kind === 'snapshot-incomplete') warnings.push('an earlier snapshot did not complete; snapshot.mode=no_data streams without finishing it');
      return { snapshot: false, slot: lost ? 'recreate' : existing, stream: true, warnings };
    }
    if (stored.kind === 'snapshot-incomplete') warnings.push('the previous snapshot did not complete; taking it again');
    return { snapshot: true, slot: slotForSnapshot, stream, warnings };
  }

  // A completed snapshot, and possibly streaming, are behind us.
  const position = stored.position;
  if (mode === 'always') return { snapshot: true, slot: slotForSnapshot, stream, warnings, ...(slot === undefined || lost ? {} : { resume: position }) };
  if (mode === 'initial_only') return { snapshot: false, slot: 'use', stream: false, warnings };
  if (slot === undefined) {
    if (mode === 'when_needed') {
      warnings.push(`replication slot "${slotName}" does not exist although offsets were stored; taking a new snapshot`);
      return { snapshot: true, slot: 'create', stream, warnings };
    }
    if (mode === 'no_data') {
      warnings.push(`replication slot "${slotName}" does not exist although offsets were stored; creating it and streaming from now: changes made meanwhile are not captured`);
      return { snapshot: false, slot: 'create', stream, warnings };
    }
    throw new StartupPlanError(
      `replication slot "${slotName}" does not exist, but the stored offsets say streaming had started: changes since then cannot be recovered. ` +
        'Use snapshot.mode=when_needed to take a new snapshot, or delete the connector\'s offsets to start over',
    );
  }
  if (lost) {
    warnings.push(`replication slot "${slotName}" lost WAL it needed; recreating it and taking a new snapshot`);
    return { snapshot: true, slot: 'recreate', stream, warnings };
  }
  const from = resumeLsn(position);
  const confirmed = slot.confirmedFlushLsn;
  if (from !== undefined && confirmed !== null && confirmed > from) {
    if (mode === 'when_needed') {
      warnings.push(`the stored offset (LSN ${from}) is behind replication slot "${slotName}" (confirmed ${confirmed}); taking a new snapshot`);
      return { snapshot: true, slot: 'use', stream, warnings };
    }
    warnings.push(
      `the stored offset (LSN ${from}) is behind replication slot "${slotName}" (confirmed ${confirmed}): changes in between cannot be replayed`,
    );
  }
  return { snapshot: false, slot: 'use', stream, resume: position, warnings };
}
