/**
 * Connect data → JSON text, as Kafka's JsonConverter writes it (convertToJson and asJsonSchema). The text is built
 * directly, without an intermediate tree, and the JSON form of each schema is cached per schema object.
 *
 * Values are written by a writer function made once per schema object (see writerFor), so that per value only the
 * value is examined. Records go the way of write() instead: a Struct is written as UTF-8 straight into the
 * converter's output along a plan made once per schema (field names already encoded, each field's kind known), and
 * only values outside the commonest kinds take a detour through their writer's text. Neither the record's JSON text
 * nor the many small strings it would be joined from are ever made.
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
import { type JsonOutput, PackedBytes, quoteJson, safeIntegerText, twosComplementBase64 } from './json-text';

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
  private readonly plans = new WeakMap<Schema, StructPlan>();
  private lastPlan: StructPlan | undefined;

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
   * A value's JSON as UTF-8 into `out`: the same bytes as the UTF-8 of value(). Structs (the values of nearly every
   * source record) are written field by field along a plan made once per schema; other values as the text of value().
   */
  write(out: JsonOutput, schema: Schema | null, value: unknown): void {
    if (schema !== null && value instanceof Struct) {
      const plan = this.planFor(schema);
      if (plan !== undefined) {
        this.writeStruct(out, plan, value);
        return;
      }
    }
    out.writeText(this.value(schema, value));
  }

  /** The plan of a schema written as a struct (a STRUCT without a logical type's name), else undefined. */
  private planFor(schema: Schema): StructPlan | undefined {
    // Most calls are for the schema of the call before: one comparison instead of a WeakMap lookup.
    if (this.lastPlan?.schema === schema) return this.lastPlan;
    let plan = this.plans.get(schema);
    if (plan === undefined) {
      if (fieldKind(schema, this.options.decimalFormat) !== FieldKind.STRUCT) return undefined;
      plan = new StructPlan(schema, this.options);
      this.plans.set(schema, plan);
    }
    this.lastPlan = plan;
    return plan;
  }

  /**
   * A struct along its plan. The commonest field values are written by writeCommon; every other value, including
   * every value the field's writer would reject, goes through that writer, whose text is then copied.
   */
  private writeStruct(out: JsonOutput, plan: StructPlan, struct: Struct): void {
    checkStruct(plan.schema, struct);
    const count = plan.names.length;
    if (count === 0) {
      out.writePacked(EMPTY_OBJECT);
      return;
    }
    // Equal schemas have equal fields, so the struct's values line up with the plan's fields.
    const values = structValues(struct);
    let i = 0;
    try {
      for (; i < count; i++) {
        const value = values[i];
        if (value === null || value === undefined) {
          const prefixedNull = plan.prefixedNulls[i];
          if (prefixedNull !== undefined) {
            out.writePacked(prefixedNull);
            continue;
          }
        }
        out.writePacked(plan.prefixes[i] as PackedBytes);
        if (!this.writeCommon(out, plan, i, value)) out.writeText(this.fieldWriter(plan, i)(value));
      }
    } catch (err) {
      throw withField(err, plan.names[i] as string);
    }
    out.writeByte(125);
  }

  /**
   * Writes the value of a plan's field i if it is of the commonest kinds (strings, integers, booleans, BASE64
   * decimals, structs) and valid, exactly as the field's writer would; returns whether it did.
   */
  private writeCommon(out: JsonOutput, plan: StructPlan, i: number, value: unknown): boolean {
    switch (plan.kinds[i]) {
      case FieldKind.STRING:
        if (typeof value !== 'string') return false;
        out.writeQuoted(value);
        return true;
      case FieldKind.INT64:
        if (typeof value === 'number' && Number.isSafeInteger(value)) {
          out.writeSafeInteger(value);
          return true;
        }
        if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) return false;
        out.writeText(value.toString());
        return true;
      case FieldKind.INT32:
        return writeIntIn(out, value, -2147483648, 2147483647);
      case FieldKind.INT16:
        return writeIntIn(out, value, -32768, 32767);
      case FieldKind.INT8:
        return writeIntIn(out, value, -128, 127);
      case FieldKind.BOOLEAN:
        if (typeof value !== 'boolean') return false;
        out.writePacked(value ? TRUE : FALSE);
        return true;
      case FieldKind.BASE64_DECIMAL:
        if (!(value instanceof BigDecimal) || value.scale !== plan.decimalScales[i]) return false;
        out.writeByte(34);
        out.writeText(twosComplementBase64(value.unscaled));
        out.writeByte(34);
        return true;
      case FieldKind.STRUCT:
        if (!(value instanceof Struct)) return false;
        this.writeStruct(out, this.nestedPlan(plan, i), value);
        return true;
      default:
        return false;
    }
  }

  /** The text writer of a plan's field i, looked up on first use (not every field ever needs it). */
  private fieldWriter(plan: StructPlan, i: number): Write {
    let writer = plan.writers[i];
    if (writer === undefined) {
      writer = this.writerFor((plan.schema.fields[i] as Field).schema);
      plan.writers[i] = writer;
    }
    return writer;
  }

  /** The plan of a plan's STRUCT field i, looked up on first use, so that a plan does not recurse into every child. */
  private nestedPlan(plan: StructPlan, i: number): StructPlan {
    let nested = plan.nested[i];
    if (nested === undefined) {
      // Only STRUCT fields without a logical type's name come here, so there is a plan.
      nested = this.planFor((plan.schema.fields[i] as Field).schema) as StructPlan;
      plan.nested[i] = nested;
    }
    return nested;
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
    const prefixes = fields.map((f, i) => `${i === 0 ? '{' : ','}${quoteJson(f.name)}:`);
    let writers: Write[] | undefined;
    return (v) => {
      checkStruct(schema, v);
      if (fields.length === 0) return '{}';
      // Field writers are looked up on first use, so that making this writer does not recurse into every child.
      writers ??= fields.map((f) => this.writerFor(f.schema));
      // Equal schemas have equal fields, so the struct's values line up with this schema's fields.
      const values = structValues(v);
      let out = '';
      let i = 0;
      try {
        for (; i < fields.length; i++) out += (prefixes[i] as string) + (writers[i] as Write)(values[i]);
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

/**
 * What writeStruct knows of a field's schema: which values it writes itself. Date, Time, Timestamp, NUMERIC
 * decimals and the types not listed are OTHER, written through the field's text writer.
 */
const FieldKind = { OTHER: 0, STRING: 1, INT64: 2, INT32: 3, INT16: 4, INT8: 5, BOOLEAN: 6, STRUCT: 7, BASE64_DECIMAL: 8 } as const;
type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

const KIND_OF_TYPE: Partial<Record<SchemaType, FieldKind>> = {
  STRING: FieldKind.STRING,
  INT64: FieldKind.INT64,
  INT32: FieldKind.INT32,
  INT16: FieldKind.INT16,
  INT8: FieldKind.INT8,
  BOOLEAN: FieldKind.BOOLEAN,
  STRUCT: FieldKind.STRUCT,
};

function fieldKind(schema: Schema, decimalFormat: DecimalFormat): FieldKind {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return decimalFormat === 'BASE64' ? FieldKind.BASE64_DECIMAL : FieldKind.OTHER;
    case DATE_LOGICAL_NAME:
    case TIME_LOGICAL_NAME:
    case TIMESTAMP_LOGICAL_NAME:
      return FieldKind.OTHER;
    default:
      return KIND_OF_TYPE[schema.type] ?? FieldKind.OTHER;
  }
}

const EMPTY_OBJECT = packed('{}');
const TRUE = packed('true');
const FALSE = packed('false');

function packed(text: string): PackedBytes {
  return new PackedBytes(Buffer.from(text, 'utf8'));
}

/** What writing a STRUCT schema's values needs, worked out once per schema object. */
class StructPlan {
  readonly names: readonly string[];
  /** UTF-8 of each field's `{"name":` (the first) or `,"name":`. */
  readonly prefixes: readonly PackedBytes[];
  /** The prefix followed by `null`, for fields whose null is written `null` (optional, no default in its place). */
  readonly prefixedNulls: readonly (PackedBytes | undefined)[];
  readonly kinds: Uint8Array;
  /** The scale of Decimal fields (NaN if their schema has no valid one: the field's writer reports that). */
  readonly decimalScales: Float64Array;
  /** Per field, its text writer and (STRUCT fields) its plan, once looked up. */
  readonly writers: (Write | undefined)[];
  readonly nested: (StructPlan | undefined)[];

  constructor(
    readonly schema: Schema,
    options: JsonWriterOptions,
  ) {
    const fields = schema.fields;
    this.names = fields.map((f) => f.name);
    const prefixTexts = fields.map((f, i) => `${i === 0 ? '{' : ','}${quoteJson(f.name)}:`);
    this.prefixes = prefixTexts.map(packed);
    this.prefixedNulls = fields.map((f, i) =>
      f.schema.optional && (f.schema.defaultValue === undefined || !options.replaceNullWithDefault)
        ? packed(`${prefixTexts[i] as string}null`)
        : undefined,
    );
    this.kinds = Uint8Array.from(fields, (f) => fieldKind(f.schema, options.decimalFormat));
    this.decimalScales = Float64Array.from(fields, (f) => (f.schema.name === DECIMAL_LOGICAL_NAME ? decimalScale(f.schema) : NaN));
    this.writers = new Array<Write | undefined>(fields.length).fill(undefined);
    this.nested = new Array<StructPlan | undefined>(fields.length).fill(undefined);
  }
}

/** A Decimal schema's scale, or NaN (for an invalid schema, which the field's writer reports). */
function decimalScale(schema: Schema): number {
  try {
    return Decimal.scaleOf(schema);
  } catch {
    return NaN;
  }
}

/** An INT8-INT32 value, if it is an integer in [min, max]; returns whether it was. */
function writeIntIn(out: JsonOutput, value: unknown, min: number, max: number): boolean {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return false;
  out.writeSafeInteger(value);
  return true;
}

/** The checks of every struct writer: a Struct, of this schema or an equal one. */
function checkStruct(schema: Schema, value: unknown): asserts value is Struct {
  if (!(value instanceof Struct)) throw invalid(schema, value);
  if (value.schema !== schema && !value.schema.equals(schema)) throw new DataError('Mismatching schema.');
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
