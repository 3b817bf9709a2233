/**
 * The Postgres sink's one-round-trip transactions against a real PostgreSQL 15: all or nothing, where a failure
 * stopped, the connection usable afterwards, and the statements prepared per connection (reused, closed past the
 * limit, prepared again when the server lost them).
 */
import { Client, DatabaseError } from 'pg';
import { insertStatement, type SqlStatement } from '../../../connectors/postgres/sink/sql-statements';
import { PreparedStatements, runTransaction } from '../../../connectors/postgres/sink/transaction-pipeline';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { fakeTable } from '../../unit/connectors/postgres/sink/sink-test-support';

let pg: RunningPostgres;
let client: Client;

beforeAll(async () => {
  pg = await startPostgres({ walLevel: 'replica' });
  await pg.createDatabase('pipeline');
});

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  client = new Client({ connectionString: pg.connectionString('pipeline') });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS items, parents, children');
  await client.query('CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL)');
});

afterEach(async () => {
  await client.end();
});

const items = fakeTable({ name: 'items', columns: { id: 'int4', name: 'text' }, primaryKey: ['id'] });

function upsert(...rows: [string, string | null][]): SqlStatement {
  return insertStatement({ table: items, columns: ['id', 'name'], rows, conflictKey: ['id'] });
}

async function stored(): Promise<unknown[]> {
  return (await client.query('SELECT id, name FROM items ORDER BY id')).rows;
}

async function preparedNames(): Promise<string[]> {
  return (await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r) => r.name);
}

test('the statements are committed together', async () => {
  const outcome = await runTransaction(client, [upsert(['1', 'a'], ['2', 'b']), upsert(['2', 'B'], ['3', 'c'])], true);
  expect(outcome).toEqual({ ok: true });
  expect(await stored()).toEqual([
    { id: 1, name: 'a' },
    { id: 2, name: 'B' },
    { id: 3, name: 'c' },
  ]);
  expect(client.getTransactionStatus()).toBe('I');
});

test('texts arrive as they are: quotes, backslashes, braces, multi-byte characters, long texts', async () => {
  const names = ['a"b', 'c\\d', '{"k": ["v", null]}', 'NULL', '', 'ünï 😀 €', 'x'.repeat(5000), `${'y'.repeat(100)}é`];
  const outcome = await runTransaction(client, [upsert(...names.map((n, i): [string, string] => [String(i), n]))], true);
  expect(outcome).toEqual({ ok: true });
  expect((await stored()).map((r) => (r as { name: string }).name)).toEqual(names);
});

test('a failing statement stops the transaction: its index and error are given, nothing is committed', async () => {
  const outcome = await runTransaction(client, [upsert(['1', 'a']), upsert(['2', null]), upsert(['3', 'c'])], true);
  expect(outcome).toMatchObject({ ok: false, failedAt: 1 });
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(DatabaseError);
  expect((error as DatabaseError).code).toBe('23502');
  // The transaction is left open in its failed state for the caller to roll back.
  await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
  await client.query('ROLLBACK');
  expect(await stored()).toEqual([]);
  expect(await runTransaction(client, [upsert(['3', 'c'])], true)).toEqual({ ok: true });
  expect(await stored()).toEqual([{ id: 3, name: 'c' }]);
});

test('a constraint checked at commit fails the commit', async () => {
  await client.query('CREATE TABLE parents (id integer PRIMARY KEY)');
  await client.query('CREATE TABLE children (id integer PRIMARY KEY, parent integer REFERENCES parents DEFERRABLE INITIALLY DEFERRED)');
  const orphan: SqlStatement = { sql: 'INSERT INTO children VALUES (1, 42)', params: [] };
  const outcome = await runTransaction(client, [orphan], true);
  expect(outcome).toMatchObject({ ok: false, failedAt: 'commit' });
  expect((outcome as { error: DatabaseError }).error.code).toBe('23503');
  // The failed COMMIT ended the transaction.
  expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  expect(client.getTransactionStatus()).toBe('I');
});

test('a statement is prepared once per connection and bound again after that', async () => {
  await runTransaction(client, [upsert(['1', 'a'])], true);
  const [name] = await preparedNames();
  expect(name).toMatch(/^sluice_\d+$/);
  await runTransaction(client, [upsert(['2', 'b'], ['3', 'c']), upsert(['4', 'd'])], true);
  expect(await preparedNames()).toEqual([name]);
  expect(await stored()).toHaveLength(4);
});

test('without preparing, nothing is left in the session', async () => {
  expect(await runTransaction(client, [upsert(['1', 'a'])], false)).toEqual({ ok: true });
  expect(await preparedNames()).toEqual([]);
});

test('names first used by a failed transaction are closed; the statements are prepared again next time', async () => {
  const failing = await runTransaction(client, [upsert(['1', 'a']), { sql: 'SELECT 1/0', params: [] }], true);
  expect(failing).toMatchObject({ ok: false, failedAt: 1 });
  await client.query('ROLLBACK');
  expect(await runTransaction(client, [upsert(['1', 'a'])], true)).toEqual({ ok: true });
  // Only the statement prepared by the successful transaction remains.
  expect(await preparedNames()).toHaveLength(1);
  expect(await stored()).toEqual([{ id: 1, name: 'a' }]);
});

test('statements the server lost are prepared again after one failure', async () => {
  await runTransaction(client, [upsert(['1', 'a'])], true);
  await client.query('DEALLOCATE ALL');
  const lost = await runTransaction(client, [upsert(['2', 'b'])], true);
  expect(lost).toMatchObject({ ok: false, failedAt: 0 });
  expect((lost as { error: DatabaseError }).error.code).toBe('26000');
  await client.query('ROLLBACK');
  expect(await runTransaction(client, [upsert(['2', 'b'])], true)).toEqual({ ok: true });
  expect(await stored()).toEqual([
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
  ]);
});

test('past the limit, the least recently used statements are closed', async () => {
  const distinct = (i: number): SqlStatement => ({ sql: `INSERT INTO items VALUES (${i}, 'n${i}')`, params: [] });
  for (let i = 0; i < PreparedStatements.LIMIT + 5; i++) expect(await runTransaction(client, [distinct(i)], true)).toEqual({ ok: true });
  // Each transaction closes what the one before it evicted.
  expect((await preparedNames()).length).toBeLessThanOrEqual(PreparedStatements.LIMIT + 1);
  expect(await stored()).toHaveLength(PreparedStatements.LIMIT + 5);
});

test('a lost connection fails the transaction', async () => {
  client.on('error', () => undefined);
  const ended = new Promise((resolve) => client.once('end', resolve));
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  await pg.query('SELECT pg_terminate_backend($1)', [pid], 'pipeline');
  await ended;
  const outcome = await runTransaction(client, [upsert(['1', 'a'])], true);
  expect(outcome).toMatchObject({ ok: false, failedAt: 'begin' });
});
