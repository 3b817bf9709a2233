/**
 * Where streaming stands, kept as Debezium's PostgresOffsetContext keeps it, and the offset map of each record:
 * `lsn` (last event), `lsn_proc` (last completely processed), `lsn_commit` (end of the last fully processed
 * transaction: what may be confirmed to the server), `lsn_events_processed`, `txId`, `ts_usec`, `messageType`, and
 * with transaction metadata `transaction_id` and the per-table event counts of the open transaction.
 */
import type { OffsetValue, SourceOffset } from '../../../connect-runtime/api';
import type { Lsn } from '../replication';
import { lsnValue, type MessageType, OffsetKeys, type StoredStreamPosition } from './source-offset';

export class StreamPosition {
  lsn: Lsn | undefined;
  lsnProc: Lsn | undefined;
  /** Offset's lsn_commit: the last commit's end LSN, or a later idle position confirmed by a keepalive. */
  lsnCommit: Lsn | undefined;
  /** The last real commit's end LSN: the first half of source.sequence. */
  lastCommitLsn: Lsn | undefined;
  /** Events emitted at `lsn` so far (rows of one COPY or multi-row INSERT share an LSN). */
  eventsAtLsn = 0;
  txId: number | undefined;
  /** Commit time of the current transaction in microseconds since the epoch. */
  tsUsec: number | undefined;
  messageType: MessageType | undefined;
  /** The open transaction for transaction metadata: its id (the xid) and event counts per `<schema>.<table>`. */
  transactionId: string | undefined;
  readonly tableOrder = new Map<string, number>();
  totalOrder = 0;
  /** Further offset fields (incremental snapshot progress). */
  private extra: Readonly<Record<string, OffsetValue>> | undefined;
  private cached: SourceOffset | undefined;

  constructor(stored?: StoredStreamPosition, initialLsn?: Lsn) {
    this.lsn = stored?.lsn ?? initialLsn;
    this.lsnProc = stored?.lsnProc;
    this.lsnCommit = stored?.lsnCommit;
    this.lastCommitLsn = stored?.lsnCommit;
    this.eventsAtLsn = stored?.lsnEventsProcessed ?? 0;
    this.txId = stored?.txId;
    this.tsUsec = stored?.tsUsec;
    this.messageType = stored?.messageType;
    this.transactionId = stored?.transactionId;
    for (const [table, n] of stored?.transactionOrder ?? []) {
      this.tableOrder.set(table, n);
      this.totalOrder += n;
    }
  }

  /** A change (or message) at `lsn`: counts events sharing one LSN. */
  event(lsn: Lsn, type: MessageType): void {
    this.eventsAtLsn = lsn === this.lsn ? this.eventsAtLsn + 1 : 1;
    this.lsn = lsn;
    this.lsnProc = lsn;
    this.messageType = type;
    this.cached = undefined;
  }

  begin(lsn: Lsn, xid: number, tsUsec: number): void {
    this.lsn = lsn;
    this.lsnProc = lsn;
    this.eventsAtLsn = 0;
    this.txId = xid;
    this.tsUsec = tsUsec;
    this.messageType = 'BEGIN';
    this.cached = undefined;
  }

  /** The transaction ending at `endLsn` was processed completely. */
  commit(endLsn: Lsn): void {
    this.lsn = endLsn;
    this.lsnProc = endLsn;
    if (this.lsnCommit === undefined || endLsn > this.lsnCommit) this.lsnCommit = endLsn;
    this.lastCommitLsn = endLsn;
    this.eventsAtLsn = 0;
    this.messageType = 'COMMIT';
    this.cached = undefined;
  }

  /** A non-transactional logical message at `lsn`: complete on its own, like a commit. */
  standaloneMessage(lsn: Lsn, tsUsec: number): void {
    this.lsn = lsn;
    this.lsnProc = lsn;
    if (this.lsnCommit === undefined || lsn > this.lsnCommit) this.lsnCommit = lsn;
    this.eventsAtLsn = 0;
    this.tsUsec = tsUsec;
    this.messageType = 'MESSAGE';
    this.cached = undefined;
  }

  /**
   * Between transactions, the server reported (in a keepalive) that it has sent everything before `walEnd`:
   * nothing before it is left to process, so it may be confirmed. Returns whether the position moved.
   */
  idleAt(walEnd: Lsn): boolean {
    if (this.lsnCommit !== undefined && walEnd <= this.lsnCommit) return false;
    this.lsnCommit = walEnd;
    this.lsnProc = walEnd;
    this.cached = undefined;
    return true;
  }

  /** Transaction metadata: the next event of `table` in the open transaction; returns [total, per-table] order. */
  countEvent(table: string): [number, number] {
    const n = (this.tableOrder.get(table) ?? 0) + 1;
    this.tableOrder.set(table, n);
    this.totalOrder++;
    this.cached = undefined;
    return [this.totalOrder, n];
  }

  startTransaction(id: string): void {
    this.transactionId = id;
    this.tableOrder.clear();
    this.totalOrder = 0;
    this.cached = undefined;
  }

  endTransaction(): void {
    this.transactionId = undefined;
    this.tableOrder.clear();
    this.totalOrder = 0;
    this.cached = undefined;
  }

  setExtra(extra: Readonly<Record<string, OffsetValue>> | undefined): void {
    this.extra = extra;
    this.cached = undefined;
  }

  /** The offset of a record emitted now. The same object is returned until the position changes. */
  offset(): SourceOffset {
    if (this.cached !== undefined) return this.cached;
    const o: Record<string, OffsetValue> = {};
    if (this.tsUsec !== undefined) o[OffsetKeys.TS_USEC] = this.tsUsec;
    if (this.txId !== undefined) o[OffsetKeys.TX_ID] = this.txId;
    if (this.lsn !== undefined) o[OffsetKeys.LSN] = lsnValue(this.lsn);
    if (this.lsnProc !== undefined) o[OffsetKeys.LSN_PROC] = lsnValue(this.lsnProc);
    if (this.lsnCommit !== undefined) o[OffsetKeys.LSN_COMMIT] = lsnValue(this.lsnCommit);
    if (this.messageType !== undefined) o[OffsetKeys.MESSAGE_TYPE] = this.messageType;
    if (this.eventsAtLsn > 0) o[OffsetKeys.LSN_EVENTS_PROCESSED] = this.eventsAtLsn;
    if (this.transactionId !== undefined) {
      o[OffsetKeys.TRANSACTION_ID] = this.transactionId;
      for (const [table, n] of this.tableOrder) o[OffsetKeys.TRANSACTION_ORDER_PREFIX + table] = n;
    }
    if (this.extra !== undefined) Object.assign(o, this.extra);
    this.cached = Object.freeze(o);
    return this.cached;
  }
}
