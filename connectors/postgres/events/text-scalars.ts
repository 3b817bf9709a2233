/** Text forms of PostgreSQL's small scalar types: bytea, bit strings and point. */
import { DataError } from '../../../connect-runtime/api';

/**
 * bytea text → bytes. The hex form (`\x0a0b`, bytea_output=hex, the server default) is what pgoutput sends; the
 * legacy escape form (`a\\000b`) is accepted too in case a server was configured with bytea_output=escape.
 */
export function parsePgBytea(text: string): Buffer {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2);
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new DataError(`Invalid bytea hex value of ${text.length} characters`);
    return Buffer.from(hex, 'hex');
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      // Escape-format output is ASCII apart from escapes; other characters are taken as UTF-8 text.
      const cp = text.codePointAt(i) as number;
      out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += cp > 0xffff ? 2 : 1;
    } else if (text[i + 1] === '\\') {
      out.push(0x5c);
      i += 2;
    } else if (/^[0-3][0-7][0-7]$/.test(text.slice(i + 1, i + 4))) {
      out.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      throw new DataError('Invalid bytea escape sequence');
    }
  }
  return Buffer.from(out);
}

/**
 * bit/varbit text (`1011`, most significant bit first) → the bytes of Debezium's io.debezium.data.Bits: a little-
 * endian bit set (the last character is bit 0) trimmed after its highest set bit, so all zeros give no bytes.
 */
export function parsePgBits(text: string): Buffer {
  if (!/^[01]*$/.test(text)) throw new DataError(`Invalid bit string ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)}`);
  const highest = text.indexOf('1');
  if (highest < 0) return Buffer.alloc(0);
  const bitCount = text.length - highest;
  const out = Buffer.alloc(Math.ceil(bitCount / 8));
  for (let bit = 0; bit < bitCount; bit++) {
    if (text.charCodeAt(text.length - 1 - bit) === 0x31) out[bit >> 3] = (out[bit >> 3] as number) | (1 << (bit & 7));
  }
  return out;
}

/** bit(1) text → boolean: any set bit is true. */
export function parsePgBit(text: string): boolean {
  if (!/^[01]+$/.test(text)) throw new DataError(`Invalid bit string ${JSON.stringify(text)}`);
  return text.includes('1');
}

/** point text `(1.5,-2)` → its coordinates. */
export function parsePgPoint(text: string): { x: number; y: number } {
  const m = /^\s*\(?\s*([^,()\s]+)\s*,\s*([^,()\s]+)\s*\)?\s*$/.exec(text);
  const x = m ? Number(m[1]) : Number.NaN;
  const y = m ? Number(m[2]) : Number.NaN;
  if (!m || (Number.isNaN(x) && m[1] !== 'NaN') || (Number.isNaN(y) && m[2] !== 'NaN')) {
    throw new DataError(`Cannot parse point value ${JSON.stringify(text)}`);
  }
  return { x, y };
}

/** The well-known binary of a 2D point as Debezium writes it: byte-order mark 1, then little-endian type 1, x, y. */
export function pointWkb(x: number, y: number): Buffer {
  const wkb = Buffer.alloc(21);
  wkb.writeUInt8(1, 0);
  wkb.writeInt32LE(1, 1);
  wkb.writeDoubleLE(x, 5);
  wkb.writeDoubleLE(y, 13);
  return wkb;
}

/** Debezium emits booleans for `t`/`f` text; anything but `t` (any case) is false, as its decoder does. */
export function parsePgBool(text: string): boolean {
  return text.toLowerCase() === 't';
}
