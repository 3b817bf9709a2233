/** ValueToKey: the key built from value fields, with and without schemas. */
import { DataError, Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { ValueToKey } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord } from './records';

const SCHEMA = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).field('region', Schema.STRING_SCHEMA).field('x', Schema.OPTIONAL_INT32_SCHEMA).build();

describe('ValueToKey', () => {
  test('with a schema: a Struct key in the listed order', () => {
    const t = configured(new ValueToKey<SinkRecord>(), { fields: 'region,id' });
    const value = new Struct(SCHEMA).put('id', 1).put('region', 'eu');
    const out = t.apply(sinkRecord({ key: 'old', valueSchema: SCHEMA, value })) as SinkRecord;
    expect((out.keySchema as Schema).fields.map((f) => [f.name, f.schema])).toEqual([
      ['region', Schema.STRING_SCHEMA],
      ['id', Schema.INT64_SCHEMA],
    ]);
    expect((out.key as Struct).get('region')).toBe('eu');
    expect(out.value).toBe(value);
    expect(t.apply(sinkRecord({ valueSchema: SCHEMA, value }))?.keySchema).toBe(out.keySchema);
  });

  test('without a schema: a map key', () => {
    const t = configured(new ValueToKey<SinkRecord>(), { fields: 'id,missing' });
    const out = t.apply(sinkRecord({ value: { id: 1, other: 2 } })) as SinkRecord;
    expect(out.key).toEqual({ id: 1, missing: null });
    expect(out.keySchema).toBeNull();
  });

  test('errors', () => {
    const t = configured(new ValueToKey<SinkRecord>(), { fields: 'nope' });
    expect(() => t.apply(sinkRecord({ valueSchema: SCHEMA, value: new Struct(SCHEMA) }))).toThrow(new DataError('Field does not exist: nope'));
    expect(() => t.apply(sinkRecord({ value: null }))).toThrow(/Only Map objects supported in absence of schema for \[copying fields from value to key\], found: null/);
    expect(() => configured(new ValueToKey(), {})).toThrow(/Missing required configuration "fields"/);
  });
});
