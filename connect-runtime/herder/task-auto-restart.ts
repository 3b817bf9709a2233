/**
 * Automatic restarts of failed tasks, a Sluice extension that Kafka Connect leaves to operators: with
 * `errors.restart.enable=true` a FAILED task is restarted after a backoff that starts at
 * `errors.restart.backoff.initial.ms` and doubles on each failure up to `errors.restart.backoff.max.ms`.
 * A task that then ran for longer than the longest backoff counts as healthy again and starts over at
 * the initial delay, so a task that fails once a day is not punished for last week's failures.
 */
import type { Logger } from 'pino';
import { ErrorRestartKeys } from '../api';

export interface AutoRestartSettings {
  enabled: boolean;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** The connector's auto-restart settings, from its (validated) config strings. */
export function autoRestartSettings(config: Readonly<Record<string, string>>): AutoRestartSettings {
  const number = (key: string, fallback: number): number => {
    const value = Number(config[key]);
    return config[key] !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return {
    enabled: (config[ErrorRestartKeys.ENABLE] ?? 'false').trim().toLowerCase() === 'true',
    initialBackoffMs: number(ErrorRestartKeys.BACKOFF_INITIAL_MS, 1000),
    maxBackoffMs: number(ErrorRestartKeys.BACKOFF_MAX_MS, 60000),
  };
}

interface TaskHistory {
  failures: number;
  runningSince: number | null;
  timer: NodeJS.Timeout | null;
}

export interface TaskAutoRestartOptions {
  /** Restarts one task (through the herder, so that it is serialised with REST calls). */
  restart(connector: string, task: number): Promise<void>;
  logger: Logger;
  now?: () => number;
}

export class TaskAutoRestart {
  private readonly history = new Map<string, TaskHistory>();
  private readonly now: () => number;

  constructor(private readonly opts: TaskAutoRestartOptions) {
    this.now = opts.now ?? Date.now;
  }

  onRunning(connector: string, task: number): void {
    const entry = this.entry(connector, task);
    entry.runningSince ??= this.now();
  }

  /** Schedules a restart when the connector asks for it; returns the delay chosen, or null when off. */
  onFailure(connector: string, task: number, settings: AutoRestartSettings): number | null {
    const entry = this.entry(connector, task);
    if (entry.runningSince !== null && this.now() - entry.runningSince > settings.maxBackoffMs) entry.failures = 0;
    entry.runningSince = null;
    if (!settings.enabled || entry.timer) return null;
    const delay = Math.min(settings.initialBackoffMs * 2 ** entry.failures, settings.maxBackoffMs);
    entry.failures++;
    this.opts.logger.info({ connector, task, attempt: entry.failures, delayMs: delay }, 'failed task will be restarted automatically');
    entry.timer = setTimeout(() => {
      entry.timer = null;
      this.opts.restart(connector, task).catch((err: unknown) => this.opts.logger.warn({ err, connector, task }, 'automatic task restart failed'));
    }, delay);
    entry.timer.unref();
    return delay;
  }

  /** A task stopped on purpose (stop, delete, reconfiguration, manual restart): no restart is pending any more. */
  cancel(connector: string, task?: number): void {
    for (const [key, entry] of this.history) {
      if (key === this.key(connector, task ?? 0) || (task === undefined && key.startsWith(`${connector}\u0000`))) {
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = null;
        if (task === undefined) this.history.delete(key);
      }
    }
  }

  close(): void {
    for (const entry of this.history.values()) if (entry.timer) clearTimeout(entry.timer);
    this.history.clear();
  }

  private key(connector: string, task: number): string {
    return `${connector}\u0000${task}`;
  }

  private entry(connector: string, task: number): TaskHistory {
    const key = this.key(connector, task);
    let entry = this.history.get(key);
    if (!entry) this.history.set(key, (entry = { failures: 0, runningSince: null, timer: null }));
    return entry;
  }
}
