/**
 * After a restart the server replays every transaction that committed after the slot's confirmed flush LSN, which
 * lags the stored offset (the LSN is confirmed only after the offset is stored, and a crash can come in between).
 * This filter drops what the stored offset says was already emitted:
 *
 *   - a whole transaction whose commit record starts before the stored lsn_commit (pgoutput sends transactions
 *     whole, in commit order, so everything up to that commit was processed);
 *   - inside the one transaction the offset stopped in (same xid, last event a change), the changes up to the stored
 *     position: LSN order within a transaction, and lsn_events_processed for rows sharing one LSN (COPY);
 *   - a non-transactional logical message at or before the stored one.
 *
 * Relation, Type and Origin messages are never filtered: the caches they feed must stay right.
 */
import type { Lsn } from '../replication';
import type { StoredStreamPosition } from './source-offset';

export type TransactionDecision = 'skip' | 'resume' | 'process';

const CHANGE_TYPES: ReadonlySet<string> = new Set(['BEGIN', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'MESSAGE']);

export class ResumeFilter {
  private active: boolean;
  /** Inside the partially emitted transaction. */
  private resuming = false;
  private lastLsn: Lsn | undefined;
  private countAtLsn = 0;

  constructor(private readonly stored: StoredStreamPosition | undefined) {
    this.active = stored !== undefined && (stored.lsnCommit !== undefined || stored.lsn !== undefined);
  }

  /** False once the replayed part of the stream is behind us. */
  get isActive(): boolean {
    return this.active;
  }

  /** At BEGIN: skip the transaction, resume it part-way, or process it all. */
  onBegin(xid: number, commitLsn: Lsn): TransactionDecision {
    if (!this.active) return 'process';
    const stored = this.stored!;
    if (stored.lsnCommit !== undefined && commitLsn < stored.lsnCommit) return 'skip';
    // The first transaction not covered by lsn_commit: from here on everything is new, except possibly the front
    // of this very transaction.
    this.active = false;
    if (stored.txId === xid && stored.messageType !== undefined && CHANGE_TYPES.has(stored.messageType) && stored.lsn !== undefined) {
      this.resuming = true;
      this.lastLsn = undefined;
      this.countAtLsn = 0;
      return 'resume';
    }
    return 'process';
  }

  /** Inside a resumed transaction: whether the change at `lsn` was already emitted. */
  skipChange(lsn: Lsn): boolean {
    if (!this.resuming) return false;
    const stored = this.stored!;
    this.countAtLsn = lsn === this.lastLsn ? this.countAtLsn + 1 : 1;
    this.lastLsn = lsn;
    if (lsn < stored.lsn!) return true;
    if (lsn === stored.lsn && this.countAtLsn <= stored.lsnEventsProcessed) return true;
    this.resuming = false;
    return false;
  }

  /** At COMMIT of any transaction that was not skipped. */
  onCommit(): void {
    this.resuming = false;
  }

  /** A logical message outside any transaction, at `lsn`. */
  skipStandaloneMessage(lsn: Lsn): boolean {
    if (!this.active) return false;
    const stored = this.stored!;
    if (stored.lsnCommit !== undefined && lsn < stored.lsnCommit) return true;
    if (stored.messageType === 'MESSAGE' && stored.lsn !== undefined && lsn <= stored.lsn) return true;
    return false;
  }
}
