/**
 * JSON text helpers that reproduce Jackson's output byte for byte: string escaping (only `"`, `\` and control
 * characters, with upper-case hex), the check that lets plain JavaScript values go through JSON.stringify, and fast
 * forms of two value texts the writer needs per record (integers, BASE64 decimals).
 */
import { jsonNumberMatchesJava } from '../api/java-format';
import { bigIntToTwosComplement } from '../api/logical-types';

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const HEX = '0123456789ABCDEF';

/** A JSON string literal escaped as Jackson escapes it. */
export function quoteJson(value: string): string {
  if (!needsEscape(value)) return `"${value}"`;
  let out = '"';
  let last = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += value.slice(last, i);
    last = i + 1;
    switch (c) {
      case 34:
        out += '\\"';
        break;
      case 92:
        out += '\\\\';
        break;
      case 8:
        out += '\\b';
        break;
      case 9:
        out += '\\t';
        break;
      case 10:
        out += '\\n';
        break;
      case 12:
        out += '\\f';
        break;
      case 13:
        out += '\\r';
        break;
      default:
        out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    }
  }
  return `${out}${value.slice(last)}"`;
}

/** Whether a string has a character Jackson escapes. Short strings are scanned here, cheaper than a RegExp call. */
function needsEscape(value: string): boolean {
  if (value.length > 32) return NEEDS_ESCAPE.test(value);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92) return true;
  }
  return false;
}

/**
 * JSON.stringify output with Jackson's upper-case hex in `\u00XX` escapes. Only escapes whose backslash is not
 * itself escaped are touched.
 */
export function stringifyPlain(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\u00')) return json;
  return json.replace(/(\\+)u00([0-9a-f]{2})/g, (match: string, slashes: string, hex: string) =>
    slashes.length % 2 === 1 ? `${slashes}u00${hex.toUpperCase()}` : match,
  );
}

/**
 * True when JSON.stringify renders the value exactly as Kafka's JsonConverter would: null, booleans, strings,
 * numbers that print the same in Java, arrays and plain objects of those. Anything else (bigint, bytes, Map, Date,
 * Struct, BigDecimal, undefined, NaN, 1e-7, ...) needs the schema-aware writer.
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && jsonNumberMatchesJava(value);
    case 'object': {
      if (depth > 100) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * String(value) of a safe integer. V8 prints numbers beyond 2^31 through its general double printer, several
 * times slower than two small integers; positive ones are printed as two halves of at most 8 and 8 digits.
 */
export function safeIntegerText(value: number): string {
  if (value < 2147483648 || value > 9007199254740991) return String(value);
  const high = Math.floor(value / 1e8);
  // low + 10^8 has nine digits; the first is the 1, dropped to keep the leading zeros of the low half.
  return String(high) + String(value - high * 1e8 + 1e8).slice(1);
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Unscaled values in [-2^47, 2^47) have at most 6 two's-complement bytes, and are exact as doubles. */
const SMALL_UNSCALED = 2n ** 47n;
const scratch = new Array<number>(6).fill(0);

/**
 * base64 of bigIntToTwosComplement(value), the form of BASE64 decimals. Most decimals are small: their minimal
 * two's-complement bytes are worked out with doubles (exact below 2^53) and encoded here, without a bigint loop or a
 * Buffer per value. Larger ones take bigIntToTwosComplement itself.
 */
export function twosComplementBase64(value: bigint): string {
  if (value < -SMALL_UNSCALED || value >= SMALL_UNSCALED) return bigIntToTwosComplement(value).toString('base64');
  const n = Number(value);
  let length = 1;
  let limit = 128; // 2^(8 × length - 1): length bytes hold [-limit, limit)
  while (n >= limit || n < -limit) {
    length++;
    limit *= 256;
  }
  let u = n < 0 ? n + limit * 2 : n;
  for (let i = length - 1; i >= 0; i--) {
    const byte = u % 256;
    scratch[i] = byte;
    u = (u - byte) / 256;
  }
  let out = '';
  for (let i = 0; i < length; i += 3) {
    const b0 = scratch[i] as number;
    const b1 = i + 1 < length ? (scratch[i + 1] as number) : 0;
    const b2 = i + 2 < length ? (scratch[i + 2] as number) : 0;
    out += BASE64_DIGITS[b0 >> 2];
    out += BASE64_DIGITS[((b0 & 3) << 4) | (b1 >> 4)];
    out += i + 1 < length ? BASE64_DIGITS[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    out += i + 2 < length ? BASE64_DIGITS[b2 & 63] : '=';
  }
  return out;
}
