import {
  BigDecimal,
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  convertToString,
  Decimal,
  inferSchema,
  parseString,
  Schema,
  SchemaBuilder,
  Struct,
} from '../../../../connect-runtime/api';
import type { SchemaAndValue } from '../../../../connect-runtime/api/schema-and-value';
import { parseStringGeneral } from '../../../../connect-runtime/api/values-parse';

describe('parseString', () => {
  test.each([
    ['true', 'BOOLEAN', true],
    ['FALSE', 'STRING', 'FALSE'],
    ['42', 'INT8', 42],
    ['-128', 'INT8', -128],
    ['300', 'INT16', 300],
    ['70000', 'INT32', 70000],
    ['5000000000', 'INT64', 5000000000],
    ['1.0', 'INT8', 1],
    ['1E3', 'INT16', 1000],
    ['1.5', 'FLOAT32', 1.5],
    ['-0.25', 'FLOAT32', -0.25],
    ['1e300', 'FLOAT64', 1e300],
    ['hello world', 'STRING', 'hello world'],
    ['  padded ', 'STRING', '  padded '],
    ['true}', 'STRING', 'true}'],
    ['12abc', 'STRING', '12abc'],
    ['.5', 'STRING', '.5'],
  ])('%j → %s', (text, type, value) => {
    const parsed = parseString(text);
    expect(parsed.schema?.type).toBe(type);
    expect(parsed.value).toEqual(value);
  });

  test('integers beyond INT64 are exact', () => {
    expect(parseString('9223372036854775807').value).toBe(9223372036854775807n);
    const huge = parseString('99999999999999999999');
    expect(huge.schema?.name).toBe(Decimal.LOGICAL_NAME);
    expect((huge.value as BigDecimal).toString()).toBe('99999999999999999999');
  });

  test('null and empty', () => {
    expect(parseString(null).schema).toBeNull();
    expect(parseString('null').value).toBeNull();
    expect(parseString('').schema).toBe(Schema.STRING_SCHEMA);
  });

  test('temporal values in UTC', () => {
    const date = parseString('2024-01-02');
    expect(date.schema).toBe(ConnectDate.SCHEMA);
    expect((date.value as Date).toISOString()).toBe('2024-01-02T00:00:00.000Z');
    const time = parseString('12:34:56.789Z');
    expect(time.schema).toBe(ConnectTime.SCHEMA);
    expect((time.value as Date).getTime()).toBe(45296789);
    const ts = parseString('2024-01-02T12:34:56.789Z');
    expect(ts.schema).toBe(ConnectTimestamp.SCHEMA);
    expect((ts.value as Date).toISOString()).toBe('2024-01-02T12:34:56.789Z');
    expect(parseString('2024-13-45').schema?.type).toBe('STRING');
  });

  test('arrays with a common type, widening numbers', () => {
    const ints = parseString('[1, 2, 300]');
    expect(ints.schema?.type).toBe('ARRAY');
    expect(ints.schema?.valueSchema.type).toBe('INT16');
    expect(ints.value).toEqual([1, 2, 300]);
    const mixed = parseString('[1, 2.5]');
    expect(mixed.schema?.valueSchema.type).toBe('FLOAT32');
    const strings = parseString('["a", "b,c", "d\\"e"]');
    expect(strings.schema?.valueSchema.type).toBe('STRING');
    expect(strings.value).toEqual(['a', 'b,c', 'd"e']);
    const withNull = parseString('[1, null]');
    expect(withNull.schema?.valueSchema.optional).toBe(true);
    expect(withNull.value).toEqual([1, null]);
    const nested = parseString('[[1],[2,3]]');
    expect(nested.schema?.valueSchema.valueSchema.type).toBe('INT8');
    expect(parseString('[]').value).toEqual([]);
  });

  test('maps', () => {
    const m = parseString('{"a":1,"b":2}');
    expect(m.schema?.type).toBe('MAP');
    expect(m.schema?.keySchema.type).toBe('STRING');
    expect(m.schema?.valueSchema.type).toBe('INT8');
    expect(m.value).toEqual({ a: 1, b: 2 });
    const intKeys = parseString('{1:true,2:false}');
    expect(intKeys.schema?.keySchema.type).toBe('INT8');
    expect(intKeys.value).toEqual(
      new Map<unknown, unknown>([
        [1, true],
        [2, false],
      ]),
    );
  });

  test('mixed or malformed collections stay strings', () => {
    expect(parseString('[1, "a"]')).toMatchObject({ schema: Schema.STRING_SCHEMA, value: '[1, "a"]' });
    expect(parseString('[1, 2')).toMatchObject({ schema: Schema.STRING_SCHEMA, value: '[1, 2' });
    expect(parseString('{"a" 1}')).toMatchObject({ schema: Schema.STRING_SCHEMA, value: '{"a" 1}' });
  });
});

describe('convertToString', () => {
  test('scalars print as Java does', () => {
    expect(convertToString(Schema.STRING_SCHEMA, 'plain "text"')).toBe('plain "text"');
    expect(convertToString(Schema.INT32_SCHEMA, 42)).toBe('42');
    expect(convertToString(Schema.INT64_SCHEMA, 9223372036854775807n)).toBe('9223372036854775807');
    expect(convertToString(Schema.FLOAT64_SCHEMA, 1)).toBe('1.0');
    expect(convertToString(Schema.FLOAT32_SCHEMA, 0.1)).toBe('0.1');
    expect(convertToString(Schema.BOOLEAN_SCHEMA, false)).toBe('false');
    expect(convertToString(Schema.BYTES_SCHEMA, Buffer.from('hi'))).toBe('aGk=');
    expect(convertToString(Decimal.schema(2), BigDecimal.parse('12.34'))).toBe('12.34');
    expect(convertToString(null, null)).toBeNull();
  });

  test('dates print as time, date or timestamp', () => {
    expect(convertToString(ConnectDate.SCHEMA, new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02');
    expect(convertToString(ConnectTime.SCHEMA, new Date(45296789))).toBe('12:34:56.789Z');
    expect(convertToString(ConnectTimestamp.SCHEMA, new Date(Date.UTC(2024, 0, 2, 12, 34, 56, 789)))).toBe('2024-01-02T12:34:56.789Z');
  });

  test('collections and structs use a JSON-like form with quoted strings', () => {
    const schema = SchemaBuilder.struct().field('name', Schema.STRING_SCHEMA).field('n', Schema.INT32_SCHEMA).build();
    expect(convertToString(schema, new Struct(schema).put('name', 'a"b').put('n', 1))).toBe('{"name":"a\\"b","n":1}');
    expect(convertToString(null, ['x', 1, null])).toBe('["x",1,null]');
    expect(convertToString(null, { k: [true] })).toBe('{"k":[true]}');
  });

  test('round trips through parseString', () => {
    for (const text of ['{"a":1,"b":2}', '[1,2,300]', '["a","b"]', '2024-01-02T12:34:56.789Z', '-17', 'true']) {
      const parsed = parseString(text);
      expect(convertToString(parsed.schema, parsed.value)).toBe(text);
    }
  });
});

describe('inferSchema', () => {
  test('by JavaScript type', () => {
    expect(inferSchema('x')).toBe(Schema.STRING_SCHEMA);
    expect(inferSchema(1)).toBe(Schema.INT64_SCHEMA);
    expect(inferSchema(1.5)).toBe(Schema.FLOAT64_SCHEMA);
    expect(inferSchema(1n)).toBe(Schema.INT64_SCHEMA);
    expect(inferSchema(Buffer.from('a'))).toBe(Schema.BYTES_SCHEMA);
    expect(inferSchema(['a', null])?.valueSchema.optional).toBe(true);
    expect(inferSchema([1, 'a'])).toBeNull();
    expect(inferSchema({ a: true })?.keySchema.type).toBe('STRING');
    expect(inferSchema(null)).toBeNull();
  });
});

describe('parseString shortcuts', () => {
  /** Same schema (by equality) and the same value: number vs bigint and -0 count. */
  function expectSameAsGeneral(text: string): void {
    const fast = parseString(text);
    const general = parseStringGeneral(text);
    const describe = (sv: SchemaAndValue) => ({ schema: sv.schema?.toString() ?? null, value: sv.value, type: typeof sv.value });
    const same = (fast.schema === general.schema || fast.schema?.equals(general.schema) === true) && Object.is(fast.value, general.value);
    if (!same && !(fast.value instanceof Object && fast.equals(general))) {
      throw new Error(`parseString(${JSON.stringify(text)}) = ${JSON.stringify(describe(fast), replacer)}, the general parser gives ${JSON.stringify(describe(general), replacer)}`);
    }
  }
  const replacer = (_key: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : v);

  test.each([
    // Words: strings whatever follows the first character, except the literals.
    'bench', 'postgresql', 'customer-42', 'a:b', 'x,y', 'k{v}', 'p[0]', 'say "hi"', '\\', ':', ',', '"quoted"', '}', ']',
    '.5', 'é', '日本', '😀', 'FALSE', 'True', 'nul', 'nullx', 'truex', 'falsey', 'null ', 'true\t', 'false\u0001', 'true}',
    'true,', 'null:', 'true x', 'null\u00a0', 'n', 't', 'f', 'tenant-7', 'node-1',
    // Leading whitespace or control characters: the general parser's business.
    ' bench', '\ttrue', '\u0001null', '  padded ', ' ', '\n',
    // Integers, including the ones the shortcut leaves alone.
    '0', '7', '-0', '-000', '007', '127', '128', '-128', '-129', '32767', '32768', '-32769', '2147483647', '2147483648',
    '-2147483649', '999999999999999', '-999999999999999', '9999999999999999', '9007199254740993', '+5', '-', '--1', '1-',
    '1 ', ' 1', '1e3', '1.0', '12abc', '0x10', '١٢',
    // Other values.
    '', 'null', 'true', 'false', '[1,2]', '{"a":1}', '2024-01-02', '12:34:56.789Z', '2024-01-02T12:34:56.789Z', '1.5',
  ])('%j', (text) => expectSameAsGeneral(text));

  test('random texts', () => {
    const alphabet = ['a', 'n', 'u', 'l', 't', 'r', 'e', 'f', 's', '0', '1', '9', '-', '+', '.', ' ', '\t', ':', ',', '[', ']', '{', '}', '"', '\\', 'é'];
    let seed = 42;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const length = random(8);
      for (let j = 0; j < length; j++) text += alphabet[random(alphabet.length)];
      expectSameAsGeneral(text);
    }
    for (const literal of ['null', 'true', 'false']) {
      for (const tail of ['', ' ', '\t', 'x', ',', '}', ' x']) expectSameAsGeneral(literal + tail);
    }
  });
});
