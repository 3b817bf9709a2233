/**
 * The value conversions of the Cast transformation, with Java's semantics: integral inputs wrap when narrowed,
 * floating-point inputs truncate, booleans are 1/0, strings are parsed as Java's parseX would (a bad string is a
 * DataError), bytes cast only to string (base64), and Date/Time/Timestamp values are first encoded as their INT32/INT64
 * representation unless they are cast to string.
 */
import {
  BigDecimal,
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  convertToString,
  DATE_LOGICAL_NAME,
  DataError,
  formatJavaDouble,
  formatJavaFloat,
  type Schema,
  type SchemaType,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '../api';
import { schemaTypeOf } from './map-values';
import { type IntegerBits, narrowInteger, parseJavaDouble, parseJavaFloat, parseJavaInteger } from './java-numbers';
import { typeName } from './requirements';

export const CAST_INPUT_TYPES: readonly SchemaType[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES'];
export const CAST_OUTPUT_TYPES: readonly SchemaType[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING'];

const INTEGER_BITS: Partial<Record<SchemaType, IntegerBits>> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };

/**
 * `value` (described by `schema`, or by its JavaScript type when schemaless) cast to `target`. Null stays null.
 */
export function castValueToType(schema: Schema | null, value: unknown, target: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const inferred = schema === null ? schemaTypeOf(value) : schema.type;
  if (inferred === null) {
    throw new DataError(`Cast transformation was passed a value of type ${typeName(value)} which is not supported by Connect's data API`);
  }
  if (!CAST_INPUT_TYPES.includes(inferred)) {
    throw new DataError(`Cast transformation does not support casting from ${inferred}; supported types are [${CAST_INPUT_TYPES.join(', ')}]`);
  }
  let input: unknown = value;
  if (schema !== null && schema.name !== undefined && target !== 'STRING') input = encodeLogical(schema, value);
  try {
    return castTo(input, target, inferred);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`Value (${String(value)}) was out of range for requested data type`, { cause: err });
  }
}

function encodeLogical(schema: Schema, value: unknown): unknown {
  if (!(value instanceof Date)) return value;
  switch (schema.name) {
    case DATE_LOGICAL_NAME:
      return ConnectDate.fromLogical(schema, value);
    case TIME_LOGICAL_NAME:
      return ConnectTime.fromLogical(schema, value);
    case TIMESTAMP_LOGICAL_NAME:
      return ConnectTimestamp.fromLogical(schema, value);
    default:
      return value;
  }
}

function unexpected(value: unknown): DataError {
  return new DataError(`Unexpected type in Cast transformation: ${typeName(value)}`);
}

/** `source` is the input's Connect type: floating-point sources truncate where integral ones wrap. */
function castTo(value: unknown, target: SchemaType, source: SchemaType): unknown {
  const floating = source === 'FLOAT32' || source === 'FLOAT64';
  const bits = INTEGER_BITS[target];
  if (bits !== undefined) {
    if (typeof value === 'number' || typeof value === 'bigint' || value instanceof BigDecimal) return narrowInteger(value, bits, floating);
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string') return parseJavaInteger(value, bits);
    throw unexpected(value);
  }
  switch (target) {
    case 'FLOAT32':
    case 'FLOAT64': {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'bigint') n = Number(value);
      else if (value instanceof BigDecimal) n = value.toNumber();
      else if (typeof value === 'boolean') n = value ? 1 : 0;
      else if (typeof value === 'string') n = target === 'FLOAT32' ? parseJavaFloat(value) : parseJavaDouble(value);
      else throw unexpected(value);
      return target === 'FLOAT32' ? Math.fround(n) : n;
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number' || typeof value === 'bigint' || value instanceof BigDecimal) {
        const n = narrowInteger(value, 64, floating);
        return n !== 0 && n !== 0n;
      }
      if (typeof value === 'string') return value.toLowerCase() === 'true';
      throw unexpected(value);
    default:
      return castToString(value, source);
  }
}

function castToString(value: unknown, source: SchemaType): string {
  if (value instanceof Date) return convertToString(null, value) as string;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (typeof value === 'number') {
    if (source === 'FLOAT32') return formatJavaFloat(value);
    return source === 'FLOAT64' ? formatJavaDouble(value) : String(value);
  }
  return String(value);
}
