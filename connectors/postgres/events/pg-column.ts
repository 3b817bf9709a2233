/**
 * The input model of event building: a relation (table) and its columns as the pgoutput decoder reports them, plus
 * the facts the decoder cannot know by itself (primary key membership, NOT NULL, defaults, non-built-in types).
 *
 * Column values are pgoutput's TEXT representation (what the type's output function prints under DateStyle=ISO,
 * IntervalStyle=postgres or iso_8601, bytea_output=hex), null for SQL NULL, or UNCHANGED_TOAST for tuple kind 'u'
 * (an unchanged out-of-line value that the server did not send).
 */

/** Marker for pgoutput tuple kind 'u': the column holds an unchanged TOASTed value whose bytes were not sent. */
export const UNCHANGED_TOAST: unique symbol = Symbol.for('sluice.postgres.unchangedToast');
export type UnchangedToast = typeof UNCHANGED_TOAST;

/** One column value of a row: text, SQL NULL, or the unchanged-TOAST marker. */
export type PgColumnValue = string | null | UnchangedToast;

/** A row: one value per column of the relation, in the relation's column order. */
export type PgRow = readonly PgColumnValue[];

export interface PgColumn {
  name: string;
  /** pg_attribute.atttypid as sent in the Relation message. */
  typeOid: number;
  /** pg_attribute.atttypmod as sent in the Relation message (-1 when the type has no modifier). */
  typeModifier: number;
  /**
   * Whether the column belongs to the table's primary key. Take this from the catalog, not from the Relation
   * message's flag: with REPLICA IDENTITY FULL pgoutput flags every column.
   */
  isKey: boolean;
  /** False for NOT NULL columns. */
  optional: boolean;
  /**
   * The column default as a literal in the type's text form (e.g. `0.00`, `pending`), if it has a literal
   * default. It becomes the field schema's default, as Debezium does; function defaults should be left out.
   */
  defaultValueText?: string | null;
}

export interface PgRelation {
  /** pg_class.oid, the key of the schema cache. */
  relationId: number;
  /** Namespace as sent by pgoutput (`public`, ...). */
  schema: string;
  table: string;
  columns: readonly PgColumn[];
}

/**
 * What the caller knows about a type that is not built in (its OID is assigned per database). The decoder gets
 * these from pg_type (typtype, typcategory, typelem, typbasetype, pg_enum) or from pgoutput's Type messages.
 */
export type PgTypeDescriptor =
  /** An enum type with its labels in pg_enum.enumsortorder order. */
  | { kind: 'enum'; name: string; labels: readonly string[] }
  /** An array type over `elementOid` (pg_type.typelem). */
  | { kind: 'array'; name: string; elementOid: number }
  /** A domain over `baseOid` (pg_type.typbasetype) with the domain's own modifier (pg_type.typtypmod). */
  | { kind: 'domain'; name: string; baseOid: number; baseTypeModifier: number }
  /** Any other type, recognised by name: `hstore`, `ltree`, `citext`, `isbn`, ... */
  | { kind: 'base'; name: string };

/** Resolves non-built-in type OIDs; returns undefined for unknown OIDs. */
export type PgTypeLookup = (oid: number) => PgTypeDescriptor | undefined;

/** A lookup over a fixed map, handy for tests and for decoders that cache pg_type rows. */
export function typeLookupFrom(types: ReadonlyMap<number, PgTypeDescriptor> | Readonly<Record<number, PgTypeDescriptor>>): PgTypeLookup {
  if (types instanceof Map) return (oid) => types.get(oid);
  const record = types as Readonly<Record<number, PgTypeDescriptor>>;
  return (oid) => record[oid];
}
