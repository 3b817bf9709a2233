import type { Logger } from 'pino';
import type { ConnectorProps } from '../api';
import type { RecordConverters } from './record-conversion';
import type { TaskMetrics } from './worker-metrics';

/** What every task loop is given, source or sink. */
export interface TaskRunnerBase {
  taskId: string;
  config: ConnectorProps;
  converters: RecordConverters;
  offsetFlushIntervalMs: number;
  listener: TaskStatusListener;
  /** Topic tracking: called with each topic the task sends to or receives from; absent when off. */
  onTopic?: (topic: string) => void;
  metrics: TaskMetrics;
  logger: Logger;
}

/**
 * How a running task reports its lifecycle. The worker never imports the herder (DESIGN §4): the
 * herder passes a listener in and keeps the statuses.
 */
export interface TaskStatusListener {
  onRunning(taskId: string): void;
  onPaused(taskId: string): void;
  /** The task threw: it is FAILED with this error's stack trace until restarted. */
  onFailure(taskId: string, error: Error): void;
  onShutdown(taskId: string): void;
}

/** The text shown as `trace` in status: the stack, or the message when there is none. */
export function traceOf(error: Error): string {
  return error.stack ?? `${error.name}: ${error.message}`;
}
