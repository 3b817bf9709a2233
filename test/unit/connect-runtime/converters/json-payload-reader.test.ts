/**
 * The payload fast path must never decide differently from the general path (parseJson, then JsonDataReader): for
 * every text it either returns exactly the general path's value or declines (NOT_READ), in which case the converter
 * runs the general path. Checked on hand-picked edge cases and on seeded random mutations of written payloads.
 */
import { BigDecimal, ConnectDate, ConnectTime, ConnectTimestamp, Decimal, Schema, SchemaBuilder, Struct } from '../../../../connect-runtime/api';
import { JsonConverter } from '../../../../connect-runtime/converters';
import { JsonDataReader } from '../../../../connect-runtime/converters/json-data-reader';
import { parseJson } from '../../../../connect-runtime/converters/json-parser';
import { JsonPayloadReader, NOT_READ } from '../../../../connect-runtime/converters/json-payload-reader';

/** Strict equality of Connect values: number vs bigint, -0, key order, struct schemas and Buffer contents count. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (a instanceof BigDecimal || b instanceof BigDecimal) {
    return a instanceof BigDecimal && b instanceof BigDecimal && a.unscaled === b.unscaled && a.scale === b.scale;
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof Struct || b instanceof Struct) {
    if (!(a instanceof Struct) || !(b instanceof Struct) || a.schema !== b.schema) return false;
    return a.schema.fields.every((f) => same(a.getWithoutDefault(f), b.getWithoutDefault(f)));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => same(v, b[i]));
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function containsDecimal(schema: Schema): boolean {
  if (schema.name === Decimal.LOGICAL_NAME) return true;
  if (schema.type === 'ARRAY') return containsDecimal(schema.valueSchema);
  if (schema.type === 'MAP') return containsDecimal(schema.keySchema) || containsDecimal(schema.valueSchema);
  if (schema.type === 'STRUCT') return schema.fields.some((f) => containsDecimal(f.schema));
  return false;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function general(schema: Schema, text: string, replaceNullWithDefault: boolean): Outcome {
  try {
    const node = parseJson(text, containsDecimal(schema));
    if (node === undefined) return { ok: false, error: 'empty' };
    return { ok: true, value: new JsonDataReader({ replaceNullWithDefault }).value(schema, node) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

let fastReads = 0;
const readers = { true: new JsonPayloadReader({ replaceNullWithDefault: true }), false: new JsonPayloadReader({ replaceNullWithDefault: false }) };

/** The fast path agrees with the general path on `text` (or declines). */
function check(schema: Schema, text: string, replaceNullWithDefault = true): void {
  const fast = readers[`${replaceNullWithDefault}`].read(schema, text);
  if (fast === NOT_READ) return;
  fastReads++;
  const expected = general(schema, text, replaceNullWithDefault);
  if (!expected.ok) throw new Error(`fast path read ${JSON.stringify(text)} where the general path fails: ${expected.error}`);
  if (!same(fast, expected.value)) throw new Error(`fast path differs on ${JSON.stringify(text)}`);
}

const ROW = SchemaBuilder.struct()
  .name('row')
  .optional()
  .field('id', Schema.INT64_SCHEMA)
  .field('small', Schema.OPTIONAL_INT16_SCHEMA)
  .field('i32', Schema.OPTIONAL_INT32_SCHEMA)
  .field('name', Schema.OPTIONAL_STRING_SCHEMA)
  .field('price', Decimal.builder(2).optional().build())
  .field('ratio', Schema.OPTIONAL_FLOAT64_SCHEMA)
  .field('f32', Schema.OPTIONAL_FLOAT32_SCHEMA)
  .field('flag', Schema.OPTIONAL_BOOLEAN_SCHEMA)
  .field('bytes', Schema.OPTIONAL_BYTES_SCHEMA)
  .field('day', ConnectDate.builder().optional().build())
  .field('time', ConnectTime.builder().optional().build())
  .field('ts', ConnectTimestamp.builder().optional().build())
  .field('tags', SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
  .field('attrs', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA).optional().build())
  .field('pairs', SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).optional().build())
  .field('mode', SchemaBuilder.string().optional().defaultValue('auto').build())
  .build();

const ENVELOPE = SchemaBuilder.struct()
  .name('envelope')
  .field('before', ROW)
  .field('after', ROW)
  .field('op', Schema.STRING_SCHEMA)
  .field('ts_ns', Schema.OPTIONAL_INT64_SCHEMA)
  .build();

function sampleRow(i: number): Struct {
  return new Struct(ROW)
    .put('id', i % 2 === 0 ? i : 2n ** 60n + BigInt(i))
    .put('small', i % 7 === 0 ? null : -(i % 30000))
    .put('i32', 2147483647 - i)
    .put('name', ['ann', 'b"o\\b', 'ü€😀', '', 'tab\there', '\u2028'][i % 6] as string)
    .put('price', BigDecimal.parse(`${i}.25`))
    .put('ratio', [0.1, -0, 1e300, 5, Number.NaN, Number.POSITIVE_INFINITY][i % 6] as number)
    .put('f32', 1.5)
    .put('flag', i % 2 === 0)
    .put('bytes', Buffer.from([i, 0, 255]))
    .put('day', new Date(Date.UTC(2024, 0, 1 + i)))
    .put('time', new Date(i * 1000))
    .put('ts', new Date(1_700_000_000_000 + i))
    .put('tags', ['a', null, 'c'])
    .put('attrs', { z: 1, '2': 2, a: i % 3 === 0 ? null : 9007199254740993n, __proto__x: 4 })
    .put('pairs', i % 5 === 0 ? new Map([[1, 'one']]) : null)
    .put('mode', i % 4 === 0 ? null : 'manual');
}

const writer = new JsonConverter();
writer.configure({}, false);

/** The payload text JsonConverter writes for `value`. */
function payloadOf(schema: Schema, value: unknown): string {
  const text = writer.fromConnectData('t', null, schema, value)?.toString('utf8') ?? '';
  const head = text.indexOf(',"payload":');
  return text.slice(head + ',"payload":'.length, -1);
}

test('written payloads are read exactly as the general path reads them', () => {
  fastReads = 0;
  for (let i = 0; i < 24; i++) {
    const envelope = new Struct(ENVELOPE).put('after', sampleRow(i)).put('op', 'c').put('ts_ns', 1_767_225_600_000_000_000n + BigInt(i));
    check(ENVELOPE, payloadOf(ENVELOPE, envelope));
    check(ENVELOPE, payloadOf(ENVELOPE, envelope), false);
  }
  // Everything but maps with INT32 keys (always the general path; every fifth row has one) is read by the fast path.
  expect(fastReads).toBe(2 * 19);
  const simple = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).field('ts_ns', Schema.INT64_SCHEMA).field('s', Schema.STRING_SCHEMA).build();
  check(simple, '{"id":1,"ts_ns":1767225600000000001,"s":"a\\"b"}');
  expect(fastReads).toBe(2 * 19 + 1);
});

test('edge cases: read exactly or left to the general path', () => {
  const int64 = SchemaBuilder.struct().field('n', Schema.INT64_SCHEMA).build();
  const float = SchemaBuilder.struct().field('x', Schema.FLOAT64_SCHEMA).build();
  const withDefault = SchemaBuilder.struct().field('s', SchemaBuilder.string().defaultValue('d').build()).build();
  const decimal = SchemaBuilder.struct().field('d', Decimal.schema(3)).build();
  const noScale = SchemaBuilder.struct().field('d', SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).build()).build();
  const decimals = ['AA==', 'gA==', '/w==', 'AP8=', 'f///', 'gAAA', 'AQID', 'AQIDBA==', 'gAAAAA==', '////////', 'f///////', 'AQIDBAUG',
    'AQIDBAUGBw==', 'QR==', 'QQ', 'QQ=', '-_8=', 'AA==AA==', '', '====', 'A===', 'Zm9v\n'];
  const texts: [Schema, string][] = decimals.flatMap((b64): [Schema, string][] => [
    [decimal, `{"d":"${b64}"}`],
    [noScale, `{"d":"${b64}"}`],
  ]);
  texts.push(
    [int64, '{"n":-0}'],
    [int64, '{"n":9007199254740991}'],
    [int64, '{"n":9007199254740992}'],
    [int64, '{"n":-9007199254740993}'],
    [int64, '{"n":9223372036854775807}'],
    [int64, '{"n":9223372036854775808}'],
    [int64, '{"n":1.0}'],
    [int64, '{"n":1e2}'],
    [int64, '{"n":01}'],
    [int64, '{"n":"1"}'],
    [int64, '{"n":1,"n":2}'],
    [int64, '{"n":1,"x":2}'],
    [int64, '{ "n" : 1 }'],
    [int64, '{"n":1}\n'],
    [int64, '{\n"n":1}'],
    [int64, '{"n":null}'],
    [int64, '{}'],
    [int64, 'null'],
    [int64, ''],
    [int64, '{"n":1}x'],
    [int64, '{"n":1,}'],
    [float, '{"x":-0.0}'],
    [float, '{"x":1E+2}'],
    [float, '{"x":12345678901234567890}'],
    [float, '{"x":"NaN"}'],
    [float, '{"x":"nan"}'],
    [float, '{"x":1.}'],
    [withDefault, '{"s":null}'],
    [withDefault, '{}'],
    [withDefault, '{"s":"\\u0041\\n"}'],
    [withDefault, '{"s":"\\x"}'],
    [withDefault, '{"s":"a\u0001"}'],
    [withDefault, '{"\\u0073":"x"}'],
    [withDefault, '{"s":"unterminated}'],
  );
  for (const [schema, text] of texts) {
    check(schema, text);
    check(schema, text, false);
  }
  const reader = new JsonPayloadReader({ replaceNullWithDefault: true });
  expect(reader.read(int64, '{"n":9007199254740992}')).toEqual(new Struct(int64).put('n', 9007199254740992n));
  expect(reader.read(int64, '{"n":1,"n":2}')).toBe(NOT_READ);
  expect(reader.read(int64, '{"n":"1"}')).toBe(NOT_READ);
  expect((reader.read(withDefault, '{"s":null}') as Struct).getWithoutDefault('s')).toBe('d');
  expect((reader.read(decimal, '{"d":"/w=="}') as Struct).getWithoutDefault('d')).toEqual(new BigDecimal(-1n, 3));
  expect((reader.read(decimal, '{"d":"gAAAAA=="}') as Struct).getWithoutDefault('d')).toEqual(new BigDecimal(-(2n ** 31n), 3));
});

/** A seeded generator (mulberry32), so that a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [' ', '\n', '"', '\\', '\\"', ',', ':', '{', '}', '[', ']', 'null', '0', '-', '.5', 'e3', '9', '12345678901234567', '"x"', 'true', '\u0000', 'é'];

test('random mutations of written payloads are read exactly or left to the general path', () => {
  const next = random(20261121);
  let mutated = 0;
  fastReads = 0;
  for (let i = 0; i < 3000; i++) {
    const base = payloadOf(ENVELOPE, new Struct(ENVELOPE).put('after', sampleRow(i)).put('op', 'u').put('ts_ns', BigInt(i) * 1_000_000_007n));
    let text = base;
    const edits = 1 + Math.floor(next() * 2);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * (text.length + 1));
      const kind = next();
      if (kind < 0.3) {
        text = text.slice(0, at) + (PIECES[Math.floor(next() * PIECES.length)] as string) + text.slice(at);
      } else if (kind < 0.45) {
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 4));
      } else if (kind < 0.55) {
        text = text.slice(0, at) + text.slice(Math.floor(next() * text.length)).slice(0, 6) + text.slice(at);
      } else {
        // Mostly valid edits: another digit somewhere, or a space after a comma or colon.
        const digits = [...text.matchAll(kind < 0.8 ? /\d/g : /[,:]/g)];
        const m = digits[Math.floor(next() * digits.length)];
        if (m?.index !== undefined) {
          const i = m.index;
          text = kind < 0.8 ? text.slice(0, i) + String(Math.floor(next() * 10)) + text.slice(i + 1) : `${text.slice(0, i + 1)} ${text.slice(i + 1)}`;
        }
      }
    }
    if (text !== base) mutated++;
    check(ENVELOPE, text, next() < 0.5);
  }
  expect(mutated).toBeGreaterThan(2900);
  // Many mutations keep the text valid (inside strings, digits of numbers): those must have been compared.
  expect(fastReads).toBeGreaterThan(300);
});
