/** schema/table include and exclude lists. */
import { stringFilterFrom, tableFilterFrom } from '../../../../../connectors/postgres/source';

test('no lists: every user table, never system schemas', () => {
  const f = tableFilterFrom({});
  expect(f('public', 'a')).toBe(true);
  expect(f('pg_catalog', 'pg_class')).toBe(false);
  expect(f('information_schema', 'tables')).toBe(false);
});

test('include and exclude lists are anchored, case-insensitive regexes', () => {
  const include = tableFilterFrom({ tableIncludeList: 'public\\.orders,inventory\\..*' });
  expect(include('public', 'orders')).toBe(true);
  expect(include('public', 'orders_archive')).toBe(false);
  expect(include('INVENTORY', 'x')).toBe(true);
  const exclude = tableFilterFrom({ schemaExcludeList: 'audit', tableExcludeList: 'public\\.tmp_.*' });
  expect(exclude('audit', 'log')).toBe(false);
  expect(exclude('public', 'tmp_1')).toBe(false);
  expect(exclude('public', 'keep')).toBe(true);
  const schemas = tableFilterFrom({ schemaIncludeList: 'sales' });
  expect(schemas('sales', 'a')).toBe(true);
  expect(schemas('public', 'a')).toBe(false);
});

test('message prefix lists', () => {
  const f = stringFilterFrom('audit.*', null, ['message.prefix.include.list', 'message.prefix.exclude.list'])!;
  expect(f('audit-x')).toBe(true);
  expect(f('other')).toBe(false);
  expect(stringFilterFrom(null, null, ['a', 'b'])).toBeUndefined();
  expect(() => stringFilterFrom('a', 'b', ['a', 'b'])).toThrow('is already specified');
});
