/**
 * PostgresCdcSourceTask: the one task of the CDC source. start() runs the start-up checks (so a wrong password,
 * a missing database, wal_level, privileges, the publication or a busy slot fail the task at once with a message
 * saying what to fix) and starts the pipeline (slot, snapshot, streaming) in the background; poll() hands over what
 * it queued; commit() confirms to the server the LSN of the offset the runtime has stored - never more.
 */
import type { Client } from 'pg';
import {
  ConnectError,
  type ConnectorProps,
  type SourcePartition,
  type SourceRecord,
  SourceTask,
} from '../../../connect-runtime/api';
import { SLUICE_VERSION } from '../../../connect-runtime/api/version';
import { dropSlot, ReplicationError } from '../replication';
import { TypeRegistry } from './catalog-reader';
import { CdcPipeline } from './cdc-pipeline';
import type { EventContext } from './event-context';
import { Heartbeats } from './heartbeats';
import { defaultLogger, type SourceLogger } from './logger';
import { describeTarget, openSqlClient } from './pg-connection';
import { RecordQueue } from './record-queue';
import { parseSourceConfig, type PostgresSourceConfig } from './source-config';
import { decodeOffset, flushableLsn, sourcePartition } from './source-offset';
import { preflight } from './startup-checks';
import { planStartup, StartupPlanError } from './startup-plan';
import { compileRegexList, stringFilterFrom, tableFilterFrom } from './table-filters';
import { TableSchemas } from './table-schemas';

export interface PostgresCdcSourceTaskOptions {
  logger?: SourceLogger;
}

/** A ConnectError carrying the cause's message (and its retriability), so the task's status says what went wrong. */
export function toConnectError(error: unknown): Error {
  if (error instanceof ConnectError) return error;
  if (error instanceof ReplicationError) return new ConnectError(error.message, { cause: error, retriable: error.retriable });
  if (error instanceof StartupPlanError) return new ConnectError(error.message, { cause: error });
  return error instanceof Error ? error : new ConnectError(String(error));
}

export class PostgresCdcSourceTask extends SourceTask {
  readonly logger: SourceLogger;
  private config: PostgresSourceConfig | undefined;
  private partition: SourcePartition = {};
  private queue = new RecordQueue(1);
  private sql: Client | undefined;
  private pipeline: CdcPipeline | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(options: PostgresCdcSourceTaskOptions = {}) {
    super();
    this.logger = options.logger ?? defaultLogger('PostgresCdcSourceTask');
  }

  version(): string {
    return SLUICE_VERSION;
  }

  async start(props: ConnectorProps, signal?: AbortSignal): Promise<void> {
    const config = parseSourceConfig(props);
    this.config = config;
    this.partition = sourcePartition(config.topicPrefix);
    this.queue = new RecordQueue(config.maxQueueSize);
    const abort = this.abort.signal;
    // The runtime's signal bounds start() only: the pipeline lives until stop(), so that the commit() the runtime
    // makes while shutting down can still confirm the last stored LSN.
    const onAbort = (): void => this.abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const tableFilter = tableFilterFrom(config.tableFilter);
    const logger = this.logger;
    logger.info({ target: describeTarget(config), slot: config.slotName, publication: config.publicationName, mode: config.snapshotMode }, 'starting the PostgreSQL CDC source');
    try {
      const checked = await preflight(config, tableFilter, logger, abort);
      this.sql = checked.sql;
      if (this.stopped) {
        await this.release();
        return;
      }
      const storedOffset = (await this.context?.offsetStorageReader.offset(this.partition)) ?? null;
      const stored = decodeOffset(storedOffset);
      const plan = planStartup({ mode: config.snapshotMode, stored, slot: checked.slot, slotName: config.slotName });
      logger.info(
        { stored: stored.kind, snapshot: plan.snapshot, slot: plan.slot, stream: plan.stream, tables: checked.tables.length },
        'start-up plan',
      );
      const context: EventContext = {
        partition: this.partition,
        topicPrefix: config.topicPrefix,
        db: config.connection.database,
        contextHeaders: config.extendedHeaders ? { connectorLogicalName: config.topicPrefix, taskId: '0', connectorName: 'postgresql' } : undefined,
        tombstonesOnDelete: config.events.tombstonesOnDelete,
      };
      const types = new TypeRegistry();
      const snapshotList = config.snapshotIncludeCollectionList;
      const snapshotPatterns = snapshotList === null ? undefined : compileRegexList(snapshotList, 'snapshot.include.collection.list');
      this.pipeline = new CdcPipeline({
        config,
        sql: checked.sql,
        context,
        schemas: new TableSchemas(config.events, types, logger),
        types,
        queue: this.queue,
        logger,
        tableFilter,
        snapshotFilter: snapshotPatterns && ((schema, table) => snapshotPatterns.some((p) => p.test(`${schema}.${table}`))),
        messageFilter: stringFilterFrom(config.messagePrefixInclude, config.messagePrefixExclude, ['message.prefix.include.list', 'message.prefix.exclude.list']),
        heartbeats: new Heartbeats({
          intervalMs: config.heartbeatIntervalMs,
          topicPrefix: config.topicPrefix,
          heartbeatTopicPrefix: config.heartbeatTopicPrefix,
          actionQuery: config.heartbeatActionQuery,
          sql: checked.sql,
          context,
          logger,
        }),
        plan,
        slot: checked.slot,
        storedOffset,
        signal: abort,
      });
      this.running = this.pipeline.run().catch((error: unknown) => {
        if (abort.aborted) return;
        const failure = toConnectError(error);
        logger.error({ err: failure }, 'the PostgreSQL CDC source failed');
        this.queue.fail(failure);
      });
    } catch (error) {
      await this.release();
      throw toConnectError(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Up to max.batch.size records; waits up to poll.interval.ms for some. Throws once the pipeline failed. */
  async poll(signal?: AbortSignal): Promise<SourceRecord[] | null> {
    const max = this.config?.maxBatchSize ?? 2048;
    const ready = this.queue.take(max);
    if (ready !== null) return ready;
    await this.queue.waitForData(this.config?.pollIntervalMs ?? 500, signal);
    return this.queue.take(max);
  }

  /**
   * The runtime calls this after storing the offsets of everything polled so far (and only once the broker
   * acknowledged those records). The LSN confirmed to the server is read back from that stored offset.
   */
  override async commit(): Promise<void> {
    const stream = this.pipeline?.stream;
    const reader = this.context?.offsetStorageReader;
    if (stream === undefined || reader === undefined) return;
    const lsn = flushableLsn(await reader.offset(this.partition));
    if (lsn !== undefined) stream.confirm(lsn);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.queue.close();
    await this.release();
    await this.running;
    const config = this.config;
    if (config?.slotDropOnStop) {
      const sql = await openSqlClient(config, 'slot-drop').catch(() => undefined);
      if (sql !== undefined) {
        // Our walsender may not have noticed yet that its connection closed: ending it is safe, the slot is ours.
        await dropSlot(sql, { slot: config.slotName, terminateActive: true, timeoutMs: 5000 })
          .then((dropped) => dropped && this.logger.info({ slot: config.slotName }, 'replication slot dropped (slot.drop.on.stop)'))
          .catch((err: unknown) => this.logger.warn({ err, slot: config.slotName }, 'could not drop the replication slot'));
        await sql.end().catch(() => undefined);
      }
    }
  }

  private async release(): Promise<void> {
    await this.pipeline?.close().catch(() => undefined);
    await this.sql?.end().catch(() => undefined);
    this.sql = undefined;
  }
}
