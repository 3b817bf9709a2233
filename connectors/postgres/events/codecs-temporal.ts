/**
 * Codecs of date, time, timestamp, timestamptz, timetz and interval under `time.precision.mode` and
 * `interval.handling.mode`, with Debezium's infinity sentinels.
 *
 *   mode                        date    time(0-3)  time(4-6)  timestamp(0-3)  timestamp(4-6)
 *   adaptive                    Date    Time       MicroTime  Timestamp       MicroTimestamp
 *   adaptive_time_microseconds  Date    MicroTime  MicroTime  Timestamp       MicroTimestamp
 *   microseconds                Date    MicroTime  MicroTime  MicroTimestamp  MicroTimestamp
 *   nanoseconds                 Date    NanoTime   NanoTime   NanoTimestamp   NanoTimestamp
 *   connect                     Kafka's Date, Time and Timestamp logical types (milliseconds, JavaScript Dates)
 * timestamptz and timetz are ZonedTimestamp/ZonedTime strings at UTC in every mode.
 */
import { ConnectDate, ConnectTime, ConnectTimestamp, DataError } from '../../../connect-runtime/api';
import { DebeziumSchemas, int64 } from './debezium-schemas';
import type { IntervalHandlingMode, TimePrecisionMode } from './events-options';
import {
  daysFromCivil,
  floorDiv,
  formatZonedTimestamp,
  parsePgDate,
  parsePgTime,
  parsePgTimestamp,
  parsePgTimestamptz,
  pgTimetzToZonedTime,
} from './text-datetime';
import { fastPgDate, fastPgTimestampMicros, fastZonedTimestamp } from './text-datetime-fast';
import { intervalToIsoString, intervalToMicroDuration, parsePgInterval } from './text-interval';
import type { ValueCodec } from './value-codec';

/**
 * Debezium turns date 'infinity'/'-infinity' into fixed dates (-5877611-06-21 and -5877611-06-22) and emits their
 * day counts; these are those counts.
 */
export const DATE_POSITIVE_INFINITY_DAYS = daysFromCivil(-5877611, 6, 21);
export const DATE_NEGATIVE_INFINITY_DAYS = daysFromCivil(-5877611, 6, 22);

/** timestamp 'infinity'/'-infinity' in microseconds, the JDBC driver's infinity constants read as microseconds. */
export const TIMESTAMP_POSITIVE_INFINITY_MICROS = 9223372036825200000n;
export const TIMESTAMP_NEGATIVE_INFINITY_MICROS = -9223372036832400000n;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** The JavaScript Date range, in days and milliseconds (±100,000,000 days around the epoch). */
const MAX_DATE_DAYS = 100_000_000;
const MAX_DATE_MILLIS = 8_640_000_000_000_000n;

function clampDays(days: number): number {
  return Math.max(-MAX_DATE_DAYS, Math.min(MAX_DATE_DAYS, days));
}

function clampMillis(millis: bigint): number {
  return Number(millis > MAX_DATE_MILLIS ? MAX_DATE_MILLIS : millis < -MAX_DATE_MILLIS ? -MAX_DATE_MILLIS : millis);
}

function dateDays(text: string): number {
  const fast = fastPgDate(text);
  if (fast !== undefined) return fast;
  const v = parsePgDate(text);
  return v === 'infinity' ? DATE_POSITIVE_INFINITY_DAYS : v === '-infinity' ? DATE_NEGATIVE_INFINITY_DAYS : v;
}

export function dateCodec(mode: TimePrecisionMode): ValueCodec {
  if (mode === 'connect') {
    // A JavaScript Date cannot hold the infinity sentinels; they are clamped to the Date range.
    return { schema: () => ConnectDate.builder(), parse: (t) => new Date(clampDays(dateDays(t)) * 86_400_000), fallback: () => new Date(0), toast: 'none' };
  }
  return { schema: () => DebeziumSchemas.date(), parse: dateDays, fallback: () => 0, toast: 'none' };
}

export function timeCodec(mode: TimePrecisionMode, precision: number): ValueCodec {
  switch (mode) {
    case 'connect':
      return {
        schema: () => ConnectTime.builder(),
        parse: (t) => {
          const millis = Number(parsePgTime(t) / 1000n);
          if (millis >= 86_400_000) throw new DataError(`time ${t} cannot be represented by ${ConnectTime.LOGICAL_NAME}`);
          return new Date(millis);
        },
        fallback: () => new Date(0),
        toast: 'none',
      };
    case 'nanoseconds':
      return { schema: () => DebeziumSchemas.nanoTime(), parse: (t) => int64(parsePgTime(t) * 1000n), fallback: () => 0, toast: 'none' };
    case 'adaptive':
      if (precision <= 3) {
        return { schema: () => DebeziumSchemas.time(), parse: (t) => Number(parsePgTime(t) / 1000n), fallback: () => 0, toast: 'none' };
      }
      break;
    default:
      break;
  }
  return { schema: () => DebeziumSchemas.microTime(), parse: (t) => int64(parsePgTime(t)), fallback: () => 0, toast: 'none' };
}

function timestampMicros(text: string): bigint {
  const v = parsePgTimestamp(text);
  return v === 'infinity' ? TIMESTAMP_POSITIVE_INFINITY_MICROS : v === '-infinity' ? TIMESTAMP_NEGATIVE_INFINITY_MICROS : v;
}

/** int64(timestampMicros(text)), through the fast path when it applies. */
function timestampMicrosInt64(text: string): number | bigint {
  const fast = fastPgTimestampMicros(text);
  return fast !== undefined ? fast : int64(timestampMicros(text));
}

/** int64(floorDiv(timestampMicros(text), 1000n)), through the fast path when it applies. */
function timestampMillisInt64(text: string): number | bigint {
  const fast = fastPgTimestampMicros(text);
  // fast is a safe integer, so this floor division is exact in doubles.
  return fast !== undefined ? (fast - (((fast % 1000) + 1000) % 1000)) / 1000 : int64(floorDiv(timestampMicros(text), 1000n));
}

export function timestampCodec(mode: TimePrecisionMode, precision: number): ValueCodec {
  const millis = (t: string): bigint => floorDiv(timestampMicros(t), 1000n);
  switch (mode) {
    case 'connect':
      // Milliseconds; values beyond the JavaScript Date range (only the infinities) are clamped to it.
      return { schema: () => ConnectTimestamp.builder(), parse: (t) => new Date(clampMillis(millis(t))), fallback: () => new Date(0), toast: 'none' };
    case 'nanoseconds':
      return {
        schema: () => DebeziumSchemas.nanoTimestamp(),
        parse: (t) => {
          const v = parsePgTimestamp(t);
          if (v === 'infinity') return int64(INT64_MAX);
          if (v === '-infinity') return int64(INT64_MIN);
          const nanos = v * 1000n;
          if (nanos > INT64_MAX || nanos < INT64_MIN) throw new DataError(`timestamp ${t} does not fit io.debezium.time.NanoTimestamp`);
          return int64(nanos);
        },
        fallback: () => 0,
        toast: 'none',
      };
    case 'microseconds':
      break;
    default:
      if (precision <= 3) return { schema: () => DebeziumSchemas.timestamp(), parse: timestampMillisInt64, fallback: () => 0, toast: 'none' };
  }
  return { schema: () => DebeziumSchemas.microTimestamp(), parse: timestampMicrosInt64, fallback: () => 0, toast: 'none' };
}

/** timestamptz → ISO-8601 at UTC with as many fraction digits as the column's precision (6 by default). */
export function timestamptzCodec(precision: number): ValueCodec {
  return {
    schema: () => DebeziumSchemas.zonedTimestamp(),
    parse: (t) => {
      const fast = fastZonedTimestamp(t, precision);
      if (fast !== undefined) return fast;
      const v = parsePgTimestamptz(t);
      return typeof v === 'string' ? v : formatZonedTimestamp(v, precision);
    },
    fallback: () => '1970-01-01T00:00:00Z',
    toast: 'none',
  };
}

export function timetzCodec(): ValueCodec {
  return { schema: () => DebeziumSchemas.zonedTime(), parse: pgTimetzToZonedTime, fallback: () => '00:00:00Z', toast: 'none' };
}

export function intervalCodec(mode: IntervalHandlingMode): ValueCodec {
  if (mode === 'string') {
    return { schema: () => DebeziumSchemas.interval(), parse: (t) => intervalToIsoString(parsePgInterval(t)), fallback: () => 'P0Y0M0DT0H0M0S', toast: 'none' };
  }
  return { schema: () => DebeziumSchemas.microDuration(), parse: (t) => int64(intervalToMicroDuration(parsePgInterval(t))), fallback: () => 0, toast: 'none' };
}

