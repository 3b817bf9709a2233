/**
 * The initial snapshot: every captured table read in one REPEATABLE READ transaction - the slot's exported
 * snapshot when the slot was just created, so that streaming from its consistent point delivers exactly the rest -
 * through a server-side cursor (DECLARE ... CURSOR, FETCH snapshot.fetch.size), as op `r` records with Debezium's
 * source.snapshot markers and snapshot offsets.
 *
 * Memory stays bounded: one fetch is converted while the next is on the wire, and reading waits whenever the
 * record queue is full. One converted record is held back until the next exists, because only then is it known
 * whether it is the last one, whose offset marks the snapshot complete.
 */
import type { Client } from 'pg';
import type { SourceOffset, Struct } from '../../../connect-runtime/api';
import { type ChangeRecord, Operation, type SnapshotMarker, sourceStruct, type TableSchema } from '../events';
import { beginSnapshotTransaction, type Lsn, quoteIdent, quoteTable, toReplicationError } from '../replication';
import { listCapturedTables, readTableFacts, type TypeRegistry } from './catalog-reader';
import { contextHeaders, type EventContext, nowNs, sourceRecord } from './event-context';
import type { SourceLogger } from './logger';
import type { RecordQueue } from './record-queue';
import { snapshotMarker } from './snapshot-markers';
import { SnapshotProgress } from './snapshot-progress';
import { snapshotOffset } from './source-offset';
import type { TableFilter } from './table-filters';
import type { TableSchemas } from './table-schemas';

export interface SnapshotReaderOptions {
  /** A fresh raw-text connection; the reader owns it and closes it. */
  client: Client;
  context: EventContext;
  schemas: TableSchemas;
  types: TypeRegistry;
  queue: RecordQueue;
  logger: SourceLogger;
  tableFilter: TableFilter;
  /** Further restriction to the tables to read (snapshot.include.collection.list). */
  snapshotFilter?: (schema: string, table: string) => boolean;
  fetchSize: number;
  /** The snapshot exported by CREATE_REPLICATION_SLOT, or undefined to take a new one. */
  exportedSnapshot: string | undefined;
  /** source.lsn of snapshot records: where streaming continues. */
  lsn: Lsn;
  signal: AbortSignal;
  /** How often progress is logged. */
  progressIntervalMs?: number;
}

export interface SnapshotResult {
  rows: number;
  tables: number;
  durationMs: number;
  rowsPerSecond: number;
  txId: number | null;
}

interface HeldRecord {
  record: ChangeRecord;
  tsUsec: number;
}

export class SnapshotReader {
  private held: HeldRecord | undefined;
  private txId: number | null = null;
  /** The in-progress offset of the current table (one object shared by its records). */
  private offsets = new Map<number, SourceOffset>();

  constructor(private readonly o: SnapshotReaderOptions) {}

  async run(): Promise<SnapshotResult> {
    const { client, logger } = this.o;
    try {
      if (this.o.exportedSnapshot !== undefined) {
        await beginSnapshotTransaction(client, { snapshotName: this.o.exportedSnapshot });
      } else {
        await this.sql('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', 'opening the snapshot transaction');
      }
      // The xid Debezium reports as txId of snapshot records.
      const xid = await client.query<{ x: string }>('SELECT txid_current()::text AS x').catch((error: unknown) => {
        throw toReplicationError(error, { operation: 'reading the snapshot transaction id' });
      });
      this.txId = xid.rows[0] ? Number(xid.rows[0].x) : null;
      // The catalog as of the snapshot: the tables and columns the rows below were written under.
      const wanted = (await listCapturedTables(client, this.o.tableFilter)).filter((t) => this.o.snapshotFilter?.(t.schema, t.table) ?? true);
      const facts = await readTableFacts(client, wanted.map((t) => t.oid));
      const tables = wanted.filter((t) => facts.has(t.oid));
      await this.o.types.load(client, [...facts.values()].flatMap((f) => f.columns.map((c) => c.typeOid)));
      logger.info({ tables: tables.map((t) => `${t.schema}.${t.table}`), lsn: this.o.lsn.toString(), txId: this.txId, exported: this.o.exportedSnapshot !== undefined }, 'snapshot started');
      const progress = new SnapshotProgress(tables, logger, this.o.progressIntervalMs);
      for (let i = 0; i < tables.length; i++) {
        this.checkAborted();
        const table = this.o.schemas.fromCatalog(facts.get(tables[i]!.oid)!);
        progress.startTable(i);
        await this.readTable(table, { first: i === 0, last: i === tables.length - 1 }, progress);
        progress.finishTable();
      }
      await this.sql('COMMIT', 'ending the snapshot transaction');
      this.release(true);
      const summary = progress.summary();
      logger.info({ ...summary, tables: tables.length }, 'snapshot completed');
      return { ...summary, tables: tables.length, txId: this.txId };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async readTable(table: TableSchema, position: { first: boolean; last: boolean }, progress: SnapshotProgress): Promise<void> {
    const { client, fetchSize, queue, signal } = this.o;
    const columns = table.relation.columns.map((c) => quoteIdent(c.name)).join(', ');
    const from = quoteTable({ schema: table.relation.schema, table: table.relation.table });
    await this.sql(`DECLARE sluice_snapshot NO SCROLL CURSOR FOR SELECT ${columns} FROM ${from}`, `reading ${table.relation.schema}.${table.relation.table}`);
    const fetch = (): Promise<unknown[][]> =>
      client
        .query<unknown[]>({ text: `FETCH FORWARD ${fetchSize} FROM sluice_snapshot`, rowMode: 'array' })
        .then((r) => r.rows as unknown[][])
        .catch((error: unknown) => {
          throw toReplicationError(error, { operation: `reading ${table.relation.schema}.${table.relation.table}` });
        });
    const tsUsec = Date.now() * 1000;
    const sources = new Map<SnapshotMarker, Struct>();
    const source = (marker: SnapshotMarker): Struct => {
      let s = sources.get(marker);
      if (s === undefined) {
        s = sourceStruct({
          serverName: this.o.context.topicPrefix,
          db: this.o.context.db,
          timestampNs: BigInt(tsUsec) * 1000n,
          snapshot: marker,
          schema: table.relation.schema,
          table: table.relation.table,
          txId: this.txId,
          lsn: this.o.lsn,
          lastCommitLsn: null,
        });
        sources.set(marker, s);
      }
      return s;
    };
    let pending: unknown[] | undefined;
    let firstInTable = true;
    const emit = (row: unknown[], lastInTable: boolean, processedAtNs: bigint): void => {
      const marker = snapshotMarker({ firstTable: position.first, lastTable: position.last, firstInTable, lastInTable });
      firstInTable = false;
      const r = row as string[];
      const record: ChangeRecord = {
        topic: table.topic,
        keySchema: table.keySchema,
        key: table.key(r),
        valueSchema: table.envelope.schema,
        value: table.envelope.trusted(Operation.READ, null, table.value(r), { source: source(marker), processedAtNs }),
        headers: contextHeaders(this.o.context.contextHeaders),
      };
      this.hold({ record, tsUsec });
    };

    let next: Promise<unknown[][]> | undefined = fetch();
    while (next !== undefined) {
      const rows: unknown[][] = await next;
      // Ask for the next batch before converting this one, so the server works while we do. A failure of that
      // fetch is seen when it is awaited; until then it must not count as an unhandled rejection.
      next = rows.length === fetchSize ? fetch() : undefined;
      next?.catch(() => undefined);
      let processedAtNs = nowNs();
      for (let i = 0; i < rows.length; i++) {
        if (pending !== undefined) emit(pending, false, processedAtNs);
        pending = rows[i];
        if ((i & 1023) === 1023 && queue.isFull) {
          await queue.waitForSpace(signal);
          this.checkAborted();
          processedAtNs = nowNs();
        }
      }
      progress.rows(rows.length);
      if (next === undefined && pending !== undefined) {
        emit(pending, true, processedAtNs);
        pending = undefined;
      }
      if (queue.isFull) {
        await queue.waitForSpace(signal);
        this.checkAborted();
      }
    }
    await this.sql('CLOSE sluice_snapshot', 'closing the snapshot cursor');
  }

  /** Keeps `next` back and hands over the record held before it. */
  private hold(next: HeldRecord): void {
    this.release(false);
    this.held = next;
  }

  private release(last: boolean): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.o.queue.push(sourceRecord(held.record, this.o.context.partition, this.offset(held.tsUsec, last)));
  }

  private offset(tsUsec: number, last: boolean): SourceOffset {
    if (last) return snapshotOffset({ lsn: this.o.lsn, txId: this.txId, tsUsec, lastRecord: true });
    let o = this.offsets.get(tsUsec);
    if (o === undefined) {
      o = Object.freeze(snapshotOffset({ lsn: this.o.lsn, txId: this.txId, tsUsec, lastRecord: false }));
      this.offsets.clear();
      this.offsets.set(tsUsec, o);
    }
    return o;
  }

  private async sql(text: string, operation: string): Promise<void> {
    try {
      await this.o.client.query(text);
    } catch (error) {
      throw toReplicationError(error, { operation });
    }
  }

  private checkAborted(): void {
    if (this.o.signal.aborted) throw new Error('the snapshot was interrupted because the task is stopping');
  }
}
