/** Column defaults from pg_get_expr as literal text, per Debezium's default value rules. */
import { PgOid } from '../../../../../connectors/postgres/events';
import { literalDefault } from '../../../../../connectors/postgres/source';

test('quoted literals with casts, bare literals, NULL', () => {
  expect(literalDefault("'pending'::character varying", { builtinOid: PgOid.VARCHAR })).toBe('pending');
  expect(literalDefault("'it''s'::text", { builtinOid: PgOid.TEXT })).toBe("it's");
  expect(literalDefault('42', { builtinOid: PgOid.INT4 })).toBe('42');
  expect(literalDefault("'-1'::integer", { builtinOid: PgOid.INT4 })).toBe('-1');
  expect(literalDefault('0.00', { builtinOid: PgOid.NUMERIC })).toBe('0.00');
  expect(literalDefault('true', { builtinOid: PgOid.BOOL })).toBe('true');
  expect(literalDefault("'2024-05-01'::date", { builtinOid: PgOid.DATE })).toBe('2024-05-01');
  expect(literalDefault('NULL::character varying', { builtinOid: PgOid.VARCHAR })).toBeUndefined();
  expect(literalDefault(null, { builtinOid: PgOid.INT4 })).toBeUndefined();
});

test("function defaults become the type's placeholder", () => {
  expect(literalDefault("nextval('items_id_seq'::regclass)", { builtinOid: PgOid.INT4 })).toBe('0');
  expect(literalDefault('now()', { builtinOid: PgOid.TIMESTAMPTZ })).toBe('1970-01-01 00:00:00+00');
  expect(literalDefault('CURRENT_TIMESTAMP', { builtinOid: PgOid.TIMESTAMP })).toBe('1970-01-01 00:00:00');
  expect(literalDefault('CURRENT_DATE', { builtinOid: PgOid.DATE })).toBe('1970-01-01');
  expect(literalDefault('gen_random_uuid()', { builtinOid: PgOid.UUID })).toBe('00000000-0000-0000-0000-000000000000');
  expect(literalDefault("md5((random())::text)", { builtinOid: PgOid.TEXT })).toBe('');
});

test('types without a default mapper get none; enums keep quoted literals', () => {
  expect(literalDefault("'\\x00'::bytea", { builtinOid: PgOid.BYTEA })).toBeUndefined();
  expect(literalDefault("'{}'::text[]", { builtinOid: 1009 })).toBeUndefined();
  expect(literalDefault("'happy'::mood", { isEnum: true })).toBe('happy');
  expect(literalDefault("'x'::text", {})).toBeUndefined();
});
