/**
 * Wakes a waiting reader when a watched file changes. chokidar delivers the file system's own notifications (no
 * polling); a missed notification only costs latency, because the reader also wakes after its wait times out.
 */
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

/** A latch that a change sets and a reader waits on; reset() before looking at the file, wait() after. */
export class ChangeSignal {
  private changed = false;
  private readonly waiters = new Set<() => void>();

  notify(): void {
    this.changed = true;
    for (const wake of [...this.waiters]) wake();
  }

  reset(): void {
    this.changed = false;
  }

  /** Resolves on the first change since reset(), after `ms`, or when `signal` aborts, whichever comes first. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.changed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

export interface FileWatchOptions {
  file: string;
  onChange: () => void;
  onError: (err: unknown) => void;
  signal?: AbortSignal;
}

/** Watches one file, which need not exist yet; creation, appends, truncation, renames and deletion all report. */
export class FileWatch {
  private constructor(private readonly watcher: FSWatcher) {}

  static async start(options: FileWatchOptions): Promise<FileWatch> {
    const watcher = watch(path.resolve(options.file), {
      ignoreInitial: true,
      usePolling: false,
      awaitWriteFinish: false,
      atomic: false,
      alwaysStat: false,
    });
    watcher.on('all', () => options.onChange());
    watcher.on('error', (err) => options.onError(err));
    const fileWatch = new FileWatch(watcher);
    await new Promise<void>((resolve) => {
      const done = (): void => {
        options.signal?.removeEventListener('abort', done);
        resolve();
      };
      watcher.once('ready', done);
      options.signal?.addEventListener('abort', done, { once: true });
    });
    return fileWatch;
  }

  close(): Promise<void> {
    return this.watcher.close();
  }
}
