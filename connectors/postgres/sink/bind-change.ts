/**
 * Binds a decoded change to its table: every value becomes the text its column's actual type takes, columns that
 * hold Debezium's unavailable-value placeholder are dropped (the row keeps what it has), and a change gets the
 * identity of the row it touches, so that a batch can be collapsed per row.
 */
import { DataError, type SinkRecord } from '../../../connect-runtime/api';
import type { ChangeEvent, ColumnValue } from './change-event';
import type { ColumnInfo, TableInfo } from './table-metadata';
import type { UnavailableValueMatcher } from './unavailable-value';
import { encodeValue } from './value-encoding';

export interface BoundChange {
  readonly op: 'upsert' | 'delete' | 'truncate';
  readonly record: SinkRecord;
  readonly table: TableInfo;
  readonly keyColumns: readonly string[];
  readonly keyTexts: readonly (string | null)[];
  /** The non-key columns written: generated columns and unavailable (unchanged TOAST) values are left out. */
  readonly columns: readonly string[];
  readonly texts: readonly (string | null)[];
  /** Identifies the row: equal for changes of the same primary key, unique per record when there is no key. */
  readonly rowId: string;
}

export interface BindOptions {
  unavailable: UnavailableValueMatcher;
  /** A number unique within the batch, used as the row identity of keyless rows. */
  sequence: number;
  /** Shares column arrays between the changes of a batch (which lets planning group rows by array identity). */
  columnLists?: ColumnLists;
}

/**
 * Hands out the previous array again when a change has the same column list as the change before it, as the
 * changes of one schema do: a batch then holds a few column arrays instead of one per change. The arrays are never
 * modified once handed out.
 */
export class ColumnLists {
  private lastKey: readonly string[] = [];
  private lastValues: readonly string[] = [];

  key(columns: readonly string[]): readonly string[] {
    if (sameStrings(columns, this.lastKey)) return this.lastKey;
    this.lastKey = columns;
    return columns;
  }

  values(columns: readonly string[]): readonly string[] {
    if (sameStrings(columns, this.lastValues)) return this.lastValues;
    this.lastValues = columns;
    return columns;
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws a DataError naming the column when a value does not fit or the table lacks a column. */
export function bindChange(event: Exclude<ChangeEvent, { op: 'skip' }>, table: TableInfo, options: BindOptions): BoundChange {
  if (event.op === 'truncate') {
    return { op: 'truncate', record: event.record, table, keyColumns: [], keyTexts: [], columns: [], texts: [], rowId: `#${options.sequence}` };
  }
  const keyColumns: string[] = [];
  const keyTexts: (string | null)[] = [];
  for (const k of event.key) {
    const column = requireColumn(table, k.column);
    keyColumns.push(column.name);
    keyTexts.push(encodeColumn(k, column));
  }
  const columns: string[] = [];
  const texts: (string | null)[] = [];
  if (event.op === 'upsert') {
    for (const v of event.values) {
      if (mayHoldPlaceholder(v) && options.unavailable.matches(v.value)) continue;
      const column = requireColumn(table, v.column);
      if (column.generated) continue;
      columns.push(column.name);
      texts.push(encodeColumn(v, column));
    }
  }
  const rowId = keyColumns.length === 0 ? `#${options.sequence}` : keyIdentity(keyTexts);
  const lists = options.columnLists;
  return {
    op: event.op,
    record: event.record,
    table,
    keyColumns: lists === undefined ? keyColumns : lists.key(keyColumns),
    keyTexts,
    columns: lists === undefined ? columns : lists.values(columns),
    texts,
    rowId,
  };
}

/**
 * JSON.stringify(keyTexts), the row identity, built directly when no text needs escaping (key texts are mostly
 * digits): JSON.stringify of a small array costs more than the rest of binding a row. A text with a quote, a
 * backslash, a control character or any surrogate (JSON.stringify escapes lone ones) goes to JSON.stringify.
 */
function keyIdentity(keyTexts: readonly (string | null)[]): string {
  let out = '[';
  for (let i = 0; i < keyTexts.length; i++) {
    const text = keyTexts[i];
    if (i > 0) out += ',';
    if (text === null || text === undefined) {
      out += 'null';
      continue;
    }
    for (let j = 0; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(keyTexts);
    }
    out += `"${text}"`;
  }
  return `${out}]`;
}

/** Debezium's placeholder is text, bytes, an array or a map; values of other schema types are never one. */
function mayHoldPlaceholder(cv: ColumnValue): boolean {
  const type = cv.schema?.type;
  return type === undefined || type === 'STRING' || type === 'BYTES' || type === 'ARRAY' || type === 'MAP';
}

function requireColumn(table: TableInfo, name: string): ColumnInfo {
  const column = table.columns.get(name);
  if (column === undefined) {
    throw new DataError(`Table ${table.displayName} has no column "${name}" (with schema.evolution=basic the sink adds missing columns)`, {
      field: name,
    });
  }
  return column;
}

function encodeColumn(cv: ColumnValue, column: ColumnInfo): string | null {
  try {
    return encodeValue(cv.value, cv.schema, column);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataError(`Column "${column.name}" (${column.declaredType}): ${reason}`, { field: column.name, cause: err });
  }
}
