/**
 * Replication slot inspection and removal over a normal connection (pg_replication_slots and the slot functions),
 * for start-up decisions (does the slot exist, is someone streaming from it, where is it) and for
 * slot.drop.on.stop.
 */
import { abortError, ReplicationError, ReplicationErrorCode } from './errors';
import { parseLsn, type Lsn } from './lsn';
import { toReplicationError } from './server-errors';
import type { SqlClient } from './sql-client';
import { validateSlotName } from './sql-quote';

export interface SlotInfo {
  slotName: string;
  plugin: string | null;
  slotType: string;
  database: string | null;
  temporary: boolean;
  /** A walsender is streaming from it right now. */
  active: boolean;
  activePid: number | null;
  /** The oldest WAL the slot still needs. */
  restartLsn: Lsn | null;
  /** Everything before this has been confirmed by the consumer; streaming resumes here. */
  confirmedFlushLsn: Lsn | null;
  /** PostgreSQL 13+: reserved, extended, unreserved or lost (a lost slot needs a new snapshot). */
  walStatus: string | null;
}

interface SlotRow {
  slot_name: string;
  plugin: string | null;
  slot_type: string;
  database: string | null;
  temporary: boolean;
  active: boolean;
  active_pid: number | null;
  restart_lsn: string | null;
  confirmed_flush_lsn: string | null;
  wal_status?: string | null;
}

/** The slot's row in pg_replication_slots, or undefined if there is no such slot. */
export async function getSlotInfo(client: SqlClient, slot: string): Promise<SlotInfo | undefined> {
  let row: SlotRow | undefined;
  try {
    // to_jsonb keeps this one query valid on versions without some columns (wal_status arrived in 13).
    const res = await client.query<{ s: SlotRow }>('SELECT to_jsonb(s) AS s FROM pg_replication_slots s WHERE slot_name = $1', [slot]);
    row = res.rows[0]?.s;
  } catch (error) {
    throw toReplicationError(error, { operation: `reading replication slot "${slot}"`, slot });
  }
  if (row === undefined) return undefined;
  return {
    slotName: row.slot_name,
    plugin: row.plugin,
    slotType: row.slot_type,
    database: row.database,
    temporary: row.temporary,
    active: row.active,
    activePid: row.active_pid,
    restartLsn: row.restart_lsn === null ? null : parseLsn(row.restart_lsn),
    confirmedFlushLsn: row.confirmed_flush_lsn === null ? null : parseLsn(row.confirmed_flush_lsn),
    walStatus: row.wal_status ?? null,
  };
}

export interface DropSlotOptions {
  slot: string;
  /** Default true: a missing slot is not an error. */
  ifExists?: boolean;
  /**
   * End the walsender streaming from the slot (pg_terminate_backend) instead of failing with SLOT_IN_USE. Default
   * false: it may be another live connector.
   */
  terminateActive?: boolean;
  /** How long to wait for a terminated walsender to release the slot. Default 10 000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Drops a slot; resolves to whether one was dropped. */
export async function dropSlot(client: SqlClient, options: DropSlotOptions): Promise<boolean> {
  validateSlotName(options.slot);
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const context = { operation: `dropping replication slot "${options.slot}"`, slot: options.slot };
  for (;;) {
    if (options.signal?.aborted) throw abortError(options.signal, `dropping replication slot "${options.slot}"`);
    const info = await getSlotInfo(client, options.slot);
    if (info === undefined) {
      if (options.ifExists === false) {
        throw new ReplicationError(`replication slot "${options.slot}" does not exist`, { code: ReplicationErrorCode.NOT_FOUND });
      }
      return false;
    }
    if (info.active && options.terminateActive && info.activePid !== null) {
      await client.query('SELECT pg_terminate_backend($1)', [info.activePid]).catch(() => undefined);
    }
    try {
      await client.query('SELECT pg_drop_replication_slot($1)', [options.slot]);
      return true;
    } catch (error) {
      const mapped = toReplicationError(error, context);
      // The slot can be released or dropped concurrently; look again until the deadline.
      const transient = mapped.code === ReplicationErrorCode.SLOT_IN_USE || mapped.code === ReplicationErrorCode.NOT_FOUND;
      if (!transient || (mapped.code === ReplicationErrorCode.SLOT_IN_USE && !options.terminateActive) || Date.now() > deadline) {
        throw mapped;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The server's current WAL write position (pg_current_wal_lsn). */
export async function currentWalLsn(client: SqlClient): Promise<Lsn> {
  try {
    const res = await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return parseLsn(res.rows[0]!.lsn);
  } catch (error) {
    throw toReplicationError(error, { operation: 'reading the current WAL position' });
  }
}
