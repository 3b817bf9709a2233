/**
 * JSON parsing without loss of numeric precision. JSON.parse turns 9007199254740993 into 9007199254740992 and
 * 12.50 into 12.5; Connect data needs the exact 64-bit integer and, for NUMERIC decimals, the number as written.
 *
 * Integers come back as numbers when they are safe integers and as bigints otherwise. Numbers with a fraction or
 * exponent come back as numbers, or (in `keepFractions` mode) as JsonFraction holding the original text. The fast
 * path uses JSON.parse whenever the text cannot contain a number that JSON.parse would alter.
 */
import { DataError } from '../api/errors';

/** Text that is not valid JSON. */
export class JsonSyntaxError extends DataError {}

/** A JSON number with a fraction or exponent, kept as written. */
export class JsonFraction {
  constructor(readonly text: string) {}

  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonNode = null | boolean | number | bigint | string | JsonFraction | JsonNode[] | { [key: string]: JsonNode };

/** Sixteen digits in a row: the only way an integer beyond 2^53 can appear. */
const LONG_DIGIT_RUN = /\d{16}/;
/** A digit followed by `.`, `e` or `E`: a possible fraction, whose text matters in keepFractions mode. */
const FRACTION_OR_LONG_RUN = /\d[.eE]|\d{16}/;

/** Parses a whole JSON text. Empty or whitespace-only text yields undefined. */
export function parseJson(text: string, keepFractions: boolean): JsonNode | undefined {
  const first = firstNonBlank(text);
  if (first < 0) return undefined;
  const risky = keepFractions ? FRACTION_OR_LONG_RUN : LONG_DIGIT_RUN;
  try {
    // A text that starts with a quote can only be one string (or invalid): no number in it, so JSON.parse is exact.
    if (text.charCodeAt(first) === 34 || !risky.test(text)) return JSON.parse(text) as JsonNode;
    return new JsonReader(text, keepFractions).readDocument();
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new JsonSyntaxError(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Index of the first character that is not JSON whitespace, or -1 when there is none. */
function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

class JsonReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly keepFractions: boolean,
  ) {}

  readDocument(): JsonNode {
    const value = this.readValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected characters after the JSON value');
    return value;
  }

  private readValue(depth: number): JsonNode {
    if (depth > 1000) this.fail('nesting too deep');
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 123: // {
        return this.readObject(depth);
      case 91: // [
        return this.readArray(depth);
      case 34: // "
        return this.readString();
      case 116: // t
        return this.readLiteral('true', true);
      case 102: // f
        return this.readLiteral('false', false);
      case 110: // n
        return this.readLiteral('null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.readNumber();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input' : `unexpected character '${this.text[this.pos]}'`);
    }
  }

  private readObject(depth: number): JsonNode {
    const obj: { [key: string]: JsonNode } = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return obj;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 34) this.fail('expected a field name');
      const key = this.readString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 58) this.fail("expected ':'");
      this.pos++;
      const value = this.readValue(depth + 1);
      if (key === '__proto__') {
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        obj[key] = value;
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 125) return obj;
      if (c !== 44) this.fail("expected ',' or '}'", -1);
    }
  }

  private readArray(depth: number): JsonNode {
    const arr: JsonNode[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.readValue(depth + 1));
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 93) return arr;
      if (c !== 44) this.fail("expected ',' or ']'", -1);
    }
  }

  private readString(): string {
    const start = ++this.pos;
    const text = this.text;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 92) return this.readEscapedString(start, i);
      if (c < 32) {
        this.pos = i;
        this.fail('control character in string');
      }
    }
    this.pos = text.length;
    return this.fail('unterminated string');
  }

  private readEscapedString(start: number, firstEscape: number): string {
    const text = this.text;
    let out = text.slice(start, firstEscape);
    let i = firstEscape;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return out;
      }
      if (c < 32) {
        this.pos = i;
        this.fail('control character in string');
      }
      if (c !== 92) {
        out += text[i];
        i++;
        continue;
      }
      const e = text[i + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = i;
            this.fail('invalid \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.pos = i;
          this.fail('invalid escape');
      }
      i += 2;
    }
    this.pos = text.length;
    return this.fail('unterminated string');
  }

  private readNumber(): JsonNode {
    const text = this.text;
    const start = this.pos;
    const intEnd = jsonIntegerEnd(text, start);
    const end = intEnd < 0 ? -1 : jsonFractionEnd(text, intEnd);
    if (end < 0) this.fail('invalid number');
    this.pos = end;
    const literal = text.slice(start, end);
    if (end !== intEnd) return this.keepFractions ? new JsonFraction(literal) : Number(literal);
    const digits = text.charCodeAt(start) === 45 ? end - start - 1 : end - start;
    if (digits <= 15) return Number(literal);
    const big = BigInt(literal);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  private readLiteral(word: string, value: JsonNode): JsonNode {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected character '${this.text[this.pos]}'`);
    this.pos += word.length;
    return value;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
      i++;
    }
    this.pos = i;
  }

  private fail(message: string, offset = 0): never {
    throw new JsonSyntaxError(
      `Converting byte[] to Kafka Connect data failed due to serialization error: invalid JSON at position ${this.pos + offset}: ${message}`,
    );
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Where the integer part of a JSON number at `start` ends (an optional minus, then 0 or digits not led by 0), or -1. */
export function jsonIntegerEnd(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === 45) i++;
  const digitsStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === digitsStart || (i - digitsStart > 1 && text.charCodeAt(digitsStart) === 48)) return -1;
  return i;
}

/** Where a JSON number's optional fraction and exponent, after its integer part ending at `from`, end; -1 when malformed. */
export function jsonFractionEnd(text: string, from: number): number {
  let i = from;
  if (text.charCodeAt(i) === 46) {
    const fractionStart = ++i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === fractionStart) return -1;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const exponentStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === exponentStart) return -1;
  }
  return i;
}

/**
 * Where the value starting at `start` ends (exclusive), found without building it: strings and nested brackets are
 * skipped. -1 when the text is cut short. Used to cut the schema out of an envelope for the schema cache.
 */
export function skipJsonValue(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === 34) {
    const end = skipString(text, start);
    return end < 0 ? -1 : end + 1;
  }
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        i = skipString(text, i);
        if (i < 0) return -1;
      } else if (ch === 123 || ch === 91) {
        depth++;
      } else if (ch === 125 || ch === 93) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = start;
  for (; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 44 || ch === 125 || ch === 93 || ch === 32 || ch === 10 || ch === 13 || ch === 9) break;
  }
  return i > start ? i : -1;
}

/** Index of the closing quote of the string whose opening quote is at `start`, or -1. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92) i++;
    else if (ch === 34) return i;
  }
  return -1;
}
