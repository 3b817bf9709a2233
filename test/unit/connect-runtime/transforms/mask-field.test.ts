/** MaskField$Key / $Value: type-appropriate empty values, custom replacements and errors. */
import { BigDecimal, ConnectTimestamp, Decimal, Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { MaskFieldKey, MaskFieldValue } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord } from './records';

const SCHEMA = SchemaBuilder.struct()
  .field('i8', Schema.INT8_SCHEMA)
  .field('i64', Schema.INT64_SCHEMA)
  .field('f', Schema.FLOAT64_SCHEMA)
  .field('b', Schema.BOOLEAN_SCHEMA)
  .field('s', Schema.STRING_SCHEMA)
  .field('d', Decimal.schema(2))
  .field('ts', ConnectTimestamp.SCHEMA)
  .field('arr', SchemaBuilder.array(Schema.INT32_SCHEMA))
  .field('opt', Schema.OPTIONAL_STRING_SCHEMA)
  .field('keep', Schema.STRING_SCHEMA)
  .build();

function row(): Struct {
  return new Struct(SCHEMA)
    .put('i8', 5).put('i64', 123456789).put('f', 1.5).put('b', true).put('s', 'secret')
    .put('d', BigDecimal.parse('12.34')).put('ts', new Date(5000)).put('arr', [1, 2]).put('keep', 'k');
}

describe('MaskField$Value', () => {
  test('masks Struct fields with the empty value of their type', () => {
    const t = configured(new MaskFieldValue<SinkRecord>(), { fields: 'i8,i64,f,b,s,d,ts,arr,opt' });
    const out = t.apply(sinkRecord({ valueSchema: SCHEMA, value: row() })) as SinkRecord;
    const s = out.value as Struct;
    expect(out.valueSchema).toBe(SCHEMA);
    expect([s.get('i8'), s.get('i64'), s.get('f'), s.get('b'), s.get('s')]).toEqual([0, 0, 0, false, '']);
    expect(s.get('d')).toEqual(new BigDecimal(0n, 2));
    expect(s.get('ts')).toEqual(new Date(0));
    expect(s.get('arr')).toEqual([]);
    expect(s.get('opt')).toBeNull();
    expect(s.get('keep')).toBe('k');
    s.validate();
  });

  test('custom replacements are converted to the field type', () => {
    const t = configured(new MaskFieldValue<SinkRecord>(), { fields: 'i8,s,d', replacement: '7' });
    const s = t.apply(sinkRecord({ valueSchema: SCHEMA, value: row() }))?.value as Struct;
    expect([s.get('i8'), s.get('s')]).toEqual([7, '7']);
    expect(s.get('d')).toEqual(new BigDecimal(700n, 2));
    const bad = configured(new MaskFieldValue<SinkRecord>(), { fields: 'i64', replacement: 'abc' });
    expect(() => bad.apply(sinkRecord({ valueSchema: SCHEMA, value: row() }))).toThrow(/Unable to convert abc \(String\) to number/);
    const bool = configured(new MaskFieldValue<SinkRecord>(), { fields: 'b', replacement: 'x' });
    expect(() => bool.apply(sinkRecord({ valueSchema: SCHEMA, value: row() }))).toThrow(/Cannot mask value of type BOOLEAN with custom replacement/);
  });

  test('schemaless maps', () => {
    const t = configured(new MaskFieldValue<SinkRecord>(), { fields: 'n,s,list,obj,missing' });
    const out = t.apply(sinkRecord({ value: { n: 9, s: 'x', list: [1], obj: { a: 1 }, other: 1 } }))?.value;
    expect(out).toEqual({ n: 0, s: '', list: [], obj: {}, missing: null, other: 1 });
    const replaced = configured(new MaskFieldValue<SinkRecord>(), { fields: 'n,f', replacement: '3' });
    expect(replaced.apply(sinkRecord({ value: { n: 9, f: 2.5 } }))?.value).toEqual({ n: 3, f: 3 });
    const bytes = configured(new MaskFieldValue<SinkRecord>(), { fields: 'b' });
    expect(() => bytes.apply(sinkRecord({ value: { b: Buffer.from('x') } }))).toThrow(/Cannot mask value of type: BYTES/);
  });

  test('config errors', () => {
    expect(() => configured(new MaskFieldValue(), {})).toThrow(/Missing required configuration "fields"/);
    expect(() => configured(new MaskFieldValue(), { fields: '' })).toThrow(/Invalid value \[\] for configuration fields: Empty list/);
    expect(() => configured(new MaskFieldValue(), { fields: 'a', replacement: '' })).toThrow(/String must be non-empty/);
  });
});

describe('MaskField$Key', () => {
  test('masks key fields', () => {
    const t = configured(new MaskFieldKey<SinkRecord>(), { fields: 'id' });
    expect(t.apply(sinkRecord({ key: { id: 'abc' }, value: 'v' }))?.key).toEqual({ id: '' });
  });
});
