/**
 * The bounded hand-over between the database readers (snapshot, streaming) and poll(). Readers push and then wait
 * for room, so memory stays bounded by max.queue.size records (plus one push); poll() takes up to max.batch.size.
 *
 * Records that share one source offset (a delete and its tombstone, a key change's delete/tombstone/create) are
 * pushed as one group and never split between two polls: the runtime may commit offsets between polls, and a
 * stored offset must never cover a record that was not yet handed over.
 */
import type { SourceRecord } from '../../../connect-runtime/api';

type Item = SourceRecord | readonly SourceRecord[];

export class RecordQueue {
  private items: Item[] = [];
  private head = 0;
  private count = 0;
  private failure: Error | undefined;
  private dataWaiter: (() => void) | undefined;
  private spaceWaiters: Array<() => void> = [];

  constructor(private readonly capacity: number) {}

  /** Records waiting to be polled. */
  get size(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.capacity;
  }

  /** Adds one record, or a group that must be polled together. */
  push(item: Item): void {
    const n = Array.isArray(item) ? item.length : 1;
    if (n === 0) return;
    this.items.push(Array.isArray(item) && item.length === 1 ? (item[0] as SourceRecord) : item);
    this.count += n;
    this.wakeReader();
  }

  /** Resolves once there is room (at once when not full), or when `signal` aborts. */
  waitForSpace(signal?: AbortSignal): Promise<void> {
    if (this.count < this.capacity || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.spaceWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Up to `max` records (more only to keep a group whole), or null when empty. Throws once the queue failed and is drained. */
  take(max: number): SourceRecord[] | null {
    if (this.head === this.items.length) {
      if (this.failure) throw this.failure;
      return null;
    }
    const out: SourceRecord[] = [];
    while (this.head < this.items.length && out.length < max) {
      const item = this.items[this.head]!;
      if (Array.isArray(item)) {
        if (out.length > 0 && out.length + item.length > max) break;
        for (const r of item as readonly SourceRecord[]) out.push(r);
      } else {
        out.push(item as SourceRecord);
      }
      this.items[this.head++] = undefined as unknown as Item;
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 65536) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.count -= out.length;
    if (this.count < this.capacity && this.spaceWaiters.length > 0) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const w of waiters) w();
    }
    return out;
  }

  /** Waits until records are available, the queue failed, `timeoutMs` passed or `signal` aborted. */
  waitForData(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.head < this.items.length || this.failure || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (this.dataWaiter === done) this.dataWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.dataWaiter?.();
      this.dataWaiter = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Records the readers' failure: poll() throws it once the records before it were taken. */
  fail(error: Error): void {
    this.failure ??= error;
    this.wakeReader();
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Releases every waiter (on stop). */
  close(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
    this.wakeReader();
  }

  private wakeReader(): void {
    const waiter = this.dataWaiter;
    this.dataWaiter = undefined;
    waiter?.();
  }
}
