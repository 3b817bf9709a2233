/** DDL for schema evolution: CREATE TABLE with a primary key, ADD COLUMN. Idempotent, so racing tasks both succeed. */
import { quoteIdentifier, quoteTable, type TableId } from './identifiers';

export interface ColumnDefinition {
  readonly name: string;
  /** A PostgreSQL type as written in DDL, e.g. `numeric(10,2)` or `text[]`. */
  readonly type: string;
  readonly notNull: boolean;
}

export function createTableSql(id: TableId, columns: readonly ColumnDefinition[], primaryKey: readonly string[]): string {
  const parts = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
  if (primaryKey.length > 0) parts.push(`PRIMARY KEY (${primaryKey.map(quoteIdentifier).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(id)} (${parts.join(', ')})`;
}

/** New columns are always nullable: the table already has rows that lack them. */
export function addColumnsSql(tableSqlName: string, columns: readonly ColumnDefinition[]): string {
  return `ALTER TABLE ${tableSqlName} ${columns.map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdentifier(c.name)} ${c.type}`).join(', ')}`;
}

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`;
}
