/**
 * The whole pipeline with the shipped sample configs: Postgres → CDC source (Debezium envelopes with schemas) →
 * broker → Postgres sink into a second database. Rows are changed during the snapshot and while streaming,
 * including a primary-key change and deletes; once the pipeline settles, EXCEPT in both directions (through
 * dblink) finds no row that differs, for numeric, timestamptz, jsonb, uuid, bytea, arrays and NULLs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { waitFor, type TestWorker } from '../../helpers/connect-worker';
import { createConnector, startCdcWorker, taskState } from './cdc-support';

const CONFIG_DIR = path.join(__dirname, '..', '..', '..', 'config');
const COLUMNS = 'id bigint, name text, amount numeric(12,2), ratio numeric, created timestamptz, born date, doc jsonb, uid uuid, blob bytea, tags text[], scores int[], active boolean';

let pg: RunningPostgres;
let worker: TestWorker;

function sample(file: string): { name: string; config: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(CONFIG_DIR, file), 'utf8')) as { name: string; config: Record<string, string> };
}

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase('replica');
  await pg.query('CREATE EXTENSION dblink');
  await pg.query(`CREATE TABLE items (${COLUMNS.replace('id bigint', 'id bigint PRIMARY KEY')})`);
  await pg.query(`INSERT INTO items
    SELECT i, 'item ' || i, i * 1.25, i / 7.0, timestamptz '2024-03-01 10:00:00+02' + i * interval '1 minute 0.000123 second',
           date '1999-12-31' + i, jsonb_build_object('n', i, 'tags', jsonb_build_array('a', i)), md5(i::text)::uuid,
           decode(lpad(to_hex(i), 8, '0'), 'hex'), ARRAY['t' || i, NULL], ARRAY[i, i + 1], i % 2 = 0
      FROM generate_series(1, 3000) AS i`);
  await pg.query(`INSERT INTO items (id) VALUES (100000)`); // every other column NULL
  worker = await startCdcWorker();
}, 60000);

afterAll(async () => {
  await worker?.stop();
  await pg?.stop();
});

/** Rows of one side that the other lacks, both ways round. */
async function differences(): Promise<number> {
  const replica = `dblink('host=127.0.0.1 port=${pg.port} dbname=replica user=${pg.user} password=${pg.password}', 'SELECT id, name, amount, ratio, created, born, doc, uid, blob, tags, scores, active FROM public.items') AS r(${COLUMNS})`;
  const [row] = await pg.query<{ missing: string; extra: string }>(
    `SELECT (SELECT count(*) FROM (SELECT * FROM items EXCEPT SELECT * FROM ${replica}) a) AS missing,
            (SELECT count(*) FROM (SELECT * FROM ${replica} EXCEPT SELECT * FROM items) b) AS extra`,
  );
  return Number(row!.missing) + Number(row!.extra);
}

test('the sample source and sink configs replicate a table row for row through snapshot and streaming', async () => {
  const source = sample('postgres-cdc-source.json');
  await createConnector(worker, source.name, {
    ...source.config,
    'database.hostname': pg.host, 'database.port': String(pg.port), 'database.password': pg.password,
    'heartbeat.interval.ms': '1000', 'status.update.interval.ms': '1000', 'poll.interval.ms': '100',
  });
  // Changes while the snapshot runs: they must arrive after it, not in it, and not be lost.
  await pg.query(`UPDATE items SET amount = amount + 1, doc = doc || '{"changed": true}' WHERE id % 10 = 0`);
  await pg.query('DELETE FROM items WHERE id BETWEEN 100 AND 149');
  await pg.query(`INSERT INTO items (id, name, tags) VALUES (5000, 'late', '{}')`);

  const sink = sample('postgres-sink.json');
  await createConnector(worker, sink.name, {
    ...sink.config,
    'connection.url': `jdbc:postgresql://${pg.host}:${pg.port}/replica`, 'connection.password': pg.password,
  });
  await waitFor(() => taskState(worker, sink.name), (s) => s?.state === 'RUNNING', 'the sink task to run', 30000);

  // Streaming changes, a primary-key change among them.
  await pg.query(`UPDATE items SET id = 6000, name = 'moved' WHERE id = 7`);
  await pg.query(`UPDATE items SET blob = NULL, scores = ARRAY[]::int[], created = NULL WHERE id BETWEEN 200 AND 220`);
  await pg.query('DELETE FROM items WHERE id = 100000');
  await pg.query(`INSERT INTO items (id, ratio, uid) VALUES (7000, 123456789.000000001, gen_random_uuid())`);

  await waitFor(() => differences(), (n) => n === 0, 'the replica to equal the source', 90000);
  const [counts] = await pg.query<{ n: string }>('SELECT count(*) AS n FROM items');
  const [replicaCounts] = await pg.query<{ n: string }>('SELECT count(*) AS n FROM items', [], 'replica');
  expect(replicaCounts!.n).toBe(counts!.n);
  // The comparison covered real values, not columns that both sides left empty.
  const [filled] = await pg.query<{ n: string }>(
    'SELECT count(*) AS n FROM items WHERE amount IS NOT NULL AND created IS NOT NULL AND doc IS NOT NULL AND uid IS NOT NULL AND blob IS NOT NULL AND tags IS NOT NULL',
    [], 'replica');
  expect(Number(filled!.n)).toBeGreaterThan(2900);
  const [moved] = await pg.query<{ name: string }>('SELECT name FROM items WHERE id = 6000', [], 'replica');
  expect(moved!.name).toBe('moved');
  expect((await taskState(worker, source.name))?.state).toBe('RUNNING');
}, 150000);
