/**
 * Object identifiers of PostgreSQL's built-in types (pg_type.oid), as pgoutput's Relation message reports them.
 * These OIDs are fixed by the server's bootstrap catalog and identical in every database and release since 9.x;
 * extension and user types (hstore, ltree, citext, enums, domains) get a per-database OID and are resolved by the
 * caller through a PgTypeLookup (see pg-column.ts).
 */

export const PgOid = {
  BOOL: 16,
  BYTEA: 17,
  CHAR: 18,
  NAME: 19,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  TEXT: 25,
  OID: 26,
  JSON: 114,
  XML: 142,
  POINT: 600,
  LSEG: 601,
  PATH: 602,
  BOX: 603,
  POLYGON: 604,
  LINE: 628,
  CIDR: 650,
  FLOAT4: 700,
  FLOAT8: 701,
  CIRCLE: 718,
  MACADDR8: 774,
  MONEY: 790,
  MACADDR: 829,
  INET: 869,
  BPCHAR: 1042,
  VARCHAR: 1043,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  INTERVAL: 1186,
  TIMETZ: 1266,
  BIT: 1560,
  VARBIT: 1562,
  NUMERIC: 1700,
  REFCURSOR: 1790,
  UUID: 2950,
  PG_LSN: 3220,
  TSVECTOR: 3614,
  TSQUERY: 3615,
  JSONB: 3802,
  INT4RANGE: 3904,
  NUMRANGE: 3906,
  TSRANGE: 3908,
  TSTZRANGE: 3910,
  DATERANGE: 3912,
  INT8RANGE: 3926,
} as const;

/** Built-in scalar types: OID → typname. */
const SCALARS: ReadonlyArray<readonly [number, string]> = Object.entries(PgOid).map(([key, oid]) => [oid, key.toLowerCase()]);

/** Built-in array types: array OID → element OID (pg_type.typarray of each element type). */
const ARRAYS: ReadonlyArray<readonly [number, number]> = [
  [1000, PgOid.BOOL],
  [1001, PgOid.BYTEA],
  [1002, PgOid.CHAR],
  [1003, PgOid.NAME],
  [1016, PgOid.INT8],
  [1005, PgOid.INT2],
  [1007, PgOid.INT4],
  [1009, PgOid.TEXT],
  [1028, PgOid.OID],
  [199, PgOid.JSON],
  [143, PgOid.XML],
  [1017, PgOid.POINT],
  [1018, PgOid.LSEG],
  [1019, PgOid.PATH],
  [1020, PgOid.BOX],
  [1027, PgOid.POLYGON],
  [629, PgOid.LINE],
  [651, PgOid.CIDR],
  [1021, PgOid.FLOAT4],
  [1022, PgOid.FLOAT8],
  [719, PgOid.CIRCLE],
  [775, PgOid.MACADDR8],
  [791, PgOid.MONEY],
  [1040, PgOid.MACADDR],
  [1041, PgOid.INET],
  [1014, PgOid.BPCHAR],
  [1015, PgOid.VARCHAR],
  [1182, PgOid.DATE],
  [1183, PgOid.TIME],
  [1115, PgOid.TIMESTAMP],
  [1185, PgOid.TIMESTAMPTZ],
  [1187, PgOid.INTERVAL],
  [1270, PgOid.TIMETZ],
  [1561, PgOid.BIT],
  [1563, PgOid.VARBIT],
  [1231, PgOid.NUMERIC],
  [2201, PgOid.REFCURSOR],
  [2951, PgOid.UUID],
  [3221, PgOid.PG_LSN],
  [3643, PgOid.TSVECTOR],
  [3645, PgOid.TSQUERY],
  [3807, PgOid.JSONB],
  [3905, PgOid.INT4RANGE],
  [3907, PgOid.NUMRANGE],
  [3909, PgOid.TSRANGE],
  [3911, PgOid.TSTZRANGE],
  [3913, PgOid.DATERANGE],
  [3927, PgOid.INT8RANGE],
];

const NAMES: ReadonlyMap<number, string> = new Map(SCALARS);
const ELEMENTS: ReadonlyMap<number, number> = new Map(ARRAYS);
const ARRAY_OF: ReadonlyMap<number, number> = new Map(ARRAYS.map(([array, element]) => [element, array]));

/** The typname of a built-in type (`int4`, `_int4`, ...), or undefined for OIDs this table does not know. */
export function builtinTypeName(oid: number): string | undefined {
  const scalar = NAMES.get(oid);
  if (scalar !== undefined) return scalar;
  const element = ELEMENTS.get(oid);
  return element === undefined ? undefined : `_${NAMES.get(element) ?? element}`;
}

/** The element OID of a built-in array type, or undefined when `oid` is not one. */
export function builtinArrayElement(oid: number): number | undefined {
  return ELEMENTS.get(oid);
}

/** The array type OID of a built-in element type (`int4` → `_int4`), or undefined. */
export function builtinArrayOf(elementOid: number): number | undefined {
  return ARRAY_OF.get(elementOid);
}
