/**
 * Java's numeric parsing and narrowing, for Cast and MaskField: what Byte/Short/Integer/Long.parseX accept,
 * Float/Double.parseX, and the results of Java's primitive conversions (integers wrap, floating-point values
 * truncate and saturate, NaN becomes 0). INT64 results are numbers while they are safe integers, bigints beyond.
 */
import { BigDecimal } from '../api';

export type IntegerBits = 8 | 16 | 32 | 64;

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** A bigint as an INT64 value: a number when it is a safe integer. */
export function int64Value(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Java's Byte/Short/Integer/Long.parseX: an optional sign and decimal digits, in range; throws otherwise. */
export function parseJavaInteger(text: string, bits: IntegerBits): number | bigint {
  if (!INTEGER_TEXT.test(text)) throw new RangeError(`For input string: "${text}"`);
  const value = BigInt(text);
  if (value !== BigInt.asIntN(bits, value)) throw new RangeError(`Value out of range. Value:"${text}"`);
  return bits === 64 ? int64Value(value) : Number(value);
}

/** Java's Double.parseDouble (surrounding whitespace allowed, an `f`/`d` suffix accepted); throws otherwise. */
export function parseJavaDouble(text: string): number {
  const trimmed = text.trim();
  if (!FLOAT_TEXT.test(trimmed)) throw new RangeError(`For input string: "${text}"`);
  return Number(trimmed.replace(/[fFdD]$/, ''));
}

/** Java's Float.parseFloat. */
export function parseJavaFloat(text: string): number {
  return Math.fround(parseJavaDouble(text));
}

/** Wraps an int32 to the low-order bits of a narrower type, as Java's (byte)/(short) casts do. */
function wrapInt(value: number, bits: 8 | 16 | 32): number {
  if (bits === 32) return value | 0;
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/** How a numeric value converts: integral values wrap, floating-point ones truncate and saturate. */
export function narrowInteger(value: number | bigint | BigDecimal, bits: IntegerBits, floating: boolean): number | bigint {
  if (typeof value === 'number') {
    if (!floating && Number.isSafeInteger(value)) return bits === 64 ? value : wrapInt(value, bits);
    // (int) d / (long) d: NaN → 0, out-of-range values saturate; narrower types then wrap from int.
    if (Number.isNaN(value)) return 0;
    if (bits !== 64) return wrapInt(Math.max(-2147483648, Math.min(2147483647, Math.trunc(value))), bits);
    if (value >= 9.223372036854776e18) return LONG_MAX;
    if (value <= -9.223372036854776e18) return LONG_MIN;
    return int64Value(BigInt(Math.trunc(value)));
  }
  // A bigint, or BigDecimal.longValue(): the integer part, then its low-order bits.
  const big =
    typeof value === 'bigint'
      ? value
      : value.scale <= 0
        ? value.unscaled * 10n ** BigInt(-value.scale)
        : value.unscaled / 10n ** BigInt(value.scale);
  const wrapped = BigInt.asIntN(bits, big);
  return bits === 64 ? int64Value(wrapped) : Number(wrapped);
}
