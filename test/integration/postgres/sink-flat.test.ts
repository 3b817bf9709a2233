/**
 * PostgresSinkTask against a real PostgreSQL 15 with flat records: table creation and evolution, the three insert
 * modes, key modes, deletes, errors that name the failing record, and connection failures.
 */
import { ConnectError, DataError, RetriableError, Schema, SchemaBuilder, type SinkRecord } from '../../../connect-runtime/api';
import { PostgresSinkTask } from '../../../connectors/postgres/sink';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { capturingLogger, capturingReporter, flatRecord, Offsets, sinkContext, struct } from '../../unit/connectors/postgres/sink/sink-test-support';

let pg: RunningPostgres;
const running: PostgresSinkTask[] = [];
const offsets = new Offsets();

beforeAll(async () => {
  pg = await startPostgres({ walLevel: 'replica' });
  await pg.createDatabase('sink');
});

afterAll(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
  await pg?.stop();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
});

function baseProps(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connection.host': pg.host,
    'connection.port': String(pg.port),
    'connection.dbname': 'sink',
    'connection.user': pg.user,
    'connection.password': pg.password,
    topics: 'unused',
    ...extra,
  };
}

async function startTask(props: Record<string, string>, reporter = capturingReporter()): Promise<PostgresSinkTask> {
  const task = new PostgresSinkTask({ logger: capturingLogger() });
  task.initialize(sinkContext(props, reporter));
  running.push(task);
  await task.start(props);
  return task;
}

const rows = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => pg.query<T>(sql, params, 'sink');

const USER_KEY = SchemaBuilder.struct().name('users.Key').field('id', Schema.INT32_SCHEMA).build();
const USER_V1 = SchemaBuilder.struct()
  .name('users.Value')
  .field('id', Schema.INT32_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('score', Schema.OPTIONAL_INT64_SCHEMA)
  .build();
const USER_V2 = SchemaBuilder.struct()
  .name('users.Value')
  .field('id', Schema.INT32_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('score', Schema.OPTIONAL_INT64_SCHEMA)
  .field('email', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

function user(topic: string, values: Record<string, unknown>, schema = USER_V1): SinkRecord {
  return flatRecord({
    topic,
    offset: offsets.take(topic),
    keySchema: USER_KEY,
    key: struct(USER_KEY, { id: values['id'] }),
    valueSchema: schema,
    value: struct(schema, values),
  });
}

function tombstone(topic: string, id: number): SinkRecord {
  return flatRecord({ topic, offset: offsets.take(topic), keySchema: USER_KEY, key: struct(USER_KEY, { id }) });
}

const upsertProps = (extra: Record<string, string> = {}): Record<string, string> =>
  baseProps({ 'insert.mode': 'upsert', 'primary.key.mode': 'record_key', 'schema.evolution': 'basic', 'delete.enabled': 'true', ...extra });

test('creates a missing table with its primary key, then adds columns for new fields', async () => {
  const task = await startTask(upsertProps());
  await task.put([user('users', { id: 1, name: 'ann', score: 10 }), user('users', { id: 2, name: 'bob' })]);

  const columns = await rows<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position`,
  );
  expect(columns).toEqual([
    { column_name: 'id', data_type: 'integer', is_nullable: 'NO' },
    { column_name: 'name', data_type: 'text', is_nullable: 'NO' },
    { column_name: 'score', data_type: 'bigint', is_nullable: 'YES' },
  ]);
  const [pk] = await rows<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'p'`);
  expect(pk?.def).toBe('PRIMARY KEY (id)');

  await task.put([user('users', { id: 3, name: 'cy', email: 'cy@example.com' }, USER_V2)]);
  expect(await rows('SELECT id, name, score, email FROM users ORDER BY id')).toEqual([
    { id: 1, name: 'ann', score: '10', email: null },
    { id: 2, name: 'bob', score: null, email: null },
    { id: 3, name: 'cy', score: null, email: 'cy@example.com' },
  ]);
});

test('upserts are idempotent and the last change per key in a batch wins', async () => {
  const task = await startTask(upsertProps());
  const batch = [
    user('scores', { id: 1, name: 'a', score: 1 }),
    user('scores', { id: 2, name: 'b', score: 2 }),
    user('scores', { id: 1, name: 'a2', score: 3 }),
    tombstone('scores', 2),
    user('scores', { id: 3, name: 'c', score: 9007199254740993n }),
  ];
  await task.put(batch);
  const first = await rows('SELECT id, name, score::text AS score FROM scores ORDER BY id');
  expect(first).toEqual([
    { id: 1, name: 'a2', score: '3' },
    { id: 3, name: 'c', score: '9007199254740993' },
  ]);
  // The runtime redelivers a batch whose offsets were not committed: the table must not change.
  await task.put(batch);
  expect(await rows('SELECT id, name, score::text AS score FROM scores ORDER BY id')).toEqual(first);
});

test('a delete followed by an upsert of the same key in one batch leaves the new row', async () => {
  const task = await startTask(upsertProps());
  await task.put([user('reborn', { id: 1, name: 'old', score: 5 })]);
  await task.put([tombstone('reborn', 1), user('reborn', { id: 1, name: 'new' }), user('reborn', { id: 2, name: 'x' }), tombstone('reborn', 2)]);
  expect(await rows('SELECT id, name, score FROM reborn ORDER BY id')).toEqual([{ id: 1, name: 'new', score: null }]);
});

test('tombstones are skipped unless delete.enabled', async () => {
  const task = await startTask(upsertProps({ 'delete.enabled': 'false' }));
  await task.put([user('keep', { id: 1, name: 'a' })]);
  await task.put([tombstone('keep', 1)]);
  expect(await rows('SELECT id FROM keep')).toEqual([{ id: 1 }]);
});

test('insert mode: a duplicate key fails with an error naming the record and the key', async () => {
  const task = await startTask(baseProps({ 'primary.key.mode': 'record_key', 'schema.evolution': 'basic' }));
  await task.put([user('plain', { id: 1, name: 'a' })]);
  const dup = user('plain', { id: 1, name: 'again' });
  const err = await task.put([user('plain', { id: 2, name: 'b' }), dup]).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  const message = (err as Error).message;
  expect(message).toContain(`topic plain, partition 0, offset ${dup.kafkaOffset}`);
  expect(message).toContain('table public.plain');
  expect(message).toContain('column "id"');
  expect(message).toContain('duplicate key value violates unique constraint');
  expect((err as DataError).field).toBe('id');
  // Nothing of the failed batch was committed.
  expect(await rows('SELECT id, name FROM plain ORDER BY id')).toEqual([{ id: 1, name: 'a' }]);
});

test('a value the column cannot take names the record and the column; errors.tolerance=all reports it and writes the rest', async () => {
  await rows('CREATE TABLE typed (id integer PRIMARY KEY, code varchar(3), amount numeric(5,2), qty integer)');
  const schema = SchemaBuilder.struct()
    .field('id', Schema.INT32_SCHEMA)
    .field('code', Schema.OPTIONAL_STRING_SCHEMA)
    .field('amount', Schema.OPTIONAL_STRING_SCHEMA)
    .field('qty', Schema.OPTIONAL_STRING_SCHEMA)
    .build();
  const rec = (values: Record<string, unknown>): SinkRecord =>
    flatRecord({ topic: 'typed', offset: offsets.take('typed'), keySchema: USER_KEY, key: struct(USER_KEY, { id: values['id'] }), valueSchema: schema, value: struct(schema, values) });
  const props = baseProps({ 'insert.mode': 'upsert', 'primary.key.mode': 'record_key' });

  const strict = await startTask(props);
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ id: 2, code: 'toolong' }, 'code', 'value too long for type character varying(3)'],
    [{ id: 3, amount: '12345.67' }, 'amount', 'numeric field overflow'],
    [{ id: 4, qty: 'many' }, 'qty', 'invalid input syntax for type integer'],
  ];
  for (const [values, column, reason] of cases) {
    const bad = rec(values);
    const err = await strict.put([rec({ id: 1, code: 'ok' }), bad]).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(`offset ${bad.kafkaOffset}`);
    expect((err as Error).message).toContain(`column "${column}"`);
    expect((err as Error).message).toContain(reason);
    expect((err as DataError).field).toBe(column);
  }
  expect(await rows('SELECT count(*)::int AS n FROM typed')).toEqual([{ n: 0 }]);

  const reporter = capturingReporter();
  const tolerant = await startTask({ ...props, 'errors.tolerance': 'all' }, reporter);
  const bad = rec({ id: 5, qty: 'x' });
  await tolerant.put([rec({ id: 1, code: 'ok', amount: '1.5', qty: '7' }), bad, rec({ id: 6, code: 'abc' })]);
  expect(reporter.reported.map((r) => r.record)).toEqual([bad]);
  expect(reporter.reported[0]?.error.message).toContain('column "qty"');
  expect(await rows('SELECT id, code, amount::text AS amount, qty FROM typed ORDER BY id')).toEqual([
    { id: 1, code: 'ok', amount: '1.50', qty: 7 },
    { id: 6, code: 'abc', amount: null, qty: null },
  ]);
});

test('a constraint checked at commit fails the whole batch; the connection stays usable', async () => {
  await rows('CREATE TABLE owners (id bigint PRIMARY KEY)');
  await rows('CREATE TABLE pets (id integer PRIMARY KEY, name text NOT NULL, score bigint REFERENCES owners DEFERRABLE INITIALLY DEFERRED)');
  const task = await startTask(upsertProps());
  const batch = [user('pets', { id: 1, name: 'a', score: 42 })];
  const err = await task.put(batch).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectError);
  expect((err as Error).message).toContain('Committing a batch of 1 statements failed');
  expect(await rows('SELECT id FROM pets')).toEqual([]);
  await rows('INSERT INTO owners VALUES (42)');
  await task.put(batch);
  expect(await rows('SELECT id, score FROM pets')).toEqual([{ id: 1, score: '42' }]);
});

test('update mode changes existing rows and creates none', async () => {
  await rows('CREATE TABLE upd (id integer PRIMARY KEY, name text NOT NULL, score bigint)');
  await rows(`INSERT INTO upd VALUES (1, 'one', 1)`);
  const task = await startTask(baseProps({ 'insert.mode': 'update', 'primary.key.mode': 'record_key' }));
  await task.put([user('upd', { id: 1, name: 'uno', score: 11 }), user('upd', { id: 2, name: 'dos' })]);
  expect(await rows('SELECT id, name, score FROM upd ORDER BY id')).toEqual([{ id: 1, name: 'uno', score: '11' }]);
});

test('record_value keys, kafka coordinates as keys, and schemaless maps', async () => {
  const byValue = await startTask(
    baseProps({ 'insert.mode': 'upsert', 'primary.key.mode': 'record_value', 'primary.key.fields': 'sku', 'schema.evolution': 'basic' }),
  );
  const item = (sku: string, qty: unknown, extra: Record<string, unknown> = {}): SinkRecord =>
    flatRecord({ topic: 'stock', offset: offsets.take('stock'), value: { sku, qty, ...extra } });
  await byValue.put([item('a', 1), item('b', 2.5), item('a', 3, { tags: ['x', 'y'], big: 12345678901234567890n })]);
  expect(await rows('SELECT sku, qty, tags, big::text AS big FROM stock ORDER BY sku')).toEqual([
    { sku: 'a', qty: 3, tags: ['x', 'y'], big: '12345678901234567890' },
    { sku: 'b', qty: 2.5, tags: null, big: null },
  ]);

  const byCoordinates = await startTask(baseProps({ 'insert.mode': 'upsert', 'primary.key.mode': 'kafka', 'schema.evolution': 'basic' }));
  const event = flatRecord({ topic: 'events', offset: 41, partition: 3, valueSchema: Schema.STRING_SCHEMA, value: 'x' });
  await expect(byCoordinates.put([event])).rejects.toThrow('Expected a struct or map to write as a row, got string');
  const e1 = flatRecord({ topic: 'events', offset: 42, partition: 3, value: { what: 'x' } });
  await byCoordinates.put([e1, e1]);
  expect(await rows('SELECT __connect_topic, __connect_partition, __connect_offset, what FROM events')).toEqual([
    { __connect_topic: 'events', __connect_partition: 3, __connect_offset: '42', what: 'x' },
  ]);
});

test('table.name.format: dotted topics become underscored names, a dot in the format names the schema', async () => {
  const task = await startTask(upsertProps());
  await task.put([user('server.public.orders', { id: 1, name: 'o' })]);
  expect(await rows('SELECT id FROM public.server_public_orders')).toEqual([{ id: 1 }]);

  const archived = await startTask(upsertProps({ 'table.name.format': 'Archive.${topic}_Copy' }));
  await archived.put([user('server.public.orders', { id: 7, name: 'o' })]);
  expect(await rows('SELECT id FROM archive.server_public_orders_copy')).toEqual([{ id: 7 }]);

  const verbatim = await startTask(upsertProps({ 'table.name.format': 'Mixed${topic}', 'quote.identifiers': 'true' }));
  await verbatim.put([user('T', { id: 8, name: 'm' })]);
  expect(await rows('SELECT id FROM "MixedT"')).toEqual([{ id: 8 }]);
});

test('a missing table without schema evolution fails with a clear error', async () => {
  const task = await startTask(baseProps({ 'primary.key.mode': 'record_key' }));
  await expect(task.put([user('nowhere', { id: 1, name: 'a' })])).rejects.toThrow(
    'Table nowhere does not exist; create it or set schema.evolution=basic to have the sink create it',
  );
});

test('a JDBC connection URL with Debezium key names works', async () => {
  const task = await startTask({
    'connection.url': `jdbc:postgresql://${pg.host}:${pg.port}/sink`,
    'connection.username': pg.user,
    'connection.password': pg.password,
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'schema.evolution': 'basic',
    topics: 'jdbc',
  });
  await task.put([user('jdbc', { id: 1, name: 'j' })]);
  expect(await rows('SELECT name FROM jdbc')).toEqual([{ name: 'j' }]);
});

test('a connection lost while idle is replaced; one lost during a put makes it retriable', async () => {
  await rows('CREATE TABLE lost (id integer PRIMARY KEY, name text NOT NULL, score bigint)');
  await rows('CREATE SEQUENCE kill_once');
  // Kills its own session during the first insert it sees, so that the connection dies in the middle of a put.
  await rows(`CREATE FUNCTION kill_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = 3 AND nextval('kill_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
      RETURN NEW;
    END $$`);
  await rows('CREATE TRIGGER kill_once BEFORE INSERT ON lost FOR EACH ROW EXECUTE FUNCTION kill_once()');
  const props = upsertProps();
  const task = new PostgresSinkTask({ logger: capturingLogger() });
  const context = sinkContext(props);
  task.initialize(context);
  running.push(task);
  await task.start(props);
  await task.put([user('lost', { id: 1, name: 'a' })]);

  await rows(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sluice-postgres-sink' AND pid <> pg_backend_pid()`);
  await new Promise((r) => setTimeout(r, 100));
  await task.put([user('lost', { id: 2, name: 'b' })]);

  const batch = [user('lost', { id: 3, name: 'c' })];
  const err = await task.put(batch).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(RetriableError);
  expect((err as Error).message).toContain(`Writing to PostgreSQL at postgres@${pg.host}:${pg.port}/sink failed`);
  expect(context.timeouts).toEqual([1000]);
  // The runtime delivers the same batch again after the timeout.
  await task.put(batch);
  expect(await rows('SELECT id FROM lost ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
});

test('records that cannot be bound are reported under errors.tolerance=all, and fail the batch otherwise', async () => {
  await rows('CREATE TABLE narrow (id integer PRIMARY KEY, name text, score bigint)');
  const props = baseProps({ 'insert.mode': 'upsert', 'primary.key.mode': 'record_key' });
  const extra = user('narrow', { id: 2, name: 'b', email: 'b@example.com' }, USER_V2);
  const strict = await startTask(props);
  await expect(strict.put([user('narrow', { id: 1, name: 'a', score: null }), extra])).rejects.toThrow(
    `Cannot write record (topic narrow, partition 0, offset ${extra.kafkaOffset}) to table public.narrow: Table public.narrow has no column "email"`,
  );
  const reporter = capturingReporter();
  const tolerant = await startTask({ ...props, 'errors.tolerance': 'all' }, reporter);
  const keyless = flatRecord({ topic: 'narrow', offset: offsets.take('narrow'), valueSchema: USER_V1, value: struct(USER_V1, { id: 9, name: 'z' }) });
  await tolerant.put([user('narrow', { id: 1, name: 'a', score: null }), extra, keyless]);
  expect(reporter.reported.map((r) => r.record)).toEqual([keyless, extra]);
  expect(reporter.reported[0]?.error.message).toContain('The record has no key, but primary.key.mode=record_key takes the primary key from it');
  expect(await rows('SELECT id, name FROM narrow')).toEqual([{ id: 1, name: 'a' }]);
});

test('a wrong password fails start() with a clear, non-retriable error', async () => {
  const task = new PostgresSinkTask({ logger: capturingLogger() });
  const props = baseProps({ 'connection.password': 'wrong' });
  task.initialize(sinkContext(props));
  const err = await task.start(props).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectError);
  expect((err as ConnectError).retriable).toBe(false);
  expect((err as Error).message).toContain(`Cannot log in to PostgreSQL as postgres@${pg.host}:${pg.port}/sink`);
  expect((err as Error).message).toContain('password authentication failed for user "postgres"');
  expect((err as Error).message).not.toContain('wrong');
  await task.stop();
});
