/**
 * JSON text helpers that reproduce Jackson's output byte for byte: string escaping (only `"`, `\` and control
 * characters, with upper-case hex) and the check that lets plain JavaScript values go through JSON.stringify.
 */
import { jsonNumberMatchesJava } from '../api/java-format';

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const HEX = '0123456789ABCDEF';

/** A JSON string literal escaped as Jackson escapes it. */
export function quoteJson(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
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
