/** Cast$Key / $Value: field and whole-value casts, Java conversion semantics, schemas, logical types, config errors. */
import { BigDecimal, ConnectDate, ConnectTimestamp, Decimal, Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { CastKey, CastValue } from '../../../../connect-runtime/transforms';
import { castValueToType } from '../../../../connect-runtime/transforms/cast-values';
import { configured, sinkRecord } from './records';

describe('Cast$Value with a schema', () => {
  const schema = SchemaBuilder.struct()
    .name('r')
    .field('big', Schema.INT64_SCHEMA)
    .field('f', SchemaBuilder.float64().optional().defaultValue(2.5))
    .field('s', Schema.STRING_SCHEMA)
    .field('bytes', Schema.BYTES_SCHEMA)
    .field('other', Schema.STRING_SCHEMA)
    .build();

  test('casts the listed fields and rebuilds the schema once', () => {
    const t = configured(new CastValue<SinkRecord>(), { spec: 'big:int8, f:int32, s:int16, bytes:string' });
    const value = new Struct(schema).put('big', 300).put('s', '-12').put('bytes', Buffer.from('hi')).put('other', 'o');
    const out = t.apply(sinkRecord({ valueSchema: schema, value })) as SinkRecord;
    const updated = out.valueSchema as Schema;
    expect(updated.name).toBe('r');
    expect(updated.fields.map((f) => f.schema.type)).toEqual(['INT8', 'INT32', 'INT16', 'STRING', 'STRING']);
    expect(updated.field('f')?.schema.optional).toBe(true);
    expect(updated.field('f')?.schema.defaultValue).toBe(2);
    const s = out.value as Struct;
    expect([s.get('big'), s.get('f'), s.get('s'), s.get('bytes'), s.get('other')]).toEqual([44, 2, -12, 'aGk=', 'o']);
    s.validate();
    expect(t.apply(sinkRecord({ valueSchema: schema, value }))?.valueSchema).toBe(updated);
  });

  test('whole-value casts', () => {
    const t = configured(new CastKey<SinkRecord>(), { spec: 'string' });
    const out = t.apply(sinkRecord({ keySchema: Schema.FLOAT32_SCHEMA, key: Math.fround(1.1), value: 'v' })) as SinkRecord;
    expect(out.keySchema?.type).toBe('STRING');
    expect(out.key).toBe('1.1');
    const toInt = configured(new CastValue<SinkRecord>(), { spec: 'int32' });
    expect(toInt.apply(sinkRecord({ valueSchema: Schema.FLOAT64_SCHEMA, value: 3e10 }))?.value).toBe(2147483647);
    expect(toInt.apply(sinkRecord({ valueSchema: Schema.INT64_SCHEMA, value: 2 ** 32 + 5 }))?.value).toBe(5);
    expect(toInt.apply(sinkRecord({ valueSchema: Schema.BOOLEAN_SCHEMA, value: true }))?.value).toBe(1);
    const tombstone = sinkRecord({ valueSchema: Schema.FLOAT64_SCHEMA, value: null });
    expect(toInt.apply(tombstone)).toBe(tombstone);
  });

  test('logical types', () => {
    expect(castValueToType(ConnectTimestamp.SCHEMA, new Date(1234), 'INT64')).toBe(1234);
    expect(castValueToType(ConnectDate.SCHEMA, new Date(86_400_000 * 3), 'INT32')).toBe(3);
    expect(castValueToType(ConnectDate.SCHEMA, new Date(86_400_000 * 3), 'STRING')).toBe('1970-01-04');
    expect(castValueToType(Decimal.schema(2), BigDecimal.parse('-12.99'), 'INT32')).toBe(-12);
    expect(castValueToType(Decimal.schema(2), BigDecimal.parse('12.99'), 'STRING')).toBe('12.99');
    expect(castValueToType(Decimal.schema(2), BigDecimal.parse('0.5'), 'FLOAT64')).toBe(0.5);
  });

  test('unsupported inputs and bad strings are data errors', () => {
    const t = configured(new CastValue<SinkRecord>(), { spec: 'int32' });
    const structSchema = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).build();
    expect(() => t.apply(sinkRecord({ valueSchema: structSchema, value: new Struct(structSchema).put('a', 1) }))).toThrow(
      /Cast transformation does not support casting from STRUCT; supported types are \[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES\]/,
    );
    expect(() => t.apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'x1' }))).toThrow(/Value \(x1\) was out of range for requested data type/);
    expect(() => t.apply(sinkRecord({ valueSchema: Schema.BYTES_SCHEMA, value: Buffer.from('x') }))).toThrow(/Unexpected type in Cast transformation/);
  });
});

describe('Cast$Value without a schema', () => {
  test('casts map entries by their JavaScript type', () => {
    const t = configured(new CastValue<SinkRecord>(), { spec: 'a:string,b:boolean,c:float32,d:int64,missing:int8' });
    const out = t.apply(sinkRecord({ value: { a: 1.5, b: 'TRUE', c: '2.5', d: 7.9, e: 'keep' } }));
    expect(out?.value).toEqual({ a: '1.5', b: true, c: 2.5, d: 7, e: 'keep', missing: null });
    const whole = configured(new CastValue<SinkRecord>(), { spec: 'boolean' });
    expect(whole.apply(sinkRecord({ value: 0 }))?.value).toBe(false);
    expect(whole.apply(sinkRecord({ value: 0.5 }))?.value).toBe(false);
    expect(() => whole.apply(sinkRecord({ value: [1] }))).toThrow(/does not support casting from ARRAY/);
    expect(() => whole.apply(sinkRecord({ value: new Date() }))).toThrow(/not supported by Connect's data API/);
  });

  test('int64 results beyond the safe range are bigints', () => {
    expect(castValueToType(null, '9223372036854775807', 'INT64')).toBe(9223372036854775807n);
    expect(castValueToType(null, 9007199254740993n, 'INT32')).toBe(1);
  });
});

describe('Cast config', () => {
  test.each([
    [{}, /Missing required configuration "spec"/],
    [{ spec: '' }, /Must specify at least one field to cast/],
    [{ spec: 'a:nope' }, /Invalid type found in casting spec: nope/],
    [{ spec: 'a:bytes' }, /does not support casting to BYTES; supported types are \[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING\]/],
    [{ spec: 'int8,a:int16' }, /may only specify a single cast in their spec/],
    [{ spec: 'a:b:c' }, /Invalid cast mapping: a:b:c/],
  ])('%j is rejected', (config, message) => {
    expect(() => configured(new CastValue(), config)).toThrow(message);
  });
});
