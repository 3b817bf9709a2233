/**
 * The initial snapshot through a real worker: a 20 000-row table read through the slot's exported snapshot while
 * other sessions insert, update and delete (the connector is paused meanwhile, so the overlap is certain);
 * those changes arrive after the snapshot as c/u/d, every row exactly once (r or c, never both), every update once
 * and in order, and replaying the topic gives the table.
 */
import type { Client } from 'pg';
import { type TestWorker, waitFor } from '../../helpers/connect-worker';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { cdcConfig, createConnector, op, readTopic, replay, source, sqlClient, startCdcWorker, storedOffset, waitForTopic } from './cdc-support';

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

const ROWS = 20_000;

let next = ROWS + 1;

/** Inserts, updates (n = n + 1) and deletes, one transaction each, until `stop` says so (asked every 10 statements). */
async function churn(client: Client, stop: () => Promise<boolean> | boolean): Promise<{ inserted: number[]; deleted: Set<number>; statements: number }> {
  const inserted: number[] = [];
  const deleted = new Set<number>();
  let statements = 0;
  for (let i = 0; i % 10 !== 0 || !(await stop()); i++) {
    const kind = i % 3;
    if (kind === 0) {
      await client.query('INSERT INTO big (id, v, n) VALUES ($1, $2, 0)', [next, `new ${next}`]);
      inserted.push(next++);
    } else if (kind === 1) {
      await client.query('UPDATE big SET n = n + 1 WHERE id = $1', [1 + ((i * 7919) % ROWS)]);
    } else {
      const id = 1 + ((i * 104729) % ROWS);
      await client.query('DELETE FROM big WHERE id = $1', [id]);
      deleted.add(id);
    }
    statements++;
  }
  return { inserted, deleted, statements };
}

test('a consistent snapshot with concurrent changes streamed after it: nothing missed, nothing doubled', async () => {
  await pg.query('CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL, n int NOT NULL)');
  await pg.query('CREATE TABLE a_small (id int PRIMARY KEY, label text)');
  await pg.query('CREATE TABLE b_empty (id int PRIMARY KEY)');
  await pg.query(`INSERT INTO big SELECT g, 'row ' || g, 0 FROM generate_series(1, ${ROWS}) g`);
  await pg.query(`INSERT INTO a_small VALUES (1, 'one'), (2, 'two'), (3, 'three')`);
  await pg.query('ANALYZE');

  // The connector is paused as soon as its snapshot transaction is open: the record queue fills and the snapshot
  // waits part-way, while other sessions change the big table. Those changes lie after the slot's consistent point:
  // streamed once the snapshot is done, never read by it.
  await createConnector(worker, 'snap', cdcConfig(pg, { 'snapshot.fetch.size': '700', 'max.batch.size': '256', 'max.queue.size': '512' }));
  const snapshotOpen = async (): Promise<boolean> =>
    (await pg.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'sluice-cdc-pgs-snapshot'`)).length > 0;
  await waitFor(snapshotOpen, (open) => open, 'the snapshot transaction', 20000);
  expect((await worker.call('PUT', '/connectors/snap/pause')).status).toBe(202);
  const client = await sqlClient(pg);
  let churned: Awaited<ReturnType<typeof churn>>;
  try {
    let n = 0;
    churned = await churn(client, () => (n += 10) > 150);
    expect(await snapshotOpen()).toBe(true);
    expect((await worker.call('PUT', '/connectors/snap/resume')).status).toBe(202);
    // A few more while the snapshot reads on, and after it.
    let checks = 0;
    const more = await churn(client, () => checks++ >= 5);
    churned.inserted.push(...more.inserted);
    for (const d of more.deleted) churned.deleted.add(d);
    churned.statements += more.statements;
  } finally {
    await client.end();
  }

  const table = await pg.query<{ id: number; v: string; n: number }>('SELECT id, v, n FROM big');
  const records = await waitForTopic(
    worker,
    'pgs.public.big',
    (rs) => replay(rs).size === table.length && [...replay(rs).values()].reduce((s, a) => s + Number(a['n']), 0) === table.reduce((s, r) => s + r.n, 0),
    'the topic to reach the table state',
  );

  // Replaying the topic gives the table.
  const state = replay(records, (k) => String((k as { id: number }).id));
  expect(state.size).toBe(table.length);
  for (const row of table) expect(state.get(String(row.id))).toEqual({ id: row.id, v: row.v, n: row.n });

  // Each row came once, as r (in the snapshot) or c (after it); each update once, in order (n counts them).
  const seen = new Map<number, string[]>();
  const lastN = new Map<number, number>();
  for (const r of records) {
    if (r.value === null) continue;
    const after = r.value['after'] as { id: number; n: number } | null;
    const before = r.value['before'] as { id: number } | null;
    const id = (after ?? before)!.id;
    seen.set(id, [...(seen.get(id) ?? []), op(r)]);
    if (after !== null) {
      if (op(r) === 'u') expect(after.n).toBe((lastN.get(id) ?? -1) + 1);
      lastN.set(id, after.n);
    }
  }
  for (const [id, ops] of seen) {
    const creations = ops.filter((o) => o === 'r' || o === 'c').length;
    if (creations !== 1) throw new Error(`row ${id} was created ${creations} times: ${ops.join(',')}`);
  }
  const snapshotRows = records.filter((r) => op(r) === 'r');
  const streamed = records.filter((r) => ['c', 'u', 'd'].includes(op(r)));
  expect(churned!.statements).toBeGreaterThan(150);
  expect(streamed.length).toBeGreaterThan(100);
  // The snapshot shows the table as of the slot's consistent point: none of the changes made while it waited.
  const firstChurned = churned!.inserted[0]!;
  expect(snapshotRows.filter((r) => (r.value?.['after'] as { id: number; n: number }).n !== 0 || (r.value?.['after'] as { id: number }).id >= firstChurned)).toEqual([]);
  expect(snapshotRows.filter((r) => r.key !== null && (r.key as { id: number }).id <= ROWS)).toHaveLength(ROWS);
  const lastSnapshotIndex = records.findIndex((r) => source(r)['snapshot'] === 'last');
  expect(lastSnapshotIndex).toBe(snapshotRows.length - 1);
  const consistentPoint = Number(source(snapshotRows[0]!)['lsn']);
  for (const r of streamed) {
    expect(source(r)['snapshot']).toBe('false');
    expect(Number(source(r)['lsn'])).toBeGreaterThanOrEqual(consistentPoint);
  }
  // Deletes are followed by tombstones.
  const deletes = records.map((r, i) => [r, i] as const).filter(([r]) => op(r) === 'd');
  for (const [, i] of deletes) expect(records[i + 1]!.value).toBeNull();

  // Markers: first / first_in_data_collection / true / last_in_data_collection / last, across both tables.
  const small = await readTopic(worker, 'pgs.public.a_small');
  expect(small.map((r) => source(r)['snapshot'])).toEqual(['first', 'true', 'last_in_data_collection']);
  expect(source(snapshotRows[0]!)['snapshot']).toBe('first_in_data_collection');
  expect(snapshotRows.slice(1, -1).every((r) => source(r)['snapshot'] === 'true')).toBe(true);
  expect(source(snapshotRows[0]!)['sequence']).toBe(`[null,"${consistentPoint}"]`);
  expect(typeof source(snapshotRows[0]!)['txId']).toBe('number');

  // The stored offset is a streaming one now (the snapshot is complete).
  const stored = storedOffset(worker, 'snap', 'pgs');
  expect(stored).toBeDefined();
  expect(stored!['snapshot']).toBeUndefined();
  expect(Number(stored!['lsn_commit'])).toBeGreaterThan(consistentPoint);
});
