/** InsertField$Key / $Value: metadata and static fields on Structs and maps, optionality suffixes, config errors. */
import { ConfigError, ConnectTimestamp, DataError, Schema, SchemaBuilder, type SinkRecord, type SourceRecord, Struct } from '../../../../connect-runtime/api';
import { InsertFieldKey, InsertFieldValue } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord, sourceRecord } from './records';

const VALUE_SCHEMA = SchemaBuilder.struct().name('com.example.Order').version(3).field('id', Schema.INT64_SCHEMA).build();

const ALL = {
  'topic.field': 'topic!',
  'partition.field': 'partition',
  'offset.field': 'offset?',
  'timestamp.field': 'ts',
  'static.field': 'origin',
  'static.value': 'sluice',
};

describe('InsertField$Value', () => {
  test('adds fields to a Struct and caches the new schema', () => {
    const t = configured(new InsertFieldValue<SinkRecord>(), ALL);
    const value = new Struct(VALUE_SCHEMA).put('id', 7);
    const out = t.apply(sinkRecord({ valueSchema: VALUE_SCHEMA, value })) as SinkRecord;
    const schema = out.valueSchema as Schema;
    expect(schema.name).toBe('com.example.Order');
    expect(schema.version).toBe(3);
    expect(schema.fields.map((f) => f.name)).toEqual(['id', 'topic', 'partition', 'offset', 'ts', 'origin']);
    expect(schema.field('topic')?.schema).toBe(Schema.STRING_SCHEMA);
    expect(schema.field('partition')?.schema).toBe(Schema.OPTIONAL_INT32_SCHEMA);
    expect(schema.field('offset')?.schema).toBe(Schema.OPTIONAL_INT64_SCHEMA);
    expect(schema.field('ts')?.schema.name).toBe(ConnectTimestamp.LOGICAL_NAME);
    const struct = out.value as Struct;
    expect(struct.get('id')).toBe(7);
    expect(struct.get('topic')).toBe('orders');
    expect(struct.get('partition')).toBe(3);
    expect(struct.get('offset')).toBe(42);
    expect(struct.get('ts')).toEqual(new Date(1_700_000_000_000));
    expect(struct.get('origin')).toBe('sluice');
    struct.validate();
    const again = t.apply(sinkRecord({ valueSchema: VALUE_SCHEMA, value })) as SinkRecord;
    expect(again.valueSchema).toBe(schema);
  });

  test('adds entries to a map without touching the input', () => {
    const t = configured(new InsertFieldValue<SinkRecord>(), ALL);
    const value = { id: 7 };
    const out = t.apply(sinkRecord({ value })) as SinkRecord;
    expect(out.value).toEqual({ id: 7, topic: 'orders', partition: 3, offset: 42, ts: 1_700_000_000_000, origin: 'sluice' });
    expect(value).toEqual({ id: 7 });
    const map = t.apply(sinkRecord({ value: new Map([['id', 7]]) }))?.value as Map<string, unknown>;
    expect(map.get('topic')).toBe('orders');
  });

  test('tombstones pass through', () => {
    const t = configured(new InsertFieldValue<SinkRecord>(), { 'topic.field': 't' });
    const record = sinkRecord({ value: null });
    expect(t.apply(record)).toBe(record);
  });

  test('offset.field needs a sink record', () => {
    const t = configured(new InsertFieldValue<SourceRecord>(), { 'offset.field': 'offset' });
    expect(() => t.apply(sourceRecord({ value: { a: 1 } }))).toThrow(/Only SinkRecord supported for \[field insertion\], found: SourceRecord/);
  });

  test('wrong value shapes are data errors', () => {
    const t = configured(new InsertFieldValue<SinkRecord>(), { 'topic.field': 't' });
    expect(() => t.apply(sinkRecord({ value: 'text' }))).toThrow(DataError);
    expect(() => t.apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'text' }))).toThrow(/Only Struct objects supported/);
  });

  test('config errors', () => {
    expect(() => configured(new InsertFieldValue(), {})).toThrow(new ConfigError('No field insertion configured'));
    expect(() => configured(new InsertFieldValue(), { 'static.field': 'x' })).toThrow(/No value specified for static field: x/);
  });
});

describe('InsertField$Key', () => {
  test('works on the key and leaves the value alone', () => {
    const t = configured(new InsertFieldKey<SourceRecord>(), { 'topic.field': 't' });
    const keySchema = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).build();
    const out = t.apply(sourceRecord({ keySchema, key: new Struct(keySchema).put('id', 1), value: 'v' })) as SourceRecord;
    expect((out.key as Struct).get('t')).toBe('orders');
    expect(out.value).toBe('v');
    expect(out.sourceOffset).toEqual({ o: 2 });
  });
});
