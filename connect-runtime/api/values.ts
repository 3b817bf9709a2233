/**
 * Conversions between Connect values and their plain string form (Kafka's Values), used by SimpleHeaderConverter
 * and by transforms that read headers.
 *
 * convertToString: strings as they are, numbers and booleans as Java prints them (a FLOAT64 1 is `1.0`), bytes as
 * base64, arrays as `[a,b]`, maps and structs as `{"k":v}` with embedded strings quoted, dates in ISO-8601 UTC.
 *
 * parseString infers a schema from such text:
 *   - `true`/`false` → BOOLEAN; `null` → no value
 *   - integers → the smallest of INT8, INT16, INT32, INT64 that holds them (larger ones → Decimal with scale 0)
 *   - other numbers → FLOAT32 when within float range (the value keeps double precision), else FLOAT64, else
 *     Decimal
 *   - `yyyy-MM-dd` → Date, `HH:mm:ss.SSSZ` → Time, `yyyy-MM-ddTHH:mm:ss.SSSZ` → Timestamp (UTC)
 *   - `[...]` → ARRAY and `{k:v,...}` → MAP when every element (key, value) has a common type, numbers widening
 *     to the largest; elements may be quoted strings, nested arrays/maps, numbers, booleans, null, temporals.
 *     Empty `[]` / `{}` get optional STRING element schemas. Mixed element types, or anything unparsable,
 *     leave the whole text a STRING.
 *   - anything else → STRING (the original text, untrimmed)
 */
import { BigDecimal } from './big-decimal';
import { DataError } from './errors';
import { formatJavaDouble, formatJavaFloat } from './java-format';
import { ConnectTimestamp, Decimal } from './logical-types';
import { isPlainObject, Schema, type SchemaType } from './schema';
import { SchemaBuilder } from './schema-builder';
import { Struct } from './struct';

const MILLIS_PER_DAY = 86_400_000;

export { parseString } from './values-parse';

// ---------------------------------------------------------------------------------------------------------------
// To string

/** The string form of a value (null for null). */
export function convertToString(schema: Schema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return append(value, false, schema);
}

function append(value: unknown, embedded: boolean, schema: Schema | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return embedded ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : value;
    case 'number':
      if (schema?.type === 'FLOAT32') return formatJavaFloat(value);
      if (schema?.type === 'FLOAT64' || !Number.isInteger(value)) return formatJavaDouble(value);
      return String(value);
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return formatTemporal(value);
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    return embedded ? `"${text}"` : text;
  }
  if (Array.isArray(value)) {
    const elementSchema = schema?.type === 'ARRAY' ? schema.valueSchema : undefined;
    return `[${value.map((v) => append(v, true, elementSchema)).join(',')}]`;
  }
  if (value instanceof Struct) {
    return `{${value.schema.fields.map((f) => `${append(f.name, true, null)}:${append(value.get(f), true, f.schema)}`).join(',')}}`;
  }
  if (value instanceof Map || isPlainObject(value)) {
    const keySchema = schema?.type === 'MAP' ? schema.keySchema : undefined;
    const valueSchema = schema?.type === 'MAP' ? schema.valueSchema : undefined;
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    return `{${entries.map(([k, v]) => `${append(k, true, keySchema)}:${append(v, true, valueSchema)}`).join(',')}}`;
  }
  throw new DataError(`Failed to serialize unexpected value type ${(value as object).constructor?.name ?? typeof value}`);
}

/** A Date as Kafka's Values prints it: a time (first day), a date (midnight) or a timestamp, in UTC. */
function formatTemporal(date: Date): string {
  const t = date.getTime();
  const iso = date.toISOString();
  if (t >= 0 && t < MILLIS_PER_DAY) return iso.slice(11);
  if (t % MILLIS_PER_DAY === 0) return iso.slice(0, 10);
  return iso;
}

// ---------------------------------------------------------------------------------------------------------------
// Schema inference

/** A schema for a value, or null when none can be inferred (null, empty or mixed collections, unknown objects). */
export function inferSchema(value: unknown): Schema | null {
  switch (typeof value) {
    case 'string':
      return Schema.STRING_SCHEMA;
    case 'boolean':
      return Schema.BOOLEAN_SCHEMA;
    case 'number':
      return Number.isInteger(value) ? Schema.INT64_SCHEMA : Schema.FLOAT64_SCHEMA;
    case 'bigint':
      return Schema.INT64_SCHEMA;
    default:
      break;
  }
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Schema.BYTES_SCHEMA;
  if (value instanceof BigDecimal) return Decimal.schema(value.scale);
  if (value instanceof Date) return ConnectTimestamp.SCHEMA;
  if (value instanceof Struct) return value.schema;
  if (Array.isArray(value)) {
    const element = detect(value);
    return element ? SchemaBuilder.array(element).build() : null;
  }
  if (value instanceof Map || isPlainObject(value)) {
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    const keySchema = detect(entries.map(([k]) => k));
    const valueSchema = detect(entries.map(([, v]) => v));
    return keySchema && valueSchema ? SchemaBuilder.map(keySchema, valueSchema).build() : null;
  }
  return null;
}

/** The common schema of non-null elements of one type (optional when nulls occur); null otherwise. */
function detect(values: unknown[]): Schema | null {
  let type: SchemaType | undefined;
  let optional = false;
  for (const v of values) {
    if (v === null || v === undefined) {
      optional = true;
      continue;
    }
    const s = inferSchema(v);
    if (!s || (type !== undefined && s.type !== type)) return null;
    type = s.type;
  }
  if (type === undefined || type === 'ARRAY' || type === 'MAP' || type === 'STRUCT') return null;
  const b = SchemaBuilder.type(type);
  return (optional ? b.optional() : b).build();
}
