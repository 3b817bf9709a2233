/**
 * The task's background work once the start-up checks passed: set up the slot as planned, take the snapshot if
 * planned, then stream. Everything it produces goes through the record queue; a failure is handed to the queue
 * too, so that poll() reports it and the task fails with that message.
 */
import type { Client } from 'pg';
import type { SourceOffset } from '../../../connect-runtime/api';
import { currentWalLsn, dropSlot, type Lsn, ReplicationConnection, type SlotInfo } from '../replication';
import type { TypeRegistry } from './catalog-reader';
import type { EventContext } from './event-context';
import type { Heartbeats } from './heartbeats';
import type { SourceLogger } from './logger';
import { IncrementalSnapshot } from './incremental-snapshot';
import { openSqlClient, replicationOptions } from './pg-connection';
import type { RecordQueue } from './record-queue';
import { ResumeFilter } from './resume-filter';
import { SnapshotReader } from './snapshot-reader';
import type { PostgresSourceConfig } from './source-config';
import type { StoredStreamPosition } from './source-offset';
import type { StartupPlan } from './startup-plan';
import { StreamPosition } from './stream-position';
import { StreamReader } from './stream-reader';
import type { TableFilter } from './table-filters';
import type { TableSchemas } from './table-schemas';

export interface PipelineOptions {
  config: PostgresSourceConfig;
  sql: Client;
  context: EventContext;
  schemas: TableSchemas;
  types: TypeRegistry;
  queue: RecordQueue;
  logger: SourceLogger;
  tableFilter: TableFilter;
  snapshotFilter: ((schema: string, table: string) => boolean) | undefined;
  messageFilter: ((prefix: string) => boolean) | undefined;
  heartbeats: Heartbeats;
  plan: StartupPlan;
  slot: SlotInfo | undefined;
  /** The stored offset as read at start-up (incremental snapshot progress). */
  storedOffset: SourceOffset | null;
  signal: AbortSignal;
}

function resumeLsn(position: StoredStreamPosition | undefined): Lsn | undefined {
  return position === undefined ? undefined : (position.lsnCommit ?? position.lsnProc ?? position.lsn);
}

export class CdcPipeline {
  private connection: ReplicationConnection | undefined;
  private streamer: StreamReader | undefined;
  private incremental: IncrementalSnapshot | undefined;

  constructor(private readonly o: PipelineOptions) {}

  /** The streaming part, once it runs (commit() confirms LSNs through it). */
  get stream(): StreamReader | undefined {
    return this.streamer;
  }

  async run(): Promise<void> {
    const { config, plan, logger, signal } = this.o;
    for (const warning of plan.warnings) logger.warn({ slot: config.slotName }, warning);
    if (!plan.snapshot && !plan.stream) {
      logger.info({ mode: config.snapshotMode }, 'the snapshot is complete and snapshot.mode=initial_only: nothing left to do');
      return;
    }
    const connection = await ReplicationConnection.connect(replicationOptions(config, signal));
    this.connection = connection;
    let slot = this.o.slot;
    if (plan.slot === 'recreate' && slot !== undefined) {
      logger.warn({ slot: config.slotName }, 'dropping the replication slot to create it again');
      await dropSlot(this.o.sql, { slot: config.slotName });
      slot = undefined;
    }
    const created = plan.slot === 'use' && slot !== undefined ? undefined : await connection.createSlot({ slot: config.slotName, snapshot: plan.snapshot ? 'export' : 'nothing' });
    if (created !== undefined) logger.info({ slot: config.slotName, consistentPoint: created.consistentPoint.toString() }, 'replication slot created');

    let position: StreamPosition;
    let startLsn: Lsn;
    const flushed = created?.consistentPoint ?? slot?.confirmedFlushLsn ?? 0n;
    if (plan.snapshot) {
      // Snapshot rows carry the position streaming continues from: the consistent point of a new slot, else the
      // existing slot's confirmed position (from which everything after it is replayed).
      const lsn = created?.consistentPoint ?? slot?.confirmedFlushLsn ?? (await currentWalLsn(this.o.sql));
      const result = await new SnapshotReader({
        client: await openSqlClient(config, 'snapshot', { rawText: true }),
        context: this.o.context,
        schemas: this.o.schemas,
        types: this.o.types,
        queue: this.o.queue,
        logger,
        tableFilter: this.o.tableFilter,
        ...(this.o.snapshotFilter ? { snapshotFilter: this.o.snapshotFilter } : {}),
        fetchSize: config.snapshotFetchSize,
        exportedSnapshot: created?.snapshotName ?? undefined,
        lsn,
        signal,
      }).run();
      position = new StreamPosition(undefined, lsn);
      if (result.txId !== null) position.txId = result.txId;
      startLsn = created?.consistentPoint ?? resumeLsn(plan.resume) ?? 0n;
      if (this.o.heartbeats.enabled) this.o.queue.push(this.o.heartbeats.beat(position.offset()));
    } else {
      position = new StreamPosition(plan.resume, created?.consistentPoint ?? slot?.confirmedFlushLsn ?? undefined);
      startLsn = resumeLsn(plan.resume) ?? created?.consistentPoint ?? 0n;
    }
    if (!plan.stream) {
      logger.info({ mode: config.snapshotMode }, 'snapshot.mode=initial_only: not streaming');
      await connection.close();
      return;
    }
    if (signal.aborted) return;
    if (config.signalDataCollection !== null) {
      const [schema, table] = config.signalDataCollection.split('.') as [string, string];
      this.incremental = new IncrementalSnapshot({
        sql: this.o.sql,
        openReader: () => openSqlClient(config, 'incremental', { rawText: true }),
        signalTable: { schema, table },
        chunkSize: config.incrementalChunkSize,
        schemas: this.o.schemas,
        types: this.o.types,
        tableFilter: this.o.tableFilter,
        context: this.o.context,
        queue: this.o.queue,
        position,
        logger,
      });
      if (plan.resume !== undefined && !plan.snapshot) this.incremental.restore(this.o.storedOffset);
    }
    this.streamer = new StreamReader({
      connection,
      sql: this.o.sql,
      slotName: config.slotName,
      publicationName: config.publicationName,
      context: this.o.context,
      schemas: this.o.schemas,
      types: this.o.types,
      queue: this.o.queue,
      logger,
      tableFilter: this.o.tableFilter,
      messageFilter: this.o.messageFilter,
      skippedOperations: config.skippedOperations,
      heartbeats: this.o.heartbeats,
      transactionMetadata: { enabled: config.provideTransactionMetadata, topicSuffix: config.topicTransaction },
      binaryHandlingMode: config.events.binaryHandlingMode,
      position,
      resume: new ResumeFilter(plan.resume),
      ...(this.incremental === undefined ? {} : { incremental: this.incremental }),
      startLsn,
      initialFlushedLsn: flushed,
      statusIntervalMs: config.statusUpdateIntervalMs,
      signal,
    });
    await this.streamer.run();
  }

  async close(): Promise<void> {
    await this.streamer?.stop();
    await this.connection?.close();
    await this.incremental?.close();
  }
}
