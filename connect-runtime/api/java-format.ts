/**
 * Number formatting compatible with Java's Double.toString and Float.toString, which Jackson (and therefore Kafka's
 * JsonConverter) and Kafka's Values use. Byte compatibility of serialized data depends on it: Java writes the double
 * 1 as `1.0`, 1e7 as `1.0E7` and 1e-4 as `1.0E-4`, where JavaScript writes `1`, `10000000` and `0.0001`.
 *
 * The digits are the shortest that identify the value (what JDK 19+ produces and what JavaScript's own formatting
 * uses); only the layout follows Java.
 */

/** Splits a finite, non-zero number's shortest digits into a digit string and the decimal exponent of the first digit. */
function shortestDigits(value: number, significant?: number): { negative: boolean; digits: string; exponent: number } {
  const text = significant === undefined ? value.toExponential() : value.toExponential(significant - 1);
  const negative = text.charCodeAt(0) === 45; // '-'
  const body = negative ? text.slice(1) : text;
  const e = body.indexOf('e');
  let digits = body.slice(0, e).replace('.', '');
  // toExponential(n) can leave trailing zeros; Java never prints them beyond the first fraction digit.
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return { negative, digits, exponent: Number(body.slice(e + 1)) };
}

/**
 * Java prints at least two significant digits in scientific notation and picks the two-digit decimal nearest to
 * the value, which differs from padding a one-digit shortest form for a few values (Double.MIN_VALUE is 4.9E-324).
 */
type Digits = { negative: boolean; digits: string; exponent: number };

function twoDigitsIfNeeded(value: number, d: Digits): Digits {
  const magnitude = Math.abs(value);
  if (d.digits.length > 1 || (magnitude >= 1e-3 && magnitude < 1e7)) return d;
  return shortestDigits(value, 2);
}

function layout(negative: boolean, digits: string, exponent: number, magnitude: number): string {
  let out: string;
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const intPart = digits.length > exponent + 1 ? digits.slice(0, exponent + 1) : digits.padEnd(exponent + 1, '0');
      const frac = digits.length > exponent + 1 ? digits.slice(exponent + 1) : '0';
      out = `${intPart}.${frac}`;
    } else {
      out = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
  } else {
    out = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exponent}`;
  }
  return negative ? `-${out}` : out;
}

/** Java's Double.toString(d). */
export function formatJavaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const { negative, digits, exponent } = twoDigitsIfNeeded(value, shortestDigits(value));
  return layout(negative, digits, exponent, Math.abs(value));
}

/** Java's Float.toString((float) value): the value is first rounded to single precision. */
export function formatJavaFloat(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  // The shortest decimal that rounds back to the same float: at most 9 significant digits are ever needed.
  for (let p = 1; p <= 9; p++) {
    const candidate = f.toExponential(p - 1);
    if (Math.fround(Number(candidate)) === f) {
      const { negative, digits, exponent } = twoDigitsIfNeeded(f, shortestDigits(f, p));
      return layout(negative, digits, exponent, Math.abs(f));
    }
  }
  return formatJavaDouble(f);
}

/** True when JSON.stringify writes this number exactly as Jackson writes the corresponding Java long or double. */
export function jsonNumberMatchesJava(value: number): boolean {
  if (Number.isInteger(value)) return Math.abs(value) < 9223372036854775808;
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e7;
}
