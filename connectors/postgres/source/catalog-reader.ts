/**
 * Table and type metadata from the system catalog (pg_class, pg_attribute, pg_attrdef, pg_index, pg_type,
 * pg_enum): what pgoutput does not say about a table - primary key, NOT NULL, defaults - and what non-built-in
 * type OIDs are (enums with their labels, arrays, domains, extension types). Every column is cast to text, so the
 * answers read the same on a raw-text client (the snapshot's) and a parsing one (the metadata connection's).
 */
import type { Client } from 'pg';
import { builtinTypeName, type PgTypeDescriptor, type PgTypeLookup } from '../events';
import { toReplicationError } from '../replication';
import type { TableFilter } from './table-filters';

type Sql = Pick<Client, 'query'>;

export interface CatalogTable {
  oid: number;
  schema: string;
  table: string;
  /** pg_class.reltuples: the planner's row estimate (-1 or 0 when never analysed). */
  estimatedRows: number;
}

export interface CatalogColumn {
  name: string;
  typeOid: number;
  typeModifier: number;
  notNull: boolean;
  /** pg_get_expr of the default, e.g. `'x'::text` or `nextval('t_id_seq'::regclass)`. */
  defaultExpression: string | null;
  /** Generated columns are never sent by pgoutput (before PostgreSQL 18). */
  generated: boolean;
}

export interface CatalogTableFacts {
  oid: number;
  schema: string;
  table: string;
  columns: CatalogColumn[];
  /** Primary key column names in key order; empty without a primary key. */
  primaryKey: string[];
}

async function rows<R>(sql: Sql, text: string, params: unknown[], operation: string): Promise<R[]> {
  try {
    return (await sql.query<R & Record<string, unknown>>(text, params)).rows;
  } catch (error) {
    throw toReplicationError(error, { operation });
  }
}

/** The ordinary tables (and leaf partitions) the filter captures, in schema/table order. */
export async function listCapturedTables(sql: Sql, filter: TableFilter): Promise<CatalogTable[]> {
  const found = await rows<{ oid: string; nspname: string; relname: string; reltuples: string }>(
    sql,
    `SELECT c.oid::text AS oid, n.nspname, c.relname, c.reltuples::int8::text AS reltuples
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
      ORDER BY n.nspname, c.relname`,
    [],
    'listing the tables to capture',
  );
  return found
    .filter((r) => filter(r.nspname, r.relname))
    .map((r) => ({ oid: Number(r.oid), schema: r.nspname, table: r.relname, estimatedRows: Math.max(0, Number(r.reltuples)) }));
}

/** Columns, defaults and primary keys of the given relations; relations that no longer exist are absent. */
export async function readTableFacts(sql: Sql, oids: readonly number[]): Promise<Map<number, CatalogTableFacts>> {
  const out = new Map<number, CatalogTableFacts>();
  if (oids.length === 0) return out;
  const ids = oids.map(String);
  const tables = await rows<{ oid: string; nspname: string; relname: string }>(
    sql,
    `SELECT c.oid::text AS oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ANY($1::oid[])`,
    [ids],
    'reading table definitions',
  );
  for (const t of tables) out.set(Number(t.oid), { oid: Number(t.oid), schema: t.nspname, table: t.relname, columns: [], primaryKey: [] });
  const columns = await rows<{ relid: string; attname: string; atttypid: string; atttypmod: string; attnotnull: string; generated: string | null; def: string | null }>(
    sql,
    `SELECT a.attrelid::text AS relid, a.attname, a.atttypid::text AS atttypid, a.atttypmod::text AS atttypmod, a.attnotnull::text AS attnotnull,
            to_jsonb(a) ->> 'attgenerated' AS generated, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [ids],
    'reading column definitions',
  );
  for (const c of columns) {
    out.get(Number(c.relid))?.columns.push({
      name: c.attname,
      typeOid: Number(c.atttypid),
      typeModifier: Number(c.atttypmod),
      notNull: c.attnotnull === 'true' || c.attnotnull === 't',
      defaultExpression: c.def,
      generated: c.generated !== null && c.generated !== '',
    });
  }
  const keys = await rows<{ relid: string; attname: string }>(
    sql,
    `SELECT i.indrelid::text AS relid, a.attname
       FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indisprimary AND i.indrelid = ANY($1::oid[])
      ORDER BY i.indrelid, k.ord`,
    [ids],
    'reading primary keys',
  );
  for (const k of keys) out.get(Number(k.relid))?.primaryKey.push(k.attname);
  return out;
}

/**
 * Descriptors of non-built-in types by OID, loaded on demand and following array elements and domain bases, so
 * that the codec resolver can see through `_mood`, `price` (a domain over numeric) or `hstore`.
 */
export class TypeRegistry {
  private readonly types = new Map<number, PgTypeDescriptor>();
  readonly lookup: PgTypeLookup = (oid) => this.types.get(oid);

  get size(): number {
    return this.types.size;
  }

  /** Loads the descriptors of `oids` (and of the types they refer to); `refresh` re-reads known ones. */
  async load(sql: Sql, oids: Iterable<number>, options: { refresh?: boolean } = {}): Promise<void> {
    let pending = [...new Set(oids)].filter((oid) => builtinTypeName(oid) === undefined && (options.refresh || !this.types.has(oid)));
    const seen = new Set<number>();
    while (pending.length > 0) {
      for (const oid of pending) seen.add(oid);
      const found = await rows<{ oid: string; typname: string; typtype: string; typcategory: string; typelem: string; typbasetype: string; typtypmod: string; labels: string }>(
        sql,
        `SELECT t.oid::text AS oid, t.typname, t.typtype::text AS typtype, t.typcategory::text AS typcategory, t.typelem::text AS typelem,
                t.typbasetype::text AS typbasetype, t.typtypmod::text AS typtypmod,
                COALESCE((SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '[]')::text AS labels
           FROM pg_type t WHERE t.oid = ANY($1::oid[])`,
        [pending.map(String)],
        'reading type definitions',
      );
      const next: number[] = [];
      for (const t of found) {
        const descriptor = describeType(t);
        this.types.set(Number(t.oid), descriptor);
        const ref = descriptor.kind === 'array' ? descriptor.elementOid : descriptor.kind === 'domain' ? descriptor.baseOid : undefined;
        if (ref !== undefined && builtinTypeName(ref) === undefined && !seen.has(ref) && (options.refresh || !this.types.has(ref))) next.push(ref);
      }
      pending = next;
    }
  }

  isEnum(oid: number): boolean {
    return this.types.get(oid)?.kind === 'enum';
  }
}

function describeType(t: { typname: string; typtype: string; typcategory: string; typelem: string; typbasetype: string; typtypmod: string; labels: string }): PgTypeDescriptor {
  if (t.typtype === 'e') return { kind: 'enum', name: t.typname, labels: JSON.parse(t.labels) as string[] };
  if (t.typtype === 'd') return { kind: 'domain', name: t.typname, baseOid: Number(t.typbasetype), baseTypeModifier: Number(t.typtypmod) };
  if (t.typcategory === 'A' && Number(t.typelem) !== 0) return { kind: 'array', name: t.typname, elementOid: Number(t.typelem) };
  return { kind: 'base', name: t.typname };
}
