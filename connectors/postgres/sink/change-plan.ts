/**
 * Turns a batch of bound changes into few, large statements while keeping the batch's meaning.
 *
 * Changes are grouped by table. Within a table, changes to the same row collapse: consecutive upserts overlay
 * (later values win, columns a later change leaves out keep the earlier change's values, exactly as applying them
 * one after the other would), a delete supersedes the upserts before it, and an upsert after a delete still runs
 * after it, because each table's deletes are written before its upserts. A truncate discards the table's earlier
 * changes. With insert.mode=insert rows are never merged: a second change to a row starts a new segment, written
 * after the first, so that inserts fail or succeed as they would one by one.
 *
 * Tables are written one after the other; foreign keys between target tables therefore need to be DEFERRABLE
 * INITIALLY DEFERRED (checked at commit), as with any sink that batches per table.
 */
import { ConnectError } from '../../../connect-runtime/api';
import type { BoundChange } from './bind-change';
import type { InsertMode } from './sink-config';
import { deleteStatement, insertStatement, rowsPerStatement, type RowTexts, type SqlStatement, truncateStatement, updateStatement } from './sql-statements';
import type { TableInfo } from './table-metadata';

export interface PlannedStatement extends SqlStatement {
  readonly table: TableInfo;
  readonly kind: 'insert' | 'upsert' | 'update' | 'delete' | 'truncate';
  /** The changes this statement carries out, in batch order: replayed one by one when it fails. */
  readonly changes: readonly BoundChange[];
}

export interface PlanOptions {
  insertMode: InsertMode;
  batchSize: number;
}

/** The pending write of one row within a segment. */
interface RowEntry {
  readonly keyColumns: readonly string[];
  readonly keyTexts: readonly (string | null)[];
  readonly values: Map<string, string | null>;
  readonly changes: BoundChange[];
}

class Segment {
  truncate: BoundChange | null = null;
  readonly deletes = new Map<string, RowEntry>();
  readonly upserts = new Map<string, RowEntry>();

  touches(rowId: string): boolean {
    return this.deletes.has(rowId) || this.upserts.has(rowId);
  }
}

export function planStatements(changes: readonly BoundChange[], options: PlanOptions): PlannedStatement[] {
  const byTable = new Map<string, BoundChange[]>();
  for (const c of changes) {
    const list = byTable.get(c.table.sqlName);
    if (list === undefined) byTable.set(c.table.sqlName, [c]);
    else list.push(c);
  }
  const statements: PlannedStatement[] = [];
  for (const tableChanges of byTable.values()) {
    for (const segment of segmentsOf(tableChanges, options.insertMode)) statements.push(...segmentStatements(segment, options));
  }
  return statements;
}

/** The statement that carries out one change on its own (for replaying a failed statement record by record). */
export function singleChangeStatement(change: BoundChange, insertMode: InsertMode): PlannedStatement | null {
  const segment = new Segment();
  if (change.op === 'truncate') segment.truncate = change;
  else apply(segment, change, insertMode);
  return segmentStatements(segment, { insertMode, batchSize: 1 })[0] ?? null;
}

function segmentsOf(changes: readonly BoundChange[], insertMode: InsertMode): Segment[] {
  let segments: Segment[] = [new Segment()];
  for (const c of changes) {
    if (c.op === 'truncate') {
      const fresh = new Segment();
      fresh.truncate = c;
      segments = [fresh];
      continue;
    }
    let segment = segments[segments.length - 1] as Segment;
    if (insertMode === 'insert' && segment.touches(c.rowId)) {
      segment = new Segment();
      segments.push(segment);
    }
    apply(segment, c, insertMode);
  }
  return segments;
}

function apply(segment: Segment, c: BoundChange, insertMode: InsertMode): void {
  if (c.op === 'delete') {
    segment.upserts.delete(c.rowId);
    const pending = segment.deletes.get(c.rowId);
    if (pending !== undefined) pending.changes.push(c);
    else segment.deletes.set(c.rowId, { keyColumns: c.keyColumns, keyTexts: c.keyTexts, values: new Map(), changes: [c] });
    return;
  }
  const pending = insertMode === 'insert' ? undefined : segment.upserts.get(c.rowId);
  if (pending !== undefined) {
    c.columns.forEach((column, i) => pending.values.set(column, c.texts[i] ?? null));
    pending.changes.push(c);
    return;
  }
  const values = new Map<string, string | null>();
  c.columns.forEach((column, i) => values.set(column, c.texts[i] ?? null));
  segment.upserts.set(c.rowId, { keyColumns: c.keyColumns, keyTexts: c.keyTexts, values, changes: [c] });
}

function segmentStatements(segment: Segment, options: PlanOptions): PlannedStatement[] {
  const out: PlannedStatement[] = [];
  if (segment.truncate !== null) {
    const t = segment.truncate;
    out.push({ ...truncateStatement(t.table), table: t.table, kind: 'truncate', changes: [t] });
  }
  for (const group of groupBy(segment.deletes.values(), (e) => e.keyColumns.join('\u0000'))) {
    const first = group[0] as RowEntry;
    const table = (first.changes[0] as BoundChange).table;
    for (const chunk of chunks(group, rowsPerStatement(table, first.keyColumns, options.batchSize))) {
      const stmt = deleteStatement({ table, keyColumns: first.keyColumns, rows: chunk.map((e) => e.keyTexts) });
      out.push({ ...stmt, table, kind: 'delete', changes: chunk.flatMap((e) => e.changes) });
    }
  }
  // Rows writing the same columns (in the same order, which records of one schema share) share statements.
  const signature = (e: RowEntry): string => `${e.keyColumns.join('\u0000')}\u0001${[...e.values.keys()].join('\u0000')}`;
  for (const group of groupBy(segment.upserts.values(), signature)) {
    const first = group[0] as RowEntry;
    const table = (first.changes[0] as BoundChange).table;
    const valueColumns = [...first.values.keys()];
    const columns = [...first.keyColumns, ...valueColumns];
    const rowOf = (e: RowEntry): RowTexts => [...e.keyTexts, ...valueColumns.map((c) => e.values.get(c) ?? null)];
    if (options.insertMode === 'update') {
      // Only key columns known: there is nothing to update.
      if (valueColumns.length === 0) continue;
      for (const chunk of chunks(group, rowsPerStatement(table, columns, options.batchSize))) {
        const stmt = updateStatement({ table, keyColumns: first.keyColumns, setColumns: valueColumns, rows: chunk.map(rowOf) });
        out.push({ ...stmt, table, kind: 'update', changes: chunk.flatMap((e) => e.changes) });
      }
      continue;
    }
    const upsert = options.insertMode === 'upsert' && first.keyColumns.length > 0;
    if (upsert) requireUniqueKey(table, first.keyColumns);
    for (const chunk of chunks(group, rowsPerStatement(table, columns, options.batchSize))) {
      const stmt = insertStatement({ table, columns, rows: chunk.map(rowOf), conflictKey: upsert ? first.keyColumns : undefined });
      out.push({ ...stmt, table, kind: upsert ? 'upsert' : 'insert', changes: chunk.flatMap((e) => e.changes) });
    }
  }
  return out;
}

/** ON CONFLICT needs a unique index on exactly the key columns; without one every upsert would fail. */
function requireUniqueKey(table: TableInfo, keyColumns: readonly string[]): void {
  const wanted = [...keyColumns].sort().join('\u0000');
  if (table.uniqueKeys.some((k) => [...k].sort().join('\u0000') === wanted)) return;
  throw new ConnectError(
    `Table ${table.displayName} has no primary key or unique index on (${keyColumns.join(', ')}), which insert.mode=upsert ` +
      `needs to find existing rows${table.primaryKey.length > 0 ? `; its primary key is (${table.primaryKey.join(', ')})` : ''}`,
  );
}

function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
