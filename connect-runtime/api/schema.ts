/**
 * Connect's schema model (org.apache.kafka.connect.data.Schema / ConnectSchema / Field).
 *
 * Schemas are immutable. Build them with SchemaBuilder, or use the shared primitive constants
 * (`Schema.STRING_SCHEMA`, `Schema.OPTIONAL_INT64_SCHEMA`, ...).
 *
 * JavaScript value types per schema type:
 *   INT8, INT16, INT32     number (an integer in the type's range)
 *   INT64                  number (a safe integer) or bigint (any 64-bit value); the converters produce a bigint
 *                          only when the magnitude exceeds Number.MAX_SAFE_INTEGER
 *   FLOAT32, FLOAT64       number
 *   BOOLEAN                boolean
 *   STRING                 string
 *   BYTES                  Buffer or Uint8Array
 *   ARRAY                  Array
 *   MAP                    Map, or a plain object when the keys are strings
 *   STRUCT                 Struct
 * Logical types: Decimal → BigDecimal, Date/Time/Timestamp → Date.
 */
import { DataError } from './errors';

export const SchemaType = {
  INT8: 'INT8',
  INT16: 'INT16',
  INT32: 'INT32',
  INT64: 'INT64',
  FLOAT32: 'FLOAT32',
  FLOAT64: 'FLOAT64',
  BOOLEAN: 'BOOLEAN',
  STRING: 'STRING',
  BYTES: 'BYTES',
  ARRAY: 'ARRAY',
  MAP: 'MAP',
  STRUCT: 'STRUCT',
} as const;

export type SchemaType = (typeof SchemaType)[keyof typeof SchemaType];

export const PRIMITIVE_TYPES: ReadonlySet<SchemaType> = new Set<SchemaType>([
  'INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES',
]);

/** Logical type names (schema `name`s) known to the framework. */
export const DECIMAL_LOGICAL_NAME = 'org.apache.kafka.connect.data.Decimal';
export const DATE_LOGICAL_NAME = 'org.apache.kafka.connect.data.Date';
export const TIME_LOGICAL_NAME = 'org.apache.kafka.connect.data.Time';
export const TIMESTAMP_LOGICAL_NAME = 'org.apache.kafka.connect.data.Timestamp';

export interface SchemaInit {
  type: SchemaType;
  optional?: boolean;
  /** undefined (or null) means "no default". */
  defaultValue?: unknown;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Readonly<Record<string, string>>;
  /** STRUCT only: field names and schemas, in order. */
  fields?: ReadonlyArray<{ name: string; schema: Schema }>;
  /** MAP only. */
  keySchema?: Schema;
  /** MAP and ARRAY only. */
  valueSchema?: Schema;
}

export class Field {
  constructor(
    readonly name: string,
    readonly index: number,
    readonly schema: Schema,
  ) {}

  equals(other: unknown): boolean {
    return (
      other === this ||
      (other instanceof Field && other.name === this.name && other.index === this.index && other.schema.equals(this.schema))
    );
  }

  toString(): string {
    return `Field{name=${this.name}, index=${this.index}, schema=${this.schema.toString()}}`;
  }
}

export class Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  /** The default value, or undefined when there is none. */
  readonly defaultValue: unknown;
  readonly name: string | undefined;
  readonly version: number | undefined;
  readonly doc: string | undefined;
  /** Schema parameters in insertion order, or undefined when none were ever set. */
  readonly parameters: Readonly<Record<string, string>> | undefined;
  private readonly fieldList: readonly Field[] | undefined;
  private readonly fieldsByName: ReadonlyMap<string, Field> | undefined;
  private readonly keySchemaValue: Schema | undefined;
  private readonly valueSchemaValue: Schema | undefined;

  constructor(init: SchemaInit) {
    this.type = init.type;
    this.optional = init.optional ?? false;
    this.defaultValue = init.defaultValue ?? undefined;
    this.name = init.name;
    this.version = init.version;
    this.doc = init.doc;
    this.parameters = init.parameters === undefined ? undefined : Object.freeze({ ...init.parameters });
    if (init.type === 'STRUCT') {
      const fields = (init.fields ?? []).map((f, i) => new Field(f.name, i, f.schema));
      this.fieldList = Object.freeze(fields);
      this.fieldsByName = new Map(fields.map((f) => [f.name, f]));
    } else if (init.fields !== undefined && init.fields.length > 0) {
      throw new DataError(`Cannot create fields on type ${init.type}`);
    }
    if (init.type === 'MAP') {
      if (!init.keySchema || !init.valueSchema) throw new DataError('Map schemas need a key schema and a value schema');
      this.keySchemaValue = init.keySchema;
      this.valueSchemaValue = init.valueSchema;
    } else if (init.type === 'ARRAY') {
      if (!init.valueSchema) throw new DataError('Array schemas need a value schema');
      this.valueSchemaValue = init.valueSchema;
    }
    Object.freeze(this);
  }

  /** True when this is one of the logical types with the given name. */
  isLogical(name: string): boolean {
    return this.name === name;
  }

  /** The fields of a STRUCT schema, in order. */
  get fields(): readonly Field[] {
    if (this.fieldList === undefined) throw new DataError(`Cannot list fields on non-struct type ${this.type}`);
    return this.fieldList;
  }

  /** The named field of a STRUCT schema, or undefined. */
  field(name: string): Field | undefined {
    if (this.fieldsByName === undefined) throw new DataError(`Cannot look up fields on non-struct type ${this.type}`);
    return this.fieldsByName.get(name);
  }

  get keySchema(): Schema {
    if (this.keySchemaValue === undefined) throw new DataError(`Cannot look up key schema on non-map type ${this.type}`);
    return this.keySchemaValue;
  }

  get valueSchema(): Schema {
    if (this.valueSchemaValue === undefined) {
      throw new DataError(`Cannot look up value schema on non-array and non-map type ${this.type}`);
    }
    return this.valueSchemaValue;
  }

  /** Structural equality, like ConnectSchema.equals (type, optionality, default, name, version, doc, parameters, children). */
  equals(other: unknown): boolean {
    if (other === this) return true;
    if (!(other instanceof Schema)) return false;
    return (
      this.type === other.type &&
      this.optional === other.optional &&
      this.name === other.name &&
      this.version === other.version &&
      this.doc === other.doc &&
      paramsEqual(this.parameters, other.parameters) &&
      sameChildren(this, other) &&
      valuesEqual(this.defaultValue, other.defaultValue)
    );
  }

  toString(): string {
    return this.name === undefined ? `Schema{${this.type}}` : `Schema{${this.name}:${this.type}}`;
  }

  static readonly INT8_SCHEMA = new Schema({ type: 'INT8' });
  static readonly INT16_SCHEMA = new Schema({ type: 'INT16' });
  static readonly INT32_SCHEMA = new Schema({ type: 'INT32' });
  static readonly INT64_SCHEMA = new Schema({ type: 'INT64' });
  static readonly FLOAT32_SCHEMA = new Schema({ type: 'FLOAT32' });
  static readonly FLOAT64_SCHEMA = new Schema({ type: 'FLOAT64' });
  static readonly BOOLEAN_SCHEMA = new Schema({ type: 'BOOLEAN' });
  static readonly STRING_SCHEMA = new Schema({ type: 'STRING' });
  static readonly BYTES_SCHEMA = new Schema({ type: 'BYTES' });
  static readonly OPTIONAL_INT8_SCHEMA = new Schema({ type: 'INT8', optional: true });
  static readonly OPTIONAL_INT16_SCHEMA = new Schema({ type: 'INT16', optional: true });
  static readonly OPTIONAL_INT32_SCHEMA = new Schema({ type: 'INT32', optional: true });
  static readonly OPTIONAL_INT64_SCHEMA = new Schema({ type: 'INT64', optional: true });
  static readonly OPTIONAL_FLOAT32_SCHEMA = new Schema({ type: 'FLOAT32', optional: true });
  static readonly OPTIONAL_FLOAT64_SCHEMA = new Schema({ type: 'FLOAT64', optional: true });
  static readonly OPTIONAL_BOOLEAN_SCHEMA = new Schema({ type: 'BOOLEAN', optional: true });
  static readonly OPTIONAL_STRING_SCHEMA = new Schema({ type: 'STRING', optional: true });
  static readonly OPTIONAL_BYTES_SCHEMA = new Schema({ type: 'BYTES', optional: true });
}

function paramsEqual(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

function sameChildren(a: Schema, b: Schema): boolean {
  switch (a.type) {
    case 'STRUCT': {
      const fa = a.fields;
      const fb = b.fields;
      return fa.length === fb.length && fa.every((f, i) => f.equals(fb[i]));
    }
    case 'MAP':
      return a.keySchema.equals(b.keySchema) && a.valueSchema.equals(b.valueSchema);
    case 'ARRAY':
      return a.valueSchema.equals(b.valueSchema);
    default:
      return true;
  }
}

interface Equatable {
  equals(other: unknown): boolean;
}

function hasEquals(v: object): v is Equatable {
  return typeof (v as Partial<Equatable>).equals === 'function';
}

/**
 * Deep equality of Connect values: bytes by content, Dates by time, arrays and maps element-wise, Struct and
 * BigDecimal through their equals(). null and undefined are equal (both mean "no value").
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') {
    return typeof a === 'number' && typeof b === 'number' ? Number.isNaN(a) && Number.isNaN(b) : false;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  }
  if (a instanceof Map || b instanceof Map) return mapsEqual(entriesOf(a), entriesOf(b));
  if (hasEquals(a)) return a.equals(b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  return mapsEqual(entriesOf(a), entriesOf(b));
}

function entriesOf(v: object): Array<[unknown, unknown]> {
  return v instanceof Map ? [...v.entries()] : Object.entries(v);
}

function mapsEqual(a: Array<[unknown, unknown]>, b: Array<[unknown, unknown]>): boolean {
  if (a.length !== b.length) return false;
  const primitiveKeys = new Map<unknown, unknown>();
  const complexKeys: Array<[unknown, unknown]> = [];
  for (const entry of b) {
    if (entry[0] !== null && typeof entry[0] === 'object') complexKeys.push(entry);
    else primitiveKeys.set(entry[0], entry[1]);
  }
  return a.every(([ka, va]) =>
    ka !== null && typeof ka === 'object'
      ? complexKeys.some(([kb, vb]) => valuesEqual(ka, kb) && valuesEqual(va, vb))
      : primitiveKeys.has(ka) && valuesEqual(va, primitiveKeys.get(ka)),
  );
}

/** A plain object (literal or Object.create(null)): how string-keyed MAP values may be given. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
