/**
 * Source partition and offsets in Debezium's PostgreSQL layout (PostgresOffsetContext), so that offsets written by
 * one implementation are understood by the other:
 *
 *   snapshot   {lsn, txId, ts_usec, snapshot: "INITIAL", last_snapshot_record, snapshot_completed}
 *   streaming  {lsn, lsn_proc, lsn_commit, txId, ts_usec, messageType, lsn_events_processed?, transaction_*?}
 *
 * LSNs are numbers (the offset stores write JSON, which has no 64-bit integers); positions past 2^53 - a WAL of
 * 8 PiB - are written as decimal strings and read back from either form.
 */
import type { OffsetValue, SourceOffset, SourcePartition } from '../../../connect-runtime/api';
import type { Lsn } from '../replication';

export const OffsetKeys = {
  LSN: 'lsn',
  LSN_PROC: 'lsn_proc',
  LSN_COMMIT: 'lsn_commit',
  LSN_EVENTS_PROCESSED: 'lsn_events_processed',
  TX_ID: 'txId',
  TS_USEC: 'ts_usec',
  MESSAGE_TYPE: 'messageType',
  SNAPSHOT: 'snapshot',
  LAST_SNAPSHOT_RECORD: 'last_snapshot_record',
  SNAPSHOT_COMPLETED: 'snapshot_completed',
  TRANSACTION_ID: 'transaction_id',
  TRANSACTION_ORDER_PREFIX: 'transaction_data_collection_order_',
} as const;

/** ReplicationMessage.Operation names as Debezium writes them to `messageType`. */
export type MessageType = 'BEGIN' | 'COMMIT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE' | 'MESSAGE';
const MESSAGE_TYPES: ReadonlySet<string> = new Set(['BEGIN', 'COMMIT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'MESSAGE']);

export const INITIAL_SNAPSHOT = 'INITIAL';

/** `{"server": <topic.prefix>}`, frozen so the runtime computes its store key once. */
export function sourcePartition(topicPrefix: string): SourcePartition {
  return Object.freeze({ server: topicPrefix });
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An LSN (or other unsigned 64-bit position) as an offset value. */
export function lsnValue(lsn: bigint): number | string {
  return lsn <= MAX_SAFE ? Number(lsn) : lsn.toString();
}

/** Reads an LSN written by lsnValue (or by Debezium, which writes a JSON number); undefined when absent or invalid. */
export function readLsn(value: unknown): Lsn | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  return undefined;
}

function readInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) return Number(value);
  return undefined;
}

export interface SnapshotOffsetFields {
  /** Where streaming continues after the snapshot: the slot's consistent point or confirmed flush LSN. */
  lsn: Lsn;
  txId: number | null;
  /** Read time, microseconds since the epoch. */
  tsUsec: number;
  lastRecord: boolean;
}

/** The offset of a snapshot record; the last one marks the snapshot complete. */
export function snapshotOffset(fields: SnapshotOffsetFields): SourceOffset {
  const offset: Record<string, OffsetValue> = {
    [OffsetKeys.LSN]: lsnValue(fields.lsn),
    [OffsetKeys.TS_USEC]: fields.tsUsec,
    [OffsetKeys.SNAPSHOT]: INITIAL_SNAPSHOT,
    [OffsetKeys.LAST_SNAPSHOT_RECORD]: fields.lastRecord,
    [OffsetKeys.SNAPSHOT_COMPLETED]: fields.lastRecord,
  };
  if (fields.txId !== null) offset[OffsetKeys.TX_ID] = fields.txId;
  return offset;
}

/** What a stored offset says about where the connector stands. */
export type StoredOffset =
  | { kind: 'none' }
  /** A snapshot was under way and did not complete: it must be taken again. */
  | { kind: 'snapshot-incomplete'; lsn: Lsn | undefined }
  /** Streaming position (a completed snapshot's last offset is one too, with only `lsn` set). */
  | { kind: 'stream'; position: StoredStreamPosition };

export interface StoredStreamPosition {
  /** LSN of the last event emitted. */
  lsn: Lsn | undefined;
  /** Last completely processed LSN. */
  lsnProc: Lsn | undefined;
  /** End LSN of the last fully processed transaction (or a later position known to hold nothing unprocessed). */
  lsnCommit: Lsn | undefined;
  /** How many events at `lsn` were emitted (several rows can share one LSN, e.g. COPY). */
  lsnEventsProcessed: number;
  txId: number | undefined;
  tsUsec: number | undefined;
  messageType: MessageType | undefined;
  /** Transaction metadata state: the id and per-table event counts of the open transaction. */
  transactionId: string | undefined;
  transactionOrder: ReadonlyMap<string, number>;
}

/** Interprets a stored offset (ours or Debezium's: `snapshot` may be a boolean before Debezium 3.0.2). */
export function decodeOffset(raw: SourceOffset | null | undefined): StoredOffset {
  if (raw === null || raw === undefined) return { kind: 'none' };
  const snapshot = raw[OffsetKeys.SNAPSHOT];
  const inSnapshot = snapshot === true || snapshot === 'true' || snapshot === INITIAL_SNAPSHOT || snapshot === 'BLOCKING';
  const completed = raw[OffsetKeys.SNAPSHOT_COMPLETED] === true || raw[OffsetKeys.LAST_SNAPSHOT_RECORD] === true;
  const lsn = readLsn(raw[OffsetKeys.LSN]);
  if (inSnapshot && !completed) return { kind: 'snapshot-incomplete', lsn };
  const messageType = raw[OffsetKeys.MESSAGE_TYPE];
  const order = new Map<string, number>();
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(OffsetKeys.TRANSACTION_ORDER_PREFIX)) {
      const n = readInt(value);
      if (n !== undefined) order.set(key.slice(OffsetKeys.TRANSACTION_ORDER_PREFIX.length), n);
    }
  }
  const transactionId = raw[OffsetKeys.TRANSACTION_ID];
  return {
    kind: 'stream',
    position: {
      lsn,
      lsnProc: readLsn(raw[OffsetKeys.LSN_PROC]),
      lsnCommit: readLsn(raw[OffsetKeys.LSN_COMMIT]),
      lsnEventsProcessed: readInt(raw[OffsetKeys.LSN_EVENTS_PROCESSED]) ?? 0,
      txId: readInt(raw[OffsetKeys.TX_ID]),
      tsUsec: readInt(raw[OffsetKeys.TS_USEC]),
      messageType: typeof messageType === 'string' && MESSAGE_TYPES.has(messageType) ? (messageType as MessageType) : undefined,
      transactionId: typeof transactionId === 'string' ? transactionId : undefined,
      transactionOrder: order,
    },
  };
}

/**
 * The LSN that may be confirmed to the server once `raw` is stored: the end of the last fully processed
 * transaction. Snapshot offsets confirm nothing; neither does a streaming offset before its first commit.
 */
export function flushableLsn(raw: SourceOffset | null | undefined): Lsn | undefined {
  if (raw === null || raw === undefined) return undefined;
  const snapshot = raw[OffsetKeys.SNAPSHOT];
  if (snapshot !== undefined && snapshot !== null && snapshot !== false) return undefined;
  return readLsn(raw[OffsetKeys.LSN_COMMIT]);
}
