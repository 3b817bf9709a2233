/**
 * Connect data → JSON text, as Kafka's JsonConverter writes it (convertToJson and asJsonSchema). The text is built
 * directly, without an intermediate tree, and the JSON form of each schema is cached per schema object.
 *
 * Schema JSON layout: type, then items | keys, values | fields, then optional, name, version, doc, parameters,
 * default; a struct field's schema ends with "field". Types are named boolean, int8, int16, int32, int64, float,
 * double, bytes, string, array, map and struct.
 */
import { BigDecimal } from '../api/big-decimal';
import { DataError } from '../api/errors';
import { formatJavaDouble, formatJavaFloat } from '../api/java-format';
import { ConnectDate, ConnectTime, ConnectTimestamp, Decimal } from '../api/logical-types';
import {
  DATE_LOGICAL_NAME,
  DECIMAL_LOGICAL_NAME,
  isPlainObject,
  Schema,
  type SchemaType,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '../api/schema';
import { describeValue, Struct } from '../api/struct';
import { quoteJson } from './json-text';

export type DecimalFormat = 'BASE64' | 'NUMERIC';

export interface JsonWriterOptions {
  decimalFormat: DecimalFormat;
  replaceNullWithDefault: boolean;
}

const TYPE_NAMES: Record<SchemaType, string> = {
  BOOLEAN: 'boolean',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BYTES: 'bytes',
  STRING: 'string',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
};

const INT_RANGES: Partial<Record<SchemaType, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export class JsonDataWriter {
  private readonly schemaJsonCache = new WeakMap<Schema, string>();
  private readonly fieldPrefixCache = new WeakMap<Schema, string[]>();

  constructor(private readonly options: JsonWriterOptions) {}

  /** The schema's JSON (Kafka's asJsonSchema), or `null`. */
  schemaJson(schema: Schema | null): string {
    if (schema === null) return 'null';
    const cached = this.schemaJsonCache.get(schema);
    if (cached !== undefined) return cached;
    let out = `{"type":"${TYPE_NAMES[schema.type]}"`;
    switch (schema.type) {
      case 'ARRAY':
        out += `,"items":${this.schemaJson(schema.valueSchema)}`;
        break;
      case 'MAP':
        out += `,"keys":${this.schemaJson(schema.keySchema)},"values":${this.schemaJson(schema.valueSchema)}`;
        break;
      case 'STRUCT':
        out += `,"fields":[${schema.fields
          .map((f) => `${this.schemaJson(f.schema).slice(0, -1)},"field":${quoteJson(f.name)}}`)
          .join(',')}]`;
        break;
      default:
        break;
    }
    out += `,"optional":${schema.optional}`;
    if (schema.name !== undefined) out += `,"name":${quoteJson(schema.name)}`;
    if (schema.version !== undefined) out += `,"version":${schema.version}`;
    if (schema.doc !== undefined) out += `,"doc":${quoteJson(schema.doc)}`;
    if (schema.parameters !== undefined) {
      out += `,"parameters":{${Object.entries(schema.parameters)
        .map(([k, v]) => `${quoteJson(k)}:${quoteJson(v)}`)
        .join(',')}}`;
    }
    if (schema.defaultValue !== undefined) out += `,"default":${this.value(schema, schema.defaultValue)}`;
    out += '}';
    this.schemaJsonCache.set(schema, out);
    return out;
  }

  /** A value's JSON (Kafka's convertToJson). With a null schema the JSON type follows the JavaScript type. */
  value(schema: Schema | null, value: unknown): string {
    if (value === null || value === undefined) {
      if (schema === null) return 'null';
      if (schema.defaultValue !== undefined && this.options.replaceNullWithDefault) return this.value(schema, schema.defaultValue);
      if (schema.optional) return 'null';
      throw new DataError('Conversion error: null value for field that is required and has no default value');
    }
    if (schema === null) return this.schemaless(value);
    if (schema.name !== undefined) {
      const logical = this.logical(schema, value);
      if (logical !== undefined) return logical;
    }
    switch (schema.type) {
      case 'INT8':
      case 'INT16':
      case 'INT32': {
        const [min, max] = INT_RANGES[schema.type] as readonly [number, number];
        if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw invalid(schema, value);
        return String(value);
      }
      case 'INT64':
        if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
        if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) return value.toString();
        throw invalid(schema, value);
      case 'FLOAT32':
        if (typeof value !== 'number') throw invalid(schema, value);
        return Number.isFinite(value) ? formatJavaFloat(value) : `"${formatJavaFloat(value)}"`;
      case 'FLOAT64':
        if (typeof value !== 'number') throw invalid(schema, value);
        return Number.isFinite(value) ? formatJavaDouble(value) : `"${formatJavaDouble(value)}"`;
      case 'BOOLEAN':
        if (typeof value !== 'boolean') throw invalid(schema, value);
        return value ? 'true' : 'false';
      case 'STRING':
        if (typeof value !== 'string') throw invalid(schema, value);
        return quoteJson(value);
      case 'BYTES':
        if (!(value instanceof Uint8Array)) throw invalid(schema, value);
        return `"${base64(value)}"`;
      case 'ARRAY': {
        if (!Array.isArray(value)) throw invalid(schema, value);
        const element = schema.valueSchema;
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + this.value(element, value[i]);
        return `${out}]`;
      }
      case 'MAP':
        return this.map(schema, value);
      case 'STRUCT':
        return this.struct(schema, value);
    }
  }

  private logical(schema: Schema, value: unknown): string | undefined {
    switch (schema.name) {
      case DECIMAL_LOGICAL_NAME:
        if (!(value instanceof BigDecimal)) {
          throw new DataError(`Invalid type for Decimal, expected BigDecimal but was ${describeValue(value)}`);
        }
        return this.options.decimalFormat === 'NUMERIC' ? value.toString() : `"${base64(Decimal.fromLogical(schema, value))}"`;
      case DATE_LOGICAL_NAME:
        return String(ConnectDate.fromLogical(schema, expectDate('Date', value)));
      case TIME_LOGICAL_NAME:
        return String(ConnectTime.fromLogical(schema, expectDate('Time', value)));
      case TIMESTAMP_LOGICAL_NAME:
        return String(ConnectTimestamp.fromLogical(schema, expectDate('Timestamp', value)));
      default:
        return undefined;
    }
  }

  private map(schema: Schema, value: unknown): string {
    const entries: Iterable<[unknown, unknown]> | undefined =
      value instanceof Map ? value.entries() : isPlainObject(value) ? Object.entries(value) : undefined;
    if (entries === undefined) throw invalid(schema, value);
    const keySchema = schema.keySchema;
    const valueSchema = schema.valueSchema;
    const objectMode = keySchema.type === 'STRING';
    let out = objectMode ? '{' : '[';
    let first = true;
    for (const [k, v] of entries) {
      out += first ? '' : ',';
      first = false;
      if (objectMode) {
        if (typeof k !== 'string') throw invalid(keySchema, k);
        out += `${quoteJson(k)}:${this.value(valueSchema, v)}`;
      } else {
        out += `[${this.value(keySchema, k)},${this.value(valueSchema, v)}]`;
      }
    }
    return out + (objectMode ? '}' : ']');
  }

  private struct(schema: Schema, value: unknown): string {
    if (!(value instanceof Struct)) throw invalid(schema, value);
    if (value.schema !== schema && !value.schema.equals(schema)) throw new DataError('Mismatching schema.');
    const fields = schema.fields;
    const prefixes = this.fieldPrefixes(schema);
    let out = '{';
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      try {
        out += prefixes[i] + this.value(f.schema, value.getWithoutDefault(f));
      } catch (err) {
        throw withField(err, f.name);
      }
    }
    return `${out}}`;
  }

  /** `"name":` for the first field, `,"name":` for the others. */
  private fieldPrefixes(schema: Schema): string[] {
    let prefixes = this.fieldPrefixCache.get(schema);
    if (prefixes === undefined) {
      prefixes = schema.fields.map((f, i) => `${i === 0 ? '' : ','}${quoteJson(f.name)}:`);
      this.fieldPrefixCache.set(schema, prefixes);
    }
    return prefixes;
  }

  /** JSON for a value without schema, typed by its JavaScript type. */
  schemaless(value: unknown): string {
    if (value === null || value === undefined) return 'null';
    switch (typeof value) {
      case 'string':
        return quoteJson(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value)) return `"${formatJavaDouble(value)}"`;
        return Number.isInteger(value) && Math.abs(value) < 9223372036854775808 ? String(value) : formatJavaDouble(value);
      case 'bigint':
        return value.toString();
      default:
        break;
    }
    if (value instanceof Uint8Array) return `"${base64(value)}"`;
    if (value instanceof BigDecimal) return value.toString();
    if (value instanceof Date) return String(value.getTime());
    if (value instanceof Struct) return this.value(value.schema, value);
    if (Array.isArray(value)) {
      let out = '[';
      for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + this.schemaless(value[i]);
      return `${out}]`;
    }
    if (value instanceof Map) {
      const entries = [...value.entries()];
      if (entries.every(([k]) => typeof k === 'string')) {
        return `{${entries.map(([k, v]) => `${quoteJson(k as string)}:${this.schemaless(v)}`).join(',')}}`;
      }
      return `[${entries.map(([k, v]) => `[${this.schemaless(k)},${this.schemaless(v)}]`).join(',')}]`;
    }
    if (isPlainObject(value)) {
      let out = '{';
      let first = true;
      for (const key in value) {
        out += `${first ? '' : ','}${quoteJson(key)}:${this.schemaless(value[key])}`;
        first = false;
      }
      return `${out}}`;
    }
    throw new DataError(`${describeValue(value)} does not have a corresponding schema type`);
  }
}

function base64(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64');
}

function expectDate(kind: string, value: unknown): Date {
  if (!(value instanceof Date)) throw new DataError(`Invalid type for ${kind}, expected Date but was ${describeValue(value)}`);
  return value;
}

function invalid(schema: Schema, value: unknown): DataError {
  return new DataError(`Invalid type for ${schema.type}: ${describeValue(value)}`);
}

/** The same error with the field prepended to its path (`order.price`). */
export function withField(err: unknown, field: string): unknown {
  if (!(err instanceof DataError)) return err;
  return new DataError(err.message, { field: err.field === undefined ? field : `${field}.${err.field}`, cause: err.cause ?? err });
}
