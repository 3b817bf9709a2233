/**
 * interval text to Debezium's two representations. Parsing follows the PostgreSQL JDBC driver's PGInterval (which
 * Debezium uses) for IntervalStyle postgres (`1 year 2 mons 3 days 04:05:06.78`), postgres_verbose
 * (`@ 1 year 2 mons ago`) and iso_8601 (`P1Y2M3DT4H5M6.78S`), so the numbers, including the floating-point
 * arithmetic of MicroDuration, come out identical.
 */
import { BigDecimal, DataError, formatJavaDouble } from '../../../connect-runtime/api';
import { stripTrailingZeros } from './text-numeric';

export interface IntervalParts {
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  wholeSeconds: number;
  microSeconds: number;
}

/** Days per month used by MicroDuration: an average Gregorian month. */
const DAYS_PER_MONTH_AVG = 365.25 / 12.0;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function int(token: string | undefined, text: string): number {
  if (token === undefined) return 0;
  if (!/^[+-]?\d+$/.test(token)) throw invalid(text);
  return Number(token);
}

function dbl(token: string | undefined, text: string): number {
  if (token === undefined) return 0;
  const n = Number(token);
  if (token.trim() === '' || Number.isNaN(n)) throw invalid(text);
  return n;
}

function invalid(text: string): DataError {
  return new DataError(`Cannot parse interval value ${JSON.stringify(text)}`);
}

/** Negation without JavaScript's -0, which Java ints do not have. */
function neg(n: number): number {
  return n === 0 ? 0 : -n;
}

function withSeconds(parts: Omit<IntervalParts, 'wholeSeconds' | 'microSeconds'>, seconds: number): IntervalParts {
  // Stored as whole seconds plus rounded microseconds, as PGInterval.setSeconds does.
  const totalMicros = Math.round(seconds * 1e6);
  return { ...parts, wholeSeconds: Math.trunc(totalMicros / 1e6) || 0, microSeconds: totalMicros % 1e6 || 0 };
}

/** The first of `units` (in that order of preference) found after `position`, as PGInterval's lookAhead. */
function lookAhead(value: string, position: number, units: string): number {
  let found = -1;
  for (const unit of units) {
    found = value.indexOf(unit, position);
    if (found > 0) return found;
  }
  return found;
}

function parseIso(text: string): IntervalParts {
  const t = text.indexOf('T');
  const datePart = t > 0 ? text.slice(1, t) : text.slice(1);
  const timePart = t > 0 ? text.slice(t + 1) : undefined;
  const parts = { years: 0, months: 0, days: 0, hours: 0, minutes: 0 };
  let seconds = 0;
  for (let i = 0; i < datePart.length; i++) {
    const at = lookAhead(datePart, i, 'YMD');
    if (at > 0) {
      const n = int(datePart.slice(i, at), text);
      const unit = datePart[at];
      if (unit === 'Y') parts.years = n;
      else if (unit === 'M') parts.months = n;
      else parts.days = n;
      i = at;
    }
  }
  if (timePart !== undefined) {
    for (let i = 0; i < timePart.length; i++) {
      const at = lookAhead(timePart, i, 'HMS');
      if (at > 0) {
        const token = timePart.slice(i, at);
        const unit = timePart[at];
        if (unit === 'H') parts.hours = int(token, text);
        else if (unit === 'M') parts.minutes = int(token, text);
        else seconds = dbl(token, text);
        i = at;
      }
    }
  }
  return withSeconds(parts, seconds);
}

/** Parses interval text in any of the three output styles. */
export function parsePgInterval(text: string): IntervalParts {
  if (text.startsWith('P')) return parseIso(text);
  const verbose = text.startsWith('@');
  const zero = { years: 0, months: 0, days: 0, hours: 0, minutes: 0 };
  if (verbose && text.length === 3 && text[2] === '0') return withSeconds(zero, 0);
  const parts = { ...zero };
  let seconds = 0;
  const normalized = text.replace(/[+@]/g, ' ').toLowerCase();
  const tokens = normalized.split(/\s+/).filter((s) => s !== '');
  let valueToken: string | undefined;
  tokens.forEach((token, index) => {
    if (index % 2 === 0) {
      const endHours = token.indexOf(':');
      if (endHours === -1) {
        valueToken = token;
        return;
      }
      const negative = token.startsWith('-');
      const offset = negative ? 1 : 0;
      parts.hours = int(token.slice(offset, endHours), text);
      parts.minutes = int(token.slice(endHours + 1, endHours + 3), text);
      const endMinutes = token.indexOf(':', endHours + 1);
      if (endMinutes !== -1) seconds = dbl(token.slice(endMinutes + 1), text);
      if (negative) {
        parts.hours = neg(parts.hours);
        parts.minutes = neg(parts.minutes);
        seconds = neg(seconds);
      }
      valueToken = undefined;
    } else if (token.startsWith('year')) parts.years = int(valueToken, text);
    else if (token.startsWith('mon')) parts.months = int(valueToken, text);
    else if (token.startsWith('day')) parts.days = int(valueToken, text);
    else if (token.startsWith('hour')) parts.hours = int(valueToken, text);
    else if (token.startsWith('min')) parts.minutes = int(valueToken, text);
    else if (token.startsWith('sec')) seconds = dbl(valueToken, text);
  });
  if (verbose && normalized.endsWith('ago')) {
    return withSeconds(
      { years: neg(parts.years), months: neg(parts.months), days: neg(parts.days), hours: neg(parts.hours), minutes: neg(parts.minutes) },
      neg(seconds),
    );
  }
  return withSeconds(parts, seconds);
}

/** Seconds as PGInterval.getSeconds() returns them: a double. */
function secondsOf(parts: IntervalParts): number {
  return parts.wholeSeconds + parts.microSeconds / 1e6;
}

/** io.debezium.time.MicroDuration: approximate microseconds, a month being 365.25/12 days (double arithmetic). */
export function intervalToMicroDuration(parts: IntervalParts): bigint {
  const numberOfDays = (parts.years * 12 + parts.months) * DAYS_PER_MONTH_AVG + parts.days;
  const numberOfSeconds = ((numberOfDays * 24 + parts.hours) * 60 + parts.minutes) * 60 + secondsOf(parts);
  const micros = numberOfSeconds * 1e6 + 0;
  // Java's (long) cast: truncation toward zero, saturating at the int64 range.
  if (Number.isNaN(micros)) return 0n;
  if (micros >= 9223372036854775807) return INT64_MAX;
  if (micros <= -9223372036854775808) return INT64_MIN;
  return BigInt(Math.trunc(micros));
}

/** io.debezium.time.Interval: `P1Y2M3DT4H5M6.78S`, every unit present, seconds without trailing zeros. */
export function intervalToIsoString(parts: IntervalParts): string {
  let seconds = BigDecimal.parse(formatJavaDouble(secondsOf(parts)));
  if (seconds.scale > 9) seconds = truncateScale(seconds, 9);
  return `P${parts.years}Y${parts.months}M${parts.days}DT${parts.hours}H${parts.minutes}M${stripTrailingZeros(seconds).toPlainString()}S`;
}

function truncateScale(value: BigDecimal, scale: number): BigDecimal {
  return new BigDecimal(value.unscaled / 10n ** BigInt(value.scale - scale), scale);
}
