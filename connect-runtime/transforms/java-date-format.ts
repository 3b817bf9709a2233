/**
 * java.text.SimpleDateFormat patterns in UTC, for TimestampRouter's `timestamp.format` and TimestampConverter's
 * `format`: the same pattern letters, quoting ('' for a quote, '...' for literal text) and errors for unknown
 * letters. Formatting covers every letter; parsing is lenient as Java's default is (out-of-range fields roll over,
 * text after the pattern is ignored) and applies any zone offset it reads. Names are English, weeks start on Sunday
 * (the en-US locale most JVMs run with), and the calendar is proleptic Gregorian (Java switches to Julian before
 * 1582).
 */
import { parseDate } from './java-date-parse';
import { DAYS, type DateToken, MONTHS, tokenize } from './java-date-pattern';

const MILLIS_PER_DAY = 86_400_000;

/** How long each field's text stays the same, in UTC-aligned windows; letters not listed change at most daily. */
const FIELD_GRANULARITY: Readonly<Record<string, number>> = { S: 1, s: 1000, m: 60_000, H: 3_600_000, k: 3_600_000, K: 3_600_000, h: 3_600_000, a: 43_200_000 };

export class JavaDateFormat {
  /**
   * The formatted text is the same for every instant in a window of this many milliseconds aligned on the epoch
   * (a day for `yyyyMMdd`), so callers on a hot path can reuse the last result.
   */
  readonly granularity: number;

  private constructor(
    readonly pattern: string,
    readonly tokens: readonly DateToken[],
  ) {
    let granularity = MILLIS_PER_DAY;
    for (const t of tokens) if (t.kind === 'field') granularity = Math.min(granularity, FIELD_GRANULARITY[t.letter] ?? MILLIS_PER_DAY);
    this.granularity = granularity;
  }

  /** Compiles a pattern; throws an Error naming an illegal pattern character or an unterminated quote. */
  static compile(pattern: string): JavaDateFormat {
    return new JavaDateFormat(pattern, tokenize(pattern));
  }

  /** Formats milliseconds since the epoch in UTC. */
  format(millis: number): string {
    const date = new Date(millis);
    let out = '';
    for (const token of this.tokens) out += token.kind === 'literal' ? token.text : formatField(date, token.letter, token.count);
    return out;
  }

  /** Parses text to milliseconds since the epoch; throws an Error when the text does not fit the pattern. */
  parse(text: string): number {
    const millis = parseDate(this.tokens, text);
    if (millis === null) throw new Error(`Unparseable date: "${text}"`);
    return millis;
  }
}

function pad(value: number, count: number): string {
  const text = String(Math.abs(value));
  const padded = text.length >= count ? text : '0'.repeat(count - text.length) + text;
  return value < 0 ? `-${padded}` : padded;
}

function formatField(date: Date, letter: string, count: number): string {
  const year = date.getUTCFullYear();
  switch (letter) {
    case 'G':
      return year > 0 ? 'AD' : 'BC';
    case 'y':
    case 'Y': {
      const y = letter === 'Y' ? weekYear(date) : year;
      const shown = y > 0 ? y : 1 - y;
      return count === 2 ? pad(shown % 100, 2) : pad(shown, count);
    }
    case 'M':
    case 'L': {
      const month = date.getUTCMonth();
      if (count >= 4) return MONTHS[month] as string;
      if (count === 3) return (MONTHS[month] as string).slice(0, 3);
      return pad(month + 1, count);
    }
    case 'w':
      return pad(weekOfYear(date), count);
    case 'W':
      return pad(Math.floor((date.getUTCDate() - 1 + weekdayOfFirst(date)) / 7) + 1, count);
    case 'D':
      return pad(dayOfYear(date), count);
    case 'd':
      return pad(date.getUTCDate(), count);
    case 'F':
      return pad(Math.floor((date.getUTCDate() - 1) / 7) + 1, count);
    case 'E': {
      const name = DAYS[date.getUTCDay()] as string;
      return count >= 4 ? name : name.slice(0, 3);
    }
    case 'u':
      return pad(date.getUTCDay() === 0 ? 7 : date.getUTCDay(), count);
    case 'a':
      return date.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(date.getUTCHours(), count);
    case 'k':
      return pad(date.getUTCHours() === 0 ? 24 : date.getUTCHours(), count);
    case 'K':
      return pad(date.getUTCHours() % 12, count);
    case 'h':
      return pad(date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12, count);
    case 'm':
      return pad(date.getUTCMinutes(), count);
    case 's':
      return pad(date.getUTCSeconds(), count);
    case 'S':
      return pad(date.getUTCMilliseconds(), count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    default: // 'X': ISO 8601 zone, "Z" for UTC whatever the width
      return 'Z';
  }
}

function startOfYear(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return d.getTime();
}

function dayOfYear(date: Date): number {
  return Math.floor((date.getTime() - startOfYear(date.getUTCFullYear())) / MILLIS_PER_DAY) + 1;
}

/** The day of the week (0 = Sunday) of the first day of the date's month. */
function weekdayOfFirst(date: Date): number {
  const first = new Date(date.getTime());
  first.setUTCDate(1);
  return first.getUTCDay();
}

/** The Sunday on or before 1 January of `year`: where week 1 starts (minimal days in first week = 1). */
function week1Start(year: number): number {
  const jan1 = startOfYear(year);
  return jan1 - new Date(jan1).getUTCDay() * MILLIS_PER_DAY;
}

function weekYear(date: Date): number {
  const year = date.getUTCFullYear();
  return date.getTime() >= week1Start(year + 1) ? year + 1 : year;
}

function weekOfYear(date: Date): number {
  const start = week1Start(weekYear(date));
  return Math.floor((date.getTime() - start) / (7 * MILLIS_PER_DAY)) + 1;
}
