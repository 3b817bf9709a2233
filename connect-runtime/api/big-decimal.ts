/**
 * An exact decimal number: `unscaled × 10^-scale`, the value type of the Decimal logical type (Java's BigDecimal).
 * Decimal values never pass through a JavaScript float, so 0.1 + 0.2 style rounding cannot creep into data.
 */
import { DataError } from './errors';
import { formatJavaDouble } from './java-format';

const DECIMAL_PATTERN = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export class BigDecimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale = 0) {
    if (!Number.isInteger(scale) || scale < INT32_MIN || scale > INT32_MAX) {
      throw new DataError(`Decimal scale must be a 32-bit integer, got ${scale}`);
    }
    this.unscaled = unscaled;
    this.scale = scale;
  }

  static of(unscaled: bigint | number, scale = 0): BigDecimal {
    if (typeof unscaled === 'number' && !Number.isSafeInteger(unscaled)) {
      throw new DataError(`Unscaled decimal value must be a safe integer or a bigint, got ${unscaled}`);
    }
    return new BigDecimal(BigInt(unscaled), scale);
  }

  /** Parses Java BigDecimal's string grammar: `-12.340`, `1E+3`, `.5`, `3.`; the scale follows the text. */
  static parse(text: string): BigDecimal {
    const m = DECIMAL_PATTERN.exec(text);
    if (!m) throw new DataError(`"${text}" is not a decimal number`);
    const intDigits = m[2] ?? '';
    const fracDigits = m[3] ?? m[4] ?? '';
    const exponent = m[5] === undefined ? 0 : Number(m[5]);
    const unscaled = BigInt(`${m[1] === '-' ? '-' : ''}${intDigits}${fracDigits}` || '0');
    return new BigDecimal(unscaled, fracDigits.length - exponent);
  }

  /** Like Java's BigDecimal.valueOf(double): the decimal of the double's shortest representation (1 → 1.0). */
  static fromNumber(value: number): BigDecimal {
    if (!Number.isFinite(value)) throw new DataError(`${value} cannot be represented as a decimal`);
    return BigDecimal.parse(formatJavaDouble(value));
  }

  /** The nearest double; exact only when the value has a short enough representation. */
  toNumber(): number {
    return Number(this.toString());
  }

  signum(): number {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /** The same value at another scale. Throws when that would drop non-zero digits (no rounding is ever done). */
  withScale(scale: number): BigDecimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new BigDecimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    if (this.unscaled % divisor !== 0n) {
      throw new DataError(`${this.toString()} cannot be represented with scale ${scale} without rounding`);
    }
    return new BigDecimal(this.unscaled / divisor, scale);
  }

  /** Numeric comparison, ignoring scale (1.0 compares equal to 1.00). */
  compareTo(other: BigDecimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.unscaled * 10n ** BigInt(scale - this.scale);
    const b = other.unscaled * 10n ** BigInt(scale - other.scale);
    return a === b ? 0 : a < b ? -1 : 1;
  }

  /** Equality of value and scale, like Java's BigDecimal.equals (1.0 is not equal to 1.00). */
  equals(other: unknown): boolean {
    return other instanceof BigDecimal && other.unscaled === this.unscaled && other.scale === this.scale;
  }

  /** Java's BigDecimal.toString: plain notation unless the scale is negative or the number is very small. */
  toString(): string {
    const negative = this.unscaled < 0n;
    const coefficient = (negative ? -this.unscaled : this.unscaled).toString();
    const adjusted = coefficient.length - 1 - this.scale;
    let out: string;
    if (this.scale >= 0 && adjusted >= -6) {
      out = plain(coefficient, this.scale);
    } else {
      out = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
      if (adjusted !== 0) out += `E${adjusted > 0 ? '+' : ''}${adjusted}`;
    }
    return negative ? `-${out}` : out;
  }

  /** Plain notation without an exponent (Java's toPlainString). */
  toPlainString(): string {
    const negative = this.unscaled < 0n;
    const coefficient = (negative ? -this.unscaled : this.unscaled).toString();
    const out = this.scale >= 0 ? plain(coefficient, this.scale) : coefficient + '0'.repeat(-this.scale);
    return negative ? `-${out}` : out;
  }

  toJSON(): string {
    return this.toString();
  }
}

function plain(coefficient: string, scale: number): string {
  if (scale === 0) return coefficient;
  if (coefficient.length > scale) {
    return `${coefficient.slice(0, coefficient.length - scale)}.${coefficient.slice(coefficient.length - scale)}`;
  }
  return `0.${'0'.repeat(scale - coefficient.length)}${coefficient}`;
}
