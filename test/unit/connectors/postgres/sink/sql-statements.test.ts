/** The DML the sink sends: quoting, casts, unnest of binary text arrays, ON CONFLICT. */
import {
  binaryTextArrays,
  deleteStatement,
  insertStatement,
  truncateStatement,
  updateStatement,
} from '../../../../../connectors/postgres/sink/sql-statements';
import { fakeTable, textArrayParam } from './sink-test-support';

const orders = fakeTable({ name: 'Order "Lines"', columns: { id: 'int4', 'select': 'text', amount: 'numeric' }, primaryKey: ['id'] });

test('insert binds one text array per column, unnests it and casts each column to its type', () => {
  const s = insertStatement({ table: orders, columns: ['id', 'select'], rows: [['1', 'a'], ['2', null]] });
  expect(s.sql).toBe(
    'INSERT INTO "public"."Order ""Lines""" ("id", "select") SELECT __v."id"::pg_catalog.int4, __v."select"::pg_catalog.text ' +
      'FROM unnest($1::pg_catalog.text[], $2::pg_catalog.text[]) AS __v ("id", "select")',
  );
  expect(s.params.map(textArrayParam)).toEqual([
    ['1', '2'],
    ['a', null],
  ]);
});

test('upsert updates every non-key column on conflict, or does nothing when only the key is written', () => {
  const s = insertStatement({ table: orders, columns: ['id', 'select', 'amount'], rows: [['1', 'x', '1.50']], conflictKey: ['id'] });
  expect(s.sql).toMatch(/ ON CONFLICT \("id"\) DO UPDATE SET "select" = EXCLUDED."select", "amount" = EXCLUDED."amount"$/);
  const keyOnly = insertStatement({ table: orders, columns: ['id'], rows: [['1']], conflictKey: ['id'] });
  expect(keyOnly.sql).toMatch(/ ON CONFLICT \("id"\) DO NOTHING$/);
});

test('update and delete join the rows by key, cast to the key columns types', () => {
  const u = updateStatement({ table: orders, keyColumns: ['id'], setColumns: ['amount'], rows: [['1', '2.5']] });
  expect(u.sql).toBe(
    'UPDATE "public"."Order ""Lines""" AS __t SET "amount" = __v."amount"::pg_catalog.numeric ' +
      'FROM unnest($1::pg_catalog.text[], $2::pg_catalog.text[]) AS __v ("id", "amount") WHERE __t."id" = __v."id"::pg_catalog.int4',
  );
  expect(u.params.map(textArrayParam)).toEqual([['1'], ['2.5']]);
  const composite = fakeTable({ name: 'pairs', columns: { a: 'int8', b: 'text' }, primaryKey: ['a', 'b'] });
  const d = deleteStatement({ table: composite, keyColumns: ['a', 'b'], rows: [['1', 'x'], ['2', 'y']] });
  expect(d.sql).toBe(
    'DELETE FROM "public"."pairs" AS __t USING unnest($1::pg_catalog.text[], $2::pg_catalog.text[]) AS __v ("a", "b") ' +
      'WHERE __t."a" = __v."a"::pg_catalog.int8 AND __t."b" = __v."b"::pg_catalog.text',
  );
  expect(truncateStatement(composite).sql).toBe('TRUNCATE TABLE "public"."pairs"');
});

test('array columns travel as one text element each, cast to the array type', () => {
  const tags = fakeTable({ name: 'tags', columns: { id: 'int4', tags: '_text' }, primaryKey: ['id'] });
  const s = insertStatement({ table: tags, columns: ['id', 'tags'], rows: [['1', '{"a","b"}'], ['2', null]], conflictKey: ['id'] });
  expect(s.sql).toContain('SELECT __v."id"::pg_catalog.int4, __v."tags"::pg_catalog._text FROM unnest(');
  expect(s.params.map(textArrayParam)).toEqual([
    ['1', '2'],
    ['{"a","b"}', null],
  ]);
});

test('binary text arrays carry texts as they are: quotes, backslashes, multi-byte characters, empty strings', () => {
  const texts = ['a"b', 'c\\d', null, 'NULL', '', 'ünï 😀', '{"k": "v\\n"}', 'x'.repeat(65), `${'y'.repeat(70)}é`, `${'z'.repeat(63)}€`];
  const [column, other] = binaryTextArrays(
    texts.map((t, i) => [t, String(i)]),
    2,
  );
  expect(textArrayParam(column)).toEqual(texts);
  expect(textArrayParam(other)).toEqual(texts.map((_, i) => String(i)));
  // The has-nulls flag is set only when there is one.
  expect(column?.readInt32BE(4)).toBe(1);
  expect(other?.readInt32BE(4)).toBe(0);
  expect(binaryTextArrays([], 1).map(textArrayParam)).toEqual([[]]);
});
