/**
 * What the sink knows about a target table: its columns with their actual types (so values are written to what the
 * table really has, not to what the record's schema suggests), its primary key and unique indexes. Read from the
 * catalogs once per table and cached; invalidated when the sink changes the table or a statement finds it changed.
 */
import type { ClientBase } from 'pg';
import { quoteTable, tableDisplayName, type TableId } from './identifiers';
import type { ColumnType } from './value-encoding';

export interface ColumnInfo extends ColumnType {
  readonly name: string;
  /** The declared type as PostgreSQL prints it, with modifiers: `character varying(20)`, `numeric(10,2)`. */
  readonly declaredType: string;
  /**
   * The type parameters are cast to: schema-qualified and quoted, without modifiers, so that the column's own
   * assignment rules (length limits, numeric precision) apply and report overflows instead of silently truncating.
   */
  readonly castType: string;
  readonly notNull: boolean;
  /** Generated columns cannot be written. */
  readonly generated: boolean;
}

export interface TableInfo {
  readonly id: TableId;
  /** The quoted, schema-qualified name used in statements. */
  readonly sqlName: string;
  /** `schema.table` for messages. */
  readonly displayName: string;
  readonly columns: ReadonlyMap<string, ColumnInfo>;
  readonly primaryKey: readonly string[];
  /** Column lists of the primary key and every unique, non-partial index over plain columns. */
  readonly uniqueKeys: readonly (readonly string[])[];
}

const RELATION_SQL = `
SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = pg_catalog.to_regclass($1) AND c.relkind IN ('r', 'p', 'f', 'v')`;

// Domains are resolved to their base type for encoding (a domain over jsonb takes JSON), while parameters are still
// cast to the domain itself so that its constraints apply.
const COLUMNS_SQL = `
SELECT a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS declared_type,
       pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t.typname) AS cast_type,
       bt.typname AS typname, bt.typcategory AS category,
       et.typname AS element_typname, et.typcategory AS element_category,
       a.attnotnull AS not_null, a.attgenerated <> '' AS generated
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  LEFT JOIN pg_catalog.pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
 WHERE a.attrelid = $1::int8::oid AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum`;

const UNIQUE_KEYS_SQL = `
SELECT i.indisprimary AS is_primary,
       ARRAY(SELECT a.attname::text
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns
  FROM pg_catalog.pg_index i
 WHERE i.indrelid = $1::int8::oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
 ORDER BY i.indisprimary DESC, i.indexrelid`;

interface ColumnRow {
  name: string;
  declared_type: string;
  cast_type: string;
  typname: string;
  category: string;
  element_typname: string | null;
  element_category: string | null;
  not_null: boolean;
  generated: boolean;
}

/** Reads a table's metadata, or returns null when there is no such table (or view) on the search path. */
export async function loadTableInfo(client: ClientBase, id: TableId): Promise<TableInfo | null> {
  const relation = await client.query<{ oid: string; schema: string; name: string }>(RELATION_SQL, [quoteTable(id)]);
  const rel = relation.rows[0];
  if (rel === undefined) return null;
  const [columnRows, keyRows] = [
    await client.query<ColumnRow>(COLUMNS_SQL, [rel.oid]),
    await client.query<{ is_primary: boolean; columns: string[] }>(UNIQUE_KEYS_SQL, [rel.oid]),
  ];
  const columns = new Map<string, ColumnInfo>();
  for (const row of columnRows.rows) {
    columns.set(row.name, {
      name: row.name,
      declaredType: row.declared_type,
      castType: row.cast_type,
      typname: row.typname,
      category: row.category,
      element: row.element_typname === null ? null : { typname: row.element_typname, category: row.element_category ?? 'U', element: null },
      notNull: row.not_null,
      generated: row.generated,
    });
  }
  // The id as resolved: an unqualified name is pinned to the schema the search path found it in.
  const resolved: TableId = { schema: rel.schema, name: rel.name };
  return {
    id: resolved,
    sqlName: quoteTable(resolved),
    displayName: tableDisplayName(resolved),
    columns,
    primaryKey: keyRows.rows.find((r) => r.is_primary)?.columns ?? [],
    uniqueKeys: keyRows.rows.map((r) => r.columns),
  };
}

/** Table metadata by the name records resolve to; entries live until invalidated. */
export class TableMetadataCache {
  private readonly tables = new Map<string, TableInfo>();

  async get(client: ClientBase, id: TableId): Promise<TableInfo | null> {
    const key = cacheKey(id);
    const cached = this.tables.get(key);
    if (cached !== undefined) return cached;
    const info = await loadTableInfo(client, id);
    // A missing table is not cached: it may be created at any time, by the sink or by someone else.
    if (info !== null) this.tables.set(key, info);
    return info;
  }

  async refresh(client: ClientBase, id: TableId): Promise<TableInfo | null> {
    this.invalidate(id);
    return this.get(client, id);
  }

  invalidate(id: TableId): void {
    this.tables.delete(cacheKey(id));
  }

  /** Drops every entry whose resolved table is `resolved` (several names may resolve to one table). */
  invalidateResolved(resolved: TableId): void {
    for (const [key, info] of this.tables) {
      if (info.id.schema === resolved.schema && info.id.name === resolved.name) this.tables.delete(key);
    }
  }

  clear(): void {
    this.tables.clear();
  }
}

function cacheKey(id: TableId): string {
  return `${id.schema ?? ''}\u0000${id.name}`;
}
