import {
  BigDecimal,
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataError,
  Decimal,
  Schema,
  SchemaBuilder,
  Struct,
} from '../../../../connect-runtime/api';
import { JsonConverter } from '../../../../connect-runtime/converters';

function converter(configs: Record<string, unknown> = {}, isKey = false): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, isKey);
  return c;
}

function write(c: JsonConverter, schema: Schema | null, value: unknown): string | null {
  return c.fromConnectData('topic', null, schema, value)?.toString('utf8') ?? null;
}

function read(c: JsonConverter, json: string | null) {
  return c.toConnectData('topic', null, json === null ? null : Buffer.from(json, 'utf8'));
}

// The order example from reference/connect.md §6.1, as Kafka's JsonConverter writes it.
const ORDER_JSON =
  '{"schema":{"type":"struct","fields":[' +
  '{"type":"int32","optional":false,"field":"id"},' +
  '{"type":"string","optional":true,"field":"name"},' +
  '{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},' +
  '{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},' +
  '{"type":"array","items":{"type":"string","optional":false},"optional":true,"field":"tags"}],' +
  '"optional":false,"name":"com.example.Order"},' +
  '"payload":{"id":1,"name":"foo","price":"BNI=","ts":1700000000000,"tags":["a"]}}';

const ORDER_SCHEMA = SchemaBuilder.struct()
  .name('com.example.Order')
  .field('id', Schema.INT32_SCHEMA)
  .field('name', Schema.OPTIONAL_STRING_SCHEMA)
  .field('price', Decimal.schema(2))
  .field('ts', ConnectTimestamp.SCHEMA)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
  .build();

function order(): Struct {
  return new Struct(ORDER_SCHEMA)
    .put('id', 1)
    .put('name', 'foo')
    .put('price', BigDecimal.parse('12.34'))
    .put('ts', new Date(1700000000000))
    .put('tags', ['a']);
}

describe('JsonConverter with schemas (golden bytes)', () => {
  const c = converter();

  test('struct envelope matches Kafka byte for byte', () => {
    expect(write(c, ORDER_SCHEMA, order())).toBe(ORDER_JSON);
  });

  test('reads the same envelope back', () => {
    const { schema, value } = read(c, ORDER_JSON);
    expect(schema?.equals(ORDER_SCHEMA)).toBe(true);
    expect((value as Struct).equals(order())).toBe(true);
    expect(write(c, schema, value)).toBe(ORDER_JSON);
  });

  test('a FileStreamSource line', () => {
    expect(write(c, Schema.STRING_SCHEMA, 'foo')).toBe('{"schema":{"type":"string","optional":false},"payload":"foo"}');
  });

  test.each([
    [Schema.BOOLEAN_SCHEMA, true, '{"type":"boolean","optional":false}', 'true'],
    [Schema.INT8_SCHEMA, 12, '{"type":"int8","optional":false}', '12'],
    [Schema.INT16_SCHEMA, 12, '{"type":"int16","optional":false}', '12'],
    [Schema.INT32_SCHEMA, 12, '{"type":"int32","optional":false}', '12'],
    [Schema.INT64_SCHEMA, 4398046511104, '{"type":"int64","optional":false}', '4398046511104'],
    [Schema.FLOAT32_SCHEMA, 12.2, '{"type":"float","optional":false}', '12.2'],
    [Schema.FLOAT64_SCHEMA, 12.2, '{"type":"double","optional":false}', '12.2'],
    [Schema.FLOAT64_SCHEMA, 1, '{"type":"double","optional":false}', '1.0'],
    [Schema.FLOAT64_SCHEMA, 1e-5, '{"type":"double","optional":false}', '1.0E-5'],
    [Schema.BYTES_SCHEMA, Buffer.from('test-string'), '{"type":"bytes","optional":false}', '"dGVzdC1zdHJpbmc="'],
    [Schema.OPTIONAL_STRING_SCHEMA, null, '{"type":"string","optional":true}', 'null'],
    [ConnectDate.SCHEMA, new Date(Date.UTC(2024, 0, 2)), '{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1}', '19724'],
    [ConnectTime.SCHEMA, new Date(14400000), '{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1}', '14400000'],
  ])('%s', (schema, value, schemaJson, payload) => {
    const json = `{"schema":${schemaJson},"payload":${payload}}`;
    expect(write(c, schema, value)).toBe(json);
    const back = read(c, json);
    expect(back.schema?.equals(schema)).toBe(true);
    expect(write(c, back.schema, back.value)).toBe(json);
  });

  test('schema layout: items, keys/values, then optional, name, version, doc, parameters, default', () => {
    const schema = SchemaBuilder.map(Schema.STRING_SCHEMA, SchemaBuilder.int32().optional().defaultValue(7).build())
      .name('m')
      .version(3)
      .doc('docs')
      .parameter('p1', 'v1')
      .parameter('a0', 'v0')
      .build();
    expect(c.asJsonSchema(schema)).toBe(
      '{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":true,"default":7},' +
        '"optional":false,"name":"m","version":3,"doc":"docs","parameters":{"p1":"v1","a0":"v0"}}',
    );
    const withDefault = SchemaBuilder.struct().field('n', SchemaBuilder.int64().defaultValue(5).build()).optional().build();
    expect(c.asJsonSchema(withDefault)).toBe(
      '{"type":"struct","fields":[{"type":"int64","optional":false,"default":5,"field":"n"}],"optional":true}',
    );
  });

  test('maps with non-string keys are arrays of pairs', () => {
    const schema = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT32_SCHEMA).build();
    const json = write(c, schema, new Map([[1, 12], [2, 15]]));
    expect(json).toBe('{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}');
    expect(read(c, json).value).toEqual(new Map([[1, 12], [2, 15]]));
    const stringKeys = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.BOOLEAN_SCHEMA).build();
    expect(write(c, stringKeys, { a: true })).toContain('"payload":{"a":true}');
    expect(read(c, write(c, stringKeys, new Map([['a', true]])) as string).value).toEqual({ a: true });
  });

  test('int64 values beyond 2^53 are exact in both directions', () => {
    const max = '{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}';
    expect(write(c, Schema.INT64_SCHEMA, 9223372036854775807n)).toBe(max);
    expect(read(c, max).value).toBe(9223372036854775807n);
    const min = '{"schema":{"type":"int64","optional":false},"payload":-9223372036854775808}';
    expect(read(c, min).value).toBe(-9223372036854775808n);
    expect(write(c, Schema.INT64_SCHEMA, -9223372036854775808n)).toBe(min);
    expect(read(c, '{"schema":{"type":"int64","optional":false},"payload":9007199254740993}').value).toBe(9007199254740993n);
    expect(read(c, '{"schema":{"type":"int64","optional":false},"payload":42}').value).toBe(42);
    expect(() => read(c, '{"schema":{"type":"int64","optional":false},"payload":9223372036854775808}')).toThrow(DataError);
  });

  test('timestamps beyond 2^31 and negative dates', () => {
    const ts = '{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":-86400001}';
    expect((read(c, ts).value as Date).getTime()).toBe(-86400001);
    const date = '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":-1}';
    expect((read(c, date).value as Date).toISOString()).toBe('1969-12-31T00:00:00.000Z');
  });

  test('strings are escaped as Jackson does', () => {
    expect(write(c, Schema.STRING_SCHEMA, 'a"b\\c\n\u0001\u001f\u00e9/')).toBe(
      '{"schema":{"type":"string","optional":false},"payload":"a\\"b\\\\c\\n\\u0001\\u001Fé/"}',
    );
    expect(read(c, '{"schema":{"type":"string","optional":false},"payload":"a\\"b\\\\c\\n\\u0001\\u001Fé\\/"}').value).toBe('a"b\\c\n\u0001\u001fé/');
  });

  test('the envelope schema is cached per schema object and decoded schemas are reused', () => {
    const first = read(c, ORDER_JSON);
    const second = read(c, ORDER_JSON);
    expect(second.schema).toBe(first.schema);
    expect(write(c, first.schema, first.value)).toBe(ORDER_JSON);
  });

  test('tombstones', () => {
    expect(c.fromConnectData('t', null, null, null)).toBeNull();
    expect(read(c, null)).toMatchObject({ schema: null, value: null });
    expect(write(c, null, 'x')).toBe('{"schema":null,"payload":"x"}');
    expect(read(c, '{"schema":null,"payload":{"a":[1,2.5,"x",null]}}').value).toEqual({ a: [1, 2.5, 'x', null] });
  });

  test('envelope errors use Kafka’s message', () => {
    const message =
      'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
      'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';
    expect(() => read(c, '{"a":1}')).toThrow(message);
    expect(() => read(c, '{"schema":null,"payload":1,"extra":2}')).toThrow(message);
    expect(() => read(c, '[1]')).toThrow(message);
    expect(() => read(c, '')).toThrow(message);
    expect(read(c, ' { "payload" : 5 , "schema" : { "type" : "int8" } } ').value).toBe(5);
  });

  test('invalid JSON and type mismatches are DataErrors naming the field', () => {
    expect(() => read(c, '{"schema":null,"payload":}')).toThrow(/serialization error/);
    const bad = ORDER_JSON.replace('"id":1', '"id":"one"');
    expect(() => read(c, bad)).toThrow(/field "id"/);
    try {
      read(c, bad);
    } catch (err) {
      expect((err as DataError).field).toBe('id');
    }
    const nested = SchemaBuilder.struct().field('outer', SchemaBuilder.struct().field('inner', Schema.INT8_SCHEMA).build()).build();
    expect(() => read(c, `{"schema":${c.asJsonSchema(nested)},"payload":{"outer":{"inner":1000}}}`)).toThrow(/field "outer\.inner"/);
    expect(() => read(c, '{"schema":{"type":"int32","optional":false},"payload":null}')).toThrow('Invalid null value for required INT32 field');
    expect(() => read(c, '{"schema":{"type":"nope"},"payload":1}')).toThrow('Unknown schema type: nope');
  });

  test('writing data that does not fit the schema fails with the field', () => {
    const s = new Struct(ORDER_SCHEMA).put('id', 1);
    expect(() => write(c, ORDER_SCHEMA, s)).toThrow(/required.*\(field "price"\)/);
    expect(() => write(c, Schema.INT32_SCHEMA, 'x')).toThrow(DataError);
    const other = SchemaBuilder.struct().field('x', Schema.INT8_SCHEMA).build();
    expect(() => write(c, ORDER_SCHEMA, new Struct(other).put('x', 1))).toThrow('Mismatching schema.');
  });
});

describe('JsonConverter options', () => {
  test('decimal.format=NUMERIC writes exact numbers and reads any form', () => {
    const c = converter({ 'decimal.format': 'numeric' });
    const schema = Decimal.schema(2);
    const json = '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":12.34}';
    expect(write(c, schema, BigDecimal.parse('12.34'))).toBe(json);
    expect((read(c, json).value as BigDecimal).toString()).toBe('12.34');
    const long = '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"20"}},"payload":1234567890.12345678901234567890}';
    const value = read(c, long).value as BigDecimal;
    expect(value.toString()).toBe('1234567890.12345678901234567890');
    expect(write(c, read(c, long).schema, value)).toBe(long);
    expect((read(c, json.replace('12.34', '"BNI="')).value as BigDecimal).toString()).toBe('12.34');
    expect((read(c, json.replace('12.34', '12.5')).value as BigDecimal).toString()).toBe('12.50');
  });

  test('default decimal format is base64', () => {
    expect(write(converter(), Decimal.schema(2), BigDecimal.parse('1.56'))).toContain('"payload":"AJw="');
  });

  test('replace.null.with.default', () => {
    const schema = SchemaBuilder.struct().field('n', SchemaBuilder.int32().optional().defaultValue(42).build()).build();
    const value = new Struct(schema);
    expect(write(converter(), schema, value)).toContain('"payload":{"n":42}');
    const keepNull = converter({ 'replace.null.with.default': 'false' });
    expect(write(keepNull, schema, value)).toContain('"payload":{"n":null}');
    const json = `{"schema":${keepNull.asJsonSchema(schema)},"payload":{"n":null}}`;
    expect((read(converter(), json).value as Struct).getWithoutDefault('n')).toBe(42);
    expect((read(keepNull, json).value as Struct).getWithoutDefault('n')).toBeNull();
  });

  test('invalid settings are ConfigErrors', () => {
    expect(() => converter({ 'decimal.format': 'hex' })).toThrow(/decimal\.format/);
    expect(() => converter({ 'schemas.enable': 'maybe' })).toThrow(/schemas\.enable/);
    expect(() => converter({ 'schemas.cache.size': '10' })).not.toThrow();
  });

  test('config() describes the settings', () => {
    expect(new JsonConverter().config().names()).toEqual(['converter.type', 'schemas.enable', 'schemas.cache.size', 'decimal.format', 'replace.null.with.default']);
  });
});

describe('JsonConverter with schemas.enable=false', () => {
  const c = converter({ 'schemas.enable': 'false' });

  test('plain values are bare JSON', () => {
    expect(write(c, null, { a: 1, b: [true, null, 'x'], c: { d: 1.5 } })).toBe('{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}');
    expect(write(c, Schema.STRING_SCHEMA, 'foo')).toBe('"foo"');
    expect(write(c, Schema.OPTIONAL_STRING_SCHEMA, null)).toBe('null');
    expect(write(c, ORDER_SCHEMA, order())).toBe('{"id":1,"name":"foo","price":"BNI=","ts":1700000000000,"tags":["a"]}');
  });

  test('non-plain values go through the Kafka-compatible writer', () => {
    expect(write(c, null, { big: 2n ** 63n - 1n, bytes: Buffer.from('hi'), small: 0.0001, huge: 1e21, when: new Date(5) })).toBe(
      '{"big":9223372036854775807,"bytes":"aGk=","small":1.0E-4,"huge":1.0E21,"when":5}',
    );
    expect(write(c, null, { ctl: '\u0001' })).toBe('{"ctl":"\\u0001"}');
    expect(write(c, null, { ctl: '\u001f' })).toBe('{"ctl":"\\u001F"}');
    expect(write(c, null, { text: '\\u001f' })).toBe('{"text":"\\\\u001f"}');
    expect(write(c, null, new Map<unknown, unknown>([[1, 'a']]))).toBe('[[1,"a"]]');
  });

  test('reading infers types without schema; big integers stay exact', () => {
    expect(read(c, '{"a":1,"b":[2.5,"x",null],"c":true}')).toMatchObject({ schema: null, value: { a: 1, b: [2.5, 'x', null], c: true } });
    expect(read(c, '{"id":12345678901234567890,"safe":9007199254740991}').value).toEqual({ id: 12345678901234567890n, safe: 9007199254740991 });
    expect(read(c, '{"id":-9223372036854775808}').value).toEqual({ id: -9223372036854775808n });
    expect(read(c, 'null')).toMatchObject({ schema: null, value: null });
    expect(read(c, '"text"').value).toBe('text');
    expect(read(c, '   ')).toMatchObject({ schema: null, value: null });
  });

  test('offset-topic style keys are byte-stable', () => {
    const key = '["local-file-source",{"filename":"/tmp/test.txt"}]';
    const parsed = read(c, key);
    expect(write(c, null, parsed.value)).toBe(key);
  });

  test('__proto__ keys stay data', () => {
    const { value } = read(c, '{"__proto__":{"polluted":true},"id":12345678901234567890}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__', 'id']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  test('as a header converter', () => {
    const h = new JsonConverter();
    h.configure({ 'schemas.enable': 'false' });
    expect(h.fromConnectHeader('t', 'k', Schema.INT32_SCHEMA, 5)?.toString()).toBe('5');
    expect(h.toConnectHeader('t', 'k', Buffer.from('[1,2]')).value).toEqual([1, 2]);
  });
});

describe('JsonConverter non-finite floats', () => {
  test('are quoted as Jackson writes them and read back', () => {
    const c = converter();
    const json = write(c, Schema.FLOAT64_SCHEMA, NaN) as string;
    expect(json).toBe('{"schema":{"type":"double","optional":false},"payload":"NaN"}');
    expect(read(c, json).value).toBeNaN();
    expect(read(c, write(c, Schema.FLOAT32_SCHEMA, -Infinity)).value).toBe(-Infinity);
  });
});
