/**
 * PostgresSinkTask: writes the records of its partitions to PostgreSQL tables.
 *
 * Delivery: each put() is one database transaction, committed before put() returns. The runtime commits consumer
 * offsets only for batches whose put() returned (preCommit → flush, which just waits for a write still running), so
 * committed offsets never run ahead of committed rows; after a crash the records since the last offset commit are
 * written again, which upserts make idempotent.
 *
 * A put(): decode each record (flat row or Debezium envelope) → make each target table fit (schema.evolution) →
 * bind values to the tables' actual column types → collapse and plan statements → write (batch-writer.ts). A record
 * that cannot be written is reported to the errant record reporter when errors.tolerance=all (and the runtime offers
 * one) and skipped; otherwise the put fails with a DataError naming its topic, partition, offset and column.
 */
import { Client } from 'pg';
import {
  ConnectError,
  type ConnectorProps,
  DataError,
  type OffsetAndMetadata,
  RetriableError,
  type SinkRecord,
  SinkTask,
  type TopicPartitionMap,
} from '../../../connect-runtime/api';
import { SLUICE_VERSION } from '../../../connect-runtime/api/version';
import { writeBatch } from './batch-writer';
import { bindChange, type BoundChange, ColumnLists } from './bind-change';
import { ChangeDecoder, type ChangeEvent } from './change-event';
import { planStatements } from './change-plan';
import { type ConnectionTarget, connectionTarget } from './connection-config';
import { tableDisplayName, type TableId } from './identifiers';
import { defaultLogger, type PostgresSinkLogger } from './logger';
import { connectFailure, describeDbError, describeRecord, errorScope, recordError } from './pg-errors';
import { prepareTable } from './schema-evolution';
import { parseSinkConfig, type PostgresSinkConfig } from './sink-config';
import { type TableInfo, TableMetadataCache } from './table-metadata';
import { TableNameResolver } from './table-naming';
import { UnavailableValueMatcher } from './unavailable-value';

export interface PostgresSinkTaskOptions {
  logger?: PostgresSinkLogger;
}

type WriteEvent = Exclude<ChangeEvent, { op: 'skip' }>;

/** Thrown inside a put when cached metadata no longer matches the table; the put plans again once. */
class StaleMetadata extends Error {}

export class PostgresSinkTask extends SinkTask {
  readonly logger: PostgresSinkLogger;
  private config: PostgresSinkConfig | null = null;
  private target: ConnectionTarget | null = null;
  private decoder: ChangeDecoder | null = null;
  private unavailable: UnavailableValueMatcher | null = null;
  private client: Client | null = null;
  private readonly cache = new TableMetadataCache();
  /** Transient failures in a row, for flush.max.retries. */
  private failures = 0;
  /** The write in progress (puts never overlap, but flush and stop wait for it). */
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: PostgresSinkTaskOptions = {}) {
    super();
    this.logger = options.logger ?? defaultLogger('PostgresSinkTask');
  }

  version(): string {
    return SLUICE_VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = parseSinkConfig(props);
    this.config = config;
    this.target = connectionTarget(config.raw);
    this.unavailable = new UnavailableValueMatcher(config.unavailablePlaceholder);
    this.decoder = new ChangeDecoder({
      primaryKeyMode: config.primaryKeyMode,
      primaryKeyFields: config.primaryKeyFields,
      deleteEnabled: config.deleteEnabled,
      truncateEnabled: config.truncateEnabled,
      keepIdentifierCase: config.keepIdentifierCase,
      tableNames: new TableNameResolver(config.tableNameFormat, config.keepIdentifierCase),
    });
    try {
      await this.connection();
    } catch (err) {
      // Wrong credentials or database fail the task at once; an unreachable server is retried by put().
      if (!(err instanceof RetriableError)) throw err;
      this.logger.warn({ target: this.target.description, err: err.message }, 'PostgreSQL is not reachable yet; writes will retry');
    }
    this.logger.info(
      { target: this.target.description, insertMode: config.insertMode, primaryKeyMode: config.primaryKeyMode, tableNameFormat: config.tableNameFormat },
      'Postgres sink task started',
    );
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const run = this.writing.catch(() => undefined).then(() => this.write(records));
    this.writing = run;
    await run;
  }

  /** Every put() commits its transaction before returning, so there is nothing left to make durable but a running write. */
  override async flush(_currentOffsets: TopicPartitionMap<OffsetAndMetadata>): Promise<void> {
    await this.writing.catch(() => undefined);
  }

  /** Closing the connection first makes a write still in progress fail fast (its transaction rolls back). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.closeConnection();
    await this.writing.catch(() => undefined);
    this.cache.clear();
  }

  private async write(records: SinkRecord[]): Promise<void> {
    const started = Date.now();
    const reported = new Set<SinkRecord>();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const stats = await this.writeOnce(records, reported);
          this.failures = 0;
          this.logger.debug({ records: records.length, ...stats, ms: Date.now() - started }, 'batch written');
          return;
        } catch (err) {
          if (!(err instanceof StaleMetadata) || attempt >= 2) throw err;
          // A table or column changed under the cache: read the tables again and plan the batch afresh.
          this.logger.info({ err: err.message }, 'table metadata changed; planning the batch again');
          this.cache.clear();
        }
      }
    } catch (err) {
      throw await this.failed(err);
    }
  }

  private async writeOnce(records: SinkRecord[], reported: Set<SinkRecord>): Promise<{ statements: number; tables: number; fastPath: boolean }> {
    const config = this.requireConfig();
    const client = await this.connection();
    const onRecordError = (record: SinkRecord, error: DataError): Promise<void> => this.recordFailed(record, error, reported);

    const events: WriteEvent[] = [];
    for (const record of records) {
      if (reported.has(record)) continue;
      try {
        const event = (this.decoder as ChangeDecoder).decode(record);
        if (event.op === 'skip') this.logger.debug({ record: describeRecord(record), reason: event.reason }, 'record skipped');
        else events.push(event);
      } catch (err) {
        await onRecordError(record, recordError({ record, detail: messageOf(err), cause: err }));
      }
    }

    const tables = await this.prepareTables(client, events);
    const bound: BoundChange[] = [];
    // One options object for the batch; its column lists make the batch's changes share their column arrays.
    const bindOptions = { unavailable: this.unavailable as UnavailableValueMatcher, sequence: 0, columnLists: new ColumnLists() };
    let sequence = 0;
    for (const event of events) {
      const table = tables.get(tableKey(event.table));
      if (table === undefined) continue;
      try {
        bindOptions.sequence = sequence++;
        bound.push(bindChange(event, table, bindOptions));
      } catch (err) {
        const column = err instanceof DataError ? err.field : undefined;
        await onRecordError(event.record, recordError({ record: event.record, table: table.displayName, column, detail: messageOf(err), cause: err }));
      }
    }

    const statements = planStatements(bound, { insertMode: config.insertMode, batchSize: config.batchSize });
    try {
      const prepareStatements = (this.target as ConnectionTarget).prepareStatements;
      const result = await writeBatch({ client, statements, insertMode: config.insertMode, prepareStatements, onRecordError });
      return { statements: statements.length, tables: tables.size, fastPath: result.fastPath };
    } catch (err) {
      if (errorScope(err) === 'stale') throw new StaleMetadata(describeDbError(err));
      throw err;
    }
  }

  /** Target tables by resolved name, after any DDL; tables that do not exist and are only deleted from are left out. */
  private async prepareTables(client: Client, events: readonly WriteEvent[]): Promise<Map<string, TableInfo>> {
    const config = this.requireConfig();
    const byTable = new Map<string, { id: TableId; events: WriteEvent[] }>();
    for (const e of events) {
      const key = tableKey(e.table);
      const entry = byTable.get(key);
      if (entry === undefined) byTable.set(key, { id: e.table, events: [e] });
      else entry.events.push(e);
    }
    const tables = new Map<string, TableInfo>();
    for (const [key, { id, events: tableEvents }] of byTable) {
      let info: TableInfo | null;
      try {
        info = await prepareTable({ client, cache: this.cache, id, events: tableEvents, mode: config.schemaEvolution, logger: this.logger });
      } catch (err) {
        if (err instanceof ConnectError || errorScope(err) === 'transient') throw err;
        if (errorScope(err) === 'stale') throw new StaleMetadata(describeDbError(err));
        throw new ConnectError(`Preparing table ${tableDisplayName(id)} failed: ${describeDbError(err)}`, { cause: err });
      }
      if (info === null) {
        this.logger.debug({ table: tableDisplayName(id), records: tableEvents.length }, 'table does not exist; its deletes and truncates are no-ops');
        continue;
      }
      tables.set(key, info);
    }
    return tables;
  }

  /** Reports and skips a record under errors.tolerance=all when the runtime offers a reporter; throws otherwise. */
  private async recordFailed(record: SinkRecord, error: DataError, reported: Set<SinkRecord>): Promise<void> {
    const reporter = this.requireConfig().toleratesErrors ? (this.context?.errantRecordReporter() ?? null) : null;
    if (reporter === null) throw error;
    this.logger.warn({ record: describeRecord(record), err: error.message }, 'record cannot be written; reported and skipped');
    reported.add(record);
    await reporter.report(record, error);
  }

  /** The error put() throws: transient failures become RetriableErrors (up to flush.max.retries in a row). */
  private async failed(err: unknown): Promise<Error> {
    const config = this.requireConfig();
    const transient = err instanceof RetriableError || (!(err instanceof ConnectError) && errorScope(err) === 'transient');
    if (!transient) {
      if (err instanceof ConnectError) return err;
      return new ConnectError(`Writing to PostgreSQL at ${this.target?.description ?? '?'} failed: ${describeDbError(err)}`, { cause: err });
    }
    // The connection may be broken or mid-transaction: start over with a new one.
    await this.closeConnection();
    this.failures++;
    const detail = err instanceof RetriableError ? err.message : `Writing to PostgreSQL at ${this.target?.description ?? '?'} failed: ${describeDbError(err)}`;
    if (this.failures > config.flushMaxRetries) {
      return new ConnectError(`${detail}; giving up after ${this.failures} attempts (flush.max.retries=${config.flushMaxRetries})`, { cause: err });
    }
    this.context?.timeout(config.flushRetryDelayMs);
    this.logger.warn({ err: detail, attempt: this.failures, retryInMs: config.flushRetryDelayMs }, 'transient failure; the batch will be retried');
    return err instanceof RetriableError ? err : new RetriableError(detail, { cause: err });
  }

  private async connection(): Promise<Client> {
    if (this.client !== null) return this.client;
    if (this.stopped) throw new ConnectError('PostgresSinkTask is stopped');
    const target = this.target as ConnectionTarget;
    const client = new Client(target.clientConfig);
    // Without a listener, a connection dropped while idle would crash the process.
    client.on('error', (err) => {
      this.logger.warn({ target: target.description, err: err.message }, 'PostgreSQL connection failed');
      if (this.client === client) this.client = null;
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw connectFailure(err, target.description);
    }
    this.client = client;
    return client;
  }

  private async closeConnection(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private requireConfig(): PostgresSinkConfig {
    if (this.config === null) throw new ConnectError('PostgresSinkTask is not started');
    return this.config;
  }
}

/** The last table id seen and its key: the events of a batch mostly share one TableId object (see ChangeDecoder). */
let lastTableId: TableId | null = null;
let lastTableKey = '';

function tableKey(id: TableId): string {
  if (id !== lastTableId) {
    lastTableKey = `${id.schema ?? ''}\u0000${id.name}`;
    lastTableId = id;
  }
  return lastTableKey;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
