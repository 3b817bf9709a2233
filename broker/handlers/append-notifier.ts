/**
 * Wakes long-polling fetches when data is appended. Fetch registers interest in the partitions it
 * reads; Produce signals the partitions it appended to. Keys are "topic\0partition".
 */
export class AppendNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  static key(topic: string, partition: number): string {
    return `${topic}\0${partition}`;
  }

  notify(topic: string, partition: number): void {
    const set = this.waiters.get(AppendNotifier.key(topic, partition));
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /**
   * Resolves when any of `keys` gets an append, after `timeoutMs`, or when `signal` aborts,
   * whichever comes first.
   */
  waitForAny(keys: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        for (const k of keys) {
          const set = this.waiters.get(k);
          set?.delete(wake);
          if (set?.size === 0) this.waiters.delete(k);
        }
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      // Unref: a parked fetch must not keep a stopping process alive.
      const timer = setTimeout(wake, Math.max(0, timeoutMs)).unref();
      signal?.addEventListener('abort', wake, { once: true });
      for (const k of keys) {
        let set = this.waiters.get(k);
        if (!set) this.waiters.set(k, (set = new Set()));
        set.add(wake);
      }
    });
  }
}
