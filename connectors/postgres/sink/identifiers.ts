/**
 * PostgreSQL identifiers: quoting, the case folding of unquoted names, the 63-byte limit, and schema-qualified table
 * names.
 *
 * Every identifier the sink sends is double-quoted, so names with dots, spaces, capitals or keywords can never break a
 * statement. Whether a name keeps its case is a separate choice (`quote.identifiers`): Debezium's JDBC sink leaves
 * identifiers unquoted by default, which PostgreSQL folds to lower case, so the sink folds them the same way unless
 * asked to keep them verbatim.
 */
import { DataError } from '../../../connect-runtime/api';

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server. */
export const MAX_IDENTIFIER_BYTES = 63;

/** A table, optionally in an explicit schema (otherwise the connection's search_path decides). */
export interface TableId {
  readonly schema: string | null;
  readonly name: string;
}

/** `"name"` with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new DataError(`Identifier ${JSON.stringify(name)} contains a NUL character`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`, or `"table"` when no schema was given. */
export function quoteTable(id: TableId): string {
  return id.schema === null ? quoteIdentifier(id.name) : `${quoteIdentifier(id.schema)}.${quoteIdentifier(id.name)}`;
}

/** `schema.table` as people write it, for messages and cache keys. */
export function tableDisplayName(id: TableId): string {
  return id.schema === null ? id.name : `${id.schema}.${id.name}`;
}

/**
 * The name PostgreSQL would store for `name`: folded to lower case unless `keepCase`, and cut to 63 bytes at a
 * character boundary. Doing this up front keeps cached metadata keyed by the names the server really has.
 */
export function normalizeIdentifier(name: string, keepCase: boolean): string {
  if (name.length === 0) throw new DataError('An empty string is not a valid PostgreSQL identifier');
  // PostgreSQL folds only ASCII letters in unquoted identifiers (downcase_identifier), not all of Unicode.
  const folded = keepCase || !/[A-Z]/.test(name) ? name : name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  return truncateIdentifier(folded);
}

export function truncateIdentifier(name: string): string {
  // A UTF-16 code unit never takes more than 3 bytes in UTF-8: short names need no counting.
  if (name.length * 3 <= MAX_IDENTIFIER_BYTES || Buffer.byteLength(name, 'utf8') <= MAX_IDENTIFIER_BYTES) return name;
  let bytes = 0;
  let end = 0;
  for (const ch of name) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > MAX_IDENTIFIER_BYTES) break;
    bytes += size;
    end += ch.length;
  }
  return name.slice(0, end);
}
