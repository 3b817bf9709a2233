/**
 * Parameterised DML over many rows at once. Identifiers are always quoted; values travel as text and are cast to
 * their column's type without modifiers, so the column's own limits (varchar length, numeric precision) are enforced
 * on assignment and reported as errors instead of silently truncating.
 *
 * Rows are passed column-wise: one array parameter per column, expanded by unnest(), so a statement has as many
 * parameters as columns whatever its row count and the server parses one short statement. Measured against a
 * multi-row VALUES list with one parameter per value (20,000 rows of 10 columns, PostgreSQL 15, same machine) this
 * was about 2.5x faster, and about as fast as COPY into a staging table followed by INSERT ... SELECT, which needs
 * more round trips per batch. unnest() flattens nested arrays, so rows with an array-typed column use the VALUES
 * form instead.
 *
 *   insert  INSERT INTO t (k, a) SELECT * FROM unnest($1::K[], $2::A[])
 *   upsert  ... ON CONFLICT (k) DO UPDATE SET a = EXCLUDED.a          (DO NOTHING when only key columns are written)
 *   update  UPDATE t AS __t SET a = __v.a FROM unnest($1::K[], $2::A[]) AS __v (k, a) WHERE __t.k = __v.k
 *   delete  DELETE FROM t AS __t USING unnest($1::K[]) AS __v (k) WHERE __t.k = __v.k
 */
import { quoteIdentifier } from './identifiers';
import type { ColumnInfo, TableInfo } from './table-metadata';

export interface SqlStatement {
  readonly sql: string;
  readonly params: (string | null)[];
}

/** PostgreSQL's limit on the parameters of one statement (a 16-bit count in the protocol). */
export const MAX_PARAMETERS = 65_535;

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
  const source = rowSource(table, columns, rows);
  const rowsSql = source.kind === 'unnest' ? `SELECT * FROM ${source.sql}` : `VALUES ${source.sql}`;
  let sql = `INSERT INTO ${table.sqlName} (${columns.map(quoteIdentifier).join(', ')}) ${rowsSql}`;
  if (conflictKey !== undefined) {
    const updates = columns.filter((c) => !conflictKey.includes(c));
    const target = conflictKey.map(quoteIdentifier).join(', ');
    sql +=
      updates.length === 0
        ? ` ON CONFLICT (${target}) DO NOTHING`
        : ` ON CONFLICT (${target}) DO UPDATE SET ${updates.map((c) => `${quoteIdentifier(c)} = EXCLUDED.${quoteIdentifier(c)}`).join(', ')}`;
  }
  return { sql, params: source.params };
}

/** Rows are the key values followed by the values to set. */
export function updateStatement(options: { table: TableInfo; keyColumns: readonly string[]; setColumns: readonly string[]; rows: readonly RowTexts[] }): SqlStatement {
  const { table, keyColumns, setColumns, rows } = options;
  const all = [...keyColumns, ...setColumns];
  const sets = setColumns.map((c) => `${quoteIdentifier(c)} = __v.${quoteIdentifier(c)}`).join(', ');
  const source = relation(table, all, rows);
  return { sql: `UPDATE ${table.sqlName} AS __t SET ${sets} FROM ${source.sql} WHERE ${keyMatch(keyColumns)}`, params: source.params };
}

export function deleteStatement(options: { table: TableInfo; keyColumns: readonly string[]; rows: readonly RowTexts[] }): SqlStatement {
  const { table, keyColumns, rows } = options;
  const source = relation(table, keyColumns, rows);
  return { sql: `DELETE FROM ${table.sqlName} AS __t USING ${source.sql} WHERE ${keyMatch(keyColumns)}`, params: source.params };
}

export function truncateStatement(table: TableInfo): SqlStatement {
  return { sql: `TRUNCATE TABLE ${table.sqlName}`, params: [] };
}

/** How many rows go into one statement: batch.size, and within the parameter limit when values are bound one by one. */
export function rowsPerStatement(table: TableInfo, columns: readonly string[], batchSize: number): number {
  if (!columns.some((c) => isArrayColumn(columnOf(table, c)))) return Math.max(1, batchSize);
  return Math.max(1, Math.min(batchSize, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length))));
}

/** A PostgreSQL array literal of texts: every element quoted (valid for any element type), NULL for null. */
export function textArrayLiteral(texts: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < texts.length; i++) {
    if (i > 0) out += ',';
    out += arrayElement(texts[i]);
  }
  return `${out}}`;
}

/** The literal of column `c` of the rows, as textArrayLiteral of that column (without gathering it first). */
function columnArrayLiteral(rows: readonly RowTexts[], c: number): string {
  let out = '{';
  for (let r = 0; r < rows.length; r++) {
    if (r > 0) out += ',';
    out += arrayElement((rows[r] as RowTexts)[c]);
  }
  return `${out}}`;
}

/**
 * One quoted element: backslashes and quotes escaped with a backslash. Most texts (numbers, names, timestamps) have
 * neither character and are only wrapped in quotes; the others (JSON, typically) are copied in pieces between the
 * characters indexOf finds, which measured faster here than a replace with a regular expression or replaceAll.
 */
function arrayElement(text: string | null | undefined): string {
  if (text === null || text === undefined) return 'NULL';
  let backslash = text.indexOf('\\');
  let quote = text.indexOf('"');
  if (backslash < 0 && quote < 0) return `"${text}"`;
  let out = '"';
  let copied = 0;
  while (backslash >= 0 || quote >= 0) {
    const at = backslash < 0 ? quote : quote < 0 ? backslash : Math.min(backslash, quote);
    // Everything up to the character, then the escaping backslash; the character itself starts the next piece.
    out += `${text.slice(copied, at)}\\`;
    copied = at;
    if (at === backslash) backslash = text.indexOf('\\', at + 1);
    else quote = text.indexOf('"', at + 1);
  }
  return `${out}${text.slice(copied)}"`;
}

function keyMatch(keyColumns: readonly string[]): string {
  return keyColumns.map((c) => `__t.${quoteIdentifier(c)} = __v.${quoteIdentifier(c)}`).join(' AND ');
}

/** The rows as a relation named __v with the columns' names, for UPDATE ... FROM and DELETE ... USING. */
function relation(table: TableInfo, columns: readonly string[], rows: readonly RowTexts[]): { sql: string; params: (string | null)[] } {
  const source = rowSource(table, columns, rows);
  const names = columns.map(quoteIdentifier).join(', ');
  return { sql: source.kind === 'unnest' ? `${source.sql} AS __v (${names})` : `(VALUES ${source.sql}) AS __v (${names})`, params: source.params };
}

function rowSource(table: TableInfo, columns: readonly string[], rows: readonly RowTexts[]): { kind: 'unnest' | 'values'; sql: string; params: (string | null)[] } {
  const infos = columns.map((c) => columnOf(table, c));
  if (infos.some(isArrayColumn)) return { kind: 'values', ...valuesList(infos, rows) };
  const params = infos.map((_, c) => columnArrayLiteral(rows, c));
  return { kind: 'unnest', sql: `unnest(${infos.map((info, c) => `$${c + 1}::${info.castType}[]`).join(', ')})`, params };
}

function valuesList(infos: readonly ColumnInfo[], rows: readonly RowTexts[]): { sql: string; params: (string | null)[] } {
  const casts = infos.map((info) => `::${info.castType}`);
  const params: (string | null)[] = [];
  const tuples: string[] = new Array<string>(rows.length);
  let n = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as RowTexts;
    const slots: string[] = new Array<string>(casts.length);
    for (let c = 0; c < casts.length; c++) {
      slots[c] = `$${++n}${casts[c] as string}`;
      params.push(row[c] ?? null);
    }
    tuples[r] = `(${slots.join(', ')})`;
  }
  return { sql: tuples.join(', '), params };
}

function isArrayColumn(info: ColumnInfo): boolean {
  return info.category === 'A';
}

function columnOf(table: TableInfo, name: string): ColumnInfo {
  const column = table.columns.get(name);
  if (column === undefined) throw new Error(`Internal error: column ${name} of ${table.displayName} is not known`);
  return column;
}
