import { BigDecimal, Decimal, Schema, SchemaBuilder, Struct } from '../../../../connect-runtime/api';
import { JsonDataWriter, type JsonWriterOptions } from '../../../../connect-runtime/converters/json-data-writer';
import { JsonOutput, PackedBytes, quoteJson } from '../../../../connect-runtime/converters/json-text';

/** The bytes of one record written by `write`. */
function record(write: (out: JsonOutput) => void): Buffer {
  const out = new JsonOutput();
  out.begin();
  write(out);
  return out.finish();
}

// Lengths around the 4-character steps of the word loop, every escape, non-ASCII of 2, 3 and 4 UTF-8 bytes, lone
// surrogates at both ends, and strings long enough for the native encoder.
const STRINGS = [
  '', 'a', 'ab', 'abc', 'abcd', 'abcde', 'abcdefgh', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '"', 'a"', 'ab"c', 'abc\\', '{"a": 1, "b": [1, 2]}', '\u0000\u0001\u001f\b\t\n\f\r\u007f',
  'é', 'aé', 'abcé', 'ü€日本語', '\u0080\u07ff\u0800\uffff', '\ud83d\ude00', 'ab\ud83d\ude00cd',
  '\ud800', 'abcd\ud800', '\udc00abcd', '\ude00\ud83d', 'x'.repeat(300), `${'x'.repeat(300)}"\n`, 'é'.repeat(300),
  `${'y'.repeat(255)}\ud83d\ude00`,
];

describe('JsonOutput', () => {
  test('writeQuoted writes the UTF-8 of quoteJson', () => {
    for (const s of STRINGS) {
      expect([s, record((out) => out.writeQuoted(s)).toString('hex')]).toEqual([s, Buffer.from(quoteJson(s), 'utf8').toString('hex')]);
    }
  });

  test('writeText writes what Buffer.from does (a lone surrogate as U+FFFD)', () => {
    for (const s of STRINGS) {
      expect([s, record((out) => out.writeText(s)).toString('hex')]).toEqual([s, Buffer.from(s, 'utf8').toString('hex')]);
    }
  });

  test('writeSafeInteger prints as String does', () => {
    const values = [0, -0, 7, -7, 9, 10, 99, 12345678, 99999999, 100000000, 100000001, -100000000, 2147483647, 2147483648,
      -2147483649, 1700000000000, 1700000000000000, 9007199254740991, -9007199254740991, 1000000000000000];
    for (const v of values) expect(record((out) => out.writeSafeInteger(v)).toString()).toBe(String(v));
  });

  test('packed bytes of every length', () => {
    for (const text of ['', 'n', 'nu', 'nul', 'null', 'false', ',"name":', ',"é":']) {
      const bytes = record((out) => {
        out.writePacked(new PackedBytes(Buffer.from(text, 'utf8')));
        out.writeByte(125);
      });
      expect(bytes.toString()).toBe(`${text}}`);
    }
  });

  test('records handed out are never written again, also when one outgrows its slab', () => {
    const out = new JsonOutput();
    const expected: string[] = [];
    const records: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      // Mostly records of about 4 KB, some of 20 KB-1 MB; every 7th is abandoned halfway.
      const size = i % 50 === 49 ? 1000000 : i % 10 === 9 ? 20000 : 4000;
      const text = String(i % 10).repeat(size);
      out.begin();
      out.writeBytes(Buffer.from('{"n":'));
      out.writeQuoted(text);
      if (i % 7 === 6) continue;
      out.writeByte(125);
      expected.push(`{"n":"${text}"}`);
      records.push(out.finish());
    }
    expect(records.map((b) => b.toString())).toEqual(expected);
  });
});

describe('JsonDataWriter.write', () => {
  const inner = SchemaBuilder.struct().name('inner').field('n', Schema.INT8_SCHEMA).field('s', Schema.OPTIONAL_STRING_SCHEMA).build();
  const schema = SchemaBuilder.struct()
    .field('str', Schema.STRING_SCHEMA)
    .field('i8', Schema.INT8_SCHEMA)
    .field('i16', Schema.INT16_SCHEMA)
    .field('i32', Schema.OPTIONAL_INT32_SCHEMA)
    .field('i64', Schema.INT64_SCHEMA)
    .field('big', Schema.OPTIONAL_INT64_SCHEMA)
    .field('bool', Schema.BOOLEAN_SCHEMA)
    .field('f64', Schema.OPTIONAL_FLOAT64_SCHEMA)
    .field('dec', Decimal.builder(2).optional().build())
    .field('dflt', SchemaBuilder.string().optional().defaultValue('d').build())
    .field('inner', inner)
    .field('list', SchemaBuilder.array(inner).optional().build())
    .field('empty', SchemaBuilder.struct().optional().build())
    .build();

  function sample(): Struct {
    return new Struct(schema)
      .put('str', 'é"\n')
      .put('i8', -128)
      .put('i16', 32767)
      .put('i64', -9007199254740991)
      .put('big', 2n ** 63n - 1n)
      .put('bool', false)
      .put('f64', -0)
      .put('dec', BigDecimal.parse('-12.34'))
      .put('inner', new Struct(inner).put('n', 1))
      .put('list', [new Struct(inner).put('n', 2).put('s', 'x')])
      .put('empty', new Struct(SchemaBuilder.struct().optional().build()));
  }

  test.each<JsonWriterOptions>([
    { decimalFormat: 'BASE64', replaceNullWithDefault: true },
    { decimalFormat: 'NUMERIC', replaceNullWithDefault: false },
  ])('writes the UTF-8 of value() (%j)', (options) => {
    const writer = new JsonDataWriter(options);
    const value = sample();
    const text = writer.value(schema, value);
    expect(text).toContain(options.replaceNullWithDefault ? '"dflt":"d"' : '"dflt":null');
    expect(text).toContain(options.decimalFormat === 'BASE64' ? '"dec":"+y4="' : '"dec":-12.34');
    expect(record((out) => writer.write(out, schema, value)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  test('a decimal of another scale is reported as the field writer reports it', () => {
    const writer = new JsonDataWriter({ decimalFormat: 'BASE64', replaceNullWithDefault: true });
    const value = sample().put('dec', BigDecimal.parse('1.5'));
    expect(() => record((out) => writer.write(out, schema, value))).toThrow(/scale 1 but the Decimal schema declares scale 2/);
  });

  test('errors name the field path', () => {
    const writer = new JsonDataWriter({ decimalFormat: 'BASE64', replaceNullWithDefault: true });
    const badInner = replaced(sample(), 'inner', unchecked(inner, [1000, null]));
    expect(() => record((out) => writer.write(out, schema, badInner))).toThrow(
      expect.objectContaining({ field: 'inner.n', message: expect.stringContaining('Invalid type for INT8') }),
    );
    const badInList = replaced(sample(), 'list', [unchecked(inner, [1, 5])]);
    expect(() => record((out) => writer.write(out, schema, badInList))).toThrow(expect.objectContaining({ field: 'list.s' }));
    expect(() => record((out) => writer.write(out, schema, new Struct(schema)))).toThrow(expect.objectContaining({ field: 'str' }));
  });
});

/** A struct holding values that put() would refuse, as a faulty transformation might hand over. */
function unchecked(schema: Schema, values: unknown[]): Struct {
  const StructOfValues = Struct as unknown as new (schema: Schema, values: unknown[]) => Struct;
  return new StructOfValues(schema, values);
}

/** The struct with one field's value replaced, unchecked. */
function replaced(struct: Struct, field: string, value: unknown): Struct {
  return unchecked(struct.schema, struct.schema.fields.map((f) => (f.name === field ? value : struct.get(f.name))));
}
