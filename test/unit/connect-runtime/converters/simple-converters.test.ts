import {
  ConfigError,
  ConnectDate,
  DataError,
  Schema,
  SchemaBuilder,
  Struct,
} from '../../../../connect-runtime/api';
import { ByteArrayConverter, SimpleHeaderConverter, StringConverter } from '../../../../connect-runtime/converters';

describe('StringConverter', () => {
  test('UTF-8 by default; reads an optional string', () => {
    const c = new StringConverter();
    c.configure({}, false);
    expect(c.fromConnectData('t', null, Schema.STRING_SCHEMA, 'héllo')).toEqual(Buffer.from('héllo', 'utf8'));
    expect(c.toConnectData('t', null, Buffer.from('héllo', 'utf8'))).toMatchObject({ schema: Schema.OPTIONAL_STRING_SCHEMA, value: 'héllo' });
    expect(c.toConnectData('t', null, null)).toMatchObject({ schema: Schema.OPTIONAL_STRING_SCHEMA, value: null });
    expect(c.fromConnectData('t', null, null, null)).toBeNull();
  });

  test('other values are written in their string form; bytes pass through uncopied', () => {
    const c = new StringConverter();
    c.configure({}, true);
    expect(c.fromConnectData('t', null, null, 42)?.toString()).toBe('42');
    expect(c.fromConnectData('t', null, null, 2n ** 64n)?.toString()).toBe('18446744073709551616');
    const schema = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).build();
    expect(c.fromConnectData('t', null, schema, new Struct(schema).put('a', 1))?.toString()).toBe('Struct{a=1}');
    const bytes = Buffer.from('raw');
    expect(c.fromConnectData('t', null, null, bytes)).toBe(bytes);
  });

  test('converter.encoding', () => {
    const c = new StringConverter();
    c.configure({ 'converter.encoding': 'ISO-8859-1' }, false);
    expect(c.fromConnectData('t', null, null, 'é')).toEqual(Buffer.from([0xe9]));
    expect(c.toConnectData('t', null, Buffer.from([0xe9])).value).toBe('é');
    expect(() => new StringConverter().configure({ 'converter.encoding': 'EBCDIC' }, false)).toThrow(ConfigError);
  });

  test('as a header converter', () => {
    const c = new StringConverter();
    c.configure({});
    expect(c.fromConnectHeader('t', 'h', null, 'v')?.toString()).toBe('v');
    expect(c.toConnectHeader('t', 'h', Buffer.from('v')).value).toBe('v');
  });
});

describe('ByteArrayConverter', () => {
  const c = new ByteArrayConverter();
  c.configure({}, false);

  test('zero-copy in both directions', () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(c.fromConnectData('t', null, Schema.BYTES_SCHEMA, bytes)).toBe(bytes);
    const read = c.toConnectData('t', null, bytes);
    expect(read.schema).toBe(Schema.OPTIONAL_BYTES_SCHEMA);
    expect(read.value).toBe(bytes);
    const view = new Uint8Array(new ArrayBuffer(8), 2, 3);
    const out = c.fromConnectData('t', null, null, view) as Buffer;
    expect(out.buffer).toBe(view.buffer);
    expect(out.byteOffset).toBe(2);
    expect(out.length).toBe(3);
  });

  test('rejects other schemas and values', () => {
    expect(() => c.fromConnectData('t', null, Schema.STRING_SCHEMA, Buffer.from('x'))).toThrow('Invalid schema type for ByteArrayConverter: STRING');
    expect(() => c.fromConnectData('t', null, null, 'x')).toThrow(DataError);
    expect(c.fromConnectData('t', null, Schema.OPTIONAL_BYTES_SCHEMA, null)).toBeNull();
  });
});

describe('SimpleHeaderConverter', () => {
  const c = new SimpleHeaderConverter();
  c.configure({});

  const roundTrip = (schema: Schema | null, value: unknown) => c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', schema, value));

  test('writes string forms', () => {
    expect(c.fromConnectHeader('t', 'h', Schema.STRING_SCHEMA, 'text')?.toString()).toBe('text');
    expect(c.fromConnectHeader('t', 'h', Schema.FLOAT64_SCHEMA, 2)?.toString()).toBe('2.0');
    expect(c.fromConnectHeader('t', 'h', ConnectDate.SCHEMA, new Date(Date.UTC(2024, 0, 2)))?.toString()).toBe('2024-01-02');
    expect(c.fromConnectHeader('t', 'h', null, null)).toBeNull();
  });

  test('infers schemas when reading', () => {
    expect(roundTrip(Schema.INT32_SCHEMA, 5)).toMatchObject({ schema: Schema.INT8_SCHEMA, value: 5 });
    expect(roundTrip(Schema.INT64_SCHEMA, 9007199254740993n)).toMatchObject({ schema: Schema.INT64_SCHEMA, value: 9007199254740993n });
    expect(roundTrip(Schema.BOOLEAN_SCHEMA, true)).toMatchObject({ schema: Schema.BOOLEAN_SCHEMA, value: true });
    expect(roundTrip(Schema.STRING_SCHEMA, 'hello')).toMatchObject({ schema: Schema.STRING_SCHEMA, value: 'hello' });
    expect(roundTrip(ConnectDate.SCHEMA, new Date(Date.UTC(2024, 0, 2))).schema).toBe(ConnectDate.SCHEMA);
    const list = roundTrip(SchemaBuilder.array(Schema.STRING_SCHEMA).build(), ['a', 'b']);
    expect(list.schema?.type).toBe('ARRAY');
    expect(list.value).toEqual(['a', 'b']);
    expect(c.toConnectHeader('t', 'h', null)).toMatchObject({ schema: null, value: null });
  });

  test('bytes that are not UTF-8 stay bytes', () => {
    const raw = Buffer.from([0xff, 0xfe, 0x00]);
    expect(c.toConnectHeader('t', 'h', raw)).toMatchObject({ schema: Schema.BYTES_SCHEMA, value: raw });
    // Never cached: each record keeps its own bytes.
    const again = Buffer.from(raw);
    expect(c.toConnectHeader('t', 'h', again).value).toBe(again);
  });
});

describe('SimpleHeaderConverter caches', () => {
  const texts = ['bench', '0', 'postgresql', '-7', '70000', 'true', 'null', '', 'é', '1.5', '9007199254740993', 'x'.repeat(64), 'y'.repeat(65)];

  test('repeated header bytes read as a fresh converter reads them', () => {
    const c = new SimpleHeaderConverter();
    c.configure({});
    for (let round = 0; round < 3; round++) {
      for (const text of texts) {
        const fresh = new SimpleHeaderConverter();
        fresh.configure({});
        const expected = fresh.toConnectHeader('t', 'h', Buffer.from(text));
        const read = c.toConnectHeader('t', 'h', Buffer.from(text));
        expect(read.schema).toBe(expected.schema);
        expect(read.value).toStrictEqual(expected.value);
      }
    }
  });

  test('hold copies of the bytes, not the consumed buffer', () => {
    const c = new SimpleHeaderConverter();
    c.configure({});
    const consumed = Buffer.from('abc');
    expect(c.toConnectHeader('t', 'h', consumed).value).toBe('abc');
    consumed.write('xyz');
    expect(c.toConnectHeader('t', 'h', consumed).value).toBe('xyz');
    expect(c.toConnectHeader('t', 'h', Buffer.from('abc')).value).toBe('abc');
  });

  test('do not share mutable values between records', () => {
    const c = new SimpleHeaderConverter();
    c.configure({});
    for (const text of ['2024-01-02', '2024-01-02T12:34:56.789Z', '[1,2]', '{"a":1}', '{1:2}']) {
      const first = c.toConnectHeader('t', 'h', Buffer.from(text));
      const second = c.toConnectHeader('t', 'h', Buffer.from(text));
      expect(second.value).toStrictEqual(first.value);
      expect(second.value).not.toBe(first.value);
    }
  });

  test('stay right when many distinct values share the slots', () => {
    const c = new SimpleHeaderConverter();
    c.configure({});
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2000; i++) {
        expect(c.toConnectHeader('t', 'h', Buffer.from(String(i))).value).toBe(i);
        expect(c.toConnectHeader('t', 'h', Buffer.from(`v${i}`)).value).toBe(`v${i}`);
      }
    }
  });

  test('written strings: the same bytes for the same string, new bytes when the value changes', () => {
    const c = new SimpleHeaderConverter();
    c.configure({});
    const first = c.fromConnectHeader('t', 'k', Schema.STRING_SCHEMA, 'bench');
    expect(c.fromConnectHeader('t', 'k', Schema.STRING_SCHEMA, 'bench')).toEqual(first);
    expect(c.fromConnectHeader('t', 'k', Schema.STRING_SCHEMA, 'other')?.toString()).toBe('other');
    expect(c.fromConnectHeader('t', 'k', Schema.STRING_SCHEMA, 'bench')?.toString()).toBe('bench');
    // Keys beyond the cache's bound and long values are still written, just not kept.
    for (let i = 0; i < 600; i++) expect(c.fromConnectHeader('t', `key${i}`, null, `v${i}`)?.toString()).toBe(`v${i}`);
    const long = 'é'.repeat(100);
    expect(c.fromConnectHeader('t', 'k', Schema.STRING_SCHEMA, long)?.toString()).toBe(long);
    expect(c.fromConnectHeader('t', 'k', Schema.STRING_SCHEMA, long)?.toString()).toBe(long);
    // A string under another schema is still written as itself, as convertToString does.
    expect(c.fromConnectHeader('t', 'k', Schema.INT32_SCHEMA, '12')?.toString()).toBe('12');
  });
});
