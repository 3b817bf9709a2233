/**
 * JSON text helpers that reproduce Jackson's output byte for byte: string escaping (only `"`, `\` and control
 * characters, with upper-case hex), the check that lets plain JavaScript values go through JSON.stringify, fast
 * forms of two value texts the writer needs per record (integers, BASE64 decimals), and JsonOutput, which writes the
 * same texts as UTF-8 bytes straight into the buffers records are handed out in.
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

/** Size of the slabs records are written into. */
const SLAB_BYTES = 256 * 1024;
/**
 * A record starts in a fresh slab when less than this is left of the current one, so that few records outgrow their
 * slab midway (and have to be copied into the next one).
 */
const SLAB_RESERVE = 16 * 1024;
/** Strings longer than this are encoded by Buffer's native UTF-8 writer: its call costs more than a short loop. */
const LONG_TEXT = 256;
/** Byte runs longer than this are copied by TypedArray.set, whose call costs more than a short loop. */
const LONG_RUN = 64;
const EMPTY_SLAB = Buffer.alloc(0);

/**
 * Constant bytes (a field's `,"name":`, `null`...) as little-endian 32-bit words, the last one padded: copied a word
 * at a time through a DataView, several times cheaper than byte by byte.
 */
export class PackedBytes {
  readonly words: Int32Array;
  readonly length: number;

  constructor(bytes: Uint8Array) {
    this.length = bytes.length;
    const words = new Int32Array(Math.ceil(bytes.length / 4));
    for (let i = 0; i < bytes.length; i++) words[i >> 2] = (words[i >> 2] as number) | ((bytes[i] as number) << ((i & 3) * 8));
    this.words = words;
  }
}

/**
 * Where serialized records are written as UTF-8, one after the other: each record is a slice of a 256 KiB slab, so
 * that a record costs neither its own ArrayBuffer (Buffer.allocUnsafe takes one per call beyond 4 KiB) nor
 * intermediate strings. Bytes once handed out by finish() are never written again: a slice keeps its slab alive, as
 * pooled Buffers keep their pool. A record that outgrows a slab is given a buffer of its own.
 *
 * Usage: begin(), write...(), finish(). An unfinished record is dropped by the next begin().
 */
export class JsonOutput {
  private slab = EMPTY_SLAB;
  /** The slab, for writing four bytes at a time. */
  private view = new DataView(new ArrayBuffer(0));
  /** Where the record being written starts in the slab. */
  private start = 0;
  private pos = 0;

  begin(): void {
    if (this.slab.length - this.start < SLAB_RESERVE) this.newSlab(SLAB_BYTES);
    this.pos = this.start;
  }

  /** The record written since begin(). */
  finish(): Buffer {
    const start = this.start;
    const end = this.pos;
    if (this.slab.length > SLAB_BYTES) {
      // An outsized record: copied out at its exact size, and the large buffer not kept for the next ones.
      const own = Buffer.allocUnsafeSlow(end - start);
      this.slab.copy(own, 0, start, end);
      this.newSlab(0);
      return own;
    }
    this.start = end;
    return this.slab.subarray(start, end);
  }

  writeByte(byte: number): void {
    this.ensure(1);
    this.slab[this.pos++] = byte;
  }

  /** Bytes of any length (an envelope head). */
  writeBytes(bytes: Uint8Array): void {
    const length = bytes.length;
    this.ensure(length);
    if (length > LONG_RUN) {
      this.slab.set(bytes, this.pos);
      this.pos += length;
      return;
    }
    const slab = this.slab;
    let pos = this.pos;
    for (let i = 0; i < length; i++) slab[pos++] = bytes[i] as number;
    this.pos = pos;
  }

  /** Constant bytes. The padding of the last word lands after the record's end, where the next bytes overwrite it. */
  writePacked(packed: PackedBytes): void {
    const words = packed.words;
    this.ensure(words.length * 4);
    const view = this.view;
    let pos = this.pos;
    for (let i = 0; i < words.length; i++) {
      view.setInt32(pos, words[i] as number, true);
      pos += 4;
    }
    this.pos += packed.length;
  }

  /** A string's UTF-8 bytes, as Buffer.write writes them (a lone surrogate becomes U+FFFD). */
  writeText(text: string): void {
    const length = text.length;
    if (length > LONG_TEXT) {
      this.writeNative(text);
      return;
    }
    this.ensure(length * 3);
    const slab = this.slab;
    const view = this.view;
    let pos = this.pos;
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const c0 = text.charCodeAt(i);
      const c1 = text.charCodeAt(i + 1);
      const c2 = text.charCodeAt(i + 2);
      const c3 = text.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) >= 128) break;
      view.setInt32(pos, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), true);
      pos += 4;
    }
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        slab[pos++] = c;
      } else {
        this.pos = pos;
        i = this.writeNonAscii(text, i);
        pos = this.pos;
      }
    }
    this.pos = pos;
  }

  /** A JSON string literal, escaped as quoteJson escapes it, in UTF-8. */
  writeQuoted(value: string): void {
    const length = value.length;
    if (length > LONG_TEXT) {
      this.writeNative(needsEscape(value) ? quoteJson(value) : `"${value}"`);
      return;
    }
    // At most 6 bytes per UTF-16 unit (`\u001F`; UTF-8 takes at most 3), plus the quotes.
    this.ensure(length * 6 + 2);
    const slab = this.slab;
    const view = this.view;
    let pos = this.pos;
    slab[pos++] = 34;
    let i = 0;
    while (i < length) {
      // Four plain ASCII characters at a time where there are; else one character.
      if (i + 4 <= length) {
        const c0 = value.charCodeAt(i);
        const c1 = value.charCodeAt(i + 1);
        const c2 = value.charCodeAt(i + 2);
        const c3 = value.charCodeAt(i + 3);
        if ((c0 | c1 | c2 | c3) < 128 && isPlain(c0) && isPlain(c1) && isPlain(c2) && isPlain(c3)) {
          view.setInt32(pos, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), true);
          pos += 4;
          i += 4;
          continue;
        }
      }
      const c = value.charCodeAt(i);
      if (c >= 128) {
        this.pos = pos;
        i = this.writeNonAscii(value, i) + 1;
        pos = this.pos;
      } else if (isPlain(c)) {
        slab[pos++] = c;
        i++;
      } else {
        pos = writeEscape(slab, pos, c);
        i++;
      }
    }
    slab[pos++] = 34;
    this.pos = pos;
  }

  /** String(value) of a safe integer, digit by digit instead of through a string. */
  writeSafeInteger(value: number): void {
    this.ensure(17); // '-' and the 16 digits of 2^53
    const slab = this.slab;
    let pos = this.pos;
    let n = value;
    if (n < 0) {
      slab[pos++] = 45;
      n = -n;
    }
    if (n < 1e8) {
      pos = writeDigits(slab, pos, n);
    } else {
      // Two halves below 10^8: a safe integer has at most 16 digits, and V8 divides small integers fast.
      const high = Math.floor(n / 1e8);
      pos = writeDigits(slab, pos, high);
      pos = writeEightDigits(slab, pos, n - high * 1e8);
    }
    this.pos = pos;
  }

  /** Room for `bytes` more bytes of this record. */
  private ensure(bytes: number): void {
    if (this.pos + bytes > this.slab.length) this.grow(bytes);
  }

  /** Moves the record written so far into a slab with room for `bytes` more. */
  private grow(bytes: number): void {
    const written = this.pos - this.start;
    const needed = written + bytes;
    const previous = this.slab;
    const previousStart = this.start;
    // Past a slab's size, doubling keeps the copies of an ever larger record linear in its size.
    this.newSlab(needed <= SLAB_BYTES - SLAB_RESERVE ? SLAB_BYTES : 2 * needed);
    previous.copy(this.slab, 0, previousStart, previousStart + written);
    this.pos = written;
  }

  private newSlab(size: number): void {
    this.slab = size === 0 ? EMPTY_SLAB : Buffer.allocUnsafeSlow(size);
    this.view = new DataView(this.slab.buffer, this.slab.byteOffset, this.slab.length);
    this.start = 0;
    this.pos = 0;
  }

  /** A long string through Buffer's own UTF-8 encoder. */
  private writeNative(text: string): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    this.ensure(bytes);
    this.pos += this.slab.write(text, this.pos, bytes, 'utf8');
  }

  /**
   * The UTF-8 of the non-ASCII character at text[i] (a surrogate pair whole; a lone surrogate as U+FFFD, as
   * Buffer.write does). Returns the index of the last UTF-16 unit used. The caller has ensured 3 bytes per unit.
   */
  private writeNonAscii(text: string, i: number): number {
    const slab = this.slab;
    let pos = this.pos;
    const c = text.charCodeAt(i);
    let last = i;
    if (c < 0x800) {
      slab[pos++] = 0xc0 | (c >> 6);
      slab[pos++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c > 0xdfff) {
      pos = writeThreeBytes(slab, pos, c);
    } else {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const codePoint = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        slab[pos++] = 0xf0 | (codePoint >> 18);
        slab[pos++] = 0x80 | ((codePoint >> 12) & 63);
        slab[pos++] = 0x80 | ((codePoint >> 6) & 63);
        slab[pos++] = 0x80 | (codePoint & 63);
        last = i + 1;
      } else {
        pos = writeThreeBytes(slab, pos, 0xfffd);
      }
    }
    this.pos = pos;
    return last;
  }
}

function writeThreeBytes(slab: Uint8Array, pos: number, c: number): number {
  slab[pos] = 0xe0 | (c >> 12);
  slab[pos + 1] = 0x80 | ((c >> 6) & 63);
  slab[pos + 2] = 0x80 | (c & 63);
  return pos + 3;
}

/** Whether JSON strings hold an ASCII character as it is: all but `"`, `\\` and control characters. */
function isPlain(c: number): boolean {
  return c >= 32 && c !== 34 && c !== 92;
}

/** Per ASCII character, the letter after the backslash of its two-character escape (Jackson's), else 0. */
const SHORT_ESCAPES = new Uint8Array(128);
for (const [c, letter] of [['"', '"'], ['\\', '\\'], ['\b', 'b'], ['\t', 't'], ['\n', 'n'], ['\f', 'f'], ['\r', 'r']] as const) {
  SHORT_ESCAPES[c.charCodeAt(0)] = letter.charCodeAt(0);
}

/** Jackson's escape of an ASCII character: `\"`, `\\`, the short forms of control characters, else `\u00XX`. */
function writeEscape(slab: Uint8Array, pos: number, c: number): number {
  const short = SHORT_ESCAPES[c] as number;
  slab[pos++] = 92;
  if (short !== 0) {
    slab[pos++] = short;
    return pos;
  }
  slab[pos++] = 117; // u
  slab[pos++] = 48;
  slab[pos++] = 48;
  slab[pos++] = HEX.charCodeAt(c >> 4);
  slab[pos++] = HEX.charCodeAt(c & 15);
  return pos;
}

/** The digits of 0 <= n < 10^8. */
function writeDigits(slab: Uint8Array, pos: number, n: number): number {
  const end = pos + digitCount(n);
  let rest = n | 0;
  for (let p = end - 1; p >= pos; p--) {
    const tenth = (rest / 10) | 0;
    slab[p] = 48 + rest - tenth * 10;
    rest = tenth;
  }
  return end;
}

/** The eight digits of 0 <= n < 10^8, with leading zeros. */
function writeEightDigits(slab: Uint8Array, pos: number, n: number): number {
  let rest = n | 0;
  for (let p = pos + 7; p >= pos; p--) {
    const tenth = (rest / 10) | 0;
    slab[p] = 48 + rest - tenth * 10;
    rest = tenth;
  }
  return pos + 8;
}

/** How many digits 0 <= n < 10^8 has. */
function digitCount(n: number): number {
  if (n < 10000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : 4;
  return n < 1000000 ? (n < 100000 ? 5 : 6) : n < 10000000 ? 7 : 8;
}
