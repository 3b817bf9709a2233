/**
 * The hot path of reading an envelope's payload once its schema is known: the JSON text is read straight into
 * Connect values along the schema, without building a JSON tree first and walking it a second time.
 *
 * The general path (parseJson, then JsonDataReader.value) reads Debezium envelopes slowly: their ts_us/ts_ns
 * fields always have 16+ digits, so JSON.parse cannot be trusted with them and the whole payload goes through the
 * character-by-character JsonReader, which builds objects that JsonDataReader then copies into Structs.
 *
 * Why this is safe: it never decides anything the general path would decide differently. It reads only what it
 * can read with exactly the general path's result (same values, same number/bigint choice, same defaults for
 * nulls, same Struct layout); anything else (a syntax error, whitespace it does not expect, a type mismatch, a
 * required field that is null or missing, a duplicate or unknown struct field, a fraction where an integer
 * belongs, a NUMERIC decimal, a map with non-string keys, any exception at all) makes read() return NOT_READ, and
 * the caller runs the general path on the same text, which then produces the value or the error as before.
 */
import { BigDecimal } from '../api/big-decimal';
import { ConnectDate, ConnectTime, ConnectTimestamp, Decimal } from '../api/logical-types';
import type { Schema } from '../api/schema';
import { Struct } from '../api/struct';
import { compile, Kind, type Plan } from './json-payload-plan';
import { jsonFractionEnd, jsonIntegerEnd } from './json-parser';

/** read()'s answer when it leaves the text to the general path. */
export const NOT_READ: unique symbol = Symbol('not read by the payload fast path');

/** Thrown inside the reader to give up; one preallocated object, so giving up captures no stack. */
const GIVE_UP = new Error('payload left to the general path');

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** JsonReader's nesting limit (json-parser.ts). */
const MAX_DEPTH = 1000;
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

export class JsonPayloadReader {
  private readonly plans = new WeakMap<Schema, Plan>();
  private text = '';
  private pos = 0;
  /** Where the next backslash at or after `pos` is (text.length when there is none): strings before it have no escapes. */
  private backslash = 0;

  constructor(private readonly options: { replaceNullWithDefault: boolean }) {}

  /** The payload's value under `schema`, exactly as the general path reads it; NOT_READ when left to that path. */
  read(schema: Schema, text: string): unknown {
    // Control characters are never in what a JSON writer emits compactly (inside strings they are invalid, outside
    // they are line breaks and tabs): without them the only whitespace is the space, and the end of a string is the
    // next quote that is not escaped, which indexOf finds far faster than a loop over the characters.
    if (CONTROL_CHARACTER.test(text)) return NOT_READ;
    const plan = this.planFor(schema);
    this.text = text;
    this.pos = 0;
    this.backslash = indexOrEnd(text, '\\', 0);
    try {
      this.skipSpaces();
      if (this.pos >= text.length) return NOT_READ;
      const value = this.value(plan, 0);
      this.skipSpaces();
      return this.pos === text.length ? value : NOT_READ;
    } catch {
      return NOT_READ;
    } finally {
      this.text = '';
    }
  }

  private planFor(schema: Schema): Plan {
    let plan = this.plans.get(schema);
    if (plan === undefined) {
      plan = compile(schema);
      this.plans.set(schema, plan);
    }
    return plan;
  }

  private value(plan: Plan, depth: number): unknown {
    // The general path's reader refuses nesting deeper than this; leave such texts to it.
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const c = this.text.charCodeAt(this.pos);
    if (c === 110) {
      this.literal('null');
      return this.nullValue(plan);
    }
    switch (plan.kind) {
      case Kind.Boolean:
        this.literal(c === 116 ? 'true' : 'false');
        return c === 116;
      case Kind.SmallInt: {
        const n = this.integer();
        if (typeof n !== 'number' || n < plan.min || n > plan.max) throw GIVE_UP;
        return n;
      }
      case Kind.Int64: {
        const n = this.integer();
        if (typeof n === 'bigint' && (n < INT64_MIN || n > INT64_MAX)) throw GIVE_UP;
        return n;
      }
      case Kind.Float:
        return c === 34 ? nonFinite(this.string()) : this.float();
      case Kind.String:
        return this.string();
      case Kind.Bytes:
        return Buffer.from(this.string(), 'base64');
      case Kind.Decimal: {
        // BASE64 decimals only; a NUMERIC one (a JSON number) keeps its written digits on the general path.
        const text = this.string();
        const small = smallUnscaled(text);
        if (small !== undefined && Number.isInteger(plan.scale)) return new BigDecimal(small, plan.scale);
        return Decimal.toLogical(plan.schema, Buffer.from(text, 'base64'));
      }
      case Kind.Date:
        return ConnectDate.toLogical(plan.schema, this.int32());
      case Kind.Time:
        return ConnectTime.toLogical(plan.schema, this.int32());
      case Kind.Timestamp:
        return ConnectTimestamp.toLogical(plan.schema, this.integer());
      case Kind.Array:
        return this.array(plan.element as Plan, depth + 1);
      case Kind.Struct:
        return this.struct(plan, depth + 1);
      case Kind.StringMap:
        return this.map(plan.element as Plan, depth + 1);
      default:
        throw GIVE_UP;
    }
  }

  /** As JsonDataReader for a null or missing value: the default (when configured), null when optional. */
  private nullValue(plan: Plan): unknown {
    const schema = plan.schema;
    if (schema.defaultValue !== undefined && this.options.replaceNullWithDefault) return schema.defaultValue;
    if (schema.optional) return null;
    throw GIVE_UP;
  }

  /**
   * A struct whose fields come in schema order, each at most once, as every Connect JSON writer puts them; fields
   * left out are null. Fields out of order (and so duplicates) go to the general path.
   */
  private struct(plan: Plan, depth: number): Struct {
    const text = this.text;
    if (text.charCodeAt(this.pos) !== 123) throw GIVE_UP;
    this.pos++;
    this.skipSpaces();
    const fields = plan.fields;
    const count = fields.length;
    const values = new Array<unknown>(count);
    let next = 0;
    if (text.charCodeAt(this.pos) === 125) {
      this.pos++;
    } else {
      for (;;) {
        // The expected `"name":` in place; else the key is read and looked up. (Comparing a slice is about twice
        // as fast as startsWith here, which compares character by character.)
        let index = next;
        const head = plan.keyHeads[next];
        if (head !== undefined && text.slice(this.pos, this.pos + head.length) === head) {
          this.pos += head.length;
        } else {
          if (text.charCodeAt(this.pos) !== 34) throw GIVE_UP;
          const found = plan.indexOf.get(this.string());
          if (found === undefined || found < next) throw GIVE_UP;
          index = found;
          this.colon();
        }
        for (; next < index; next++) values[next] = this.nullValue(fields[next] as Plan);
        if (text.charCodeAt(this.pos) === 32) this.skipSpaces();
        values[index] = this.value(fields[index] as Plan, depth);
        next = index + 1;
        if (this.endOfMember(125)) break;
      }
    }
    for (; next < count; next++) values[next] = this.nullValue(fields[next] as Plan);
    return Struct.fromValidatedValues(plan.schema, values);
  }

  private array(element: Plan, depth: number): unknown[] {
    if (this.text.charCodeAt(this.pos) !== 91) throw GIVE_UP;
    this.pos++;
    this.skipSpaces();
    const out: unknown[] = [];
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(element, depth));
      if (this.endOfMember(93)) return out;
    }
  }

  /**
   * A string-keyed map as the general path builds it: an object with every key as an own property, later
   * duplicates overwriting earlier values in the earlier key's place, as JSON parsing and copying would.
   */
  private map(valuePlan: Plan, depth: number): Record<string, unknown> {
    if (this.text.charCodeAt(this.pos) !== 123) throw GIVE_UP;
    this.pos++;
    this.skipSpaces();
    const out: Record<string, unknown> = {};
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 34) throw GIVE_UP;
      const key = this.string();
      this.colon();
      const value = this.value(valuePlan, depth);
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      if (this.endOfMember(125)) return out;
    }
  }

  /** After a member: true at the closing bracket (consumed), false after a comma (and the spaces after it). */
  private endOfMember(close: number): boolean {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    if (c === 32) {
      this.skipSpaces();
      c = text.charCodeAt(this.pos);
    }
    this.pos++;
    if (c === close) return true;
    if (c !== 44) throw GIVE_UP;
    if (text.charCodeAt(this.pos) === 32) this.skipSpaces();
    return false;
  }

  private colon(): void {
    this.skipSpaces();
    if (this.text.charCodeAt(this.pos) !== 58) throw GIVE_UP;
    this.pos++;
    this.skipSpaces();
  }

  /**
   * The string starting at the current quote. It ends at the next quote unless a backslash comes first; strings with
   * escapes are decoded by JSON.parse, which also rejects invalid ones.
   */
  private string(): string {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(start) !== 34) throw GIVE_UP;
    if (this.backslash <= start) this.backslash = indexOrEnd(text, '\\', start + 1);
    const quote = text.indexOf('"', start + 1);
    if (quote < 0) throw GIVE_UP;
    if (quote < this.backslash) {
      this.pos = quote + 1;
      return text.slice(start + 1, quote);
    }
    for (let i = this.backslash; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        i++;
      } else if (c === 34) {
        this.pos = i + 1;
        this.backslash = indexOrEnd(text, '\\', i + 1);
        return JSON.parse(text.slice(start, i + 1)) as string;
      }
    }
    throw GIVE_UP;
  }

  /**
   * An integer literal (no fraction or exponent), as the general path reads it: a number when it is a safe
   * integer, else a bigint.
   */
  private integer(): number | bigint {
    const text = this.text;
    const start = this.pos;
    let i = start;
    const negative = text.charCodeAt(i) === 45;
    if (negative) i++;
    const digitsStart = i;
    let n = 0;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
    const digits = i - digitsStart;
    if (digits === 0 || (digits > 1 && text.charCodeAt(digitsStart) === 48)) throw GIVE_UP;
    const after = text.charCodeAt(i);
    if (after === 46 || after === 101 || after === 69) throw GIVE_UP;
    this.pos = i;
    // The running value is exact while the true value is a safe integer; beyond, rounding never brings it back to
    // or below MAX_SAFE_INTEGER (2^53 is a double, and rounding is monotonic). So n <= MAX_SAFE_INTEGER exactly
    // when the literal is a safe integer, and then it equals Number(literal), -0 included.
    if (n <= Number.MAX_SAFE_INTEGER) return negative ? -n : n;
    return BigInt(text.slice(start, i));
  }

  private int32(): number {
    const n = this.integer();
    if (typeof n !== 'number' || n < -2147483648 || n > 2147483647) throw GIVE_UP;
    return n;
  }

  /** Any JSON number as a double: Number() of its text, which is what every general-path route comes to. */
  private float(): number {
    const text = this.text;
    const start = this.pos;
    const intEnd = jsonIntegerEnd(text, start);
    const end = intEnd < 0 ? -1 : jsonFractionEnd(text, intEnd);
    if (end < 0) throw GIVE_UP;
    this.pos = end;
    return Number(text.slice(start, end));
  }

  /** Consumes `word` (null, true or false), compared a character at a time, which beats startsWith for 4 or 5. */
  private literal(word: string): void {
    const text = this.text;
    const at = this.pos;
    for (let i = 0; i < word.length; i++) if (text.charCodeAt(at + i) !== word.charCodeAt(i)) throw GIVE_UP;
    this.pos = at + word.length;
  }

  /** Spaces are the only whitespace left once read() has turned away texts with control characters. */
  private skipSpaces(): void {
    while (this.text.charCodeAt(this.pos) === 32) this.pos++;
  }
}

/** Base64 digit values by character code; -1 for characters outside the standard alphabet. */
const BASE64_DIGITS = (() => {
  const digits = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) digits[alphabet.charCodeAt(i)] = i;
  return digits;
})();

/**
 * The integer of 1 to 6 bytes of big-endian two's complement written as canonical base64 (standard alphabet, padding
 * where due, unused bits zero), computed in a double, where it is exact below 2^53: what Decimal.toLogical makes of
 * Buffer.from(text, 'base64') (which decodes canonical base64 the standard way), without the Buffer and the BigInt
 * arithmetic per byte. Undefined for anything else, which then goes through Buffer.from and Decimal.toLogical.
 */
function smallUnscaled(text: string): bigint | undefined {
  const length = text.length;
  if (length !== 4 && length !== 8) return undefined;
  const padding = text.charCodeAt(length - 1) !== 61 ? 0 : text.charCodeAt(length - 2) !== 61 ? 1 : 2;
  const digits = length - padding;
  let n = 0;
  for (let i = 0; i < digits; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? (BASE64_DIGITS[c] as number) : -1;
    if (d < 0) return undefined;
    n = n * 64 + d;
  }
  // 6 bits per digit: 2 or 4 bits beyond the last whole byte when padded, which canonical base64 leaves zero.
  const unusedBits = padding * 2;
  const unit = 2 ** unusedBits;
  if (n % unit !== 0) return undefined;
  n /= unit;
  const bytes = (digits * 6 - unusedBits) / 8;
  // The top bit of the first byte is the sign.
  const range = 2 ** (bytes * 8);
  return BigInt(n >= range / 2 ? n - range : n);
}

/** FLOAT values written as strings: only the non-finite ones, as Jackson writes them. */
function nonFinite(text: string): number {
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return Number(text);
  throw GIVE_UP;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}
