/**
 * Ad hoc incremental snapshots (Debezium's signal-based ones, after DBLog): an `execute-snapshot` row inserted into
 * the signal table makes the connector read the named tables in primary-key chunks while it keeps streaming. For
 * each chunk it writes an open watermark to the signal table, reads the chunk, writes a close watermark; when the
 * stream reaches the open watermark it starts dropping from the chunk every row that a streamed change touches,
 * and at the close watermark it emits what is left as `r` events with source.snapshot = "incremental". A streamed
 * change is never followed by an older chunk row of the same key.
 *
 * Progress (tables left, last key emitted, maximum key) lives in the offsets, so a restart resumes with the chunk
 * after the last one emitted. Everything here runs inside the stream reader's loop, in stream order.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { OffsetValue, SourceOffset, Struct } from '../../../connect-runtime/api';
import { Operation, type PgRow, sourceStruct, type TableSchema } from '../events';
import { quoteIdent, quoteTable, type TableName, toReplicationError } from '../replication';
import { listCapturedTables, readTableFacts, type TypeRegistry } from './catalog-reader';
import { contextHeaders, type EventContext, nowNs, sourceRecord } from './event-context';
import type { SourceLogger } from './logger';
import type { RecordQueue } from './record-queue';
import { parseSignal, type Signal } from './signals';
import type { StreamPosition } from './stream-position';
import type { TableFilter } from './table-filters';
import type { TableSchemas } from './table-schemas';

export const IncrementalOffsetKeys = {
  COLLECTIONS: 'incremental_snapshot_collections',
  PRIMARY_KEY: 'incremental_snapshot_primary_key',
  MAXIMUM_KEY: 'incremental_snapshot_maximum_key',
  CORRELATION_ID: 'incremental_snapshot_correlation_id',
} as const;

interface Collection {
  /** `<schema>.<table>` */
  id: string;
  condition: string | null;
}

interface Window {
  chunkId: string;
  open: boolean;
  table: TableSchema;
  keyPositions: number[];
  rows: Map<string, PgRow>;
  /** Key of the chunk's last row as read (before any was dropped), or null for an empty chunk. */
  lastKey: string[] | null;
  /** The chunk was shorter than the chunk size: the table is done after it. */
  exhausted: boolean;
}

export interface IncrementalSnapshotOptions {
  /** The metadata connection: watermark inserts (each its own transaction). */
  sql: Pick<Client, 'query'>;
  /** A raw-text connection for chunk reads, opened on first use. */
  openReader: () => Promise<Client>;
  signalTable: TableName;
  chunkSize: number;
  schemas: TableSchemas;
  types: TypeRegistry;
  tableFilter: TableFilter;
  context: EventContext;
  queue: RecordQueue;
  position: StreamPosition;
  logger: SourceLogger;
}

export class IncrementalSnapshot {
  private collections: Collection[] = [];
  private lastKey: string[] | null = null;
  private maxKey: string[] | null = null;
  private correlationId: string | null = null;
  private window: Window | undefined;
  private reader: Client | undefined;

  constructor(private readonly o: IncrementalSnapshotOptions) {}

  /** Progress stored in an offset (restart). */
  restore(offset: SourceOffset | null | undefined): void {
    const collections = offset?.[IncrementalOffsetKeys.COLLECTIONS];
    if (typeof collections !== 'string') return;
    try {
      const parsed = JSON.parse(collections) as Array<Record<string, unknown>>;
      this.collections = parsed.map((c) => ({ id: String(c[`${IncrementalOffsetKeys.COLLECTIONS}_id`]), condition: (c[`${IncrementalOffsetKeys.COLLECTIONS}_additional_condition`] as string | null) ?? null }));
      const key = (k: string): string[] | null => (typeof offset?.[k] === 'string' ? (JSON.parse(offset[k] as string) as string[]) : null);
      this.lastKey = key(IncrementalOffsetKeys.PRIMARY_KEY);
      this.maxKey = key(IncrementalOffsetKeys.MAXIMUM_KEY);
      this.correlationId = typeof offset?.[IncrementalOffsetKeys.CORRELATION_ID] === 'string' ? (offset[IncrementalOffsetKeys.CORRELATION_ID] as string) : null;
      this.publishProgress();
      if (this.collections.length > 0) this.o.logger.info({ collections: this.collections.map((c) => c.id) }, 'resuming the incremental snapshot');
    } catch (err) {
      this.o.logger.warn({ err }, 'ignoring unreadable incremental snapshot progress in the stored offset');
    }
  }

  /** Starts reading when progress was restored. */
  async start(): Promise<void> {
    if (this.collections.length > 0 && this.window === undefined) await this.nextChunk();
  }

  isSignalTable(schema: string, table: string): boolean {
    return schema === this.o.signalTable.schema && table === this.o.signalTable.table;
  }

  /** An insert into the signal table, with its columns' names. */
  async onSignalRow(columns: readonly string[], row: PgRow): Promise<void> {
    const at = (name: string, fallback: number): string | null => {
      const i = columns.indexOf(name);
      const v = row[i >= 0 ? i : fallback];
      return typeof v === 'string' ? v : null;
    };
    const signal = parseSignal(at('id', 0) ?? '', at('type', 1) ?? '', at('data', 2));
    await this.onSignal(signal);
  }

  /** A streamed change of `relationId` touching the rows `rows`: they leave the open window. */
  onChange(relationId: number, rows: ReadonlyArray<PgRow | null | undefined>): void {
    const w = this.window;
    if (w === undefined || !w.open || w.table.relation.relationId !== relationId || w.rows.size === 0) return;
    for (const row of rows) if (row) w.rows.delete(keyString(row, w.keyPositions));
  }

  async close(): Promise<void> {
    await this.reader?.end().catch(() => undefined);
  }

  private async onSignal(signal: Signal): Promise<void> {
    const log = this.o.logger;
    switch (signal.type) {
      case 'window-open':
        if (this.window && signal.id === `${this.window.chunkId}-open`) this.window.open = true;
        return;
      case 'window-close':
        if (this.window && signal.id === `${this.window.chunkId}-close`) await this.closeWindow();
        return;
      case 'execute-snapshot': {
        if (signal.request.kind === 'blocking') {
          log.warn({ signal: signal.id }, 'blocking snapshots are not supported; the signal is ignored (use "type": "incremental")');
          return;
        }
        const tables = await listCapturedTables(this.o.sql, this.o.tableFilter);
        const patterns = signal.request.dataCollections.map((p) => new RegExp(`^(?:${p})$`, 'i'));
        const added: Collection[] = [];
        for (const t of tables) {
          const id = `${t.schema}.${t.table}`;
          if (!patterns.some((p) => p.test(id)) || this.collections.some((c) => c.id === id)) continue;
          const condition = [...signal.request.conditions].find(([name]) => new RegExp(`^(?:${name})$`, 'i').test(id))?.[1] ?? null;
          added.push({ id, condition });
        }
        log.info({ signal: signal.id, tables: added.map((c) => c.id) }, 'incremental snapshot requested');
        if (added.length === 0) return;
        const idle = this.collections.length === 0;
        this.collections.push(...added);
        if (idle) {
          this.correlationId = signal.id;
          this.lastKey = null;
          this.maxKey = null;
        }
        this.publishProgress();
        if (this.window === undefined) await this.nextChunk();
        return;
      }
      case 'stop-snapshot': {
        const patterns = signal.dataCollections.map((p) => new RegExp(`^(?:${p})$`, 'i'));
        const stop = (c: Collection): boolean => patterns.length === 0 || patterns.some((p) => p.test(c.id));
        const current = this.collections[0];
        this.collections = this.collections.filter((c) => !stop(c));
        if (current !== undefined && this.collections[0] !== current) {
          this.window = undefined;
          this.lastKey = null;
          this.maxKey = null;
        }
        log.info({ signal: signal.id, remaining: this.collections.map((c) => c.id) }, 'incremental snapshot stopped');
        this.publishProgress();
        if (this.collections.length > 0 && this.window === undefined) await this.nextChunk();
        return;
      }
      case 'log':
        log.info({ signal: signal.id }, signal.message);
        return;
      case 'unknown':
        log.warn({ signal: signal.id, type: signal.signalType }, 'unsupported signal type; ignored');
        return;
      case 'invalid':
        log.warn({ signal: signal.id, reason: signal.reason }, 'invalid signal; ignored');
        return;
    }
  }

  /** The close watermark arrived: emit what is left of the chunk, record progress, read the next chunk. */
  private async closeWindow(): Promise<void> {
    const w = this.window!;
    this.window = undefined;
    const before = this.o.position.offset();
    if (w.exhausted || w.lastKey === null) this.finishTable();
    else this.lastKey = w.lastKey;
    this.publishProgress();
    const after = this.o.position.offset();
    const rows = [...w.rows.values()];
    const source = this.sourceFor(w.table);
    const processedAtNs = nowNs();
    const table = w.table;
    rows.forEach((row, i) => {
      // Only the chunk's last record carries the advanced progress: an offset stored part-way through the chunk
      // leads to reading the whole chunk again.
      const offset = i === rows.length - 1 ? after : before;
      this.o.queue.push(
        sourceRecord(
          {
            topic: table.topic,
            keySchema: table.keySchema,
            key: table.key(row),
            valueSchema: table.envelope.schema,
            value: table.envelope.trusted(Operation.READ, null, table.value(row), { source, processedAtNs }),
            headers: contextHeaders(this.o.context.contextHeaders),
          },
          this.o.context.partition,
          offset,
        ),
      );
    });
    await this.nextChunk();
  }

  private sourceFor(table: TableSchema): Struct {
    return sourceStruct({
      serverName: this.o.context.topicPrefix,
      db: this.o.context.db,
      timestampNs: nowNs(),
      snapshot: 'incremental',
      schema: table.relation.schema,
      table: table.relation.table,
    });
  }

  private finishTable(): void {
    const done = this.collections.shift();
    this.lastKey = null;
    this.maxKey = null;
    if (done) this.o.logger.info({ table: done.id }, 'incremental snapshot of table finished');
  }

  /** Opens the next chunk's window (writes the watermarks and reads the chunk), or ends the snapshot. */
  private async nextChunk(): Promise<void> {
    for (;;) {
      const current = this.collections[0];
      if (current === undefined) {
        if (this.correlationId !== null) this.o.logger.info({ signal: this.correlationId }, 'incremental snapshot completed');
        this.correlationId = null;
        this.publishProgress();
        return;
      }
      const [schema, ...rest] = current.id.split('.');
      const name: TableName = { schema: schema!, table: rest.join('.') };
      const oid = await this.tableOid(name);
      const facts = oid === undefined ? undefined : (await readTableFacts(this.o.sql, [oid])).get(oid);
      if (facts === undefined || facts.primaryKey.length === 0) {
        this.o.logger.warn({ table: current.id }, facts ? 'incremental snapshots need a primary key; table skipped' : 'table not found; skipped');
        this.finishTable();
        this.publishProgress();
        continue;
      }
      await this.o.types.load(this.o.sql, facts.columns.map((c) => c.typeOid));
      const table = this.o.schemas.get(facts.oid) ?? this.o.schemas.fromCatalog(facts);
      const names = table.relation.columns.map((c) => c.name);
      const keyPositions = facts.primaryKey.map((k) => names.indexOf(k));
      if (keyPositions.some((p) => p < 0)) {
        this.o.logger.warn({ table: current.id }, 'the table definition changed under the incremental snapshot; table skipped');
        this.finishTable();
        continue;
      }
      const reader = await this.readerClient();
      const from = quoteTable(name);
      const keyList = facts.primaryKey.map(quoteIdent).join(', ');
      const condition = current.condition === null ? '' : ` AND (${current.condition})`;
      if (this.maxKey === null) {
        const max = await this.query(reader, `SELECT ${keyList} FROM ${from} WHERE true${condition} ORDER BY ${facts.primaryKey.map((k) => `${quoteIdent(k)} DESC`).join(', ')} LIMIT 1`, []);
        if (max.length === 0) {
          this.finishTable();
          this.publishProgress();
          continue;
        }
        this.maxKey = max[0]!.map((v) => (v === null ? null : String(v))) as string[];
        this.publishProgress();
      }
      const chunkId = randomUUID();
      await this.watermark(`${chunkId}-open`, 'snapshot-window-open');
      const params: unknown[] = [];
      const tuple = (values: readonly string[]): string => `(${values.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`;
      const after = this.lastKey === null ? '' : ` AND (${keyList}) > ${tuple(this.lastKey)}`;
      const sql =
        `SELECT ${names.map(quoteIdent).join(', ')} FROM ${from} WHERE (${keyList}) <= ${tuple(this.maxKey)}${after}${condition} ` +
        `ORDER BY ${keyList} LIMIT ${this.o.chunkSize}`;
      const rows = (await this.query(reader, sql, params)) as PgRow[];
      const buffered = new Map<string, PgRow>();
      for (const row of rows) buffered.set(keyString(row, keyPositions), row);
      const last = rows[rows.length - 1];
      this.window = {
        chunkId,
        open: false,
        table,
        keyPositions,
        rows: buffered,
        lastKey: last === undefined ? null : (keyPositions.map((p) => last[p]) as string[]),
        exhausted: rows.length < this.o.chunkSize,
      };
      await this.watermark(`${chunkId}-close`, 'snapshot-window-close');
      return;
    }
  }

  private async tableOid(name: TableName): Promise<number | undefined> {
    const rows = await this.o.sql.query<{ oid: string }>('SELECT c.oid::text AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2', [name.schema, name.table]);
    return rows.rows[0] ? Number(rows.rows[0].oid) : undefined;
  }

  private async watermark(id: string, type: string): Promise<void> {
    const data = JSON.stringify(type === 'snapshot-window-open' ? { openWindowTimestamp: new Date().toISOString() } : { closeWindowTimestamp: new Date().toISOString() });
    try {
      await this.o.sql.query(`INSERT INTO ${quoteTable(this.o.signalTable)} VALUES ($1, $2, $3)`, [id, type, data]);
    } catch (error) {
      throw toReplicationError(error, { operation: `writing an incremental snapshot watermark to ${this.o.signalTable.schema}.${this.o.signalTable.table}` });
    }
  }

  private async query(client: Client, text: string, params: unknown[]): Promise<unknown[][]> {
    try {
      return (await client.query<unknown[]>({ text, values: params, rowMode: 'array' })).rows as unknown[][];
    } catch (error) {
      throw toReplicationError(error, { operation: 'reading an incremental snapshot chunk' });
    }
  }

  private async readerClient(): Promise<Client> {
    this.reader ??= await this.o.openReader();
    return this.reader;
  }

  /** Puts the progress into every offset from now on. */
  private publishProgress(): void {
    if (this.collections.length === 0) {
      this.o.position.setExtra(undefined);
      return;
    }
    const extra: Record<string, OffsetValue> = {
      [IncrementalOffsetKeys.COLLECTIONS]: JSON.stringify(
        this.collections.map((c) => ({
          [`${IncrementalOffsetKeys.COLLECTIONS}_id`]: c.id,
          [`${IncrementalOffsetKeys.COLLECTIONS}_additional_condition`]: c.condition,
          [`${IncrementalOffsetKeys.COLLECTIONS}_surrogate_key`]: null,
        })),
      ),
      [IncrementalOffsetKeys.PRIMARY_KEY]: this.lastKey === null ? null : JSON.stringify(this.lastKey),
      [IncrementalOffsetKeys.MAXIMUM_KEY]: this.maxKey === null ? null : JSON.stringify(this.maxKey),
    };
    if (this.correlationId !== null) extra[IncrementalOffsetKeys.CORRELATION_ID] = this.correlationId;
    this.o.position.setExtra(extra);
  }
}

function keyString(row: PgRow, positions: readonly number[]): string {
  return JSON.stringify(positions.map((p) => {
    const v = row[p];
    return typeof v === 'string' ? v : null;
  }));
}
