/**
 * The timestamp representations TimestampConverter converts between, each with a reader to epoch milliseconds, a
 * writer back, and the schema of the written form:
 *   string     text in the configured SimpleDateFormat pattern (UTC)                       STRING
 *   unix       an integer in `unix.precision` units since the epoch                      INT64
 *   Date       a Date at midnight UTC                                                    Connect Date
 *   Time       a Date on 1970-01-01 UTC                                                  Connect Time
 *   Timestamp  a Date                                                                    Connect Timestamp
 */
import { ConnectDate, ConnectTime, ConnectTimestamp, DataError, Schema } from '../api';
import type { JavaDateFormat } from './java-date-format';
import { int64Value } from './java-numbers';
import { typeName } from './requirements';

export type TimestampType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
export type UnixPrecision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

export const TIMESTAMP_TYPES: readonly TimestampType[] = ['string', 'unix', 'Date', 'Time', 'Timestamp'];
export const UNIX_PRECISIONS: readonly UnixPrecision[] = ['nanoseconds', 'microseconds', 'milliseconds', 'seconds'];

const MILLIS_PER_DAY = 86_400_000;
const OPTIONAL_DATE_SCHEMA = ConnectDate.builder().optional().build();
const OPTIONAL_TIME_SCHEMA = ConnectTime.builder().optional().build();
const OPTIONAL_TIMESTAMP_SCHEMA = ConnectTimestamp.builder().optional().build();

export interface TranslatorConfig {
  readonly format: JavaDateFormat | null;
  readonly unixPrecision: UnixPrecision;
}

/** Milliseconds per unit of each precision, as bigints for exact arithmetic on large values. */
const UNIT_MILLIS: Readonly<Record<UnixPrecision, { multiply: bigint; divide: bigint }>> = {
  seconds: { multiply: 1000n, divide: 1n },
  milliseconds: { multiply: 1n, divide: 1n },
  microseconds: { multiply: 1n, divide: 1000n },
  nanoseconds: { multiply: 1n, divide: 1_000_000n },
};

/** Reads a timestamp of the given representation as epoch milliseconds. */
export function toMillis(type: TimestampType, config: TranslatorConfig, value: unknown): number {
  switch (type) {
    case 'string': {
      if (typeof value !== 'string') throw new DataError(`Expected string timestamp to be a String, but found ${typeName(value)}`);
      if (config.format === null) throw new DataError('TimestampConverter requires the format option to read string timestamps');
      try {
        return config.format.parse(value);
      } catch (err) {
        throw new DataError(`Could not parse timestamp: value (${value}) does not match pattern (${config.format.pattern})`, { cause: err });
      }
    }
    case 'unix': {
      if (!(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))) {
        throw new DataError(`Expected Unix timestamp to be a Long, but found ${typeName(value)}`);
      }
      const unit = UNIT_MILLIS[config.unixPrecision];
      if (typeof value === 'number' && unit.divide === 1n && unit.multiply === 1n) return value;
      // BigInt division truncates toward zero, as Java's TimeUnit conversions do.
      return Number((BigInt(value) * unit.multiply) / unit.divide);
    }
    default:
      if (!(value instanceof Date)) throw new DataError(`Expected ${type} to be a Date, but found ${typeName(value)}`);
      return value.getTime();
  }
}

/** Writes epoch milliseconds in the given representation. */
export function fromMillis(type: TimestampType, config: TranslatorConfig, millis: number): unknown {
  switch (type) {
    case 'string':
      return (config.format as JavaDateFormat).format(millis);
    case 'unix': {
      const unit = UNIT_MILLIS[config.unixPrecision];
      if (unit.divide === 1n && unit.multiply === 1n) return millis;
      return int64Value((BigInt(millis) * unit.divide) / unit.multiply);
    }
    case 'Date':
      return new Date(Math.floor(millis / MILLIS_PER_DAY) * MILLIS_PER_DAY);
    case 'Time':
      return new Date(((millis % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY);
    default:
      return new Date(millis);
  }
}

export function schemaOf(type: TimestampType, optional: boolean): Schema {
  switch (type) {
    case 'string':
      return optional ? Schema.OPTIONAL_STRING_SCHEMA : Schema.STRING_SCHEMA;
    case 'unix':
      return optional ? Schema.OPTIONAL_INT64_SCHEMA : Schema.INT64_SCHEMA;
    case 'Date':
      return optional ? OPTIONAL_DATE_SCHEMA : ConnectDate.SCHEMA;
    case 'Time':
      return optional ? OPTIONAL_TIME_SCHEMA : ConnectTime.SCHEMA;
    default:
      return optional ? OPTIONAL_TIMESTAMP_SCHEMA : ConnectTimestamp.SCHEMA;
  }
}

/** The representation a schema declares (logical type, else STRING → string, INT64 → unix). */
export function typeOfSchema(schema: Schema): TimestampType {
  if (schema.name === ConnectTimestamp.LOGICAL_NAME) return 'Timestamp';
  if (schema.name === ConnectDate.LOGICAL_NAME) return 'Date';
  if (schema.name === ConnectTime.LOGICAL_NAME) return 'Time';
  if (schema.type === 'STRING') return 'string';
  if (schema.type === 'INT64') return 'unix';
  throw new DataError(`Schema ${schema.toString()} does not correspond to a known timestamp type format`);
}

/** The representation of a schemaless value: a Date is a Timestamp, an integer unix time, a string text. */
export function typeOfValue(value: unknown): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataError(`TimestampConverter does not support ${typeName(value)} objects as timestamps`);
}
