/**
 * Struct values and schema validation of values (Struct and ConnectSchema.validateValue in Kafka Connect).
 */
import { BigDecimal } from './big-decimal';
import { DataError } from './errors';
import {
  DATE_LOGICAL_NAME,
  DECIMAL_LOGICAL_NAME,
  Field,
  isPlainObject,
  Schema,
  type SchemaType,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
  valuesEqual,
} from './schema';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const INT_RANGES: Partial<Record<SchemaType, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};

/**
 * Checks that `value` fits `schema`, recursing into arrays, maps and structs. Throws a DataError that names the
 * field (and carries it in `DataError.field`) when it does not. Null is accepted only by optional schemas.
 */
export function validateValue(schema: Schema, value: unknown, field?: string): void {
  // Most values are primitives that plainly fit: accept those without building the error location text.
  if (fitsPlainly(schema, value)) return;
  validateAt(schema, value, field === undefined ? 'value' : `field: "${field}"`, field);
}

/**
 * The hot path of validation: true when the value certainly fits the schema by the same rules as validateAt and
 * mismatch (null only for optional schemas; the JavaScript type and range per schema type), for non-container
 * types and Decimal. False means "not decided here": validateAt then decides, and builds any error.
 */
function fitsPlainly(schema: Schema, value: unknown): boolean {
  if (value === null || value === undefined) return schema.optional;
  const name = schema.name;
  if (name !== undefined && (name === DATE_LOGICAL_NAME || name === TIME_LOGICAL_NAME || name === TIMESTAMP_LOGICAL_NAME)) {
    return false;
  }
  if (name === DECIMAL_LOGICAL_NAME) return schema.type === 'BYTES' && value instanceof BigDecimal;
  switch (schema.type) {
    case 'STRING':
      return typeof value === 'string';
    case 'INT64':
      return typeof value === 'number' ? Number.isSafeInteger(value) : typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX;
    case 'INT32':
      return typeof value === 'number' && (value | 0) === value;
    case 'INT16':
      return typeof value === 'number' && ((value << 16) >> 16) === value;
    case 'INT8':
      return typeof value === 'number' && ((value << 24) >> 24) === value;
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'FLOAT32':
    case 'FLOAT64':
      return typeof value === 'number';
    case 'BYTES':
      return value instanceof Uint8Array;
    default:
      return false;
  }
}

function validateAt(schema: Schema, value: unknown, location: string, field: string | undefined): void {
  if (value === null || value === undefined) {
    if (!schema.optional) {
      throw new DataError(`Invalid value: null used for required ${location}, schema type: ${schema.type}`, { field });
    }
    return;
  }
  const expected = mismatch(schema, value);
  if (expected !== undefined) {
    const named = schema.name === undefined ? '' : ` "${schema.name}"`;
    throw new DataError(
      `Invalid value for schema${named} with type ${schema.type}: expected ${expected} but got ${describeValue(value)} for ${location}`,
      { field },
    );
  }
  switch (schema.type) {
    case 'STRUCT': {
      const struct = value as Struct;
      if (struct.schema !== schema && !struct.schema.equals(schema)) {
        throw new DataError(`Struct schemas do not match for ${location}`, { field });
      }
      struct.validate();
      return;
    }
    case 'ARRAY': {
      const where = `element of array ${location}`;
      for (const element of value as unknown[]) validateAt(schema.valueSchema, element, where, field);
      return;
    }
    case 'MAP': {
      const keyWhere = `key of map ${location}`;
      const valueWhere = `value of map ${location}`;
      const entries = value instanceof Map ? value.entries() : Object.entries(value as Record<string, unknown>);
      for (const [k, v] of entries) {
        validateAt(schema.keySchema, k, keyWhere, field);
        validateAt(schema.valueSchema, v, valueWhere, field);
      }
      return;
    }
    default:
      return;
  }
}

/** What the schema expects, when the value does not have the right JavaScript type; undefined when it does. */
function mismatch(schema: Schema, value: unknown): string | undefined {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return value instanceof BigDecimal ? undefined : 'a BigDecimal';
    case DATE_LOGICAL_NAME:
    case TIME_LOGICAL_NAME:
    case TIMESTAMP_LOGICAL_NAME:
      return value instanceof Date && !Number.isNaN(value.getTime()) ? undefined : 'a valid Date';
    default:
      break;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [min, max] = INT_RANGES[schema.type] as readonly [number, number];
      return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
        ? undefined
        : `an integer number in [${min}, ${max}]`;
    }
    case 'INT64':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? undefined : 'a safe integer number or a bigint';
      return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX ? undefined : 'a 64-bit integer (number or bigint)';
    case 'FLOAT32':
    case 'FLOAT64':
      return typeof value === 'number' ? undefined : 'a number';
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'STRING':
      return typeof value === 'string' ? undefined : 'a string';
    case 'BYTES':
      return value instanceof Uint8Array ? undefined : 'a Buffer or Uint8Array';
    case 'ARRAY':
      return Array.isArray(value) ? undefined : 'an array';
    case 'MAP':
      return value instanceof Map || isPlainObject(value) ? undefined : 'a Map or a plain object';
    case 'STRUCT':
      return value instanceof Struct ? undefined : 'a Struct';
  }
}

/** A short description of a value for error messages (never the whole of a large value). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)} (string)`;
    case 'number':
    case 'boolean':
      return `${String(value)} (${typeof value})`;
    case 'bigint':
      return `${value}n (bigint)`;
    case 'object':
      if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
      if (Array.isArray(value)) return `array(${value.length})`;
      return `an object of class ${(value as object).constructor?.name ?? 'Object'}`;
    default:
      return typeof value;
  }
}

/** Set by Struct's static block: the values of a struct, for structValues. */
let valuesOf: (struct: Struct) => readonly unknown[];

/**
 * A struct's values in field order (null for unset fields, no defaults applied), without a lookup per field. For
 * the runtime's converters, which walk every field of every record; not exported from the API index. The array is
 * the struct's own: never modify it.
 */
export function structValues(struct: Struct): readonly unknown[] {
  return valuesOf(struct);
}

/** A record-like value whose fields are defined by a STRUCT schema. */
export class Struct {
  static {
    valuesOf = (struct) => struct.values;
  }

  readonly schema: Schema;
  private readonly values: unknown[];

  constructor(schema: Schema);
  constructor(schema: Schema, values?: unknown[]) {
    if (schema.type !== 'STRUCT') throw new DataError(`Not a struct schema: ${schema.toString()}`);
    this.schema = schema;
    this.values = values ?? new Array<unknown>(schema.fields.length).fill(null);
  }

  /**
   * A struct over values that were already checked against the field schemas, one per field in field order with
   * null for unset fields. Meant for converters, which validate while they decode; everything else should put().
   */
  static fromValidatedValues(schema: Schema, values: unknown[]): Struct {
    if (schema.type === 'STRUCT' && values.length !== schema.fields.length) {
      throw new DataError(`Expected ${schema.fields.length} values for ${schema.toString()}, got ${values.length}`);
    }
    return new (Struct as unknown as new (schema: Schema, values: unknown[]) => Struct)(schema, values);
  }

  /** The field's value, or its schema default when the value is null. */
  get(field: string | Field): unknown {
    const f = this.lookup(field);
    const value = this.values[f.index];
    return value === null && f.schema.defaultValue !== undefined ? f.schema.defaultValue : value;
  }

  /** The field's value without applying the schema default. */
  getWithoutDefault(field: string | Field): unknown {
    return this.values[this.lookup(field).index];
  }

  getInt8(field: string): number | null {
    return this.getChecked(field, 'INT8') as number | null;
  }

  getInt16(field: string): number | null {
    return this.getChecked(field, 'INT16') as number | null;
  }

  getInt32(field: string): number | null {
    return this.getChecked(field, 'INT32') as number | null;
  }

  getInt64(field: string): number | bigint | null {
    return this.getChecked(field, 'INT64') as number | bigint | null;
  }

  getFloat32(field: string): number | null {
    return this.getChecked(field, 'FLOAT32') as number | null;
  }

  getFloat64(field: string): number | null {
    return this.getChecked(field, 'FLOAT64') as number | null;
  }

  getBoolean(field: string): boolean | null {
    return this.getChecked(field, 'BOOLEAN') as boolean | null;
  }

  getString(field: string): string | null {
    return this.getChecked(field, 'STRING') as string | null;
  }

  getBytes(field: string): Uint8Array | null {
    return this.getChecked(field, 'BYTES') as Uint8Array | null;
  }

  getArray<T = unknown>(field: string): T[] | null {
    return this.getChecked(field, 'ARRAY') as T[] | null;
  }

  getMap(field: string): Map<unknown, unknown> | Record<string, unknown> | null {
    return this.getChecked(field, 'MAP') as Map<unknown, unknown> | Record<string, unknown> | null;
  }

  getStruct(field: string): Struct | null {
    return this.getChecked(field, 'STRUCT') as Struct | null;
  }

  /** Sets a field after validating the value against the field's schema. Returns this for chaining. */
  put(field: string | Field, value: unknown): this {
    const f = this.lookup(field);
    validateValue(f.schema, value, f.name);
    this.values[f.index] = value ?? null;
    return this;
  }

  /** Checks that every required field without a default has a valid value. */
  validate(): void {
    for (const f of this.schema.fields) {
      const value = this.values[f.index];
      if (value === null && (f.schema.optional || f.schema.defaultValue !== undefined)) continue;
      validateValue(f.schema, value, f.name);
    }
  }

  equals(other: unknown): boolean {
    if (other === this) return true;
    if (!(other instanceof Struct) || !this.schema.equals(other.schema)) return false;
    return this.values.every((v, i) => valuesEqual(v, other.values[i]));
  }

  /** `Struct{a=1,b=x}`, listing the non-null fields, as Kafka's Struct.toString. */
  toString(): string {
    const parts: string[] = [];
    for (const f of this.schema.fields) {
      const value = this.values[f.index];
      if (value !== null) parts.push(`${f.name}=${displayValue(value)}`);
    }
    return `Struct{${parts.join(',')}}`;
  }

  private lookup(field: string | Field): Field {
    if (field instanceof Field) {
      if (this.schema.fields[field.index] !== field && !this.schema.fields[field.index]?.equals(field)) {
        throw new DataError(`${field.name} is not a field of this struct's schema`);
      }
      return field;
    }
    const f = this.schema.field(field);
    if (f === undefined) throw new DataError(`${field} is not a valid field name`, { field });
    return f;
  }

  private getChecked(field: string, type: SchemaType): unknown {
    const f = this.lookup(field);
    if (f.schema.type !== type) throw new DataError(`Field '${field}' is not of type ${type}`, { field });
    return this.get(f);
  }
}

/**
 * A human-readable rendering in the spirit of Java's toString: lists as `[a, b]`, maps as `{k=v}`, structs as
 * `Struct{...}`, bytes as base64 and dates in ISO-8601.
 */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return `[${value.map(displayValue).join(', ')}]`;
  if (value instanceof Map) return `{${[...value.entries()].map(([k, v]) => `${displayValue(k)}=${displayValue(v)}`).join(', ')}}`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}=${displayValue(v)}`).join(', ')}}`;
  return String(value);
}
