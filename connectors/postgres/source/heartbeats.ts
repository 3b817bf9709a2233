/**
 * heartbeat.interval.ms: a record on `<topic.heartbeat.prefix>.<topic.prefix>` carrying the current offset, so that
 * the runtime stores an offset - and the slot's flushed LSN can move - even while no captured table changes.
 * heartbeat.action.query runs with each one (e.g. to write to a captured heartbeat table, which makes decodable
 * traffic on a database that is otherwise idle).
 */
import type { Client } from 'pg';
import type { SourceOffset, SourceRecord } from '../../../connect-runtime/api';
import { heartbeatRecord } from '../events';
import { type EventContext, sourceRecord } from './event-context';
import type { SourceLogger } from './logger';

export interface HeartbeatOptions {
  intervalMs: number;
  topicPrefix: string;
  heartbeatTopicPrefix: string;
  actionQuery: string | null;
  sql: Pick<Client, 'query'>;
  context: EventContext;
  logger: SourceLogger;
}

export class Heartbeats {
  private last = Date.now();
  private actionRunning = false;

  constructor(private readonly o: HeartbeatOptions) {}

  get enabled(): boolean {
    return this.o.intervalMs > 0;
  }

  get intervalMs(): number {
    return this.o.intervalMs;
  }

  /** Whether the interval has passed since the last heartbeat. */
  due(now = Date.now()): boolean {
    return this.o.intervalMs > 0 && now - this.last >= this.o.intervalMs;
  }

  /** The heartbeat record with `offset`, and the action query started (not awaited: it must not hold up the stream). */
  beat(offset: SourceOffset): SourceRecord {
    const now = Date.now();
    this.last = now;
    this.runAction();
    return sourceRecord(heartbeatRecord(this.o.topicPrefix, now, this.o.heartbeatTopicPrefix), this.o.context.partition, offset);
  }

  private runAction(): void {
    const query = this.o.actionQuery;
    if (query === null || this.actionRunning) return;
    this.actionRunning = true;
    this.o.sql
      .query(query)
      .catch((err: unknown) => this.o.logger.warn({ err, query }, 'heartbeat.action.query failed'))
      .finally(() => {
        this.actionRunning = false;
      });
  }
}
