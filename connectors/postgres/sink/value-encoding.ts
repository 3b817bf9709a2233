/**
 * Connect values → PostgreSQL input text for a given target column. Every parameter travels as text and is cast to
 * the column's type in the statement, so the server parses it exactly as it would a literal: 64-bit integers and
 * decimals never pass through a JavaScript float, and the error for a value the column cannot take comes from the
 * server with the record attached.
 *
 * The schema decides how a value is read (Debezium's semantic types, Connect's logical types); the column decides a
 * few renderings where the same value has several text forms (JSON vs. array literal, bit string vs. bytea).
 */
import { BigDecimal, DataError, isPlainObject, type Schema, Struct, twosComplementToBigInt } from '../../../connect-runtime/api';
import { jsonText } from './json-text';
import { LogicalNames as L } from './logical-names';
import { dateText, intervalText, timestampText, timeText, Units } from './temporal-text';

const MILLIS_PER_DAY = 86_400_000;

/** What the encoder needs to know about a column's type (pg_type names and categories). */
export interface ColumnType {
  /** Internal type name: int4, varchar, jsonb, _int4 for int4[], or a user type's name. */
  readonly typname: string;
  /** pg_type.typcategory: A array, B boolean, D date/time, N numeric, S string, U user-defined, V bit string, ... */
  readonly category: string;
  /** For arrays, the element type. */
  readonly element: ColumnType | null;
}

/** Text for `value` in a column of type `target`, or null for SQL NULL. Throws a DataError for an unusable value. */
export function encodeValue(value: unknown, schema: Schema | null, target: ColumnType): string | null {
  if (value === null || value === undefined) return null;
  if (target.typname === 'json' || target.typname === 'jsonb') {
    // Debezium's Json values (and any string) already are JSON text; everything else is serialised.
    return typeof value === 'string' ? checkedText(value) : jsonText(value);
  }
  if (target.category === 'A' && Array.isArray(value)) {
    return arrayLiteral(value, schema?.type === 'ARRAY' ? schema.valueSchema : null, target.element ?? target);
  }
  return scalarText(value, schema, target);
}

function scalarText(value: unknown, schema: Schema | null, target: ColumnType): string {
  const logical = schema?.name === undefined ? undefined : logicalText(value, schema, target);
  if (logical !== undefined) return logical;
  switch (typeof value) {
    case 'string':
      return target.typname === 'bytea' ? byteaText(Buffer.from(value, 'utf8')) : checkedText(value);
    case 'number':
    case 'bigint':
      // Schemaless JSON carries dates as days since the epoch (Connect's and Debezium's encoding alike).
      if (schema === null && target.typname === 'date' && Number.isInteger(Number(value))) return dateText(value);
      // String() gives NaN, Infinity and -Infinity exactly as PostgreSQL's float input spells them.
      return String(value);
    case 'boolean':
      return target.category === 'N' ? (value ? '1' : '0') : String(value);
    default:
      break;
  }
  if (value instanceof Uint8Array) return target.category === 'V' ? bitString(value, undefined) : byteaText(value);
  if (value instanceof BigDecimal) return value.toPlainString();
  if (value instanceof Date) return timestampText(millisOf(value), Units.MILLIS);
  if (isVariableScaleDecimal(value)) return variableScaleDecimalText(value);
  // Arrays into non-array columns, structs and maps: JSON is the only faithful text form.
  return jsonText(value);
}

/** The text of a Connect or Debezium logical value, or undefined when the schema is not one of them. */
function logicalText(value: unknown, schema: Schema, target: ColumnType): string | undefined {
  switch (schema.name) {
    case L.DECIMAL:
      if (value instanceof BigDecimal) return value.toPlainString();
      return expectNumber(value, schema).toString();
    case L.VARIABLE_SCALE_DECIMAL:
      if (!isVariableScaleDecimal(value)) throw new DataError(`Expected a VariableScaleDecimal struct {scale, value}, got ${typeof value}`);
      return variableScaleDecimalText(value);
    case L.DATE:
      return dateText(Math.floor(millisOf(value) / MILLIS_PER_DAY));
    case L.TIME:
      return timeText(millisOf(value), Units.MILLIS);
    case L.TIMESTAMP:
      return timestampText(millisOf(value), Units.MILLIS);
    case L.DBZ_DATE:
      return dateText(expectNumber(value, schema));
    case L.DBZ_TIME:
      return timeText(expectNumber(value, schema), Units.MILLIS);
    case L.MICRO_TIME:
      return timeText(expectNumber(value, schema), Units.MICROS);
    case L.NANO_TIME:
      return timeText(expectNumber(value, schema), Units.NANOS);
    case L.DBZ_TIMESTAMP:
      return timestampText(expectNumber(value, schema), Units.MILLIS);
    case L.MICRO_TIMESTAMP:
      return timestampText(expectNumber(value, schema), Units.MICROS);
    case L.NANO_TIMESTAMP:
      return timestampText(expectNumber(value, schema), Units.NANOS);
    case L.MICRO_DURATION:
      return intervalText(expectNumber(value, schema));
    case L.BITS:
      if (!(value instanceof Uint8Array)) throw new DataError(`Expected bytes for ${L.BITS}, got ${typeof value}`);
      return target.typname === 'bytea' ? byteaText(value) : bitString(value, schema.parameters?.['length']);
    default:
      return undefined;
  }
}

/** A PostgreSQL array literal `{"a","b",NULL}`; every element is quoted, which is valid for any element type. */
function arrayLiteral(values: readonly unknown[], elementSchema: Schema | null, element: ColumnType): string {
  const parts = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return arrayLiteral(v, elementSchema?.type === 'ARRAY' ? elementSchema.valueSchema : null, element);
    const text = element.typname === 'json' || element.typname === 'jsonb' ? (typeof v === 'string' ? v : jsonText(v)) : scalarText(v, elementSchema, element);
    return `"${text.replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${parts.join(',')}}`;
}

/** Debezium's Bits (a little-endian bit set, bit 0 being the last character) as a bit string of `length` bits. */
function bitString(bytes: Uint8Array, lengthParameter: string | undefined): string {
  let length = Number(lengthParameter);
  if (!Number.isInteger(length) || length < 1) {
    // Without a declared length the value is as long as its highest set bit (the encoding drops leading zeros).
    length = 1;
    for (let bit = bytes.length * 8 - 1; bit >= 0; bit--) {
      if (((bytes[bit >> 3] as number) >> (bit & 7)) & 1) {
        length = bit + 1;
        break;
      }
    }
  }
  let out = '';
  for (let bit = length - 1; bit >= 0; bit--) out += (((bytes[bit >> 3] ?? 0) >> (bit & 7)) & 1) === 1 ? '1' : '0';
  return out;
}

function byteaText(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

function checkedText(value: string): string {
  // PostgreSQL text cannot hold NUL; say so here, where the column is still known.
  if (value.includes('\u0000')) throw new DataError('The text contains a NUL character (\\u0000), which PostgreSQL cannot store');
  return value;
}

function millisOf(value: unknown): number {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new DataError(`Expected a Date, got ${describe(value)}`);
}

function expectNumber(value: unknown, schema: Schema): number | bigint {
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return value;
  throw new DataError(`Expected an integer for ${schema.name ?? schema.type}, got ${describe(value)}`);
}

type VariableScaleDecimalLike = { scale: unknown; value: unknown };

function isVariableScaleDecimal(value: unknown): value is Struct | VariableScaleDecimalLike {
  if (value instanceof Struct) return value.schema.field('scale') !== undefined && value.schema.field('value') !== undefined;
  return isPlainObject(value) && Object.keys(value).length === 2 && 'scale' in value && 'value' in value;
}

/** Debezium's VariableScaleDecimal `{scale, value: unscaled two's-complement bytes}` as plain decimal text. */
function variableScaleDecimalText(value: Struct | VariableScaleDecimalLike): string {
  const scale = value instanceof Struct ? value.getWithoutDefault('scale') : value.scale;
  const raw = value instanceof Struct ? value.getWithoutDefault('value') : value.value;
  // Schemaless JSON carries the bytes as base64.
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw;
  if (typeof scale !== 'number' || !Number.isInteger(scale) || !(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new DataError('Invalid VariableScaleDecimal: expected an integer scale and non-empty value bytes');
  }
  return new BigDecimal(twosComplementToBigInt(bytes), scale).toPlainString();
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
