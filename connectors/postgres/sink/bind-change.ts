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
  const rowId = keyColumns.length === 0 ? `#${options.sequence}` : JSON.stringify(keyTexts);
  return { op: event.op, record: event.record, table, keyColumns, keyTexts, columns, texts, rowId };
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
