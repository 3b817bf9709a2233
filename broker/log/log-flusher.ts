/**
 * Durability bookkeeping of one partition log: which segments hold unsynced writes, the recovery
 * point (everything below it is fsynced), the flush.messages / flush.ms policy, and group commit so
 * that appends arriving while an fsync runs share the next one.
 */
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { GroupCommit } from './group-commit';
import type { LogConfig } from './log-config';
import type { Segment } from './segment';

export interface LogFlusherOptions {
  /** "topic-partition", for error messages. */
  name: string;
  /** Offsets below this were fsynced before this start (the persisted recovery point). */
  recoveryPoint: number;
  endOffset: () => number;
  /** Persists a new recovery point after a flush. */
  checkpoint: (offset: number) => void;
}

export class LogFlusher {
  /** Offsets below this are known to be on disk. */
  recoveryPoint: number;
  /** Wall-clock time of the last completed flush (periodic flush.ms checks). */
  lastFlushMs = Date.now();
  private readonly unsynced = new Set<Segment>();
  private appendedMessages = 0;
  private messagesAtFlushRequest = 0;
  private readonly groupCommit = new GroupCommit(() => this.flushOnce());

  constructor(private readonly opts: LogFlusherOptions) {
    this.recoveryPoint = opts.recoveryPoint;
  }

  get hasUnflushedData(): boolean {
    return this.recoveryPoint < this.opts.endOffset() || this.unsynced.size > 0;
  }

  /** The segment holds writes the next flush must sync. */
  markDirty(segment: Segment): void {
    this.unsynced.add(segment);
  }

  forget(segment: Segment): void {
    this.unsynced.delete(segment);
  }

  /**
   * Accounts for an append; returns the promise of an fsync covering it when the policy asks for
   * one before acknowledging (flush.ms=0, or flush.messages reached), else null.
   */
  appended(segment: Segment, records: number, config: LogConfig): Promise<void> | null {
    this.unsynced.add(segment);
    this.appendedMessages += records;
    if (config.flushMs === 0 || this.appendedMessages - this.messagesAtFlushRequest >= config.flushMessages) {
      this.messagesAtFlushRequest = this.appendedMessages;
      return this.groupCommit.request();
    }
    return null;
  }

  /** For an idempotent duplicate: wait for the original's fsync if the policy would have made it wait. */
  durabilityOf(lastOffset: number, config: LogConfig): Promise<void> | null {
    if (lastOffset < this.recoveryPoint) return null;
    const syncPolicy = config.flushMs === 0 || config.flushMessages < Number.MAX_SAFE_INTEGER;
    return syncPolicy ? this.groupCommit.request() : null;
  }

  flush(): Promise<void> {
    return this.groupCommit.request();
  }

  idle(): Promise<void> {
    return this.groupCommit.idle();
  }

  /** Clean shutdown: syncs everything, including the active segment's index files. */
  async syncForClose(active: Segment): Promise<void> {
    await this.groupCommit.idle();
    await Promise.all([...this.unsynced].filter((s) => s !== active).map((s) => s.sync()));
    await active.syncAll();
    this.unsynced.clear();
    this.recoveryPoint = this.opts.endOffset();
  }

  private async flushOnce(): Promise<void> {
    const target = this.opts.endOffset();
    const segments = [...this.unsynced];
    this.unsynced.clear();
    try {
      await Promise.all(segments.map((s) => s.sync()));
    } catch (err) {
      for (const s of segments) if (!s.deleted) this.unsynced.add(s);
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `fsync of ${this.opts.name} failed: ${(err as Error).message}`);
    }
    this.lastFlushMs = Date.now();
    if (target > this.recoveryPoint) {
      this.recoveryPoint = target;
      this.opts.checkpoint(target);
    }
  }
}
