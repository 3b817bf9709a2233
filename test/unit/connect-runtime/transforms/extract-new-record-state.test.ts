/** Debezium's ExtractNewRecordState on PostgreSQL-style change events. */
import { ConnectHeaders, Schema, SchemaBuilder, type SourceRecord, Struct } from '../../../../connect-runtime/api';
import { ExtractNewRecordState } from '../../../../connect-runtime/transforms';
import { configured, sourceRecord } from './records';

const ROW = SchemaBuilder.struct()
  .name('dbserver1.public.customers.Value')
  .field('id', Schema.INT32_SCHEMA)
  .field('email', Schema.STRING_SCHEMA)
  .field('tier', SchemaBuilder.string().optional().defaultValue('basic'))
  .optional()
  .build();
const SOURCE = SchemaBuilder.struct()
  .name('io.debezium.connector.postgresql.Source')
  .field('version', Schema.STRING_SCHEMA)
  .field('ts_ms', Schema.INT64_SCHEMA)
  .field('schema', Schema.STRING_SCHEMA)
  .field('table', Schema.STRING_SCHEMA)
  .field('lsn', Schema.OPTIONAL_INT64_SCHEMA)
  .build();
const TRANSACTION = SchemaBuilder.struct().name('event.block').field('id', Schema.STRING_SCHEMA).field('total_order', Schema.INT64_SCHEMA).optional().build();
const ENVELOPE = SchemaBuilder.struct()
  .name('dbserver1.public.customers.Envelope')
  .version(2)
  .field('before', ROW)
  .field('after', ROW)
  .field('source', SOURCE)
  .field('transaction', TRANSACTION)
  .field('op', Schema.STRING_SCHEMA)
  .field('ts_ms', Schema.OPTIONAL_INT64_SCHEMA)
  .build();
const KEY = SchemaBuilder.struct().name('dbserver1.public.customers.Key').field('id', Schema.INT32_SCHEMA).build();

function row(id: number, email: string): Struct {
  return new Struct(ROW).put('id', id).put('email', email);
}

function event(op: string, before: Struct | null, after: Struct | null): SourceRecord {
  const source = new Struct(SOURCE).put('version', '3.6.1.Final').put('ts_ms', 1000).put('schema', 'public').put('table', 'customers').put('lsn', 24023128);
  const value = new Struct(ENVELOPE).put('before', before).put('after', after).put('source', source).put('op', op).put('ts_ms', 2000);
  return sourceRecord({ topic: 'dbserver1.public.customers', keySchema: KEY, key: new Struct(KEY).put('id', 1), valueSchema: ENVELOPE, value });
}

const tombstone = (): SourceRecord => sourceRecord({ topic: 'dbserver1.public.customers', keySchema: KEY, key: new Struct(KEY).put('id', 1), value: null });

describe('ExtractNewRecordState', () => {
  test('inserts and updates become the after row', () => {
    const t = configured(new ExtractNewRecordState<SourceRecord>(), {});
    const out = t.apply(event('c', null, row(1, 'a@x'))) as SourceRecord;
    expect(out.valueSchema).toBe(ROW);
    expect((out.value as Struct).get('email')).toBe('a@x');
    expect(out.topic).toBe('dbserver1.public.customers');
    expect((out.key as Struct).get('id')).toBe(1);
    expect(out.sourceOffset).toEqual({ o: 2 });
  });

  test('default mode (tombstone): deletes keep the key with a null value, tombstones are dropped', () => {
    const t = configured(new ExtractNewRecordState<SourceRecord>(), {});
    const out = t.apply(event('d', row(1, 'a@x'), null)) as SourceRecord;
    expect(out.value).toBeNull();
    expect(out.valueSchema).toBe(ROW);
    expect(t.apply(tombstone())).toBeNull();
  });

  test('rewrite adds __deleted and drops tombstones; rewrite-with-tombstone keeps them', () => {
    const t = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.tombstone.handling.mode': 'rewrite', 'add.fields': 'op,table,lsn,source.ts_ms' });
    const deleted = t.apply(event('d', row(1, 'a@x'), null)) as SourceRecord;
    const schema = deleted.valueSchema as Schema;
    expect(schema.name).toBe('dbserver1.public.customers.Value');
    expect(schema.fields.map((f) => f.name)).toEqual(['id', 'email', 'tier', '__deleted', '__op', '__table', '__lsn', '__source_ts_ms']);
    expect(schema.field('__deleted')?.schema).toBe(Schema.OPTIONAL_STRING_SCHEMA);
    expect(schema.field('__table')?.schema.optional).toBe(true);
    const value = deleted.value as Struct;
    expect([value.get('id'), value.get('tier'), value.get('__deleted'), value.get('__op'), value.get('__table'), value.get('__lsn'), value.get('__source_ts_ms')]).toEqual([
      1, 'basic', 'true', 'd', 'customers', 24023128, 1000,
    ]);
    const updated = t.apply(event('u', row(1, 'a@x'), row(1, 'b@x')))?.value as Struct;
    expect([updated.get('email'), updated.get('__deleted'), updated.get('__op')]).toEqual(['b@x', 'false', 'u']);
    expect(t.apply(tombstone())).toBeNull();
    const keep = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.tombstone.handling.mode': 'REWRITE-WITH-TOMBSTONE' });
    const kept = tombstone();
    expect(keep.apply(kept)).toBe(kept);
  });

  test('drop and delete-to-tombstone', () => {
    const drop = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.tombstone.handling.mode': 'drop' });
    expect(drop.apply(event('d', row(1, 'a@x'), null))).toBeNull();
    const toTombstone = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.tombstone.handling.mode': 'delete-to-tombstone' });
    const out = toTombstone.apply(event('d', row(1, 'a@x'), null)) as SourceRecord;
    expect([out.value, out.valueSchema]).toEqual([null, null]);
    expect((out.key as Struct).get('id')).toBe(1);
  });

  test('the older drop.tombstones and delete.handling.mode', () => {
    const legacyDefaults = configured(new ExtractNewRecordState<SourceRecord>(), { 'drop.tombstones': 'true' });
    expect(legacyDefaults.apply(event('d', row(1, 'a@x'), null))).toBeNull();
    const none = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.handling.mode': 'none', 'drop.tombstones': 'false' });
    expect(none.apply(event('d', row(1, 'a@x'), null))?.value).toBeNull();
    const kept = tombstone();
    expect(none.apply(kept)).toBe(kept);
    const rewrite = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.handling.mode': 'rewrite' });
    expect((rewrite.apply(event('d', row(1, 'a@x'), null))?.value as Struct).get('__deleted')).toBe('true');
    expect(rewrite.apply(tombstone())).toBeNull();
    const newWins = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.handling.mode': 'drop', 'delete.tombstone.handling.mode': 'rewrite' });
    expect((newWins.apply(event('d', row(1, 'a@x'), null))?.value as Struct).get('__deleted')).toBe('true');
  });

  test('replace.null.with.default applies when the row is rewritten', () => {
    const t = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.tombstone.handling.mode': 'rewrite', 'replace.null.with.default': 'false' });
    expect((t.apply(event('c', null, row(1, 'a@x')))?.value as Struct).getWithoutDefault('tier')).toBeNull();
  });

  test('add.headers, renamed add.fields, prefixes and route.by.field', () => {
    const t = configured(new ExtractNewRecordState<SourceRecord>(), {
      'add.headers': 'op,source.table,id',
      'add.headers.prefix': 'dbz.',
      'add.fields': 'ts_ms:event_time,version',
      'add.fields.prefix': '',
      'route.by.field': 'email',
    });
    const out = t.apply(event('r', null, row(1, 'a@x'))) as SourceRecord;
    expect(out.topic).toBe('a@x');
    expect([...out.headers].map((h) => [h.key, h.value])).toEqual([
      ['dbz.op', 'r'],
      ['dbz.source_table', 'customers'],
      ['dbz.id', null],
    ]);
    const value = out.value as Struct;
    expect([value.get('event_time'), value.get('version')]).toEqual([2000, '3.6.1.Final']);
    const deleted = t.apply(event('d', row(1, 'gone@x'), null)) as SourceRecord;
    expect([deleted.topic, deleted.value]).toEqual(['gone@x', null]);
    const keep = configured(new ExtractNewRecordState<SourceRecord>(), { 'delete.tombstone.handling.mode': 'rewrite-with-tombstone', 'add.headers': 'op,table' });
    expect([...(keep.apply(tombstone()) as SourceRecord).headers].map((h) => [h.key, h.value])).toEqual([['__op', 'd']]);
  });

  test('records that are not change events pass through; truncates are dropped', () => {
    const t = configured(new ExtractNewRecordState<SourceRecord>(), {});
    const heartbeat = sourceRecord({ valueSchema: SchemaBuilder.struct().name('io.debezium.connector.common.Heartbeat').field('ts_ms', Schema.INT64_SCHEMA).build() });
    const plain = sourceRecord({ value: { before: null, after: { id: 1 }, op: 'c' }, headers: new ConnectHeaders() });
    expect(t.apply(plain)).toBe(plain);
    const hb = sourceRecord({ valueSchema: heartbeat.valueSchema, value: new Struct(heartbeat.valueSchema as Schema).put('ts_ms', 1) });
    expect(t.apply(hb)).toBe(hb);
    expect(t.apply(event('t', null, null))).toBeNull();
  });

  test('config errors', () => {
    expect(() => configured(new ExtractNewRecordState(), { 'delete.tombstone.handling.mode': 'keep' })).toThrow(/delete.tombstone.handling.mode/);
    expect(() => configured(new ExtractNewRecordState(), { 'delete.handling.mode': 'soft' })).toThrow(/delete.handling.mode/);
    expect(() => configured(new ExtractNewRecordState(), { 'add.fields': 'a:b:c' })).toThrow(/Unexpected field name: a:b:c/);
  });
});
