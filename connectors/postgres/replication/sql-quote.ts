/**
 * Quoting for SQL text that cannot take bind parameters: replication commands (the walsender accepts only the
 * simple query protocol), DDL such as CREATE PUBLICATION, and SET TRANSACTION SNAPSHOT.
 */
import { ReplicationError, ReplicationErrorCode } from './errors';

export interface TableName {
  schema: string;
  table: string;
}

/** Always quotes, so that case and special characters survive exactly as given. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw invalid('an SQL identifier must not be empty');
  if (name.includes('\0')) throw invalid(`SQL identifier ${JSON.stringify(name)} contains a NUL character`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal; uses the E'' form when backslashes occur so it means the same whatever standard_conforming_strings says. */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw invalid('an SQL string literal cannot contain a NUL character');
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

export function quoteTable(name: TableName): string {
  return `${quoteIdent(name.schema)}.${quoteIdent(name.table)}`;
}

/** `schema.table` for messages (unquoted, as people write it). */
export function tableLabel(name: TableName): string {
  return `${name.schema}.${name.table}`;
}

const SLOT_NAME = /^[a-z0-9_]{1,63}$/;

/** The server's own rule (ReplicationSlotValidateName), checked up front for a clearer message. */
export function validateSlotName(name: string): void {
  if (!SLOT_NAME.test(name)) {
    throw invalid(
      `invalid replication slot name ${JSON.stringify(name)}: use 1 to 63 lower-case letters, digits and underscores`,
    );
  }
}

function invalid(message: string): ReplicationError {
  return new ReplicationError(message, { code: ReplicationErrorCode.INVALID_ARGUMENT });
}
