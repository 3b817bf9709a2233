/** Flatten$Key / $Value and SetSchemaMetadata$Key / $Value. */
import { ConfigError, Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { FlattenKey, FlattenValue, SetSchemaMetadataKey, SetSchemaMetadataValue } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord } from './records';

const ADDRESS = SchemaBuilder.struct().field('city', Schema.STRING_SCHEMA).field('zip', SchemaBuilder.string().optional().defaultValue('00000')).build();
const PERSON = SchemaBuilder.struct()
  .name('person')
  .field('id', Schema.INT32_SCHEMA)
  .field('home', SchemaBuilder.struct().field('city', Schema.STRING_SCHEMA).field('zip', SchemaBuilder.string().optional().defaultValue('00000')).optional())
  .field('work', ADDRESS)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA))
  .build();

describe('Flatten', () => {
  test('with a schema: nested fields joined by the delimiter, optionality inherited', () => {
    const t = configured(new FlattenValue<SinkRecord>(), { delimiter: '_' });
    const work = new Struct(ADDRESS).put('city', 'Paris');
    const value = new Struct(PERSON).put('id', 1).put('work', work).put('tags', ['a']);
    const out = t.apply(sinkRecord({ valueSchema: PERSON, value })) as SinkRecord;
    const schema = out.valueSchema as Schema;
    expect(schema.name).toBe('person');
    expect(schema.fields.map((f) => `${f.name}:${f.schema.type}:${f.schema.optional}`)).toEqual([
      'id:INT32:false',
      'home_city:STRING:true',
      'home_zip:STRING:true',
      'work_city:STRING:false',
      'work_zip:STRING:true',
      'tags:ARRAY:false',
    ]);
    expect(schema.field('work_zip')?.schema.defaultValue).toBe('00000');
    const flat = out.value as Struct;
    expect([flat.get('id'), flat.get('home_city'), flat.get('work_city'), flat.get('work_zip'), flat.get('tags')]).toEqual([1, null, 'Paris', '00000', ['a']]);
    expect(t.apply(sinkRecord({ valueSchema: PERSON, value }))?.valueSchema).toBe(schema);
  });

  test('MAP fields with a schema are not supported', () => {
    const s = SchemaBuilder.struct().field('m', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)).build();
    const t = configured(new FlattenValue<SinkRecord>(), {});
    expect(() => t.apply(sinkRecord({ valueSchema: s, value: new Struct(s).put('m', {}) }))).toThrow(/Flatten transformation does not support MAP for record with schemas \(for field m\)/);
  });

  test('without a schema: nested maps flattened, arrays and nulls kept', () => {
    const t = configured(new FlattenKey<SinkRecord>(), {});
    const key = { a: { b: { c: 1 }, d: null }, e: [1, { x: 1 }], f: new Map([['g', 2]]) };
    expect(t.apply(sinkRecord({ key }))?.key).toEqual({ 'a.b.c': 1, 'a.d': null, e: [1, { x: 1 }], 'f.g': 2 });
    const tombstone = sinkRecord({ key: null });
    expect(t.apply(tombstone)).toBe(tombstone);
    expect(() => t.apply(sinkRecord({ key: { s: new Struct(ADDRESS) } }))).toThrow(/Flatten transformation does not support Struct for record without schemas \(for field s\)/);
  });
});

describe('SetSchemaMetadata', () => {
  test('renames and re-versions a Struct schema, re-creating the Struct', () => {
    const t = configured(new SetSchemaMetadataValue<SinkRecord>(), { 'schema.name': 'com.example.Person', 'schema.version': '7' });
    const work = new Struct(ADDRESS).put('city', 'Rome');
    const out = t.apply(sinkRecord({ valueSchema: ADDRESS, value: work })) as SinkRecord;
    expect(out.valueSchema?.name).toBe('com.example.Person');
    expect(out.valueSchema?.version).toBe(7);
    expect((out.value as Struct).schema).toBe(out.valueSchema);
    expect((out.value as Struct).get('zip')).toBe('00000');
    expect(t.apply(sinkRecord({ valueSchema: ADDRESS, value: work }))?.valueSchema).toBe(out.valueSchema);
  });

  test('primitive schemas keep their value; no schema is an error unless the record side is empty', () => {
    const t = configured(new SetSchemaMetadataKey<SinkRecord>(), { 'schema.name': 'id' });
    const out = t.apply(sinkRecord({ keySchema: Schema.INT64_SCHEMA, key: 5 })) as SinkRecord;
    expect([out.keySchema?.name, out.keySchema?.type, out.key]).toEqual(['id', 'INT64', 5]);
    expect(() => t.apply(sinkRecord({ key: 5 }))).toThrow(/Schema required for \[updating schema metadata\]/);
    const empty = sinkRecord({ key: null });
    expect(t.apply(empty)).toBe(empty);
  });

  test('config errors', () => {
    expect(() => configured(new SetSchemaMetadataValue(), {})).toThrow(new ConfigError('Neither schema name nor version configured'));
    expect(() => configured(new SetSchemaMetadataValue(), { 'schema.version': 'x' })).toThrow(/schema.version/);
  });
});
