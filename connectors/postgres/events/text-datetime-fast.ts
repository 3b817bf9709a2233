/**
 * Fast paths for the date/time text PostgreSQL usually sends (DateStyle=ISO, four-digit years, AD): parsed with
 * plain numbers instead of a regular expression and bigint arithmetic, which cost about a microsecond per
 * timestamptz value. Each function returns undefined for any text outside its narrow shape, and the caller then
 * takes the general path of text-datetime.ts, which decides everything else and reports errors; for texts it does
 * accept, it returns exactly what the general path returns.
 *
 * Exactness: epoch seconds of four-digit years are below 2^38, and microseconds since the epoch are safe integers
 * (below 2^53) for years 1685 to 2255, the range checked before returning microseconds as a number.
 */
import { civilFromDays, daysFromCivil, formatClockParts, isoYear } from './text-datetime';

const SECONDS_PER_DAY = 86_400;

/** The value of `count` ASCII digits at `start`, or -1 when any of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    // Past the end charCodeAt gives NaN, which fails this test too.
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `YYYY-MM-DD` at the start of the text → days since the epoch, or undefined (also for impossible months/days). */
function leadingDate(text: string): number | undefined {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  // The general path's checks: any year, month 1-12, day 1-31 (days past a month's end roll over, as there).
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return daysFromCivil(year, month, day);
}

/** `YYYY-MM-DD` → parsePgDate's day count. */
export function fastPgDate(text: string): number | undefined {
  return text.length === 10 ? leadingDate(text) : undefined;
}

/** Seconds and microseconds of an instant (0 <= micros < 10^6). Reused: read both before the next call. */
const instant = { seconds: 0, micros: 0 };

/**
 * `YYYY-MM-DD HH:MM:SS[.fffffffff]`, then `±HH[:MM[:SS]]` when `zoned` (required) or nothing (when not), into
 * `instant`: the epoch seconds at UTC and the fraction truncated to microseconds, as parseTimestampParts reads them.
 */
function fastInstant(text: string, zoned: boolean): typeof instant | undefined {
  const length = text.length;
  if (length < 19) return undefined;
  const days = leadingDate(text);
  const t = text.charCodeAt(10);
  if (days === undefined || (t !== 32 && t !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 59) return undefined;
  let at = 19;
  let micros = 0;
  if (at < length && text.charCodeAt(at) === 46) {
    let digits = 0;
    at++;
    for (; at < length; at++, digits++) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) break;
      if (digits < 6) micros = micros * 10 + d;
    }
    if (digits === 0 || digits > 9) return undefined;
    for (let i = digits; i < 6; i++) micros *= 10;
  }
  let offset = 0;
  if (zoned) {
    const sign = text.charCodeAt(at);
    if (sign !== 43 && sign !== 45) return undefined;
    const parts = [0, 0, 0];
    let part = 0;
    at++;
    for (;;) {
      const value = digitsAt(text, at, 2);
      if (value < 0 || at + 2 > length) return undefined;
      parts[part++] = value;
      at += 2;
      if (at === length) break;
      if (part === 3 || text.charCodeAt(at) !== 58) return undefined;
      at++;
    }
    offset = (sign === 45 ? -1 : 1) * ((parts[0] as number) * 3600 + (parts[1] as number) * 60 + (parts[2] as number));
  }
  if (at !== length) return undefined;
  instant.seconds = days * SECONDS_PER_DAY + (hour * 60 + minute) * 60 + second - offset;
  instant.micros = micros;
  return instant;
}

/** Epoch seconds of years 1685-2255, whose microseconds are safe integers. */
const SAFE_MICROS_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1e6) - 1;

/** `timestamp` text → parsePgTimestamp's microseconds as a number, when they are a safe integer. */
export function fastPgTimestampMicros(text: string): number | undefined {
  const v = fastInstant(text, false);
  if (v === undefined || v.seconds > SAFE_MICROS_SECONDS || v.seconds < -SAFE_MICROS_SECONDS) return undefined;
  return v.seconds * 1e6 + v.micros;
}

/** `timestamptz` text → formatZonedTimestamp(parsePgTimestamptz(text), fractionDigits). */
export function fastZonedTimestamp(text: string, fractionDigits: number | undefined): string | undefined {
  const v = fastInstant(text, true);
  if (v === undefined) return undefined;
  const days = Math.floor(v.seconds / SECONDS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  const clock = formatClockParts(v.seconds - days * SECONDS_PER_DAY, v.micros, fractionDigits);
  return `${isoYear(year)}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}T${clock}Z`;
}
