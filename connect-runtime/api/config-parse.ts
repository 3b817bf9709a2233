/**
 * Parsing of raw config values (strings from properties files and REST bodies, or already-typed values) into the
 * typed values of a ConfigDef, following Kafka's ConfigDef.parseType rules and messages.
 *
 *   BOOLEAN   "true"/"false", case-insensitive, trimmed                         → boolean
 *   STRING    trimmed                                                            → string
 *   INT       decimal 32-bit integer                                             → number
 *   SHORT     decimal 16-bit integer                                             → number
 *   LONG      decimal 64-bit integer                                             → number (see below)
 *   DOUBLE    Java double syntax (1, 1.5, 1e3, NaN, Infinity)                    → number
 *   LIST      comma-separated, items trimmed; "" is the empty list               → string[]
 *   CLASS     a class name or alias (resolved by the runtime's plugin registry)  → string
 *   PASSWORD  trimmed                                                            → Password
 *
 * LONG values beyond ±(2^53 − 1) but inside the 64-bit range saturate to ±Number.MAX_SAFE_INTEGER: such values are
 * used in Kafka configs to mean "unbounded" (Long.MAX_VALUE), and a JavaScript number cannot hold them exactly.
 */
import { ConfigError } from './errors';
import type { ConfigType } from './config-types';
import { formatJavaDouble } from './java-format';
import { HIDDEN, Password } from './password';

const INTEGER_TEXT = /^[+-]?\d+$/;
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;
const INT_RANGE: Record<'INT' | 'SHORT', readonly [number, number]> = {
  INT: [-2147483648, 2147483647],
  SHORT: [-32768, 32767],
};
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function typeNameOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** Parses one raw value; null and undefined parse to null. Throws ConfigError with Kafka's wording. */
export function parseConfigValue(name: string, value: unknown, type: ConfigType): unknown {
  if (value === null || value === undefined) return null;
  const trimmed = typeof value === 'string' ? value.trim() : undefined;
  switch (type) {
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (trimmed !== undefined) {
        const lower = trimmed.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      }
      throw ConfigError.invalidValue(name, value, 'Expected value to be either true or false');
    case 'PASSWORD':
      if (value instanceof Password) return value;
      if (trimmed !== undefined) return new Password(trimmed);
      throw ConfigError.invalidValue(name, value, `Expected value to be a string, but it was a ${typeNameOf(value)}`);
    case 'STRING':
      if (trimmed !== undefined) return trimmed;
      throw ConfigError.invalidValue(name, value, `Expected value to be a string, but it was a ${typeNameOf(value)}`);
    case 'CLASS':
      if (trimmed !== undefined) return trimmed;
      if (typeof value === 'function') return value;
      throw ConfigError.invalidValue(name, value, 'Expected a Class instance or class name.');
    case 'INT':
    case 'SHORT': {
      const [min, max] = INT_RANGE[type];
      const n = typeof value === 'number' ? value : trimmed !== undefined && INTEGER_TEXT.test(trimmed) ? Number(trimmed) : NaN;
      if (typeof value === 'number' && !Number.isInteger(value)) {
        throw ConfigError.invalidValue(name, value, `Expected value to be ${type === 'INT' ? 'an integer' : 'a short'}, but it was a number`);
      }
      if (typeof value !== 'number' && trimmed === undefined) {
        throw ConfigError.invalidValue(name, value, `Expected value to be ${type === 'INT' ? 'an integer' : 'a short'}, but it was a ${typeNameOf(value)}`);
      }
      if (!Number.isInteger(n) || n < min || n > max) throw ConfigError.invalidValue(name, value, `Not a number of type ${type}`);
      return n;
    }
    case 'LONG': {
      let big: bigint;
      if (typeof value === 'bigint') big = value;
      else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
      else if (trimmed !== undefined && INTEGER_TEXT.test(trimmed)) big = BigInt(trimmed);
      else if (trimmed !== undefined) throw ConfigError.invalidValue(name, value, 'Not a number of type LONG');
      else throw ConfigError.invalidValue(name, value, `Expected value to be a long, but it was a ${typeNameOf(value)}`);
      if (big < LONG_MIN || big > LONG_MAX) throw ConfigError.invalidValue(name, value, 'Not a number of type LONG');
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
      if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
      return Number(big);
    }
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      if (trimmed !== undefined) {
        if (!DOUBLE_TEXT.test(trimmed)) throw ConfigError.invalidValue(name, value, 'Not a number of type DOUBLE');
        return Number(trimmed.replace(/[fFdD]$/, ''));
      }
      throw ConfigError.invalidValue(name, value, `Expected value to be a double, but it was a ${typeNameOf(value)}`);
    case 'LIST':
      if (Array.isArray(value)) return value;
      if (trimmed !== undefined) return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
      throw ConfigError.invalidValue(name, value, 'Expected a comma separated list.');
  }
}

/** A typed value rendered as Kafka's ConfigDef.convertToString does (lists joined with `,`, passwords hidden). */
export function configValueToString(value: unknown, type: ConfigType | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Password) return HIDDEN;
  switch (type) {
    case 'LIST':
      return Array.isArray(value) ? value.map((v) => configValueToString(v, undefined) ?? 'null').join(',') : String(value);
    case 'DOUBLE':
      return typeof value === 'number' ? formatJavaDouble(value) : String(value);
    case 'PASSWORD':
      return HIDDEN;
    case 'CLASS':
      return typeof value === 'function' ? value.name : String(value);
    default:
      return String(value);
  }
}
