/** Decoding records into changes: flat rows, schemaless maps, Debezium envelopes, key modes. */
import { DataError, Schema, SchemaBuilder, type SinkRecord } from '../../../../../connect-runtime/api';
import { ChangeDecoder, type ChangeDecoderOptions, type ChangeEvent } from '../../../../../connectors/postgres/sink/change-event';
import { TableNameResolver } from '../../../../../connectors/postgres/sink/table-naming';
import { DebeziumTable, flatRecord, struct } from './sink-test-support';

function decoder(options: Partial<ChangeDecoderOptions> & { format?: string } = {}): ChangeDecoder {
  return new ChangeDecoder({
    primaryKeyMode: 'record_key',
    primaryKeyFields: [],
    deleteEnabled: true,
    truncateEnabled: false,
    keepIdentifierCase: false,
    tableNames: new TableNameResolver(options.format ?? '${topic}', false),
    ...options,
  });
}

/** The event without its record, columns as name → value. */
function summary(e: ChangeEvent): Record<string, unknown> {
  if (e.op === 'skip') return { op: 'skip', reason: e.reason };
  const out: Record<string, unknown> = { op: e.op, table: e.table };
  if (e.op !== 'truncate') out['key'] = Object.fromEntries(e.key.map((k) => [k.column, k.value]));
  if (e.op === 'upsert') out['values'] = Object.fromEntries(e.values.map((v) => [v.column, v.value]));
  return out;
}

const KEY = SchemaBuilder.struct().field('Id', Schema.INT32_SCHEMA).build();
const VALUE = SchemaBuilder.struct()
  .field('Id', Schema.INT32_SCHEMA)
  .field('Name', Schema.STRING_SCHEMA)
  .field('note', SchemaBuilder.string().optional().defaultValue('none'))
  .build();
const flat = (values: Record<string, unknown> | null, key: unknown = { Id: 1 }): SinkRecord =>
  flatRecord({
    topic: 'app.Users',
    offset: 0,
    keySchema: key === null ? null : KEY,
    key: key === null ? null : struct(KEY, key as Record<string, unknown>),
    valueSchema: values === null ? null : VALUE,
    value: values === null ? null : struct(VALUE, values),
  });

test('a flat struct is a row; key columns come from the key and are left out of the values; defaults are not applied', () => {
  expect(summary(decoder().decode(flat({ Id: 1, Name: 'ann' })))).toEqual({
    op: 'upsert',
    table: { schema: null, name: 'app_users' },
    key: { id: 1 },
    values: { name: 'ann', note: null },
  });
});

test('tombstones delete by key when deletes are enabled', () => {
  expect(summary(decoder().decode(flat(null)))).toEqual({ op: 'delete', table: { schema: null, name: 'app_users' }, key: { id: 1 } });
  expect(summary(decoder({ deleteEnabled: false }).decode(flat(null)))).toEqual({ op: 'skip', reason: 'tombstone (delete.enabled=false)' });
  expect(() => decoder().decode(flat(null, null))).toThrow('The record has no key, but primary.key.mode=record_key takes the primary key from it');
});

test('key modes', () => {
  const record = flat({ Id: 7, Name: 'x' });
  expect(summary(decoder({ primaryKeyMode: 'none' }).decode(record))).toMatchObject({ key: {}, values: { id: 7, name: 'x' } });
  expect(summary(decoder({ primaryKeyMode: 'record_value', primaryKeyFields: ['Name'] }).decode(record))).toMatchObject({
    key: { name: 'x' },
    values: { id: 7, note: null },
  });
  expect(summary(decoder({ primaryKeyMode: 'kafka' }).decode(flatRecord({ topic: 't', offset: 9, partition: 2, value: { a: 1 } })))).toMatchObject({
    key: { __connect_topic: 't', __connect_partition: 2, __connect_offset: 9 },
    values: { a: 1 },
  });
  expect(() => decoder({ primaryKeyMode: 'record_value', primaryKeyFields: ['missing'] }).decode(record)).toThrow(
    'The record value has no field "missing" named in primary.key.fields',
  );
  expect(() => decoder({ primaryKeyFields: ['nope'] }).decode(record)).toThrow('The record key has no field "nope" named in primary.key.fields');
  const primitiveKey = flatRecord({ topic: 't', offset: 0, keySchema: Schema.INT64_SCHEMA, key: 5, value: { a: 1 } });
  expect(() => decoder().decode(primitiveKey)).toThrow('The record key is a primitive value: primary.key.fields must name its column');
  expect(summary(decoder({ primaryKeyFields: ['ID'] }).decode(primitiveKey))).toMatchObject({ key: { id: 5 }, values: { a: 1 } });
  expect(() => decoder({ primaryKeyMode: 'record_value', primaryKeyFields: ['a'] }).decode(flatRecord({ topic: 't', offset: 0, value: { a: null } }))).toThrow(
    'Primary key column "a" is null',
  );
});

test('schemaless maps are rows; values that are not rows are refused; case-folded duplicates are refused', () => {
  expect(summary(decoder({ primaryKeyMode: 'none' }).decode(flatRecord({ topic: 't', offset: 0, value: { A: 1, b: [1] } })))).toMatchObject({
    values: { a: 1, b: [1] },
  });
  expect(() => decoder({ primaryKeyMode: 'none' }).decode(flatRecord({ topic: 't', offset: 0, value: 'text' }))).toThrow(DataError);
  expect(() => decoder({ primaryKeyMode: 'none' }).decode(flatRecord({ topic: 't', offset: 0, value: { a: 1, A: 2 } }))).toThrow(
    'Fields map to the same column "a"',
  );
});

const customers = new DebeziumTable({
  prefix: 'dbserver1',
  schema: 'inventory',
  table: 'customers',
  keyFields: ['id'],
  row: SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('email', Schema.STRING_SCHEMA),
});

test('Debezium envelopes are unwrapped: c/r/u write after, d deletes by key, t truncates, tombstones follow the format', () => {
  const d = decoder({ format: '${source.schema}.${source.table}', truncateEnabled: true });
  const table = { schema: 'inventory', name: 'customers' };
  for (const op of ['c', 'r', 'u'] as const) {
    expect(summary(d.decode(customers.event(op, { id: 1, email: 'a@x' }, 0)))).toEqual({ op: 'upsert', table, key: { id: 1 }, values: { email: 'a@x' } });
  }
  expect(summary(d.decode(customers.event('d', { id: 1, email: '' }, 0)))).toEqual({ op: 'delete', table, key: { id: 1 } });
  expect(summary(d.decode(customers.truncate(0)))).toEqual({ op: 'truncate', table });
  expect(summary(d.decode(customers.tombstone({ id: 1 }, 0)))).toEqual({ op: 'skip', reason: 'tombstone with a ${source.*} table name format' });
  expect(summary(decoder().decode(customers.tombstone({ id: 1 }, 0)))).toEqual({
    op: 'delete',
    table: { schema: null, name: 'dbserver1_inventory_customers' },
    key: { id: 1 },
  });
  expect(summary(decoder().decode(customers.truncate(0)))).toEqual({ op: 'skip', reason: 'truncate event (truncate.enabled=false)' });
  expect(summary(decoder({ deleteEnabled: false }).decode(customers.event('d', { id: 1, email: '' }, 0)))).toEqual({
    op: 'skip',
    reason: 'delete event (delete.enabled=false)',
  });
});

test('schemaless envelopes (JsonConverter with schemas.enable=false) are recognised by shape', () => {
  const value = { before: null, after: { id: 1, email: 'a@x' }, source: { schema: 'inventory', table: 'customers' }, op: 'c', ts_ms: 1 };
  const record = flatRecord({ topic: 'dbserver1.inventory.customers', offset: 0, key: { id: 1 }, value });
  expect(summary(decoder({ format: '${source.table}' }).decode(record))).toEqual({
    op: 'upsert',
    table: { schema: null, name: 'customers' },
    key: { id: 1 },
    values: { email: 'a@x' },
  });
  // Something with an op field that is not an envelope stays a row.
  const row = flatRecord({ topic: 't', offset: 0, key: { id: 1 }, value: { id: 1, op: 'c', source: 'web' } });
  expect(summary(decoder().decode(row))).toMatchObject({ op: 'upsert', values: { op: 'c', source: 'web' } });
  expect(() => decoder().decode(flatRecord({ topic: 't', offset: 0, key: { id: 1 }, value: { ...value, op: 'x' } }))).toThrow(
    "Unknown Debezium operation 'x'",
  );
  expect(summary(decoder().decode(flatRecord({ topic: 't', offset: 0, value: { source: {}, op: 'm', message: {} } })))).toEqual({
    op: 'skip',
    reason: 'logical decoding message',
  });
});
