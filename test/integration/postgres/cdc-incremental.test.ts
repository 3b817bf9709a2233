/**
 * Ad hoc incremental snapshots through the signal table while the table keeps changing: every row arrives, no
 * chunk row is emitted after a newer streamed change of the same key, and replaying the topic gives the table.
 */
import type { TestWorker } from '../../helpers/connect-worker';
import { waitFor } from '../../helpers/connect-worker';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { cdcConfig, createConnector, deleteConnector, op, replay, source, sqlClient, startCdcWorker, storedOffset, waitForTopic } from './cdc-support';

jest.setTimeout(60_000);

let pg: RunningPostgres;
let worker: TestWorker;

beforeAll(async () => {
  pg = await startPostgres();
  worker = await startCdcWorker();
});

afterAll(async () => {
  await worker?.stop();
  await pg?.stop();
});

const ROWS = 5000;

test('execute-snapshot: chunks with watermarks, deduplicated against concurrent changes', async () => {
  await pg.query(`
    CREATE TABLE debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048) NULL);
    CREATE TABLE inc (id int PRIMARY KEY, n int NOT NULL);
    INSERT INTO inc SELECT g, 0 FROM generate_series(1, ${ROWS}) g;
  `);
  await createConnector(
    worker,
    'inc',
    cdcConfig(pg, {
      'snapshot.mode': 'no_data',
      'signal.data.collection': 'public.debezium_signal',
      'incremental.snapshot.chunk.size': '300',
      'table.include.list': 'public\\.inc,public\\.debezium_signal',
    }),
  );
  await waitFor(() => pg.query<{ active: boolean }>(`SELECT active FROM pg_replication_slots WHERE slot_name = 'debezium'`), (r) => r[0]?.active === true, 'the slot in use', 20000);

  const client = await sqlClient(pg);
  let stop = false;
  let next = ROWS + 1;
  const churn = (async () => {
    for (let i = 0; !stop; i++) {
      const id = 1 + ((i * 7919) % ROWS);
      if (i % 5 === 4) await client.query('DELETE FROM inc WHERE id = $1', [id]);
      else if (i % 5 === 3) await client.query('INSERT INTO inc VALUES ($1, 0)', [next++]);
      else await client.query('UPDATE inc SET n = n + 1 WHERE id = $1', [id]);
    }
  })();
  try {
    await pg.query(`INSERT INTO debezium_signal VALUES ('ad-hoc-1', 'execute-snapshot', '{"data-collections": ["public.inc"], "type": "incremental"}')`);
    await waitFor(async () => storedOffset(worker, 'inc', 'pgs'), (o) => typeof o?.['incremental_snapshot_collections'] === 'string', 'snapshot progress in the offsets', 20000);
    // (Reading the topic while it grows this fast would not end: kcat -e waits for a quiet end of partition.)
    const progress = (o: Record<string, unknown> | undefined): number => Number((JSON.parse(String(o?.['incremental_snapshot_primary_key'] ?? '["0"]')) as string[])[0]);
    await waitFor(async () => storedOffset(worker, 'inc', 'pgs'), (o) => progress(o) > ROWS / 2, 'half of the chunks', 30000);
  } finally {
    stop = true;
    await churn;
    await client.end();
  }
  const table = await pg.query<{ id: number; n: number }>('SELECT id, n FROM inc');
  const records = await waitForTopic(
    worker,
    'pgs.public.inc',
    (rs) => {
      const state = replay(rs);
      return state.size === table.length && table.every((row) => state.get(JSON.stringify({ id: row.id }))?.['n'] === row.n);
    },
    'the table state',
  );
  const reads = records.filter((r) => op(r) === 'r');
  expect(reads.length).toBeGreaterThan(ROWS / 2);
  expect(source(reads[0]!)).toMatchObject({ snapshot: 'incremental', txId: null, lsn: null });
  // A chunk row never comes after a newer streamed change of its key: n only grows along each key's events.
  const lastN = new Map<number, number>();
  const deleted = new Set<number>();
  for (const r of records) {
    if (r.value === null) continue;
    const row = (r.value['after'] ?? r.value['before']) as { id: number; n: number };
    if (op(r) === 'd') {
      deleted.add(row.id);
      continue;
    }
    if (op(r) === 'r' && deleted.has(row.id)) throw new Error(`row ${row.id} read by the snapshot after its delete`);
    const previous = lastN.get(row.id);
    if (previous !== undefined && row.n < previous) throw new Error(`row ${row.id}: ${op(r)} with n=${row.n} after n=${previous}`);
    lastN.set(row.id, row.n);
  }
  // The watermarks went through the signal table, one pair per chunk.
  const closes = await pg.query(`SELECT 1 FROM debezium_signal WHERE type = 'snapshot-window-close'`);
  expect(closes.length).toBeGreaterThanOrEqual(10);
  expect((await pg.query(`SELECT 1 FROM debezium_signal WHERE type = 'snapshot-window-open'`)).length).toBe(closes.length);
});

test('an incremental snapshot interrupted by a restart resumes after the last chunk emitted', async () => {
  await pg.query(`
    CREATE TABLE signals2 (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048) NULL);
    CREATE TABLE inc2 (id int PRIMARY KEY, v text);
    INSERT INTO inc2 SELECT g, 'v' || g FROM generate_series(1, 3000) g;
  `);
  const config = cdcConfig(pg, {
    'slot.name': 'inc2_slot',
    'topic.prefix': 'pg2',
    'snapshot.mode': 'no_data',
    'signal.data.collection': 'public.signals2',
    'incremental.snapshot.chunk.size': '50',
    'table.include.list': 'public\\.inc2',
    'max.batch.size': '20',
    'max.queue.size': '40',
  });
  await createConnector(worker, 'inc2', config);
  await waitFor(() => pg.query<{ active: boolean }>(`SELECT active FROM pg_replication_slots WHERE slot_name = 'inc2_slot'`), (r) => r[0]?.active === true, 'the slot in use', 20000);
  await pg.query(`INSERT INTO signals2 VALUES ('resume-1', 'execute-snapshot', '{"data-collections": ["public\\\\.inc2"]}')`);
  const progress = (o: Record<string, unknown> | undefined): number => Number((JSON.parse(String(o?.['incremental_snapshot_primary_key'] ?? '["0"]')) as string[])[0]);
  await waitFor(async () => storedOffset(worker, 'inc2', 'pg2'), (o) => progress(o) >= 500, 'some chunks', 20000);
  await deleteConnector(worker, 'inc2');
  const stoppedAt = progress(storedOffset(worker, 'inc2', 'pg2'));
  expect(stoppedAt).toBeLessThan(3000);
  await createConnector(worker, 'inc2', config);
  const records = await waitForTopic(worker, 'pg2.public.inc2', (rs) => replay(rs).size === 3000, 'every row');
  const reads = records.filter((r) => op(r) === 'r');
  // Rows up to the stored key are not read again: at most the chunk in flight at the stop comes twice.
  expect(reads.length).toBeLessThanOrEqual(3000 + 50 + 40);
  expect(new Set(reads.map((r) => (r.key as { id: number }).id)).size).toBe(3000);
});
