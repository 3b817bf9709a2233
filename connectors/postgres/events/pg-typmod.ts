/**
 * Column length and scale derived from a type modifier (atttypmod), the way the PostgreSQL JDBC driver reports them
 * (TypeInfoCache.getPrecision/getScale). Debezium's schemas depend on these numbers: numeric precision and scale,
 * the fraction digits of time types, the bit count of bit(n). Array types use their element's rules.
 */
import { builtinArrayElement, PgOid } from './pg-type-oids';

/** What the JDBC driver reports for lengths it cannot know (its `unknownLength` default, Integer.MAX_VALUE). */
export const UNKNOWN_LENGTH = 2147483647;

/** The length the driver reports for unconstrained numeric (the display size of its largest value). */
export const VARIABLE_NUMERIC_LENGTH = 131089;

function baseOf(oid: number): number {
  return builtinArrayElement(oid) ?? oid;
}

/** The column length ("precision") for a type and modifier. */
export function columnLength(oid: number, typeModifier: number): number {
  switch (baseOf(oid)) {
    case PgOid.NUMERIC:
      // Unconstrained numeric reports precision 0 and then falls back to the display size.
      return typeModifier === -1 ? VARIABLE_NUMERIC_LENGTH : ((typeModifier - 4) >> 16) & 0xffff;
    case PgOid.BPCHAR:
    case PgOid.VARCHAR:
      return typeModifier === -1 ? UNKNOWN_LENGTH : typeModifier - 4;
    case PgOid.BIT:
      return typeModifier;
    case PgOid.VARBIT:
      return typeModifier === -1 ? UNKNOWN_LENGTH : typeModifier;
    case PgOid.INT2:
      return 5;
    case PgOid.INT4:
    case PgOid.OID:
      return 10;
    case PgOid.INT8:
      return 19;
    case PgOid.BOOL:
    case PgOid.CHAR:
      return 1;
    default:
      return UNKNOWN_LENGTH;
  }
}

/** The column scale for a type and modifier: numeric scale, or fraction digits of time types (6 when unset). */
export function columnScale(oid: number, typeModifier: number): number {
  switch (baseOf(oid)) {
    case PgOid.NUMERIC:
      return typeModifier === -1 ? 0 : (typeModifier - 4) & 0xffff;
    case PgOid.TIME:
    case PgOid.TIMETZ:
    case PgOid.TIMESTAMP:
    case PgOid.TIMESTAMPTZ:
      return typeModifier === -1 ? 6 : typeModifier;
    case PgOid.INTERVAL:
      return typeModifier === -1 ? 6 : typeModifier & 0xffff;
    case PgOid.FLOAT4:
      return 8;
    case PgOid.FLOAT8:
      return 17;
    default:
      return 0;
  }
}
