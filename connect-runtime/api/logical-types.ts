/**
 * Connect's logical types: schemas with a well-known name whose values have a richer JavaScript type than the
 * underlying primitive.
 *
 *   Decimal    BYTES with parameter `scale`: two's-complement big-endian unscaled value  ↔ BigDecimal
 *   Date       INT32 days since the Unix epoch                                          ↔ Date (midnight UTC)
 *   Time       INT32 milliseconds since midnight                                        ↔ Date on 1970-01-01 UTC
 *   Timestamp  INT64 milliseconds since the Unix epoch                                  ↔ Date
 *
 * (Kafka's org.apache.kafka.connect.data.Date/Time/Timestamp are ConnectDate/ConnectTime/ConnectTimestamp here so
 * that they do not shadow JavaScript's Date.)
 */
import { BigDecimal } from './big-decimal';
import { DataError } from './errors';
import { DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, Schema, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME } from './schema';
import { SchemaBuilder } from './schema-builder';

const MILLIS_PER_DAY = 86_400_000;

export const Decimal = {
  LOGICAL_NAME: DECIMAL_LOGICAL_NAME,
  SCALE_FIELD: 'scale',

  builder(scale: number): SchemaBuilder {
    if (!Number.isInteger(scale)) throw new DataError(`Decimal scale must be an integer, got ${scale}`);
    return SchemaBuilder.bytes().name(DECIMAL_LOGICAL_NAME).parameter('scale', String(scale)).version(1);
  },

  schema(scale: number): Schema {
    return Decimal.builder(scale).build();
  },

  /** The scale declared by a Decimal schema. */
  scaleOf(schema: Schema): number {
    const raw = schema.parameters?.['scale'];
    if (raw === undefined) throw new DataError('Invalid Decimal schema: scale parameter not found.');
    const scale = Number(raw);
    if (!Number.isInteger(scale)) throw new DataError(`Invalid Decimal schema: scale parameter "${raw}" is not an integer.`);
    return scale;
  },

  /** BigDecimal → unscaled two's-complement bytes. The value's scale must equal the schema's. */
  fromLogical(schema: Schema, value: BigDecimal): Buffer {
    if (value.scale !== Decimal.scaleOf(schema)) {
      throw new DataError(`BigDecimal has scale ${value.scale} but the Decimal schema declares scale ${Decimal.scaleOf(schema)}`);
    }
    return bigIntToTwosComplement(value.unscaled);
  },

  /** Unscaled two's-complement bytes → BigDecimal at the schema's scale. */
  toLogical(schema: Schema, bytes: Uint8Array): BigDecimal {
    if (bytes.length === 0) throw new DataError('Invalid Decimal value: zero-length bytes');
    return new BigDecimal(twosComplementToBigInt(bytes), Decimal.scaleOf(schema));
  },
} as const;

export const ConnectDate = {
  LOGICAL_NAME: DATE_LOGICAL_NAME,

  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1);
  },

  SCHEMA: SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1).build(),

  /** A Date at midnight UTC → days since the epoch. Any time-of-day part is an error. */
  fromLogical(schema: Schema, value: Date): number {
    checkLogical(schema, DATE_LOGICAL_NAME);
    const millis = validTime(value);
    if (millis % MILLIS_PER_DAY !== 0) {
      throw new DataError('A Connect Date must not have a time of day (it must be midnight UTC)');
    }
    return millis / MILLIS_PER_DAY;
  },

  toLogical(schema: Schema, days: number): Date {
    checkLogical(schema, DATE_LOGICAL_NAME);
    return new Date(days * MILLIS_PER_DAY);
  },
} as const;

export const ConnectTime = {
  LOGICAL_NAME: TIME_LOGICAL_NAME,

  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1);
  },

  SCHEMA: SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1).build(),

  /** A Date on 1970-01-01 UTC → milliseconds since midnight. Any other date part is an error. */
  fromLogical(schema: Schema, value: Date): number {
    checkLogical(schema, TIME_LOGICAL_NAME);
    const millis = validTime(value);
    if (millis < 0 || millis >= MILLIS_PER_DAY) {
      throw new DataError('A Connect Time must not have a date part (it must fall on 1970-01-01 UTC)');
    }
    return millis;
  },

  toLogical(schema: Schema, millis: number): Date {
    checkLogical(schema, TIME_LOGICAL_NAME);
    if (millis < 0 || millis >= MILLIS_PER_DAY) {
      throw new DataError(`Time values must be milliseconds within one day, got ${millis}`);
    }
    return new Date(millis);
  },
} as const;

export const ConnectTimestamp = {
  LOGICAL_NAME: TIMESTAMP_LOGICAL_NAME,

  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1);
  },

  SCHEMA: SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1).build(),

  fromLogical(schema: Schema, value: Date): number {
    checkLogical(schema, TIMESTAMP_LOGICAL_NAME);
    return validTime(value);
  },

  toLogical(schema: Schema, millis: number | bigint): Date {
    checkLogical(schema, TIMESTAMP_LOGICAL_NAME);
    const date = new Date(Number(millis));
    if (Number.isNaN(date.getTime())) throw new DataError(`Timestamp ${millis} is outside the range of a JavaScript Date`);
    return date;
  },
} as const;

function checkLogical(schema: Schema, name: string): void {
  if (schema.name !== name) {
    throw new DataError(`Requested conversion of a ${name.slice(name.lastIndexOf('.') + 1)} value but the schema does not match`);
  }
}

function validTime(value: Date): number {
  const millis = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(millis)) throw new DataError('Expected a valid Date');
  return millis;
}

/** Minimal big-endian two's-complement bytes of an integer (Java's BigInteger.toByteArray). */
export function bigIntToTwosComplement(value: bigint): Buffer {
  if (value === 0n) return Buffer.from([0]);
  let bytes = 1;
  if (value > 0n) {
    while (value >= 1n << BigInt(8 * bytes - 1)) bytes++;
  } else {
    while (value < -(1n << BigInt(8 * bytes - 1))) bytes++;
  }
  let v = value < 0n ? (1n << BigInt(8 * bytes)) + value : value;
  const out = Buffer.allocUnsafe(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Big-endian two's-complement bytes → integer (Java's new BigInteger(byte[])). */
export function twosComplementToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  const first = bytes[0] ?? 0;
  return first & 0x80 ? v - (1n << BigInt(8 * bytes.length)) : v;
}
