/**
 * Restarts: a connector deleted and posted again resumes from its stored offset (no loss, and after a clean stop no
 * duplicates); a worker process killed with SIGKILL during the snapshot and again while streaming, with changes
 * going on all along, ends with a topic whose replay is the table - and the slot's confirmed_flush_lsn never
 * passes the LSN of the stored offset.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { removeDir, tempDir } from '../../helpers/broker-harness';
import type { TestWorker } from '../../helpers/connect-worker';
import { testWorkerProps, waitFor } from '../../helpers/connect-worker';
import { freePort, startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { CLI, requireBuiltCli } from '../../helpers/sluice-cli';
import {
  cdcConfig,
  checkFlushInvariant,
  createConnector,
  deleteConnector,
  JSON_CONVERTERS,
  op,
  readTopic,
  replay,
  slotState,
  sqlClient,
  startCdcWorker,
  storedOffset,
  waitForTopic,
} from './cdc-support';

jest.setTimeout(90_000);

let pg: RunningPostgres;

beforeAll(async () => {
  pg = await startPostgres();
});

afterAll(async () => {
  await pg?.stop();
});

/** A stream of single-statement transactions: inserts of new ids, n = n + 1 updates and deletes. */
class Churn {
  inserted: number[] = [];
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly table: string,
    private next: number,
    private readonly existing: number,
  ) {}

  start(pauseMs = 2): this {
    this.done = (async () => {
      for (let i = 0; !this.stopped; i++) {
        const kind = i % 4;
        if (kind === 0 || kind === 1) {
          await this.client.query(`INSERT INTO ${this.table} (id, n) VALUES ($1, 0)`, [this.next]);
          this.inserted.push(this.next++);
        } else if (kind === 2) {
          await this.client.query(`UPDATE ${this.table} SET n = n + 1 WHERE id = $1`, [1 + ((i * 7919) % this.existing)]);
        } else {
          await this.client.query(`DELETE FROM ${this.table} WHERE id = $1`, [1 + ((i * 104729) % this.existing)]);
        }
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

async function tableState(table: string): Promise<Map<string, { id: number; n: number }>> {
  const rows = await pg.query<{ id: number; n: number }>(`SELECT id, n FROM ${table}`);
  return new Map(rows.map((r) => [String(r.id), { id: r.id, n: r.n }]));
}

const byId = (k: unknown): string => String((k as { id: number }).id);

function sameState(state: Map<string, Record<string, unknown>>, expected: Map<string, { id: number; n: number }>): boolean {
  return state.size === expected.size && [...expected].every(([id, row]) => state.get(id)?.['n'] === row.n);
}

test('a connector deleted and posted again resumes from its stored offset', async () => {
  const worker: TestWorker = await startCdcWorker();
  const client = await sqlClient(pg);
  try {
    await pg.query('CREATE TABLE r1 (id int PRIMARY KEY, n int NOT NULL)');
    await pg.query('INSERT INTO r1 SELECT g, 0 FROM generate_series(1, 1000) g');
    const config = cdcConfig(pg, { 'slot.name': 'r1_slot', 'topic.prefix': 'r1s', 'table.include.list': 'public\\.r1' });
    await createConnector(worker, 'r1', config);
    await waitForTopic(worker, 'r1s.public.r1', (rs) => rs.length >= 1000, 'the snapshot');
    const churn = new Churn(client, 'r1', 1001, 1000).start(1);
    await new Promise((r) => setTimeout(r, 1500));
    await churn.stop();
    const streamed = await tableState('r1');
    await waitForTopic(worker, 'r1s.public.r1', (rs) => sameState(replay(rs, byId), streamed), 'streamed changes');

    await deleteConnector(worker, 'r1');
    // A clean stop confirms exactly what was stored.
    const stored = storedOffset(worker, 'r1', 'r1s')!;
    const slot = await slotState(pg, 'r1_slot');
    expect(slot?.active).toBe(false);
    expect(slot?.confirmed).toBe(BigInt(String(stored['lsn_commit'])));

    // Changes while the connector is away come after it is back.
    const away = new Churn(client, 'r1', 100_000, 1000).start(0);
    await new Promise((r) => setTimeout(r, 1000));
    await away.stop();
    await createConnector(worker, 'r1', config);
    const expected = await tableState('r1');
    const records = await waitForTopic(worker, 'r1s.public.r1', (rs) => sameState(replay(rs, byId), expected), 'the table state after the restart');
    // No duplicates after a clean stop: every row created once.
    const creations = new Map<string, number>();
    for (const r of records) if (op(r) === 'c' || op(r) === 'r') creations.set(byId(r.key), (creations.get(byId(r.key)) ?? 0) + 1);
    expect([...creations.values()].every((n) => n === 1)).toBe(true);
    expect(away.inserted.every((id) => creations.get(String(id)) === 1)).toBe(true);
    await deleteConnector(worker, 'r1');
  } finally {
    await client.end();
    await worker.stop();
  }
});

test('snapshot.mode=initial_only reads without streaming; always takes a new snapshot on every start, then streams', async () => {
  const worker: TestWorker = await startCdcWorker();
  try {
    await pg.query('CREATE TABLE m1 (id int PRIMARY KEY, v text); INSERT INTO m1 SELECT g, \'v\' || g FROM generate_series(1, 10) g');
    const config = (mode: string): Record<string, string> =>
      cdcConfig(pg, { 'slot.name': 'm1_slot', 'topic.prefix': 'm1s', 'table.include.list': 'public\\.m1', 'snapshot.mode': mode });
    await createConnector(worker, 'm1', config('initial_only'));
    await waitForTopic(worker, 'm1s.public.m1', (rs) => rs.length >= 10, 'the snapshot');
    await pg.query(`INSERT INTO m1 VALUES (11, 'after')`);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await readTopic(worker, 'm1s.public.m1')).map(op)).toEqual(Array(10).fill('r'));
    await deleteConnector(worker, 'm1');

    await createConnector(worker, 'm1', config('always'));
    await waitForTopic(worker, 'm1s.public.m1', (rs) => rs.length >= 21, 'the second snapshot');
    await pg.query(`INSERT INTO m1 VALUES (12, 'streamed')`);
    const records = await waitForTopic(worker, 'm1s.public.m1', (rs) => rs.some((r) => op(r) === 'c' && (r.key as { id: number }).id === 12), 'a streamed insert');
    expect(records.slice(10, 21).map((r) => (r.key as { id: number }).id)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    // The slot was not advanced by initial_only: streaming replays from it, so row 11 comes again (no gap, a
    // duplicate), then the new row.
    expect(records.slice(21).map((r) => `${op(r)}${(r.key as { id: number }).id}`)).toEqual(['c11', 'c12']);
    await deleteConnector(worker, 'm1');
  } finally {
    await worker.stop();
  }
});

function startChild(dir: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'connect', 'standalone', path.join(dir, 'worker.properties'), path.join(dir, 'connector.json')], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
  });
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

test('SIGKILL during the snapshot and while streaming: no change lost, the slot never ahead of the stored offset', async () => {
  requireBuiltCli();
  const dir = tempDir('sluice-cdc-kill-');
  const client = await sqlClient(pg);
  let current: ReturnType<typeof startChild> | undefined;
  let churn: Churn | undefined;
  const violations: string[] = [];
  let watching = true;
  // Samples the flushing invariant all along.
  const watcher = (async () => {
    while (watching) {
      await checkFlushInvariant(pg, 'kill_slot', dir, 'kill', 'kl').catch((e: Error) => violations.push(e.message));
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    const ROWS = 40_000;
    await pg.query('CREATE TABLE k (id int PRIMARY KEY, n int NOT NULL, pad text)');
    await pg.query(`INSERT INTO k SELECT g, 0, repeat('p', 50) FROM generate_series(1, ${ROWS}) g`);
    const restPort = await freePort();
    const brokerPort = await freePort();
    const props = testWorkerProps(dir, {
      ...JSON_CONVERTERS,
      listeners: `http://127.0.0.1:${restPort}`,
      'broker.listeners': `PLAINTEXT://127.0.0.1:${brokerPort}`,
      'offset.flush.interval.ms': '400',
      'log.level': 'warn',
    });
    fs.writeFileSync(path.join(dir, 'worker.properties'), Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n'));
    const config = cdcConfig(pg, {
      'slot.name': 'kill_slot',
      'topic.prefix': 'kl',
      'table.include.list': 'public\\.k',
      'snapshot.fetch.size': '1000',
      'max.batch.size': '200',
      'max.queue.size': '400',
    });
    fs.writeFileSync(path.join(dir, 'connector.json'), JSON.stringify({ name: 'kill', config }));

    churn = new Churn(client, 'k', ROWS + 1, ROWS).start(3);
    current = startChild(dir);
    // Killed once some snapshot records are stored, before the snapshot completed.
    await waitFor(async () => storedOffset(dir, 'kill', 'kl'), (o) => o?.['snapshot'] === 'INITIAL', 'snapshot offsets', 30000);
    current.child.kill('SIGKILL');
    await current.exited;
    expect(storedOffset(dir, 'kill', 'kl')?.['snapshot_completed']).not.toBe(true);

    // The restarted worker takes the snapshot again; killed again while streaming.
    current = startChild(dir);
    await waitFor(async () => storedOffset(dir, 'kill', 'kl'), (o) => o !== undefined && o['snapshot'] === undefined && o['lsn_commit'] !== undefined, 'streaming offsets', 40000);
    await new Promise((r) => setTimeout(r, 700));
    current.child.kill('SIGKILL');
    await current.exited;

    current = startChild(dir);
    await new Promise((r) => setTimeout(r, 1500));
    await churn.stop();
    const expected = await tableState('k');
    const records = await waitForTopic(`127.0.0.1:${brokerPort}`, 'kl.public.k', (rs) => sameState(replay(rs, byId), expected), 'the table state', 40000);
    const created = new Set(records.filter((r) => op(r) === 'c' || op(r) === 'r').map((r) => byId(r.key)));
    const lost = churn.inserted.filter((id) => !created.has(String(id)));
    expect(lost).toEqual([]);
    expect(churn.inserted.length).toBeGreaterThan(100);
  } finally {
    watching = false;
    await watcher;
    await churn?.stop();
    await client.end();
    if (current) {
      current.child.kill('SIGTERM');
      await current.exited;
    }
    removeDir(dir);
  }
  expect(violations).toEqual([]);
});
