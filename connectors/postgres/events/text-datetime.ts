/**
 * PostgreSQL date/time text (DateStyle=ISO) to exact numbers, and the ISO-8601 strings Debezium emits.
 *
 * All instants are microseconds since 1970-01-01T00:00:00 as bigint, so the full PostgreSQL range (4713 BC to
 * 294276 AD) stays exact. The calendar is the proleptic Gregorian one PostgreSQL uses; `N BC` is astronomical
 * year 1 - N (1 BC is year 0), which is also how java.time numbers years.
 */
import { DataError } from '../../../connect-runtime/api';

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;

export type PgInfinity = 'infinity' | '-infinity';

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical year numbering). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The proleptic Gregorian date of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function invalid(kind: string, text: string): DataError {
  return new DataError(`Cannot parse ${kind} value ${JSON.stringify(text)}: expected PostgreSQL's ISO output (DateStyle=ISO)`);
}

function checkDate(kind: string, text: string, month: number, day: number): void {
  if (month < 1 || month > 12 || day < 1 || day > 31) throw invalid(kind, text);
}

/** Fraction digits (up to 9) → microseconds, truncating below the microsecond. */
function fractionMicros(digits: string | undefined): bigint {
  if (digits === undefined || digits === '') return 0n;
  return BigInt(digits.padEnd(9, '0').slice(0, 6));
}

function astronomicalYear(digits: string, bc: boolean): number {
  const year = Number(digits);
  return bc ? 1 - year : year;
}

const DATE_PATTERN = /^(\d+)-(\d\d)-(\d\d)( BC)?$/;

/** `2024-05-01`, `0044-03-15 BC`, `infinity` → days since the epoch or the infinity it spells. */
export function parsePgDate(text: string): number | PgInfinity {
  if (text === 'infinity' || text === '-infinity') return text;
  const m = DATE_PATTERN.exec(text);
  if (!m) throw invalid('date', text);
  const month = Number(m[2]);
  const day = Number(m[3]);
  checkDate('date', text, month, day);
  return daysFromCivil(astronomicalYear(m[1] as string, m[4] !== undefined), month, day);
}

const TIMESTAMP_PATTERN =
  /^(\d+)-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/;

interface ParsedTimestamp {
  micros: bigint;
  offsetSeconds: number | undefined;
}

function parseTimestampParts(kind: string, text: string): ParsedTimestamp {
  const m = TIMESTAMP_PATTERN.exec(text);
  if (!m) throw invalid(kind, text);
  const month = Number(m[2]);
  const day = Number(m[3]);
  checkDate(kind, text, month, day);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (hour > 23 || minute > 59 || second > 59) throw invalid(kind, text);
  const days = daysFromCivil(astronomicalYear(m[1] as string, m[12] !== undefined), month, day);
  const micros =
    BigInt(days) * MICROS_PER_DAY + BigInt((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + fractionMicros(m[7]);
  const offsetSeconds =
    m[8] === undefined ? undefined : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  return { micros, offsetSeconds };
}

/** `timestamp` text → microseconds since the epoch of the wall-clock time read as UTC. */
export function parsePgTimestamp(text: string): bigint | PgInfinity {
  if (text === 'infinity' || text === '-infinity') return text;
  const { micros, offsetSeconds } = parseTimestampParts('timestamp', text);
  if (offsetSeconds !== undefined) throw invalid('timestamp', text);
  return micros;
}

/** `timestamptz` text (`2024-01-02 03:04:05.123456+01`) → microseconds since the epoch of that instant. */
export function parsePgTimestamptz(text: string): bigint | PgInfinity {
  if (text === 'infinity' || text === '-infinity') return text;
  const { micros, offsetSeconds } = parseTimestampParts('timestamptz', text);
  if (offsetSeconds === undefined) throw invalid('timestamptz', text);
  return micros - BigInt(offsetSeconds) * MICROS_PER_SECOND;
}

const TIME_PATTERN = /^(\d+):(\d+):(\d+)(?:\.(\d*))?$/;

/** `time` text → microseconds past midnight; `24:00:00` gives a full day, as PostgreSQL allows. */
export function parsePgTime(text: string): bigint {
  const m = TIME_PATTERN.exec(text);
  if (!m) throw invalid('time', text);
  return (BigInt(m[1] as string) * 3600n + BigInt(m[2] as string) * 60n + BigInt(m[3] as string)) * MICROS_PER_SECOND + fractionMicros(m[4]);
}

const TIMETZ_PATTERN = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)$/;
const TIMETZ_END_OF_DAY_UTC = /^24:00:00(?:\.0{1,6})?(?:Z|[+-]00(?::?00)?)$/;

/**
 * `timetz` text (`10:15:30.123456+02`) → the ZonedTime string Debezium emits: the same instant at UTC, wrapped
 * into the day (`08:15:30.123456Z`). PostgreSQL's `24:00:00+00` stays `24:00:00Z`.
 */
export function pgTimetzToZonedTime(text: string): string {
  if (TIMETZ_END_OF_DAY_UTC.test(text)) return '24:00:00Z';
  const m = TIMETZ_PATTERN.exec(text);
  if (!m) throw invalid('timetz', text);
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3]);
  if (hour > 24 || minute > 59 || second > 59) throw invalid('timetz', text);
  const offsetSeconds = m[5] === 'Z' ? 0 : (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 3600 + Number(m[8] ?? 0) * 60 + Number(m[9] ?? 0));
  const local = BigInt((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + fractionMicros(m[4]);
  const utc = floorMod(local - BigInt(offsetSeconds) * MICROS_PER_SECOND, MICROS_PER_DAY);
  return `${formatClock(utc, undefined)}Z`;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Two digits: `pad(n, 2)` for 0 <= n <= 99, without padStart. */
function pad2(n: number): string {
  return n >= 0 && n < 10 ? `0${n}` : String(n);
}

/** java.time's ISO year: at least 4 digits, `+` above 9999, `-` before year 0. */
export function isoYear(year: number): string {
  if (year > 9999) return `+${year}`;
  if (year < 0) return `-${pad(-year, 4)}`;
  return pad(year, 4);
}

/**
 * `HH:mm:ss` plus the fraction: exactly `fractionDigits` digits when 1..9, otherwise as few as needed (none for a
 * whole second), like java.time's formatters.
 */
function formatClock(microsOfDay: bigint, fractionDigits: number | undefined): string {
  return formatClockParts(Number(microsOfDay / MICROS_PER_SECOND), Number(microsOfDay % MICROS_PER_SECOND), fractionDigits);
}

/** formatClock of `secondOfDay` seconds and `micros` microseconds past midnight (0 <= micros < 10^6). */
export function formatClockParts(secondOfDay: number, micros: number, fractionDigits: number | undefined): string {
  const clock = `${pad2(Math.floor(secondOfDay / 3600))}:${pad2(Math.floor(secondOfDay / 60) % 60)}:${pad2(secondOfDay % 60)}`;
  // The nine fraction digits are these six and three zeros; 10^6 + micros has seven digits, the first a 1.
  const six = String(micros + 1_000_000).slice(1);
  if (fractionDigits !== undefined && fractionDigits >= 1 && fractionDigits <= 9) {
    return fractionDigits <= 6 ? `${clock}.${six.slice(0, fractionDigits)}` : `${clock}.${six}${'000'.slice(0, fractionDigits - 6)}`;
  }
  if (micros === 0) return clock;
  return `${clock}.${six.replace(/0+$/, '')}`;
}

/** `2024-05-01T10:15:30.123456Z`: an instant at UTC in Debezium's ZonedTimestamp form. */
export function formatZonedTimestamp(epochMicros: bigint, fractionDigits: number | undefined): string {
  const days = floorDiv(epochMicros, MICROS_PER_DAY);
  const { year, month, day } = civilFromDays(Number(days));
  const clock = formatClock(epochMicros - days * MICROS_PER_DAY, fractionDigits);
  return `${isoYear(year)}-${pad2(month)}-${pad2(day)}T${clock}Z`;
}
