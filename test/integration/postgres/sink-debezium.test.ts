/**
 * PostgresSinkTask against a real PostgreSQL 15 with Debezium change events as the PostgreSQL source emits them:
 * native unwrapping (c/r/u/d, tombstones, truncate), every mapped type round-tripping into the columns the sink
 * creates, and unchanged TOAST placeholders keeping the stored value.
 */
import { BigDecimal, ConnectDate, ConnectTime, ConnectTimestamp, Decimal, Schema, SchemaBuilder, type SinkRecord } from '../../../connect-runtime/api';
import { PostgresSinkTask } from '../../../connectors/postgres/sink';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { capturingLogger, capturingReporter, Dbz, DebeziumTable, sinkContext, struct } from '../../unit/connectors/postgres/sink/sink-test-support';

let pg: RunningPostgres;
const running: PostgresSinkTask[] = [];

beforeAll(async () => {
  pg = await startPostgres({ walLevel: 'replica' });
  await pg.createDatabase('target');
});

afterAll(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
  await pg?.stop();
});

const rows = <T = Record<string, unknown>>(sql: string): Promise<T[]> => pg.query<T>(sql, [], 'target');

async function startTask(extra: Record<string, string> = {}): Promise<PostgresSinkTask> {
  const props = {
    'connection.url': `postgres://${pg.user}@${pg.host}:${pg.port}/target`,
    'connection.password': pg.password,
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'delete.enabled': 'true',
    'schema.evolution': 'basic',
    topics: 'unused',
    ...extra,
  };
  const task = new PostgresSinkTask({ logger: capturingLogger() });
  task.initialize(sinkContext(props, capturingReporter()));
  running.push(task);
  await task.start(props);
  return task;
}

/** The worked example of the reference (§1.6): public.customers captured by server dbserver1 from db inventory. */
const customers = new DebeziumTable({
  prefix: 'dbserver1',
  schema: 'inventory',
  table: 'customers',
  keyFields: ['id'],
  row: SchemaBuilder.struct()
    .field('id', Schema.INT32_SCHEMA)
    .field('email', Schema.STRING_SCHEMA)
    .field('balance', Decimal.builder(2).parameter('connect.decimal.precision', '10').optional())
    .field('signup', Dbz.date().optional())
    .field('updated_at', Dbz.zonedTimestamp().optional())
    .field('prefs', Dbz.json().optional()),
});

const anne = {
  id: 1001,
  email: 'anne@example.com',
  balance: new BigDecimal(123450n, 2),
  signup: 19844,
  updated_at: '2024-05-01T10:15:30.123456Z',
  prefs: '{"tier": "gold"}',
};

test('unwraps create, update and delete events into ${source.schema}.${source.table}', async () => {
  const task = await startTask({ 'table.name.format': '${source.schema}.${source.table}' });
  let offset = 0;
  await task.put([customers.event('r', anne, offset++), customers.event('c', { ...anne, id: 1002, email: 'bob@example.com' }, offset++)]);

  const types = await rows<{ column_name: string; type: string; not_null: boolean }>(`
    SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
      FROM pg_attribute a WHERE a.attrelid = 'inventory.customers'::regclass AND a.attnum > 0 ORDER BY a.attnum`);
  expect(types).toEqual([
    { column_name: 'id', type: 'integer', not_null: true },
    { column_name: 'email', type: 'text', not_null: true },
    { column_name: 'balance', type: 'numeric(10,2)', not_null: false },
    { column_name: 'signup', type: 'date', not_null: false },
    { column_name: 'updated_at', type: 'timestamp with time zone', not_null: false },
    { column_name: 'prefs', type: 'jsonb', not_null: false },
  ]);

  await task.put([customers.event('u', { ...anne, balance: new BigDecimal(9999n, 2) }, offset++)]);
  expect(
    await rows(`SELECT id, email, balance::text AS balance, signup::text AS signup, updated_at = '2024-05-01 10:15:30.123456+00' AS at, prefs FROM inventory.customers ORDER BY id`),
  ).toEqual([
    { id: 1001, email: 'anne@example.com', balance: '99.99', signup: '2024-05-01', at: true, prefs: { tier: 'gold' } },
    { id: 1002, email: 'bob@example.com', balance: '1234.50', signup: '2024-05-01', at: true, prefs: { tier: 'gold' } },
  ]);

  // A delete as pgoutput sends it with REPLICA IDENTITY DEFAULT (only the key, type defaults elsewhere), then the
  // tombstone, which cannot name a table from a source block and is skipped.
  await task.put([customers.event('d', { id: 1001, email: '' }, offset++), customers.tombstone({ id: 1001 }, offset++)]);
  expect(await rows('SELECT id FROM inventory.customers')).toEqual([{ id: 1002 }]);
});

test('default ${topic} naming, tombstones and ordering of changes to one key within a batch', async () => {
  const task = await startTask();
  let offset = 100;
  const batch: SinkRecord[] = [
    customers.event('c', anne, offset++),
    customers.event('u', { ...anne, email: 'anne@new.example' }, offset++),
    customers.event('d', { id: 1001, email: '' }, offset++),
    customers.tombstone({ id: 1001 }, offset++),
    customers.event('c', { ...anne, email: 'anne@again.example', prefs: null }, offset++),
    customers.event('c', { ...anne, id: 7, balance: null }, offset++),
    customers.event('d', { id: 7, email: '' }, offset++),
  ];
  await task.put(batch);
  const expected = [{ id: 1001, email: 'anne@again.example', balance: '1234.50', prefs: null }];
  expect(await rows('SELECT id, email, balance::text AS balance, prefs FROM dbserver1_inventory_customers ORDER BY id')).toEqual(expected);
  await task.put(batch);
  expect(await rows('SELECT id, email, balance::text AS balance, prefs FROM dbserver1_inventory_customers ORDER BY id')).toEqual(expected);

  await task.put([customers.tombstone({ id: 1001 }, offset++)]);
  expect(await rows('SELECT count(*)::int AS n FROM dbserver1_inventory_customers')).toEqual([{ n: 0 }]);
});

test('truncate events truncate the table when enabled, and are skipped otherwise', async () => {
  const skipping = await startTask({ 'table.name.format': 'trunc_off' });
  await skipping.put([customers.event('c', anne, 1), customers.truncate(2), customers.event('c', { ...anne, id: 2 }, 3)]);
  expect(await rows('SELECT id FROM trunc_off ORDER BY id')).toEqual([{ id: 2 }, { id: 1001 }]);

  const truncating = await startTask({ 'table.name.format': 'trunc_off', 'truncate.enabled': 'true' });
  await truncating.put([customers.event('c', { ...anne, id: 3 }, 4), customers.truncate(5), customers.event('c', { ...anne, id: 4 }, 6)]);
  expect(await rows('SELECT id FROM trunc_off ORDER BY id')).toEqual([{ id: 4 }]);
});

const PLACEHOLDER = '__debezium_unavailable_value';

test('an unchanged TOAST placeholder keeps the stored value', async () => {
  const docs = new DebeziumTable({
    prefix: 'dbserver1',
    schema: 'public',
    table: 'docs',
    keyFields: ['id'],
    row: SchemaBuilder.struct()
      .field('id', Schema.INT64_SCHEMA)
      .field('title', Schema.OPTIONAL_STRING_SCHEMA)
      .field('body', Schema.OPTIONAL_STRING_SCHEMA)
      .field('blob', Schema.OPTIONAL_BYTES_SCHEMA)
      .field('nums', SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional())
      .field('tags', SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional())
      .field('doc', Dbz.json().optional()),
  });
  const task = await startTask({ 'table.name.format': 'docs' });
  const big = 'x'.repeat(5000);
  await task.put([docs.event('c', { id: 1, title: 'first', body: big, blob: Buffer.alloc(3000, 7), nums: [1, 2, 3], tags: ['a'], doc: '{"k": 1}' }, 1)]);
  const placeholderBytes = Buffer.from(PLACEHOLDER, 'utf8');
  await task.put([
    docs.event('u', { id: 1, title: 'second', body: PLACEHOLDER, blob: placeholderBytes, nums: [...placeholderBytes], tags: [PLACEHOLDER], doc: PLACEHOLDER }, 2),
  ]);
  expect(await rows(`SELECT title, length(body) AS body, length(blob) AS blob, nums, tags, doc FROM docs`)).toEqual([
    { title: 'second', body: 5000, blob: 3000, nums: [1, 2, 3], tags: ['a'], doc: { k: 1 } },
  ]);
  // Within one batch, an earlier change's value stands in for a later placeholder.
  await task.put([docs.event('u', { id: 1, title: 'third', body: 'short', tags: ['b'] }, 3), docs.event('u', { id: 1, title: 'fourth', body: PLACEHOLDER, tags: [PLACEHOLDER] }, 4)]);
  expect(await rows(`SELECT title, body, tags FROM docs`)).toEqual([{ title: 'fourth', body: 'short', tags: ['b'] }]);
});

test('every mapped type round-trips into the column the sink creates', async () => {
  const unscaled = (n: bigint): Buffer => {
    const hex = n.toString(16);
    return Buffer.from((hex.length % 2 ? '0' : '') + hex, 'hex');
  };
  const all = new DebeziumTable({
    prefix: 'dbserver1',
    schema: 'public',
    table: 'all_types',
    keyFields: ['id'],
    row: SchemaBuilder.struct()
      .field('id', Schema.INT32_SCHEMA)
      .field('i8', Schema.OPTIONAL_INT8_SCHEMA)
      .field('i16', Schema.OPTIONAL_INT16_SCHEMA)
      .field('i64', Schema.OPTIONAL_INT64_SCHEMA)
      .field('f32', Schema.OPTIONAL_FLOAT32_SCHEMA)
      .field('f64', Schema.OPTIONAL_FLOAT64_SCHEMA)
      .field('flag', Schema.OPTIONAL_BOOLEAN_SCHEMA)
      .field('txt', Schema.OPTIONAL_STRING_SCHEMA)
      .field('bin', Schema.OPTIONAL_BYTES_SCHEMA)
      .field('dec', Decimal.builder(3).optional())
      .field('vdec', Dbz.variableScaleDecimal().optional())
      .field('d', Dbz.date().optional())
      .field('old_d', Dbz.date().optional())
      .field('t', Dbz.time().optional())
      .field('mt', Dbz.microTime().optional())
      .field('nt', Dbz.nanoTime().optional())
      .field('ts', Dbz.timestamp().optional())
      .field('mts', Dbz.microTimestamp().optional())
      .field('nts', Dbz.nanoTimestamp().optional())
      .field('inf', Dbz.microTimestamp().optional())
      .field('zts', Dbz.zonedTimestamp().optional())
      .field('ztime', Dbz.zonedTime().optional())
      .field('cdate', ConnectDate.builder().optional())
      .field('ctime', ConnectTime.builder().optional())
      .field('cts', ConnectTimestamp.builder().optional())
      .field('u', Dbz.uuid().optional())
      .field('j', Dbz.json().optional())
      .field('x', Dbz.xml().optional())
      .field('e', Dbz.enumeration('happy,sad').optional())
      .field('dur', Dbz.microDuration().optional())
      .field('bits', Dbz.bits(10).optional())
      .field('ints', SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional())
      .field('texts', SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional())
      .field('dates', SchemaBuilder.array(Dbz.date().optional()).optional())
      .field('nothing', Schema.OPTIONAL_STRING_SCHEMA),
  });
  const vdecSchema = all.rowSchema.field('vdec')?.schema;
  if (vdecSchema === undefined) throw new Error('no vdec');
  const values = {
    id: 1,
    i8: -128,
    i16: 32767,
    i64: 9223372036854775807n,
    f32: 1.5,
    f64: 3.141592653589793,
    flag: true,
    txt: 'héllo "quoted" \\ back',
    bin: Buffer.from([0, 1, 254, 255]),
    dec: new BigDecimal(-12345678901234567890123n, 3),
    vdec: struct(vdecSchema, { scale: 4, value: unscaled(123456789012345678901234567890n) }),
    d: 19844,
    old_d: -735_000,
    t: 36_930_123,
    mt: 36_930_123_456,
    nt: 36_930_123_456_789,
    ts: 1_714_558_530_123,
    mts: 1_714_558_530_123_456,
    nts: 1_714_558_530_123_456_789n,
    inf: 9223372036825200000n,
    zts: '2024-05-01T10:15:30.123456Z',
    ztime: '10:15:30.123456Z',
    cdate: new Date(Date.UTC(2024, 4, 1)),
    ctime: new Date(36_930_123),
    cts: new Date(1_714_558_530_123),
    u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    j: '{"a": [1, 2, {"b": null}]}',
    x: '<a>1</a>',
    e: 'happy',
    dur: 93_784_000_005,
    bits: Buffer.from([0b00000011, 0b00000010]),
    ints: [1, null, -3],
    texts: ['a', 'b"c', null, 'd\\e', 'NULL', ''],
    dates: [19844, null],
    nothing: null,
  };
  const task = await startTask({ 'table.name.format': 'all_types' });
  await task.put([all.event('c', values, 1)]);

  const types = await rows<{ name: string; type: string }>(`
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_attribute a WHERE a.attrelid = 'all_types'::regclass AND a.attnum > 0 ORDER BY a.attnum`);
  expect(Object.fromEntries(types.map((t) => [t.name, t.type]))).toEqual({
    id: 'integer', i8: 'smallint', i16: 'smallint', i64: 'bigint', f32: 'real', f64: 'double precision', flag: 'boolean',
    txt: 'text', bin: 'bytea', dec: 'numeric', vdec: 'numeric', d: 'date', old_d: 'date', t: 'time(3) without time zone',
    mt: 'time without time zone', nt: 'time without time zone', ts: 'timestamp(3) without time zone',
    mts: 'timestamp without time zone', nts: 'timestamp without time zone', inf: 'timestamp without time zone',
    zts: 'timestamp with time zone', ztime: 'time with time zone', cdate: 'date', ctime: 'time(3) without time zone',
    cts: 'timestamp(3) without time zone', u: 'uuid', j: 'jsonb', x: 'xml', e: 'text', dur: 'interval', bits: 'bit varying',
    ints: 'integer[]', texts: 'text[]', dates: 'date[]', nothing: 'text',
  });

  const [row] = await rows<Record<string, string | null>>(`
    SELECT i8::text, i16::text, i64::text, f32::text, f64::text, flag::text, txt, encode(bin, 'hex') AS bin, dec::text,
           vdec::text, d::text, old_d::text, t::text, mt::text, nt::text, ts::text, mts::text, nts::text, inf::text,
           to_char(zts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS zts, ztime::text, cdate::text, ctime::text, cts::text, u::text, j::text, x::text, e, dur::text,
           bits::text, ints::text, texts::text, dates::text, nothing
      FROM all_types`);
  expect(row).toEqual({
    i8: '-128', i16: '32767', i64: '9223372036854775807', f32: '1.5', f64: '3.141592653589793', flag: 'true',
    txt: 'héllo "quoted" \\ back', bin: '0001feff', dec: '-12345678901234567890.123',
    vdec: '12345678901234567890123456.7890', d: '2024-05-01', old_d: '0044-08-22 BC', t: '10:15:30.123', mt: '10:15:30.123456',
    nt: '10:15:30.123457', ts: '2024-05-01 10:15:30.123', mts: '2024-05-01 10:15:30.123456',
    nts: '2024-05-01 10:15:30.123457', inf: 'infinity', zts: '2024-05-01 10:15:30.123456',
    ztime: '10:15:30.123456+00', cdate: '2024-05-01', ctime: '10:15:30.123', cts: '2024-05-01 10:15:30.123',
    u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', j: '{"a": [1, 2, {"b": null}]}', x: '<a>1</a>', e: 'happy',
    dur: '26:03:04.000005', bits: '1000000011', ints: '{1,NULL,-3}', texts: '{a,"b\\"c",NULL,"d\\\\e","NULL",""}',
    dates: '{2024-05-01,NULL}', nothing: null,
  });
});

test('values are written to the types of existing columns', async () => {
  await rows(`CREATE TYPE mood AS ENUM ('happy', 'sad')`);
  await rows(`CREATE TABLE existing (id bigint PRIMARY KEY, m mood, j json, amount double precision, b bit(10), n numeric(6,1), arr jsonb)`);
  const t = new DebeziumTable({
    prefix: 's',
    schema: 'public',
    table: 'existing',
    keyFields: ['id'],
    row: SchemaBuilder.struct()
      .field('id', Schema.INT64_SCHEMA)
      .field('m', Dbz.enumeration('happy,sad').optional())
      .field('j', Dbz.json().optional())
      .field('amount', Decimal.builder(2).optional())
      .field('b', Dbz.bits(10).optional())
      .field('n', Schema.OPTIONAL_INT32_SCHEMA)
      .field('arr', SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional()),
  });
  const task = await startTask({ 'table.name.format': 'existing', 'schema.evolution': 'none' });
  await task.put([t.event('c', { id: 1, m: 'sad', j: '{"x":1}', amount: new BigDecimal(1050n, 2), b: Buffer.from([1]), n: 12345, arr: ['a', 'b'] }, 1)]);
  expect(await rows('SELECT m::text, j::text, amount, b::text, n::text, arr FROM existing')).toEqual([
    { m: 'sad', j: '{"x":1}', amount: 10.5, b: '0000000001', n: '12345.0', arr: ['a', 'b'] },
  ]);
});
