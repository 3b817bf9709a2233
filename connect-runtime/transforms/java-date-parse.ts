/**
 * Lenient parsing of SimpleDateFormat patterns (see java-date-format.ts), following Java's rules where they matter
 * for timestamps in data: whitespace before a field is skipped; a numeric field directly followed by another numeric
 * field takes exactly its width (so `yyyyMMdd` splits `20240131`), otherwise all its digits; a two-digit `yy` year
 * falls within 80 years before and 20 after now; text after the pattern is ignored; out-of-range values roll over.
 */
import { DAYS, type DateToken, MONTHS } from './java-date-pattern';

interface Fields {
  year: number;
  bc: boolean;
  month: number;
  day: number;
  dayOfYear: number | null;
  hour24: number | null;
  hour12: number | null;
  pm: boolean | null;
  minute: number;
  second: number;
  millis: number;
  offsetMinutes: number;
}

const TEXT_LETTERS = new Set(['G', 'E', 'a', 'z', 'Z', 'X']);

function isNumeric(token: DateToken | undefined): boolean {
  if (token?.kind !== 'field' || TEXT_LETTERS.has(token.letter)) return false;
  return !((token.letter === 'M' || token.letter === 'L') && token.count >= 3);
}

/** Milliseconds since the epoch, or null when the text does not fit the pattern. */
export function parseDate(tokens: readonly DateToken[], text: string): number | null {
  const f: Fields = { year: 1970, bc: false, month: 0, day: 1, dayOfYear: null, hour24: null, hour12: null, pm: null, minute: 0, second: 0, millis: 0, offsetMinutes: 0 };
  let pos = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as DateToken;
    if (token.kind === 'literal') {
      if (!text.startsWith(token.text, pos)) return null;
      pos += token.text.length;
      continue;
    }
    while (pos < text.length && /\s/.test(text[pos] as string)) pos++;
    if (pos >= text.length) return null;
    const next = isNumeric(token) ? parseNumberField(token, text, pos, isNumeric(tokens[t + 1]), f) : parseTextField(token, text, pos, f);
    if (next === null) return null;
    pos = next;
  }
  const year = f.bc ? 1 - f.year : f.year;
  const hour = f.hour24 ?? (f.hour12 ?? 0) + (f.pm ? 12 : 0);
  const date = new Date(0);
  if (f.dayOfYear !== null) date.setUTCFullYear(year, 0, f.dayOfYear);
  else date.setUTCFullYear(year, f.month, f.day);
  date.setUTCHours(hour, f.minute, f.second, f.millis);
  const millis = date.getTime() - f.offsetMinutes * 60_000;
  return Number.isNaN(millis) ? null : millis;
}

function parseNumberField(token: Extract<DateToken, { kind: 'field' }>, text: string, start: number, obeyCount: boolean, f: Fields): number | null {
  let pos = start;
  const negative = token.letter === 'y' && text[pos] === '-';
  if (negative) pos++;
  const digitsStart = pos;
  const limit = obeyCount ? Math.min(text.length, pos + token.count) : text.length;
  while (pos < limit && (text.charCodeAt(pos) ^ 48) < 10) pos++;
  const digits = text.slice(digitsStart, pos);
  if (digits === '') return null;
  let value = Number(digits);
  switch (token.letter) {
    case 'y':
    case 'Y':
      if (token.count <= 2 && digits.length === 2 && !negative) value = twoDigitYear(value);
      f.year = negative ? -value : value;
      break;
    case 'M':
    case 'L':
      f.month = value - 1;
      break;
    case 'd':
      f.day = value;
      break;
    case 'D':
      f.dayOfYear = value;
      break;
    case 'H':
      f.hour24 = value;
      break;
    case 'k':
      f.hour24 = value === 24 ? 0 : value;
      break;
    case 'K':
      f.hour12 = value;
      break;
    case 'h':
      f.hour12 = value === 12 ? 0 : value;
      break;
    case 'm':
      f.minute = value;
      break;
    case 's':
      f.second = value;
      break;
    case 'S':
      f.millis = value;
      break;
    default: // w, W, F, u: read and ignored, as Java does when the date is otherwise fully given
      break;
  }
  return pos;
}

function twoDigitYear(value: number): number {
  const start = new Date().getUTCFullYear() - 80;
  const year = Math.floor(start / 100) * 100 + value;
  return year < start ? year + 100 : year;
}

function parseTextField(token: Extract<DateToken, { kind: 'field' }>, text: string, pos: number, f: Fields): number | null {
  switch (token.letter) {
    case 'M':
    case 'L': {
      const found = matchName(text, pos, MONTHS);
      if (found === null) return null;
      f.month = found.index;
      return found.end;
    }
    case 'E':
      return matchName(text, pos, DAYS)?.end ?? null;
    case 'a': {
      const found = matchName(text, pos, ['AM', 'PM']);
      if (found === null) return null;
      f.pm = found.index === 1;
      return found.end;
    }
    case 'G': {
      const found = matchName(text, pos, ['AD', 'BC']);
      if (found === null) return null;
      f.bc = found.index === 1;
      return found.end;
    }
    default:
      return parseZone(text, pos, f);
  }
}

/** The longest full or three-letter name at `pos`, ignoring case. */
function matchName(text: string, pos: number, names: readonly string[]): { index: number; end: number } | null {
  const rest = text.slice(pos).toLowerCase();
  let best: { index: number; end: number } | null = null;
  names.forEach((name, index) => {
    for (const candidate of [name, name.slice(0, 3)]) {
      if (rest.startsWith(candidate.toLowerCase()) && (best === null || pos + candidate.length > best.end)) {
        best = { index, end: pos + candidate.length };
      }
    }
  });
  return best;
}

/** `Z`, `UTC`/`GMT` with an optional offset, or an offset `+hh`, `+hhmm`, `+hh:mm`. */
function parseZone(text: string, start: number, f: Fields): number | null {
  let pos = start;
  if (text[pos] === 'Z') {
    f.offsetMinutes = 0;
    return pos + 1;
  }
  const named = /^(?:UTC|GMT)/i.exec(text.slice(pos));
  if (named) {
    pos += named[0].length;
    f.offsetMinutes = 0;
  }
  const offset = /^([+-])(\d{2})(?::?(\d{2}))?/.exec(text.slice(pos));
  if (offset === null) return named ? pos : null;
  const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
  f.offsetMinutes = offset[1] === '-' ? -minutes : minutes;
  return pos + offset[0].length;
}
