/**
 * Parsing of the plain string form of values with schema inference (Kafka's Values.parseString); see values.ts for
 * the rules.
 */
import { BigDecimal } from './big-decimal';
import { DataError } from './errors';
import { ConnectDate, ConnectTime, ConnectTimestamp, Decimal } from './logical-types';
import { DATE_LOGICAL_NAME, Schema, type SchemaType, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME } from './schema';
import { SchemaAndValue } from './schema-and-value';
import { SchemaBuilder } from './schema-builder';

const TEMPORAL_NAMES = new Set([DATE_LOGICAL_NAME, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME]);
const NUMERIC_RANK: Partial<Record<SchemaType, number>> = { INT8: 0, INT16: 1, INT32: 2, INT64: 3, FLOAT32: 4, FLOAT64: 5 };
const FLOAT32_MAX = 3.4028234663852886e38;

/** Parses the string form of a value, inferring its schema. Never throws: unparsable text is a STRING. */
export function parseString(text: string | null): SchemaAndValue {
  if (text === null) return SchemaAndValue.NULL;
  if (isPlainWord(text)) return new SchemaAndValue(Schema.STRING_SCHEMA, text);
  return parsePlainInteger(text) ?? parseStringGeneral(text);
}

/**
 * parseString without its shortcuts for plain words and integers: the tokenizing parser, which decides every text.
 * Exported for the tests that hold the shortcuts to its results.
 */
export function parseStringGeneral(text: string): SchemaAndValue {
  if (text === '') return new SchemaAndValue(Schema.STRING_SCHEMA, text);
  try {
    return parseValue(new Tokenizer(text), false) ?? SchemaAndValue.NULL;
  } catch {
    return new SchemaAndValue(Schema.STRING_SCHEMA, text);
  }
}

const LITERALS = new Set(['null', 'true', 'false']);

/**
 * True for text the general parser can only return as a STRING of the whole text: empty, or starting with none of
 * what begins another value (whitespace, which the tokenizer skips; a digit, `+` or `-` of a number or temporal;
 * `[` or `{` of a collection), and not a literal with at most trailing whitespace after it. Delimiters later on do
 * not matter at top level: whatever follows a first token that is not a value leaves the text a string.
 */
function isPlainWord(text: string): boolean {
  if (text === '') return true;
  const first = text.charCodeAt(0);
  if (first <= 32 || (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 91 || first === 123) return false;
  // Only these initials can begin a literal; the trim is the tokenizer's (characters up to U+0020).
  return !((first === 110 || first === 116 || first === 102) && LITERALS.has(javaTrim(text)));
}

/** Integers of up to 15 digits are exact doubles, well inside the INT64 range. */
const MAX_PLAIN_DIGITS = 15;

/**
 * An optional `-` and 1 to 15 ASCII digits, nothing else: the smallest integer type that holds it, as parseNumber
 * decides (no temporal form is all digits). Null for any other text.
 */
function parsePlainInteger(text: string): SchemaAndValue | null {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  const digits = text.length - start;
  if (digits < 1 || digits > MAX_PLAIN_DIGITS) return null;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  // `+ 0` turns the -0 of "-0" into the 0 that the general parser's bigint arithmetic gives.
  const n = Number(text) + 0;
  return new SchemaAndValue(smallestIntegerSchema(n), n);
}

function smallestIntegerSchema(n: number): Schema {
  if (n >= -128 && n <= 127) return Schema.INT8_SCHEMA;
  if (n >= -32768 && n <= 32767) return Schema.INT16_SCHEMA;
  if (n >= -2147483648 && n <= 2147483647) return Schema.INT32_SCHEMA;
  return Schema.INT64_SCHEMA;
}

const DELIMITERS = new Set([':', ',', '{', '}', '[', ']', '"']);

/** Splits text at unescaped delimiters; whitespace is kept in the tokens (and trimmed where it matters). */
class Tokenizer {
  private pos = 0;
  private pending: string | null = null;
  previousToken: string | null = null;

  constructor(readonly original: string) {}

  mark(): number {
    return this.pos - (this.pending?.length ?? 0);
  }

  rewindTo(position: number): void {
    this.pos = position;
    this.pending = null;
    this.previousToken = null;
  }

  hasNext(): boolean {
    return this.pending !== null || this.pos < this.original.length;
  }

  next(): string {
    if (this.pending !== null) {
      this.previousToken = this.pending;
      this.pending = null;
    } else {
      if (this.pos >= this.original.length) throw new DataError('Unexpected end of value');
      this.previousToken = this.consume();
    }
    return this.previousToken;
  }

  /** The text of the next n tokens, or null (and nothing consumed) when there are fewer. */
  nextText(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.slice(start, this.pos);
  }

  /** Consumes the next token if it equals `expected` (ignoring surrounding whitespace). */
  canConsume(expected: string): boolean {
    if (this.pending === null) {
      if (!this.hasNext()) return false;
      this.pending = this.consume();
    }
    while (javaTrim(this.pending) === '' && this.pos < this.original.length) this.pending = this.consume();
    if (javaTrim(this.pending) === expected) {
      this.pending = null;
      return true;
    }
    return false;
  }

  private consume(): string {
    const start = this.pos;
    let escaped = false;
    while (this.pos < this.original.length) {
      const c = this.original[this.pos] as string;
      if (c === '\\') {
        escaped = !escaped;
      } else if (DELIMITERS.has(c) && !escaped) {
        if (start < this.pos) return this.original.slice(start, this.pos);
        this.pos++;
        return c;
      } else {
        escaped = false;
      }
      this.pos++;
    }
    return this.original.slice(start, this.pos);
  }
}

/** Java's String.trim: strips characters up to U+0020. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(start, end);
}

function parseValue(p: Tokenizer, embedded: boolean): SchemaAndValue | null {
  if (!p.hasNext()) return null;
  if (embedded && p.canConsume('"')) {
    let content = '';
    while (p.hasNext()) {
      if (p.canConsume('"')) break;
      content += p.next();
    }
    const temporal = content === '' ? null : parseString(content);
    if (temporal?.schema?.name !== undefined && TEMPORAL_NAMES.has(temporal.schema.name)) return temporal;
    return new SchemaAndValue(Schema.STRING_SCHEMA, content.replace(/\\(["\\])/g, '$1'));
  }
  if (singleTokenLiteral(p, embedded, 'null')) return null;
  if (singleTokenLiteral(p, embedded, 'true')) return new SchemaAndValue(Schema.BOOLEAN_SCHEMA, true);
  if (singleTokenLiteral(p, embedded, 'false')) return new SchemaAndValue(Schema.BOOLEAN_SCHEMA, false);

  const start = p.mark();
  try {
    if (p.canConsume('[')) return parseArray(p);
    if (p.canConsume('{')) return parseMap(p);
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    p.rewindTo(start);
  }

  const raw = p.next();
  const token = javaTrim(raw);
  if (token === '') return new SchemaAndValue(Schema.STRING_SCHEMA, raw);
  const first = token.charCodeAt(0);
  const firstIsDigit = first >= 48 && first <= 57;
  if (firstIsDigit) {
    // A time or timestamp is split by its colons into five tokens; try those first, then the token alone.
    const position = p.mark();
    const rest = p.nextText(4);
    const temporal = rest === null ? null : parseTemporal(token + rest);
    if (temporal) return temporal;
    p.rewindTo(position);
    const alone = parseTemporal(token);
    if (alone) return alone;
  }
  if (firstIsDigit || first === 43 || first === 45) {
    const number = parseNumber(token);
    if (number) return number;
  }
  if (embedded) throw new DataError('Failed to parse embedded value');
  return new SchemaAndValue(Schema.STRING_SCHEMA, p.original);
}

/** A literal that is the whole value at top level, or any element when embedded ("true}" is a string). */
function singleTokenLiteral(p: Tokenizer, embedded: boolean, literal: string): boolean {
  const start = p.mark();
  if (p.canConsume(literal) && (embedded || !p.hasNext())) return true;
  p.rewindTo(start);
  return false;
}

function parseArray(p: Tokenizer): SchemaAndValue {
  const values: unknown[] = [];
  const schemas: Array<Schema | null> = [];
  while (p.hasNext()) {
    if (p.canConsume(']')) {
      const element = commonSchema(schemas);
      return new SchemaAndValue(SchemaBuilder.array(element).build(), values.map((v) => align(element, v)));
    }
    if (p.canConsume(',')) throw new DataError(`Unable to parse an empty array element: ${p.original}`);
    const element = parseValue(p, true);
    values.push(element?.value ?? null);
    schemas.push(element?.schema ?? null);
    const position = p.mark();
    if (p.canConsume(']')) p.rewindTo(position);
    else if (!p.canConsume(',')) throw new DataError("Array elements missing ',' delimiter");
  }
  if (p.previousToken === ',') throw new DataError(`Array is missing element after ',': ${p.original}`);
  throw new DataError(`Array is missing terminating ']': ${p.original}`);
}

function parseMap(p: Tokenizer): SchemaAndValue {
  const entries: Array<[unknown, unknown]> = [];
  const keySchemas: Array<Schema | null> = [];
  const valueSchemas: Array<Schema | null> = [];
  while (p.hasNext()) {
    if (p.canConsume('}')) {
      const keySchema = commonSchema(keySchemas);
      const valueSchema = commonSchema(valueSchemas);
      const aligned = entries.map(([k, v]): [unknown, unknown] => [align(keySchema, k), align(valueSchema, v)]);
      const value = keySchema.type === 'STRING' ? Object.fromEntries(aligned) : new Map(aligned);
      return new SchemaAndValue(SchemaBuilder.map(keySchema, valueSchema).build(), value);
    }
    if (p.canConsume(',')) throw new DataError(`Unable to parse a map entry with no key or value: ${p.original}`);
    const key = parseValue(p, true);
    if (key === null || key.value === null) throw new DataError(`Map entry may not have a null key: ${p.original}`);
    if (!p.canConsume(':')) throw new DataError(`Map entry is missing ':' in ${p.original}`);
    const value = parseValue(p, true);
    entries.push([key.value, value?.value ?? null]);
    keySchemas.push(key.schema);
    valueSchemas.push(value?.schema ?? null);
    p.canConsume(',');
  }
  if (p.previousToken === ',') throw new DataError(`Map is missing element after ',': ${p.original}`);
  throw new DataError(`Map is missing terminating '}': ${p.original}`);
}

/**
 * The schema all elements share: numbers widen to the largest numeric type, nulls make it optional, and an empty
 * collection gets an optional STRING. Anything else is a DataError (the caller then treats the text as a string).
 */
function commonSchema(schemas: ReadonlyArray<Schema | null>): Schema {
  let common: Schema | null = null;
  let optional = false;
  for (const s of schemas) {
    if (s === null) {
      optional = true;
      continue;
    }
    if (common === null || common.equals(s)) {
      common ??= s;
      continue;
    }
    const a = NUMERIC_RANK[common.type];
    const b = NUMERIC_RANK[s.type];
    if (a === undefined || b === undefined || common.name !== undefined || s.name !== undefined) {
      throw new DataError('Elements do not share a common schema');
    }
    if (b > a) common = s;
  }
  if (common === null) return Schema.OPTIONAL_STRING_SCHEMA;
  return optional ? withOptional(common) : common;
}

function withOptional(schema: Schema): Schema {
  if (schema.optional) return schema;
  return new Schema({
    type: schema.type,
    optional: true,
    name: schema.name,
    version: schema.version,
    doc: schema.doc,
    parameters: schema.parameters,
    fields: schema.type === 'STRUCT' ? schema.fields.map((f) => ({ name: f.name, schema: f.schema })) : undefined,
    keySchema: schema.type === 'MAP' ? schema.keySchema : undefined,
    valueSchema: schema.type === 'MAP' || schema.type === 'ARRAY' ? schema.valueSchema : undefined,
  });
}

/** Widens a parsed number to the common element type (bigints that fit become numbers for float types). */
function align(schema: Schema, value: unknown): unknown {
  if (typeof value === 'bigint' && (schema.type === 'FLOAT32' || schema.type === 'FLOAT64')) return Number(value);
  return value;
}

const TIME_TEXT = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

function parseTemporal(text: string): SchemaAndValue | null {
  const s = text.replace(/\\:/g, ':');
  let m: RegExpExecArray | null;
  if (s.length === 13 && (m = TIME_TEXT.exec(s))) {
    const millis = clockMillis(m[1], m[2], m[3], m[4]);
    return millis === null ? null : new SchemaAndValue(ConnectTime.SCHEMA, new Date(millis));
  }
  if (s.length === 24 && (m = TIMESTAMP_TEXT.exec(s))) {
    const day = dayMillis(m[1], m[2], m[3]);
    const millis = clockMillis(m[4], m[5], m[6], m[7]);
    return day === null || millis === null ? null : new SchemaAndValue(ConnectTimestamp.SCHEMA, new Date(day + millis));
  }
  if (s.length === 10 && (m = DATE_TEXT.exec(s))) {
    const day = dayMillis(m[1], m[2], m[3]);
    return day === null ? null : new SchemaAndValue(ConnectDate.SCHEMA, new Date(day));
  }
  return null;
}

function dayMillis(y?: string, mo?: string, d?: string): number | null {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const t = Date.UTC(year, month - 1, day);
  const check = new Date(t);
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? t : null;
}

function clockMillis(h?: string, mi?: string, s?: string, ms?: string): number | null {
  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + Number(ms);
}

const INT_LIMITS: ReadonlyArray<readonly [Schema, bigint, bigint]> = [
  [Schema.INT8_SCHEMA, -128n, 127n],
  [Schema.INT16_SCHEMA, -32768n, 32767n],
  [Schema.INT32_SCHEMA, -2147483648n, 2147483647n],
  [Schema.INT64_SCHEMA, -(2n ** 63n), 2n ** 63n - 1n],
];

function parseNumber(token: string): SchemaAndValue | null {
  let decimal: BigDecimal;
  try {
    decimal = BigDecimal.parse(token);
  } catch {
    return null;
  }
  const integral = integralValue(decimal);
  if (integral !== null) {
    for (const [schema, min, max] of INT_LIMITS) {
      if (integral >= min && integral <= max) {
        const n = Number(integral);
        return new SchemaAndValue(schema, Number.isSafeInteger(n) ? n : integral);
      }
    }
  }
  if (decimal.scale !== 0) {
    const d = Number(token);
    if (Number.isFinite(d) && Math.abs(d) <= FLOAT32_MAX) return new SchemaAndValue(Schema.FLOAT32_SCHEMA, d);
    if (Number.isFinite(d)) return new SchemaAndValue(Schema.FLOAT64_SCHEMA, d);
  }
  return new SchemaAndValue(Decimal.schema(decimal.scale), decimal);
}

/** The exact integer value of a decimal, or null when it has a fraction or is far outside the 64-bit range. */
function integralValue(d: BigDecimal): bigint | null {
  if (d.unscaled === 0n) return 0n;
  const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
  if (digits - d.scale > 20 || d.scale >= digits) return null;
  if (d.scale <= 0) return d.unscaled * 10n ** BigInt(-d.scale);
  const divisor = 10n ** BigInt(d.scale);
  return d.unscaled % divisor === 0n ? d.unscaled / divisor : null;
}
