/**
 * Connect data → JSON text, as Kafka's JsonConverter writes it (convertToJson and asJsonSchema). The text is built
 * directly, without an intermediate tree, and the JSON form of each schema is cached per schema object.
 *
 * Values are written by a writer function made once per schema object (see writerFor), so that per value only the
 * value is examined. Struct writers also remember, per field, the text of the last primitive value written: in a
 * stream of records most fields of many of them repeat (the source block of a change event, for one).
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
  type Field,
  isPlainObject,
  Schema,
  type SchemaType,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '../api/schema';
import { describeValue, Struct, structValues } from '../api/struct';
import { quoteJson, safeIntegerText, twosComplementBase64 } from './json-text';

export type DecimalFormat = 'BASE64' | 'NUMERIC';

/** Writes one value of a given schema as JSON text. */
type Write = (value: unknown) => string;

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
  private readonly writers = new WeakMap<Schema, Write>();

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
    if (schema === null) return value === null || value === undefined ? 'null' : this.schemaless(value);
    return this.writerFor(schema)(value);
  }

  /**
   * The writer of one schema's values, made once per schema object: the decisions that depend on the schema alone
   * (logical type, type, field writers and `"name":` prefixes, Decimal scale) are taken here instead of for every
   * value. Writers still check every value against the schema and throw a DataError for one that does not fit.
   */
  private writerFor(schema: Schema): Write {
    let writer = this.writers.get(schema);
    if (writer === undefined) {
      writer = this.withNullHandling(schema, this.nonNullWriter(schema));
      this.writers.set(schema, writer);
    }
    return writer;
  }

  /** Null and undefined: the schema default (with replace.null.with.default), null if optional, else an error. */
  private withNullHandling(schema: Schema, write: Write): Write {
    const defaultValue = schema.defaultValue;
    if (defaultValue !== undefined && this.options.replaceNullWithDefault) {
      // Immutable defaults are written once; others (Struct, Date, arrays, maps...) each time, as they may change.
      const immutable = typeof defaultValue !== 'object' || defaultValue instanceof BigDecimal;
      let written: string | undefined;
      return (v) => {
        if (v !== null && v !== undefined) return write(v);
        if (written !== undefined) return written;
        const json = write(defaultValue);
        if (immutable) written = json;
        return json;
      };
    }
    if (schema.optional) return (v) => (v === null || v === undefined ? 'null' : write(v));
    return (v) => {
      if (v === null || v === undefined) throw new DataError('Conversion error: null value for field that is required and has no default value');
      return write(v);
    };
  }

  /** The writer of non-null values: a logical type's by name first, then by type. */
  private nonNullWriter(schema: Schema): Write {
    switch (schema.name) {
      case DECIMAL_LOGICAL_NAME:
        return this.decimalWriter(schema);
      case DATE_LOGICAL_NAME:
        return (v) => String(ConnectDate.fromLogical(schema, expectDate('Date', v)));
      case TIME_LOGICAL_NAME:
        return (v) => String(ConnectTime.fromLogical(schema, expectDate('Time', v)));
      case TIMESTAMP_LOGICAL_NAME:
        return (v) => String(ConnectTimestamp.fromLogical(schema, expectDate('Timestamp', v)));
      default:
        break;
    }
    switch (schema.type) {
      case 'INT8':
      case 'INT16':
      case 'INT32': {
        const [min, max] = INT_RANGES[schema.type] as readonly [number, number];
        return (v) => {
          if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw invalid(schema, v);
          return String(v);
        };
      }
      case 'INT64':
        return (v) => {
          if (typeof v === 'number' && Number.isSafeInteger(v)) return safeIntegerText(v);
          if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) return v.toString();
          throw invalid(schema, v);
        };
      case 'FLOAT32':
        return (v) => {
          if (typeof v !== 'number') throw invalid(schema, v);
          return Number.isFinite(v) ? formatJavaFloat(v) : `"${formatJavaFloat(v)}"`;
        };
      case 'FLOAT64':
        return (v) => {
          if (typeof v !== 'number') throw invalid(schema, v);
          return Number.isFinite(v) ? formatJavaDouble(v) : `"${formatJavaDouble(v)}"`;
        };
      case 'BOOLEAN':
        return (v) => {
          if (typeof v !== 'boolean') throw invalid(schema, v);
          return v ? 'true' : 'false';
        };
      case 'STRING':
        return (v) => {
          if (typeof v !== 'string') throw invalid(schema, v);
          return quoteJson(v);
        };
      case 'BYTES':
        return (v) => {
          if (!(v instanceof Uint8Array)) throw invalid(schema, v);
          return `"${base64(v)}"`;
        };
      case 'ARRAY':
        return this.arrayWriter(schema);
      case 'MAP':
        return (v) => this.map(schema, v);
      case 'STRUCT':
        return this.structWriter(schema);
    }
  }

  private decimalWriter(schema: Schema): Write {
    const numeric = this.options.decimalFormat === 'NUMERIC';
    let scale: number | undefined;
    try {
      scale = Decimal.scaleOf(schema);
    } catch {
      // An invalid Decimal schema: Decimal.fromLogical reports it for each value, as before.
    }
    return (v) => {
      if (!(v instanceof BigDecimal)) throw new DataError(`Invalid type for Decimal, expected BigDecimal but was ${describeValue(v)}`);
      if (numeric) return v.toString();
      // The scale check is Decimal.fromLogical's; with a mismatch (or a bad schema) it throws its own error.
      return v.scale === scale ? `"${twosComplementBase64(v.unscaled)}"` : `"${base64(Decimal.fromLogical(schema, v))}"`;
    };
  }

  private arrayWriter(schema: Schema): Write {
    let element: Write | undefined;
    return (v) => {
      if (!Array.isArray(v)) throw invalid(schema, v);
      element ??= this.writerFor(schema.valueSchema);
      let out = '[';
      for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + element(v[i]);
      return `${out}]`;
    };
  }

  private structWriter(schema: Schema): Write {
    const fields = schema.fields;
    const n = fields.length;
    const prefixes = fields.map((f, i) => `${i === 0 ? '{' : ','}${quoteJson(f.name)}:`);
    const kinds = fields.map((f) => fastKind(f.schema));
    // The text of null where it is always `null` (optional, and no default written in its place).
    const nullTexts = fields.map((f) =>
      f.schema.optional && (f.schema.defaultValue === undefined || !this.options.replaceNullWithDefault) ? 'null' : undefined,
    );
    // Per field, the last primitive value written and its `"name":json` text. Many fields repeat from one record to
    // the next (a change event's connector, database, table, commit time, operation...), and reusing their text
    // saves both the writing and the joining of many small strings.
    const lastValues = new Array<unknown>(n).fill(UNSET);
    const lastTexts = new Array<string>(n).fill('');
    let writers: Write[] | undefined;
    return (v) => {
      if (!(v instanceof Struct)) throw invalid(schema, v);
      if (v.schema !== schema && !v.schema.equals(schema)) throw new DataError('Mismatching schema.');
      if (n === 0) return '{}';
      // Field writers are looked up on first use, so that making this writer does not recurse into every child.
      writers ??= fields.map((f) => this.writerFor(f.schema));
      // Equal schemas have equal fields, so the struct's values line up with this schema's fields.
      const values = structValues(v);
      let out = '';
      let i = 0;
      try {
        for (; i < n; i++) {
          const value = values[i];
          if (value === lastValues[i]) {
            out += lastTexts[i] as string;
            continue;
          }
          // The commonest values are written here rather than through the field's writer (a call V8 cannot inline,
          // as every field has another): exactly what that writer returns for them. Anything else, including every
          // value it would reject, goes to the writer.
          let json: string;
          if (value === null || value === undefined) {
            json = nullTexts[i] ?? (writers[i] as Write)(value);
          } else {
            switch (kinds[i]) {
              case FastKind.STRING:
                json = typeof value === 'string' ? quoteJson(value) : (writers[i] as Write)(value);
                break;
              case FastKind.INT64:
                json = typeof value === 'number' && Number.isSafeInteger(value) ? safeIntegerText(value) : (writers[i] as Write)(value);
                break;
              case FastKind.BOOLEAN:
                json = value === true ? 'true' : value === false ? 'false' : (writers[i] as Write)(value);
                break;
              default:
                json = (writers[i] as Write)(value);
            }
          }
          const text = (prefixes[i] as string) + json;
          if (kinds[i] !== FastKind.OTHER && (typeof value !== 'object' || value === null)) {
            lastValues[i] = value;
            lastTexts[i] = text;
          }
          out += text;
        }
      } catch (err) {
        throw withField(err, (fields[i] as Field).name);
      }
      return `${out}}`;
    };
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

/** No value yet (for the struct writer's memo of the last value per field). */
const UNSET = Symbol('unset');

/**
 * What the struct writer knows of a field's schema. STRING, INT64 and BOOLEAN (without a logical type) values of the
 * right JavaScript type it writes itself. For those and INT (INT8-INT32) it remembers the text of the last value, as
 * their writers are pure functions of a primitive value: equal (===) values give equal text. OTHER is everything
 * else, floats included (0 === -0, but they print differently).
 */
const FastKind = { OTHER: 0, STRING: 1, INT64: 2, BOOLEAN: 3, INT: 4 } as const;
type FastKind = (typeof FastKind)[keyof typeof FastKind];

function fastKind(schema: Schema): FastKind {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
    case DATE_LOGICAL_NAME:
    case TIME_LOGICAL_NAME:
    case TIMESTAMP_LOGICAL_NAME:
      return FastKind.OTHER;
    default:
      break;
  }
  switch (schema.type) {
    case 'STRING':
      return FastKind.STRING;
    case 'INT64':
      return FastKind.INT64;
    case 'BOOLEAN':
      return FastKind.BOOLEAN;
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return FastKind.INT;
    default:
      return FastKind.OTHER;
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
