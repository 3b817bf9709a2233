/**
 * PostgreSQL input text for Debezium's and Connect's numeric time encodings (days, milli/micro/nanoseconds since the
 * epoch or since midnight, microsecond durations). Arithmetic is done on bigints and through the proleptic Gregorian
 * calendar directly, so values beyond a JavaScript Date's range or finer than a millisecond come out exact, and years
 * before 1 are written with PostgreSQL's `BC` suffix.
 */

/** How many units of a time encoding make a second. */
export const Units = {
  MILLIS: 1_000n,
  MICROS: 1_000_000n,
  NANOS: 1_000_000_000n,
} as const;

/** Debezium's encodings of PostgreSQL's `infinity` and `-infinity` timestamps. */
const POSITIVE_INFINITY = 9223372036825200000n;
const NEGATIVE_INFINITY = -9223372036832400000n;

const SECONDS_PER_DAY = 86_400n;

/** `YYYY-MM-DD` (with ` BC` before year 1) for a count of days since 1970-01-01. */
export function dateText(days: number | bigint): string {
  const { year, month, day } = civilFromDays(Number(days));
  return `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}${year <= 0 ? ' BC' : ''}`;
}

/**
 * The date part of the last timestamp rendered: the timestamps of a batch mostly fall on a few days. A memo of a pure
 * function, so sharing it between tasks is harmless.
 */
let lastDay = Number.NaN;
let lastDayText = '';
let lastDayBc = false;

/** `HH:MM:SS[.fraction]` for a time of day in the given units; 24:00:00 (a valid PostgreSQL time) stays as is. */
export function timeText(value: number | bigint, unitsPerSecond: bigint): string {
  return clockText(BigInt(value), unitsPerSecond);
}

/**
 * `YYYY-MM-DD HH:MM:SS[.fraction]+00` for an instant in units since the epoch. The explicit UTC offset makes the same
 * text right for timestamptz columns (an instant) and timestamp columns (which ignore the offset: Debezium writes
 * their wall-clock time as if it were UTC).
 */
export function timestampText(value: number | bigint, unitsPerSecond: bigint): string {
  const v = BigInt(value);
  if (v === POSITIVE_INFINITY) return 'infinity';
  if (v === NEGATIVE_INFINITY) return '-infinity';
  const unitsPerDay = unitsPerSecond * SECONDS_PER_DAY;
  let days = v / unitsPerDay;
  let rest = v % unitsPerDay;
  if (rest < 0n) {
    rest += unitsPerDay;
    days -= 1n;
  }
  const dayNumber = Number(days);
  if (dayNumber !== lastDay) {
    const { year, month, day } = civilFromDays(dayNumber);
    lastDayText = `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}`;
    lastDayBc = year <= 0;
    lastDay = dayNumber;
  }
  return `${lastDayText} ${clockText(rest, unitsPerSecond)}+00${lastDayBc ? ' BC' : ''}`;
}

/** An interval of `micros` microseconds as `[-]H:MM:SS.ffffff` (hours may exceed 24; months are not recoverable). */
export function intervalText(micros: number | bigint): string {
  const v = BigInt(micros);
  const sign = v < 0n ? '-' : '';
  return sign + clockText(v < 0n ? -v : v, Units.MICROS);
}

function clockText(value: bigint, unitsPerSecond: bigint): string {
  const totalSeconds = value / unitsPerSecond;
  const fraction = value % unitsPerSecond;
  const hours = totalSeconds / 3600n;
  const minutes = (totalSeconds / 60n) % 60n;
  const seconds = totalSeconds % 60n;
  let text = `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}`;
  if (fraction !== 0n) {
    const digits = unitsPerSecond.toString().length - 1;
    text += `.${fraction.toString().padStart(digits, '0').replace(/0+$/, '')}`;
  }
  return text;
}

function yearText(year: number): string {
  // PostgreSQL has no year 0: 1 BC precedes 1 AD.
  return pad(year <= 0 ? 1 - year : year, 4);
}

function pad(n: number | bigint, width: number): string {
  return n.toString().padStart(width, '0');
}

/** Days since 1970-01-01 → proleptic Gregorian date (year 0 = 1 BC), after Howard Hinnant's civil_from_days. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}
