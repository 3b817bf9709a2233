/**
 * Parameterised DML over many rows at once. Identifiers are always quoted; values travel as text and are cast to
 * their column's type without modifiers, so the column's own limits (varchar length, numeric precision) are enforced
 * on assignment and reported as errors instead of silently truncating.
 *
 * Rows are passed column-wise: one parameter per column, a text[] in PostgreSQL's binary array format, expanded by
 * unnest() and cast to the column's type in the statement, so a statement has as many parameters as columns whatever
 * its row count and the server parses one short statement. The binary form carries each text as it is (a length and
 * its UTF-8 bytes): a text array literal has to quote every element and escape every quote and backslash in it, which
 * the server then parses back, and for JSON texts, full of quotes, that was the largest single cost of a row on both
 * sides (measured on a 7-column row with a jsonb column, PostgreSQL 15: about 4 of 16 server CPU-µs per row). Texts
 * rather than typed binary values keep every value going through its type's own input function, exactly as a
 * literal would, and make arrays of any type usable too (an array column's value is one text element).
 *
 * This was also measured against COPY into a temporary staging table followed by INSERT ... SELECT: cheaper for the
 * server on batches of a thousand rows and more, but clearing the staging table at every commit costs about as much
 * as it saves on the batches of a few hundred rows a put typically carries.
 *
 *   insert  INSERT INTO t (k, a) SELECT __v.k::K, __v.a::A FROM unnest($1::text[], $2::text[]) AS __v (k, a)
 *   upsert  ... ON CONFLICT (k) DO UPDATE SET a = EXCLUDED.a          (DO NOTHING when only key columns are written)
 *   update  UPDATE t AS __t SET a = __v.a::A FROM unnest($1::text[], $2::text[]) AS __v (k, a) WHERE __t.k = __v.k::K
 *   delete  DELETE FROM t AS __t USING unnest($1::text[]) AS __v (k) WHERE __t.k = __v.k::K
 */
import { quoteIdentifier } from './identifiers';
import type { ColumnInfo, TableInfo } from './table-metadata';

/** A bound parameter: a Buffer travels in binary format, a string as text. */
export type StatementParam = string | Buffer | null;

export interface SqlStatement {
  readonly sql: string;
  readonly params: StatementParam[];
}

/** Row values, in the order of the column list the statement was built for. */
export type RowTexts = readonly (string | null)[];

export function insertStatement(options: {
  table: TableInfo;
  columns: readonly string[];
  rows: readonly RowTexts[];
  /** For upserts: the conflict target (the key columns). */
  conflictKey?: readonly string[];
}): SqlStatement {
  const { table, columns, rows, conflictKey } = options;
  const values = columns.map((c) => castValue(table, c)).join(', ');
  let sql = `INSERT INTO ${table.sqlName} (${columnList(columns)}) SELECT ${values} FROM ${rowSource(columns)}`;
  if (conflictKey !== undefined) {
    const updates = columns.filter((c) => !conflictKey.includes(c));
    const target = columnList(conflictKey);
    sql +=
      updates.length === 0
        ? ` ON CONFLICT (${target}) DO NOTHING`
        : ` ON CONFLICT (${target}) DO UPDATE SET ${updates.map((c) => `${quoteIdentifier(c)} = EXCLUDED.${quoteIdentifier(c)}`).join(', ')}`;
  }
  return { sql, params: binaryTextArrays(rows, columns.length) };
}

/** Rows are the key values followed by the values to set. */
export function updateStatement(options: { table: TableInfo; keyColumns: readonly string[]; setColumns: readonly string[]; rows: readonly RowTexts[] }): SqlStatement {
  const { table, keyColumns, setColumns, rows } = options;
  const all = [...keyColumns, ...setColumns];
  const sets = setColumns.map((c) => `${quoteIdentifier(c)} = ${castValue(table, c)}`).join(', ');
  return {
    sql: `UPDATE ${table.sqlName} AS __t SET ${sets} FROM ${rowSource(all)} WHERE ${keyMatch(table, keyColumns)}`,
    params: binaryTextArrays(rows, all.length),
  };
}

export function deleteStatement(options: { table: TableInfo; keyColumns: readonly string[]; rows: readonly RowTexts[] }): SqlStatement {
  const { table, keyColumns, rows } = options;
  return {
    sql: `DELETE FROM ${table.sqlName} AS __t USING ${rowSource(keyColumns)} WHERE ${keyMatch(table, keyColumns)}`,
    params: binaryTextArrays(rows, keyColumns.length),
  };
}

export function truncateStatement(table: TableInfo): SqlStatement {
  return { sql: `TRUNCATE TABLE ${table.sqlName}`, params: [] };
}

/** The rows as the relation __v, one text column per statement column, named as the columns. */
function rowSource(columns: readonly string[]): string {
  return `unnest(${columns.map((_, i) => `$${i + 1}::pg_catalog.text[]`).join(', ')}) AS __v (${columnList(columns)})`;
}

/** Column `name` of __v as a value of the table's column type. */
function castValue(table: TableInfo, name: string): string {
  return `__v.${quoteIdentifier(name)}::${columnOf(table, name).castType}`;
}

function keyMatch(table: TableInfo, keyColumns: readonly string[]): string {
  return keyColumns.map((c) => `__t.${quoteIdentifier(c)} = ${castValue(table, c)}`).join(' AND ');
}

function columnList(columns: readonly string[]): string {
  return columns.map(quoteIdentifier).join(', ');
}

function columnOf(table: TableInfo, name: string): ColumnInfo {
  const column = table.columns.get(name);
  if (column === undefined) throw new Error(`Internal error: column ${name} of ${table.displayName} is not known`);
  return column;
}

/** pg_type.oid of text, fixed in every PostgreSQL release. */
const TEXT_OID = 25;
/** ndim, flags, element type, then the length and lower bound of the single dimension. */
const ARRAY_HEADER_BYTES = 20;
/** A UTF-16 code unit never takes more than three bytes of UTF-8. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * Column c of the rows, for every c < columnCount, as one-dimensional text[] values in the binary format array_recv
 * reads (array_send's output): a header, then each element as a 32-bit length (-1 for NULL) and its UTF-8 bytes.
 * The arrays share one buffer, sized for the worst case so that each text is encoded once, straight into place.
 */
export function binaryTextArrays(rows: readonly RowTexts[], columnCount: number): Buffer[] {
  const buffer = Buffer.allocUnsafe(worstCaseBytes(rows, columnCount));
  const arrays = new Array<Buffer>(columnCount);
  let end = 0;
  for (let c = 0; c < columnCount; c++) {
    const start = end;
    end = writeTextArray(buffer, start, rows, c);
    arrays[c] = buffer.subarray(start, end);
  }
  return arrays;
}

function worstCaseBytes(rows: readonly RowTexts[], columnCount: number): number {
  let bytes = columnCount * ARRAY_HEADER_BYTES + rows.length * columnCount * 4;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as RowTexts;
    for (let c = 0; c < columnCount; c++) bytes += (row[c]?.length ?? 0) * MAX_UTF8_BYTES_PER_UNIT;
  }
  return bytes;
}

/** Writes column c of the rows at `start`; returns where the array ends. */
function writeTextArray(buffer: Buffer, start: number, rows: readonly RowTexts[], c: number): number {
  // An empty array has no dimensions (and no dimension fields) in PostgreSQL.
  buffer.writeInt32BE(rows.length === 0 ? 0 : 1, start);
  buffer.writeInt32BE(TEXT_OID, start + 8);
  if (rows.length === 0) {
    buffer.writeInt32BE(0, start + 4);
    return start + 12;
  }
  buffer.writeInt32BE(rows.length, start + 12);
  buffer.writeInt32BE(1, start + 16);
  let at = start + ARRAY_HEADER_BYTES;
  let hasNull = 0;
  for (let r = 0; r < rows.length; r++) {
    const text = (rows[r] as RowTexts)[c];
    if (text === null || text === undefined) {
      buffer.writeInt32BE(-1, at);
      at += 4;
      hasNull = 1;
      continue;
    }
    const length = writeUtf8(buffer, text, at + 4);
    buffer.writeInt32BE(length, at);
    at += 4 + length;
  }
  buffer.writeInt32BE(hasNull, start + 4);
  return at;
}

/** Texts up to this long are copied byte by byte when they are ASCII; longer ones go to Buffer.write at once. */
const SHORT_TEXT = 64;

/**
 * Writes `text` as UTF-8 at `at` and returns its length in bytes. Most texts are short and ASCII (numbers, names,
 * timestamps, UUIDs): copying their characters here measured about twice as fast as a call to Buffer.write each,
 * whose argument checks cost more than the copy itself.
 */
function writeUtf8(buffer: Buffer, text: string, at: number): number {
  const length = text.length;
  if (length > SHORT_TEXT) return buffer.write(text, at);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    // Anything beyond ASCII: start over with the real encoder.
    if (code >= 0x80) return buffer.write(text, at);
    buffer[at + i] = code;
  }
  return length;
}
