/**
 * Kafka Connect's error handling for the stages around a task (RetryWithToleranceOperator): a conversion or
 * transformation that throws a RetriableError is retried with a doubling backoff for up to
 * `errors.retry.timeout` (-1: forever, capped per wait at `errors.retry.delay.max.ms`); what still fails either
 * fails the task (`errors.tolerance=none`, the default) or is skipped (`all`), logged when `errors.log.enable`,
 * and — for sinks with `errors.deadletterqueue.topic.name` — written as it was consumed to the dead letter queue,
 * with `__connect.errors.*` headers when `errors.deadletterqueue.context.headers.enable`.
 */
import type { Logger } from 'pino';
import { ConnectError, ConnectorConfigKeys as K, isRetriable, type ConnectorProps } from '../api';
import type { OutgoingRecord } from '../../broker/client/producer';
import type { RecordHeader } from '../../broker/client/record-batch-builder';
import { sleep } from './sleep';

export type ErrorStage = 'TRANSFORMATION' | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TASK_PUT';

/** A record as consumed, for the dead letter queue and the error headers. */
export interface ConsumedCoordinates {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
  timestamp: number;
}

export interface FailureContext {
  stage: ErrorStage;
  /** Says which record failed, for logs and messages (`topic-partition@offset`, or the source partition). */
  record: string;
  /** Only sinks have the consumed bytes to put on the dead letter queue. */
  consumed?: ConsumedCoordinates;
  /** What the record looked like, logged only with errors.log.include.messages. */
  details?: () => unknown;
}

export interface ErrorHandlerOptions {
  config: ConnectorProps;
  connector: string;
  taskId: string;
  logger: Logger;
  /** Where dead letters go (the task's producer); present when the connector configured a dead letter queue. */
  deadLetters?: DeadLetterSink;
  signal?: AbortSignal;
}

/** The part of a Producer the dead letter queue uses: send may return a promise when the buffer is full. */
export interface DeadLetterSink {
  send(record: OutgoingRecord): Promise<void> | undefined;
  flush(): Promise<void>;
}

/** Returned by recover() for a record that errors.tolerance=all lets the task skip. */
export const SKIPPED: unique symbol = Symbol('skipped');

const FIRST_RETRY_DELAY_MS = 300;

export class ErrorHandler {
  readonly toleratesAll: boolean;
  readonly deadLetterTopic: string;
  private readonly retryTimeoutMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly logErrors: boolean;
  private readonly logMessages: boolean;
  private readonly contextHeaders: boolean;
  /** Dead letters were sent since the last flush: offsets are committed only once they are acknowledged. */
  private unflushed = false;
  skipped = 0;

  constructor(private readonly opts: ErrorHandlerOptions) {
    const c = opts.config;
    const flag = (key: string): boolean => (c[key] ?? 'false').trim().toLowerCase() === 'true';
    this.toleratesAll = (c[K.ERRORS_TOLERANCE] ?? 'none').trim().toLowerCase() === 'all';
    this.retryTimeoutMs = Number(c[K.ERRORS_RETRY_TIMEOUT] ?? 0);
    this.retryMaxDelayMs = Number(c[K.ERRORS_RETRY_MAX_DELAY] ?? 60000);
    this.logErrors = flag(K.ERRORS_LOG_ENABLE);
    this.logMessages = flag(K.ERRORS_LOG_INCLUDE_MESSAGES);
    this.contextHeaders = flag(K.DLQ_CONTEXT_HEADERS_ENABLE);
    this.deadLetterTopic = (c[K.DLQ_TOPIC_NAME] ?? '').trim();
  }

  /**
   * After `operation` threw `error`: retries it while the error is retriable and time remains, then returns its
   * result, or SKIPPED when the tolerance allows, or throws the error that fails the task.
   */
  async recover<T>(error: unknown, context: FailureContext, operation: () => T): Promise<T | typeof SKIPPED> {
    const started = Date.now();
    let failure = error;
    for (let attempt = 0; isRetriable(failure) && this.mayRetry(started); attempt++) {
      const delay = Math.min(FIRST_RETRY_DELAY_MS * 2 ** attempt, this.retryMaxDelayMs);
      await sleep(this.retryTimeoutMs < 0 ? delay : Math.min(delay, Math.max(0, started + this.retryTimeoutMs - Date.now())), this.opts.signal);
      if (this.opts.signal?.aborted) break;
      try {
        return operation();
      } catch (err) {
        failure = err;
      }
    }
    await this.tolerate(failure, context);
    return SKIPPED;
  }

  /**
   * The errant record reporter's path (and recover's last step): with errors.tolerance=all the failure is logged
   * and dead-lettered; otherwise this throws the ConnectError that fails the task.
   */
  async tolerate(error: unknown, context: FailureContext): Promise<void> {
    const cause = error instanceof Error ? error : new Error(String(error));
    if (!this.toleratesAll) {
      throw new ConnectError(`Tolerance exceeded in error handler: stage ${context.stage} failed for ${context.record}: ${cause.message}`, { cause });
    }
    this.skipped++;
    if (this.logErrors) {
      const details = this.logMessages && context.details ? { record: context.details() } : {};
      this.opts.logger.error({ err: cause, task: this.opts.taskId, stage: context.stage, failed: context.record, ...details }, 'error tolerated: record skipped');
    }
    if (this.opts.deadLetters && this.deadLetterTopic !== '' && context.consumed) {
      this.unflushed = true;
      await this.opts.deadLetters.send(this.deadLetter(context.consumed, context.stage, cause));
    }
  }

  /** Waits until every dead letter sent so far is acknowledged (before offsets past their records are committed). */
  async flush(): Promise<void> {
    if (!this.unflushed || !this.opts.deadLetters) return;
    this.unflushed = false;
    await this.opts.deadLetters.flush();
  }

  private mayRetry(started: number): boolean {
    return this.retryTimeoutMs < 0 || Date.now() - started < this.retryTimeoutMs;
  }

  private deadLetter(consumed: ConsumedCoordinates, stage: ErrorStage, error: Error): OutgoingRecord {
    const headers: [string, Buffer | null][] = consumed.headers.map(([k, v]) => [k, v]);
    if (this.contextHeaders) {
      const add = (name: string, value: string): void => {
        headers.push([`__connect.errors.${name}`, Buffer.from(value)]);
      };
      add('topic', consumed.topic);
      add('partition', String(consumed.partition));
      add('offset', String(consumed.offset));
      add('connector.name', this.opts.connector);
      add('task.id', this.opts.taskId.slice(this.opts.connector.length + 1));
      add('stage', stage);
      add('class.name', stage === 'TASK_PUT' ? 'SinkTask' : stage);
      add('exception.class.name', error.name);
      add('exception.message', error.message);
      add('exception.stacktrace', error.stack ?? error.message);
    }
    return { topic: this.deadLetterTopic, key: consumed.key, value: consumed.value, headers, timestamp: consumed.timestamp };
  }
}
