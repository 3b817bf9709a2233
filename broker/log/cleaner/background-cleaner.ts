/**
 * The broker's log-cleaner schedule (Kafka's LogCleaner thread, on the event loop): every
 * log.cleaner.backoff.ms it looks for compacted partitions that need cleaning, cleans them dirtiest
 * first, one at a time, and logs what each cleaning did at info. Stopping aborts a cleaning in
 * progress at its next pause.
 */
import type { Logger } from 'pino';
import type { CleanerSettings } from './cleaner-settings';
import type { CleanableLog } from './cleaner-state';
import { LogCleaner, type CleanStats } from './log-cleaner';

export interface CleanableLogEntry extends CleanableLog {
  readonly topic: string;
  readonly partition: number;
}

export class BackgroundCleaner {
  private readonly cleaner: LogCleaner;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly settings: CleanerSettings,
    private readonly logs: () => Iterable<CleanableLogEntry>,
    private readonly logger: Logger,
  ) {
    this.cleaner = new LogCleaner({ dedupeBufferBytes: settings.dedupeBufferBytes, loadFactor: settings.loadFactor });
  }

  /** Starts the periodic checks, unless log.cleaner.enable=false. */
  start(): void {
    if (this.settings.enable && !this.timer && !this.stopped) this.schedule();
  }

  /** One pass over every log now (also when the periodic checks are off); runs one at a time. */
  cleanLogs(now?: number): Promise<CleanStats[]> {
    const run = this.chain.then(() => this.cleanOnce(now));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stops the checks; resolves once a cleaning in progress has given up. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.chain;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.cleanLogs().finally(() => this.schedule());
    }, this.settings.backoffMs);
    this.timer.unref();
  }

  private async cleanOnce(now: number | undefined): Promise<CleanStats[]> {
    const candidates: Array<{ log: CleanableLogEntry; ratio: number }> = [];
    for (const log of this.logs()) {
      try {
        const range = this.cleaner.assess(log, now ?? Date.now());
        if (range?.needsCleaning) candidates.push({ log, ratio: range.dirtyRatio });
      } catch (err) {
        this.logger.error({ err, topic: log.topic, partition: log.partition }, 'checking whether a log needs cleaning failed');
      }
    }
    candidates.sort((a, b) => b.ratio - a.ratio);
    const done: CleanStats[] = [];
    for (const { log } of candidates) {
      if (this.stopped) break;
      try {
        const stats = await this.cleaner.cleanPartition(log, { now, signal: this.abort.signal });
        if (!stats) continue;
        done.push(stats);
        this.report(stats);
      } catch (err) {
        this.logger.error({ err, topic: log.topic, partition: log.partition }, 'log cleaning failed');
      }
    }
    return done;
  }

  private report(stats: CleanStats): void {
    const ms = Math.round(stats.durationMs);
    const rate = stats.durationMs > 0 ? `${(stats.bytesRead / 1e3 / stats.durationMs).toFixed(1)} MB/s` : 'n/a';
    this.logger.info(
      { ...stats, durationMs: ms, longestSliceMs: Math.round(stats.longestSliceMs) },
      `cleaned ${stats.topic}-${stats.partition}: ${(stats.bytesRead / 1e6).toFixed(1)} MB in ${ms} ms (${rate}), ${stats.recordsRemoved} of ${stats.recordsRead} records removed`,
    );
  }
}
