/**
 * Makes a batch's target table fit its records before anything is written: with schema.evolution=basic a missing
 * table is created from the records' schemas (primary key included) and fields without a column are added as
 * nullable columns; with none the table must exist (missing columns are then reported per record when binding).
 * DDL runs in its own autocommitted statements ahead of the data transaction, so a rolled-back batch never undoes
 * a table the metadata cache already knows.
 */
import type { ClientBase } from 'pg';
import { ConnectError } from '../../../connect-runtime/api';
import type { ChangeEvent, ColumnValue } from './change-event';
import { addColumnsSql, type ColumnDefinition, createSchemaSql, createTableSql } from './ddl-statements';
import { quoteIdentifier, tableDisplayName, type TableId } from './identifiers';
import type { PostgresSinkLogger } from './logger';
import type { SchemaEvolution } from './sink-config';
import type { TableInfo, TableMetadataCache } from './table-metadata';
import { columnTypeForSchema, columnTypeForValue } from './type-mapping';

export interface PrepareTableOptions {
  client: ClientBase;
  cache: TableMetadataCache;
  id: TableId;
  /** The batch's events for this table, in order. */
  events: readonly ChangeEvent[];
  mode: SchemaEvolution;
  logger: PostgresSinkLogger;
}

/**
 * The table's metadata after any DDL the events need; null when the table does not exist and nothing in the batch
 * writes a row to it (deleting from or truncating a table that is not there is a no-op).
 */
export async function prepareTable(options: PrepareTableOptions): Promise<TableInfo | null> {
  const { client, cache, id, events, mode, logger } = options;
  const upserts = events.filter((e): e is Extract<ChangeEvent, { op: 'upsert' }> => e.op === 'upsert');
  let info = await cache.get(client, id);
  if (info === null) {
    if (upserts.length === 0) return null;
    if (mode !== 'basic') {
      throw new ConnectError(`Table ${tableDisplayName(id)} does not exist; create it or set schema.evolution=basic to have the sink create it`);
    }
    const { columns, primaryKey } = desiredColumns(upserts);
    if (id.schema !== null) await ensureSchema(client, id.schema);
    await runDdl(client, createTableSql(id, columns, primaryKey));
    logger.info({ table: tableDisplayName(id), columns: columns.length, primaryKey }, 'created table');
    info = await cache.refresh(client, id);
    if (info === null) throw new ConnectError(`Table ${tableDisplayName(id)} was created but cannot be found on the search path`);
    return info;
  }
  if (mode !== 'basic' || upserts.length === 0) return info;
  const existing = info.columns;
  // Nearly always every column is there already: checking names is all it takes to know (desiredColumns, which
  // works out each column's type, is pure and would leave nothing missing).
  if (upserts.every((e) => e.key.every((k) => existing.has(k.column)) && e.values.every((v) => existing.has(v.column)))) return info;
  const missing = desiredColumns(upserts).columns.filter((c) => !existing.has(c.name));
  if (missing.length === 0) return info;
  await runDdl(client, addColumnsSql(info.sqlName, missing));
  logger.info({ table: info.displayName, added: missing.map((c) => `${c.name} ${c.type}`) }, 'added columns');
  cache.invalidateResolved(info.id);
  return (await cache.refresh(client, id)) ?? info;
}

/**
 * Every column the upserts write, in first-seen order (key columns first). Typed from the schema where there is
 * one; schemaless columns take a type wide enough for every value the batch has for them.
 */
function desiredColumns(upserts: ReadonlyArray<Extract<ChangeEvent, { op: 'upsert' }>>): { columns: ColumnDefinition[]; primaryKey: string[] } {
  const byName = new Map<string, { definition: ColumnDefinition; schemaless: boolean; seenValue: boolean }>();
  const primaryKey: string[] = [];
  const consider = (cv: ColumnValue, isKey: boolean): void => {
    const existing = byName.get(cv.column);
    const hasValue = cv.value !== null && cv.value !== undefined;
    if (existing === undefined) {
      const type = cv.schema !== null ? columnTypeForSchema(cv.schema) : columnTypeForValue(cv.value);
      const notNull = isKey || (cv.schema !== null && !cv.schema.optional);
      byName.set(cv.column, { definition: { name: cv.column, type, notNull }, schemaless: cv.schema === null, seenValue: hasValue });
      return;
    }
    if (!existing.schemaless || cv.schema !== null || !hasValue) return;
    const type = columnTypeForValue(cv.value);
    const widened = existing.seenValue ? widerType(existing.definition.type, type) : type;
    existing.definition = { ...existing.definition, type: widened };
    existing.seenValue = true;
  };
  for (const e of upserts) {
    for (const k of e.key) {
      if (!primaryKey.includes(k.column)) primaryKey.push(k.column);
      consider(k, true);
    }
    for (const v of e.values) consider(v, false);
  }
  return { columns: [...byName.values()].map((c) => c.definition), primaryKey };
}

const NUMERIC_WIDTH: Readonly<Record<string, number>> = { bigint: 1, 'double precision': 2, numeric: 3 };

/** A type for values seen as both `a` and `b`: the wider number type, else text (which takes any value's text). */
function widerType(a: string, b: string): string {
  if (a === b) return a;
  const wa = NUMERIC_WIDTH[a];
  const wb = NUMERIC_WIDTH[b];
  if (wa !== undefined && wb !== undefined) return wa >= wb ? a : b;
  return 'text';
}

async function ensureSchema(client: ClientBase, schema: string): Promise<void> {
  const found = await client.query<{ exists: boolean }>('SELECT pg_catalog.to_regnamespace($1) IS NOT NULL AS exists', [quoteIdentifier(schema)]);
  if (found.rows[0]?.exists !== true) await runDdl(client, createSchemaSql(schema));
}

/** Runs DDL, treating "already exists" from a concurrent task as success. */
async function runDdl(client: ClientBase, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // 42P07 duplicate_table, 42701 duplicate_column, 42P06 duplicate_schema, 23505: the catalog's unique index
    // when two IF NOT EXISTS statements race.
    if (code === '42P07' || code === '42701' || code === '42P06' || code === '23505') return;
    throw err;
  }
}
