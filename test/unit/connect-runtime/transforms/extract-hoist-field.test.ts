/** ExtractField (V1 and V2 nested paths) and HoistField, both sides, with and without schemas. */
import { ConfigError, Schema, SchemaBuilder, type SinkRecord, Struct } from '../../../../connect-runtime/api';
import { ExtractFieldKey, ExtractFieldValue, HoistFieldKey, HoistFieldValue } from '../../../../connect-runtime/transforms';
import { SingleFieldPath } from '../../../../connect-runtime/transforms/field-path';
import { configured, sinkRecord } from './records';

const INNER = SchemaBuilder.struct().field('c', Schema.STRING_SCHEMA).build();
const OUTER = SchemaBuilder.struct().field('a.b', INNER).field('n', SchemaBuilder.int32().optional().defaultValue(5)).build();

describe('ExtractField', () => {
  test('with a schema: the field and its schema', () => {
    const t = configured(new ExtractFieldValue<SinkRecord>(), { field: 'n' });
    const out = t.apply(sinkRecord({ valueSchema: OUTER, value: new Struct(OUTER) })) as SinkRecord;
    expect(out.valueSchema?.type).toBe('INT32');
    expect(out.value).toBe(5);
    const raw = configured(new ExtractFieldValue<SinkRecord>(), { field: 'n', 'replace.null.with.default': false });
    expect(raw.apply(sinkRecord({ valueSchema: OUTER, value: new Struct(OUTER) }))?.value).toBeNull();
    const tombstone = t.apply(sinkRecord({ valueSchema: OUTER, value: null })) as SinkRecord;
    expect(tombstone.value).toBeNull();
    expect(tombstone.valueSchema?.type).toBe('INT32');
  });

  test('V2 paths reach nested fields, with backticks for dotted names', () => {
    const t = configured(new ExtractFieldValue<SinkRecord>(), { field: '`a.b`.c', 'field.syntax.version': 'v2' });
    const value = new Struct(OUTER).put('a.b', new Struct(INNER).put('c', 'deep'));
    const out = t.apply(sinkRecord({ valueSchema: OUTER, value })) as SinkRecord;
    expect(out.value).toBe('deep');
    expect(out.valueSchema).toBe(Schema.STRING_SCHEMA);
    const map = configured(new ExtractFieldValue<SinkRecord>(), { field: 'x.y', 'field.syntax.version': 'V2' });
    expect(map.apply(sinkRecord({ value: { x: { y: 1 } } }))?.value).toBe(1);
    expect(map.apply(sinkRecord({ value: { x: null } }))?.value).toBeNull();
  });

  test('path parsing', () => {
    expect(new SingleFieldPath('a.b', 'V1').steps).toEqual(['a.b']);
    expect(new SingleFieldPath('a.b.c', 'V2').steps).toEqual(['a', 'b', 'c']);
    expect(new SingleFieldPath('`a.b`.c', 'V2').steps).toEqual(['a.b', 'c']);
    expect(new SingleFieldPath('`a\\`.b`', 'V2').steps).toEqual(['a`.b']);
    expect(new SingleFieldPath('a.', 'V2').steps).toEqual(['a', '']);
    expect(() => new SingleFieldPath('`a.b', 'V2')).toThrow(ConfigError);
  });

  test('without a schema, and errors', () => {
    const t = configured(new ExtractFieldKey<SinkRecord>(), { field: 'id' });
    expect(t.apply(sinkRecord({ key: { id: 9 } }))?.key).toBe(9);
    expect(t.apply(sinkRecord({ key: null }))?.key).toBeNull();
    expect(() => t.apply(sinkRecord({ key: 'x' }))).toThrow(/Only Map objects supported in absence of schema for \[field extraction\]/);
    const missing = configured(new ExtractFieldValue<SinkRecord>(), { field: 'zzz' });
    expect(() => missing.apply(sinkRecord({ valueSchema: OUTER, value: new Struct(OUTER) }))).toThrow(/Unknown field: zzz/);
    expect(() => configured(new ExtractFieldValue(), {})).toThrow(/Missing required configuration "field"/);
    expect(() => configured(new ExtractFieldValue(), { field: 'a', 'field.syntax.version': 'V3' })).toThrow(/field.syntax.version/);
  });
});

describe('HoistField', () => {
  test('with a schema: a one-field Struct', () => {
    const t = configured(new HoistFieldValue<SinkRecord>(), { field: 'line' });
    const out = t.apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'hello' })) as SinkRecord;
    expect((out.valueSchema as Schema).fields.map((f) => [f.name, f.schema])).toEqual([['line', Schema.STRING_SCHEMA]]);
    expect((out.value as Struct).get('line')).toBe('hello');
    expect(() => t.apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: null }))).toThrow(/null used for required field: "line"/);
  });

  test('without a schema: a one-entry map, null included', () => {
    const t = configured(new HoistFieldKey<SinkRecord>(), { field: 'k' });
    expect(t.apply(sinkRecord({ key: 5 }))?.key).toEqual({ k: 5 });
    expect(t.apply(sinkRecord({ key: null }))?.key).toEqual({ k: null });
    expect(() => configured(new HoistFieldKey(), {})).toThrow(/Missing required configuration "field"/);
  });
});
