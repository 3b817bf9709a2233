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
import { deleteStatement, insertStatement, type RowTexts, type SqlStatement, truncateStatement, updateStatement } from './sql-statements';
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

/**
 * The pending write of one row within a segment. A row written by one change keeps that change's column and text
 * arrays as they are (the common case, and no copy): a Map built from them would hold the same columns in the same
 * order, since a change never names a column twice (the decoder refuses fields that map to one column). Only a
 * second change to the row overlays them into a Map.
 */
class RowEntry {
  /** The overlaid values once a second change came; insertion order is column order, as applying them one by one. */
  private merged: Map<string, string | null> | null = null;
  readonly changes: BoundChange[];

  constructor(
    readonly keyColumns: readonly string[],
    readonly keyTexts: readonly (string | null)[],
    private columnList: readonly string[],
    private textList: readonly (string | null)[],
    first: BoundChange,
  ) {
    this.changes = [first];
  }

  overlay(c: BoundChange): void {
    let merged = this.merged;
    if (merged === null) {
      merged = new Map();
      for (let i = 0; i < this.columnList.length; i++) merged.set(this.columnList[i] as string, this.textList[i] ?? null);
      this.merged = merged;
    }
    for (let i = 0; i < c.columns.length; i++) merged.set(c.columns[i] as string, c.texts[i] ?? null);
    this.changes.push(c);
  }

  /** The value columns, in the order they were first written. */
  columns(): readonly string[] {
    return this.merged === null ? this.columnList : [...this.merged.keys()];
  }

  /** The texts in the order of columns(). */
  texts(): readonly (string | null)[] {
    if (this.merged === null) return this.textList;
    return [...this.merged.values()];
  }
}

class Segment {
  truncate: BoundChange | null = null;
  readonly deletes = new Map<string, RowEntry>();
  readonly upserts = new Map<string, RowEntry>();

  touches(rowId: string): boolean {
    return this.deletes.has(rowId) || this.upserts.has(rowId);
  }
}

const NO_COLUMNS: readonly string[] = Object.freeze([]);

export function planStatements(changes: readonly BoundChange[], options: PlanOptions): PlannedStatement[] {
  const byTable = new Map<string, BoundChange[]>();
  for (const c of changes) {
    const list = byTable.get(c.table.sqlName);
    if (list === undefined) byTable.set(c.table.sqlName, [c]);
    else list.push(c);
  }
  const statements: PlannedStatement[] = [];
  for (const tableChanges of byTable.values()) {
    for (const segment of segmentsOf(tableChanges, options.insertMode)) {
      for (const statement of segmentStatements(segment, options)) statements.push(statement);
    }
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
    else segment.deletes.set(c.rowId, new RowEntry(c.keyColumns, c.keyTexts, NO_COLUMNS, NO_COLUMNS, c));
    return;
  }
  const pending = insertMode === 'insert' ? undefined : segment.upserts.get(c.rowId);
  if (pending !== undefined) pending.overlay(c);
  else segment.upserts.set(c.rowId, new RowEntry(c.keyColumns, c.keyTexts, c.columns, c.texts, c));
}

function segmentStatements(segment: Segment, options: PlanOptions): PlannedStatement[] {
  const out: PlannedStatement[] = [];
  if (segment.truncate !== null) {
    const t = segment.truncate;
    out.push({ ...truncateStatement(t.table), table: t.table, kind: 'truncate', changes: [t] });
  }
  const signatures = new SignatureMemo();
  for (const group of groupBy(segment.deletes.values(), (e) => signatures.of(e.keyColumns, NO_COLUMNS))) {
    const first = group[0] as RowEntry;
    const table = (first.changes[0] as BoundChange).table;
    for (const chunk of chunks(group, rowsPerStatement(options))) {
      const stmt = deleteStatement({ table, keyColumns: first.keyColumns, rows: chunk.map((e) => e.keyTexts) });
      out.push({ ...stmt, table, kind: 'delete', changes: changesOf(chunk) });
    }
  }
  // Rows writing the same columns (in the same order, which records of one schema share) share statements.
  for (const group of groupBy(segment.upserts.values(), (e) => signatures.of(e.keyColumns, e.columns()))) {
    const first = group[0] as RowEntry;
    const table = (first.changes[0] as BoundChange).table;
    const valueColumns = first.columns();
    const columns = [...first.keyColumns, ...valueColumns];
    if (options.insertMode === 'update') {
      // Only key columns known: there is nothing to update.
      if (valueColumns.length === 0) continue;
      for (const chunk of chunks(group, rowsPerStatement(options))) {
        const stmt = updateStatement({ table, keyColumns: first.keyColumns, setColumns: valueColumns, rows: chunk.map(rowOf) });
        out.push({ ...stmt, table, kind: 'update', changes: changesOf(chunk) });
      }
      continue;
    }
    const upsert = options.insertMode === 'upsert' && first.keyColumns.length > 0;
    if (upsert) requireUniqueKey(table, first.keyColumns);
    for (const chunk of chunks(group, rowsPerStatement(options))) {
      const stmt = insertStatement({ table, columns, rows: chunk.map(rowOf), conflictKey: upsert ? first.keyColumns : undefined });
      out.push({ ...stmt, table, kind: upsert ? 'upsert' : 'insert', changes: changesOf(chunk) });
    }
  }
  return out;
}

/** batch.size, the rows of one statement: each column is one parameter whatever the row count. */
function rowsPerStatement(options: PlanOptions): number {
  return Math.max(1, options.batchSize);
}

/**
 * A row's texts in statement order: key texts, then value texts. Every row of a group has the group's value columns
 * in the same order (that is what its signature says), so its own texts are already in statement order.
 */
function rowOf(e: RowEntry): RowTexts {
  const keys = e.keyTexts;
  const values = e.texts();
  const row = new Array<string | null>(keys.length + values.length);
  for (let i = 0; i < keys.length; i++) row[i] = keys[i] ?? null;
  for (let i = 0; i < values.length; i++) row[keys.length + i] = values[i] ?? null;
  return row;
}

function changesOf(entries: readonly RowEntry[]): BoundChange[] {
  const out: BoundChange[] = [];
  for (const e of entries) for (const c of e.changes) out.push(c);
  return out;
}

/**
 * The grouping key of a row, `key columns \u0001 value columns` (names joined by \u0000). Rows of one schema share
 * their column arrays (bindChange hands out one array per column list), so the text is built once per array pair
 * and found again by identity; any other pair is simply built.
 */
class SignatureMemo {
  private lastKey: readonly string[] | null = null;
  private lastValues: readonly string[] | null = null;
  private last = '';

  of(keyColumns: readonly string[], valueColumns: readonly string[]): string {
    if (keyColumns !== this.lastKey || valueColumns !== this.lastValues) {
      this.last = `${keyColumns.join('\u0000')}\u0001${valueColumns.join('\u0000')}`;
      this.lastKey = keyColumns;
      this.lastValues = valueColumns;
    }
    return this.last;
  }
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
