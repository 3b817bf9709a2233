/** Collapsing a batch per row and turning it into statements. */
import { SinkRecord } from '../../../../../connect-runtime/api';
import type { BoundChange } from '../../../../../connectors/postgres/sink/bind-change';
import { planStatements, singleChangeStatement } from '../../../../../connectors/postgres/sink/change-plan';
import type { TableInfo } from '../../../../../connectors/postgres/sink/table-metadata';
import { fakeTable, textArrayParam } from './sink-test-support';

const users = fakeTable({ name: 'users', columns: { id: 'int4', name: 'text', email: 'text' }, primaryKey: ['id'] });
let offset = 0;

function change(op: BoundChange['op'], id: number | null, values: Record<string, string | null> = {}, table: TableInfo = users): BoundChange {
  const record = new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: offset++ });
  const keyTexts = id === null ? [] : [String(id)];
  return {
    op,
    record,
    table,
    keyColumns: id === null ? [] : ['id'],
    keyTexts,
    columns: Object.keys(values),
    texts: Object.values(values),
    rowId: id === null ? `#${offset}` : JSON.stringify(keyTexts),
  };
}

const summary = (statements: ReturnType<typeof planStatements>) =>
  statements.map((s) => ({ kind: s.kind, params: s.params.map(textArrayParam), offsets: s.changes.map((c) => c.record.kafkaOffset) }));

beforeEach(() => {
  offset = 0;
});

test('upserts of one row overlay: later values win, columns left out keep earlier values', () => {
  const plan = planStatements([change('upsert', 1, { name: 'a', email: 'a@x' }), change('upsert', 2, { name: 'b' }), change('upsert', 1, { name: 'a2' })], {
    insertMode: 'upsert',
    batchSize: 100,
  });
  expect(summary(plan)).toEqual([
    { kind: 'upsert', params: [['1'], ['a2'], ['a@x']], offsets: [0, 2] },
    { kind: 'upsert', params: [['2'], ['b']], offsets: [1] },
  ]);
  expect(plan[0]?.sql).toContain('("id", "name", "email")');
});

test('a delete supersedes earlier upserts; an upsert after a delete runs after it', () => {
  const plan = planStatements(
    [change('upsert', 1, { name: 'a' }), change('delete', 1), change('upsert', 2, { name: 'b' }), change('delete', 2), change('upsert', 2, { name: 'c' })],
    { insertMode: 'upsert', batchSize: 100 },
  );
  expect(summary(plan)).toEqual([
    { kind: 'delete', params: [['1', '2']], offsets: [1, 3] },
    { kind: 'upsert', params: [['2'], ['c']], offsets: [4] },
  ]);
});

test('a truncate discards the changes before it', () => {
  const plan = planStatements([change('upsert', 1, { name: 'a' }), change('truncate', null), change('upsert', 2, { name: 'b' })], {
    insertMode: 'upsert',
    batchSize: 100,
  });
  expect(summary(plan)).toEqual([
    { kind: 'truncate', params: [], offsets: [1] },
    { kind: 'upsert', params: [['2'], ['b']], offsets: [2] },
  ]);
});

test('insert mode never merges rows: a second change to a row starts a new segment', () => {
  const plan = planStatements([change('upsert', 1, { name: 'a' }), change('upsert', 2, { name: 'b' }), change('upsert', 1, { name: 'c' }), change('delete', 2)], {
    insertMode: 'insert',
    batchSize: 100,
  });
  expect(summary(plan)).toEqual([
    { kind: 'insert', params: [['1', '2'], ['a', 'b']], offsets: [0, 1] },
    { kind: 'delete', params: [['2']], offsets: [3] },
    { kind: 'insert', params: [['1'], ['c']], offsets: [2] },
  ]);
});

test('update mode skips rows without values; tables are written in order of first appearance, in batch.size chunks', () => {
  const other = fakeTable({ name: 'other', columns: { id: 'int4', name: 'text' }, primaryKey: ['id'] });
  const plan = planStatements(
    [change('upsert', 1, { name: 'x' }, other), change('upsert', 1, {}), change('upsert', 2, { name: 'b' }), change('upsert', 3, { name: 'c' }), change('upsert', 4, { name: 'd' })],
    { insertMode: 'update', batchSize: 2 },
  );
  expect(summary(plan)).toEqual([
    { kind: 'update', params: [['1'], ['x']], offsets: [0] },
    { kind: 'update', params: [['2', '3'], ['b', 'c']], offsets: [2, 3] },
    { kind: 'update', params: [['4'], ['d']], offsets: [4] },
  ]);
  expect(plan[0]?.table).toBe(other);
});

test('upserts need a unique index on the key columns', () => {
  const noKey = fakeTable({ name: 'nokey', columns: { id: 'int4', name: 'text' } });
  expect(() => planStatements([change('upsert', 1, { name: 'a' }, noKey)], { insertMode: 'upsert', batchSize: 10 })).toThrow(
    'Table public.nokey has no primary key or unique index on (id), which insert.mode=upsert needs to find existing rows',
  );
});

test('a single change can be written on its own, for replays', () => {
  expect(singleChangeStatement(change('upsert', 1, { name: 'a' }), 'upsert')?.kind).toBe('upsert');
  expect(singleChangeStatement(change('delete', 1), 'upsert')?.kind).toBe('delete');
  expect(singleChangeStatement(change('truncate', null), 'upsert')?.kind).toBe('truncate');
  expect(singleChangeStatement(change('upsert', 1), 'update')).toBeNull();
});
