/**
 * numeric and money text to exact decimals, plus the two java.math.BigDecimal operations Debezium applies to them
 * (stripTrailingZeros, setScale with HALF_UP) that the runtime's BigDecimal does not offer.
 */
import { BigDecimal, DataError } from '../../../connect-runtime/api';

/** numeric's special values (Infinity needs PostgreSQL 14+). */
export type NumericSpecial = 'NaN' | 'Infinity' | '-Infinity';

const NUMERIC_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `1234.50` → BigDecimal 1234.50 (scale 2); `NaN`, `Infinity`, `-Infinity` come back as such. */
export function parsePgNumeric(text: string): BigDecimal | NumericSpecial {
  const plain = plainDecimal(text);
  if (plain !== undefined) return plain;
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return text;
  if (!NUMERIC_PATTERN.test(text)) throw new DataError(`Cannot parse numeric value ${JSON.stringify(text)}`);
  return BigDecimal.parse(text);
}

/**
 * The shape PostgreSQL prints numerics in, `-?\d+(\.\d+)?`, read without the two regular expressions of the general
 * path: BigDecimal.parse gives the same unscaled digits and scale (the fraction's length) for it. Undefined for
 * any other text.
 */
function plainDecimal(text: string): BigDecimal | undefined {
  const length = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const firstDigit = i;
  let dot = -1;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && dot < 0 && i > firstDigit) dot = i;
    else if (c < 48 || c > 57) return undefined;
  }
  if (i === firstDigit || dot === length - 1) return undefined;
  if (dot < 0) return new BigDecimal(BigInt(text), 0);
  return new BigDecimal(BigInt(text.slice(0, dot) + text.slice(dot + 1)), length - dot - 1);
}

/** Java's BigDecimal.stripTrailingZeros: 1.500 → 1.5, 1000 → 1E+3 (scale -3), any zero → 0 (scale 0). */
export function stripTrailingZeros(value: BigDecimal): BigDecimal {
  if (value.unscaled === 0n) return new BigDecimal(0n, 0);
  let unscaled = value.unscaled;
  let scale = value.scale;
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale--;
  }
  return new BigDecimal(unscaled, scale);
}

/** Java's BigDecimal.setScale(scale, RoundingMode.HALF_UP): ties round away from zero. */
export function setScaleHalfUp(value: BigDecimal, scale: number): BigDecimal {
  if (scale >= value.scale) return value.withScale(scale);
  const divisor = 10n ** BigInt(value.scale - scale);
  const negative = value.unscaled < 0n;
  const magnitude = negative ? -value.unscaled : value.unscaled;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return new BigDecimal(negative ? -quotient : quotient, scale);
}

/**
 * money text under any lc_monetary that uses `.` for decimals: `$1,234.56`, `-$1,234.56`, `($1,234.56)`.
 * Parentheses or a leading minus make it negative; currency symbols, spaces and thousands separators go.
 */
export function parsePgMoney(text: string): BigDecimal {
  let s = text.trim();
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  }
  // Currency symbols may come before or after the sign (`$-1.00` or `-$1.00`, by locale).
  const number = s.replace(/^[^0-9.,-]+/, '').replace(/[^0-9.,]+$/, '');
  let unsigned = number;
  if (unsigned.startsWith('-')) {
    negative = !negative;
    unsigned = unsigned.slice(1);
  }
  // Only `,` thousands separators with a `.` decimal point are understood; anything else is rejected rather than
  // misread (a `1.234,56` locale would otherwise turn into 1.23456).
  if (!/^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?$/.test(unsigned) || !/\d/.test(unsigned)) {
    throw new DataError(`Cannot parse money value ${JSON.stringify(text)}`);
  }
  return BigDecimal.parse(`${negative ? '-' : ''}${unsigned.replace(/,/g, '')}`);
}
