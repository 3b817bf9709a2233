/** The DML the sink sends: quoting, casts, unnest and VALUES forms, ON CONFLICT. */
import {
  deleteStatement,
  insertStatement,
  MAX_PARAMETERS,
  rowsPerStatement,
  textArrayLiteral,
  truncateStatement,
  updateStatement,
} from '../../../../../connectors/postgres/sink/sql-statements';
import { fakeTable } from './sink-test-support';

const orders = fakeTable({ name: 'Order "Lines"', columns: { id: 'int4', 'select': 'text', amount: 'numeric' }, primaryKey: ['id'] });

test('insert binds one array per column and unnests it', () => {
  const s = insertStatement({ table: orders, columns: ['id', 'select'], rows: [['1', 'a'], ['2', null]] });
  expect(s.sql).toBe(
    'INSERT INTO "public"."Order ""Lines""" ("id", "select") SELECT * FROM unnest($1::pg_catalog.int4[], $2::pg_catalog.text[])',
  );
  expect(s.params).toEqual(['{"1","2"}', '{"a",NULL}']);
});

test('upsert updates every non-key column on conflict, or does nothing when only the key is written', () => {
  const s = insertStatement({ table: orders, columns: ['id', 'select', 'amount'], rows: [['1', 'x', '1.50']], conflictKey: ['id'] });
  expect(s.sql).toBe(
    'INSERT INTO "public"."Order ""Lines""" ("id", "select", "amount") SELECT * FROM unnest($1::pg_catalog.int4[], $2::pg_catalog.text[], ' +
      '$3::pg_catalog.numeric[]) ON CONFLICT ("id") DO UPDATE SET "select" = EXCLUDED."select", "amount" = EXCLUDED."amount"',
  );
  const keyOnly = insertStatement({ table: orders, columns: ['id'], rows: [['1']], conflictKey: ['id'] });
  expect(keyOnly.sql).toMatch(/ ON CONFLICT \("id"\) DO NOTHING$/);
});

test('update and delete join the rows by key', () => {
  const u = updateStatement({ table: orders, keyColumns: ['id'], setColumns: ['amount'], rows: [['1', '2.5']] });
  expect(u.sql).toBe(
    'UPDATE "public"."Order ""Lines""" AS __t SET "amount" = __v."amount" FROM unnest($1::pg_catalog.int4[], $2::pg_catalog.numeric[]) ' +
      'AS __v ("id", "amount") WHERE __t."id" = __v."id"',
  );
  expect(u.params).toEqual(['{"1"}', '{"2.5"}']);
  const composite = fakeTable({ name: 'pairs', columns: { a: 'int8', b: 'text' }, primaryKey: ['a', 'b'] });
  const d = deleteStatement({ table: composite, keyColumns: ['a', 'b'], rows: [['1', 'x'], ['2', 'y']] });
  expect(d.sql).toBe(
    'DELETE FROM "public"."pairs" AS __t USING unnest($1::pg_catalog.int8[], $2::pg_catalog.text[]) AS __v ("a", "b") ' +
      'WHERE __t."a" = __v."a" AND __t."b" = __v."b"',
  );
  expect(truncateStatement(composite).sql).toBe('TRUNCATE TABLE "public"."pairs"');
});

test('rows with an array column use a VALUES list, within the parameter limit', () => {
  const tags = fakeTable({ name: 'tags', columns: { id: 'int4', tags: '_text' }, primaryKey: ['id'] });
  const s = insertStatement({ table: tags, columns: ['id', 'tags'], rows: [['1', '{"a"}'], ['2', null]], conflictKey: ['id'] });
  expect(s.sql).toBe(
    'INSERT INTO "public"."tags" ("id", "tags") VALUES ($1::pg_catalog.int4, $2::pg_catalog._text), ($3::pg_catalog.int4, $4::pg_catalog._text) ' +
      'ON CONFLICT ("id") DO UPDATE SET "tags" = EXCLUDED."tags"',
  );
  expect(s.params).toEqual(['1', '{"a"}', '2', null]);
  const d = deleteStatement({ table: tags, keyColumns: ['id'], rows: [['1']] });
  expect(d.sql).toBe('DELETE FROM "public"."tags" AS __t USING unnest($1::pg_catalog.int4[]) AS __v ("id") WHERE __t."id" = __v."id"');
  expect(rowsPerStatement(tags, ['id', 'tags'], 100_000)).toBe(Math.floor(MAX_PARAMETERS / 2));
  expect(rowsPerStatement(tags, ['id'], 100_000)).toBe(100_000);
  expect(rowsPerStatement(tags, ['id', 'tags'], 10)).toBe(10);
});

test('array literals quote every element', () => {
  expect(textArrayLiteral([])).toBe('{}');
  expect(textArrayLiteral(['a"b', 'c\\d', null, 'NULL', ''])).toBe('{"a\\"b","c\\\\d",NULL,"NULL",""}');
});
