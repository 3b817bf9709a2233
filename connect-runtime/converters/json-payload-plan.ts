/**
 * What JsonPayloadReader needs to know about a schema, worked out once per schema object: which kind of value it
 * reads (deciding by logical name first and then by type, in JsonDataReader.value's order) and, for structs, the
 * fields' plans and names.
 */
import { Decimal } from '../api/logical-types';
import { DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, type Schema, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME } from '../api/schema';

export const enum Kind {
  Boolean,
  SmallInt,
  Int64,
  Float,
  String,
  Bytes,
  Decimal,
  Date,
  Time,
  Timestamp,
  Array,
  Struct,
  StringMap,
  /** Not read here (maps with non-string keys): always the general path. */
  Other,
}

/** What reading a value of one schema needs, worked out once per schema object. */
export interface Plan {
  readonly kind: Kind;
  readonly schema: Schema;
  /** Small integer types: the range. */
  readonly min: number;
  readonly max: number;
  /** Decimals: the schema's scale, NaN when it has none that Decimal.scaleOf accepts. */
  readonly scale: number;
  /** Arrays: the element; string-keyed maps: the value. */
  readonly element: Plan | null;
  /** Structs: the fields' plans in order, and where each name is. */
  readonly fields: readonly Plan[];
  /** `"name":` as a compact writer puts it, for names written verbatim (no quote, backslash or control character). */
  readonly keyHeads: readonly (string | undefined)[];
  readonly indexOf: ReadonlyMap<string, number>;
}

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};
const PLAIN_NAME = /^[^"\\\u0000-\u001f]*$/;

/** The plan for a schema, deciding by logical name first and then by type, in JsonDataReader.value's order. */
export function compile(schema: Schema): Plan {
  const base = { schema, min: 0, max: 0, scale: Number.NaN, element: null, fields: [], keyHeads: [], indexOf: new Map<string, number>() };
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return { ...base, kind: Kind.Decimal, scale: decimalScale(schema) };
    case DATE_LOGICAL_NAME:
      return { ...base, kind: Kind.Date };
    case TIME_LOGICAL_NAME:
      return { ...base, kind: Kind.Time };
    case TIMESTAMP_LOGICAL_NAME:
      return { ...base, kind: Kind.Timestamp };
    default:
      break;
  }
  switch (schema.type) {
    case 'BOOLEAN':
      return { ...base, kind: Kind.Boolean };
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [min, max] = INT_RANGES[schema.type] as readonly [number, number];
      return { ...base, kind: Kind.SmallInt, min, max };
    }
    case 'INT64':
      return { ...base, kind: Kind.Int64 };
    case 'FLOAT32':
    case 'FLOAT64':
      return { ...base, kind: Kind.Float };
    case 'STRING':
      return { ...base, kind: Kind.String };
    case 'BYTES':
      return { ...base, kind: Kind.Bytes };
    case 'ARRAY':
      return { ...base, kind: Kind.Array, element: compile(schema.valueSchema) };
    case 'MAP':
      if (schema.keySchema.type !== 'STRING') return { ...base, kind: Kind.Other };
      return { ...base, kind: Kind.StringMap, element: compile(schema.valueSchema) };
    case 'STRUCT': {
      const names = schema.fields.map((f) => f.name);
      return {
        ...base,
        kind: Kind.Struct,
        fields: schema.fields.map((f) => compile(f.schema)),
        keyHeads: names.map((n) => (PLAIN_NAME.test(n) ? `"${n}":` : undefined)),
        indexOf: new Map(names.map((n, i) => [n, i])),
      };
    }
    default:
      return { ...base, kind: Kind.Other };
  }
}

function decimalScale(schema: Schema): number {
  try {
    return Decimal.scaleOf(schema);
  } catch {
    return Number.NaN;
  }
}

