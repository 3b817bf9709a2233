/**
 * Test support for the CDC source integration tests: a real PostgreSQL and a real standalone worker (embedded
 * broker, REST), connectors posted over REST, topics read back with kcat.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { kcat } from '../../helpers/kcat';
import { startTestWorker, type TestWorker, waitFor } from '../../helpers/connect-worker';
import type { RunningPostgres } from '../../helpers/postgres';

export const JSON_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': 'false',
  'value.converter.schemas.enable': 'false',
};

export async function startCdcWorker(extra: Record<string, string> = {}): Promise<TestWorker> {
  return startTestWorker({ ...JSON_CONVERTERS, 'offset.flush.interval.ms': '300', ...extra });
}

/** The connector config for `pg` (Debezium keys), plus `extra`. */
export function cdcConfig(pg: RunningPostgres, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'plugin.name': 'pgoutput',
    'database.hostname': pg.host,
    'database.port': String(pg.port),
    'database.user': pg.user,
    'database.password': pg.password,
    'database.dbname': 'postgres',
    'topic.prefix': 'pgs',
    'status.update.interval.ms': '1000',
    'poll.interval.ms': '100',
    ...extra,
  };
}

export async function createConnector(worker: TestWorker, name: string, config: Record<string, string>): Promise<void> {
  const res = await worker.call('POST', '/connectors', { name, config });
  if (res.status !== 201) throw new Error(`POST /connectors answered ${res.status}: ${res.text}`);
}

export async function deleteConnector(worker: TestWorker, name: string): Promise<void> {
  const res = await worker.call('DELETE', `/connectors/${name}`);
  if (res.status !== 204 && res.status !== 404) throw new Error(`DELETE answered ${res.status}: ${res.text}`);
  await waitFor(() => worker.call('GET', `/connectors/${name}/status`), (r) => r.status === 404, `${name} to be gone`);
}

export interface TaskState {
  state: string;
  trace?: string;
}

export async function taskState(worker: TestWorker, name: string): Promise<TaskState | undefined> {
  const res = await worker.call('GET', `/connectors/${name}/status`);
  const body = res.body as { tasks?: TaskState[] } | undefined;
  return body?.tasks?.[0];
}

/** Waits for the task to be FAILED and returns its trace. */
export async function failureOf(worker: TestWorker, name: string, timeoutMs = 20000): Promise<string> {
  const state = await waitFor(() => taskState(worker, name), (s) => s?.state === 'FAILED', `${name} to fail`, timeoutMs);
  return state?.trace ?? '';
}

export interface TopicRecord {
  /** Header names and values as kcat prints them (`name=value`, comma-separated). */
  headers: string;
  key: unknown;
  value: Record<string, unknown> | null;
  /** The value's JSON text ('NULL' for a tombstone). */
  text: string;
}

/** The broker a test worker embeds, or a bootstrap address as it is. */
function bootstrapOf(target: TestWorker | string): string {
  return typeof target === 'string' ? target : `127.0.0.1:${target.worker.brokerPort}`;
}

/** Every record of `topic` so far (empty when it does not exist yet). */
export async function readTopic(target: TestWorker | string, topic: string): Promise<TopicRecord[]> {
  const out = await kcat(['-b', bootstrapOf(target), '-C', '-t', topic, '-e', '-q', '-Z', '-f', '%k\t%h\t%s\n']);
  if (out.code !== 0) {
    if (process.env.CDC_TEST_DEBUG) console.log(`kcat ${topic}: ${out.code} ${out.stderr}`);
    return [];
  }
  return out.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const tab2 = line.lastIndexOf('\t');
      const k = line.slice(0, tab);
      const v = line.slice(tab2 + 1);
      const headers = line.slice(tab + 1, tab2);
      return { headers, key: k === 'NULL' ? null : JSON.parse(k), value: v === 'NULL' ? null : (JSON.parse(v) as Record<string, unknown>), text: v };
    });
}

/** Reads `topic` until `done` accepts the records. */
export async function waitForTopic(worker: TestWorker | string, topic: string, done: (records: TopicRecord[]) => boolean, what: string, timeoutMs = 30000): Promise<TopicRecord[]> {
  let last: TopicRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    last = await readTopic(worker, topic);
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} on ${topic}; ${last.length} records, last: ${last.slice(-3).map((r) => r.text).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The table state a consumer of the topic ends up with: the last `after` per key, deletes and tombstones removing it. */
export function replay(records: readonly TopicRecord[], keyOf: (key: unknown) => string = (k) => JSON.stringify(k)): Map<string, Record<string, unknown>> {
  const state = new Map<string, Record<string, unknown>>();
  for (const r of records) {
    const key = keyOf(r.key);
    if (r.value === null) {
      state.delete(key);
      continue;
    }
    const op = r.value['op'];
    if (op === 'd') state.delete(key);
    else if (op === 'c' || op === 'r' || op === 'u') state.set(key, r.value['after'] as Record<string, unknown>);
  }
  return state;
}

export function op(r: TopicRecord): string {
  return r.value === null ? 'tombstone' : String(r.value['op']);
}

export function source(r: TopicRecord): Record<string, unknown> {
  return (r.value?.['source'] ?? {}) as Record<string, unknown>;
}

/** A connected client for the test's own statements. */
export async function sqlClient(pg: RunningPostgres, database = 'postgres'): Promise<Client> {
  const client = new Client({ connectionString: pg.connectionString(database) });
  await client.connect();
  return client;
}

export async function slotState(pg: RunningPostgres, slot: string): Promise<{ confirmed: bigint | null; active: boolean } | undefined> {
  const rows = await pg.query<{ confirmed: string | null; active: boolean }>(
    `SELECT (confirmed_flush_lsn - '0/0')::text AS confirmed, active FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  const row = rows[0];
  return row === undefined ? undefined : { confirmed: row.confirmed === null ? null : BigInt(row.confirmed.split('.')[0]!), active: row.active };
}

/** The stored offset of the connector in the worker's offset file (worker, or its data directory). */
export function storedOffset(worker: TestWorker | string, connector: string, prefix: string): Record<string, unknown> | undefined {
  const file = path.join(typeof worker === 'string' ? worker : worker.dir, 'connect.offsets');
  let stored: { offsets: [string, string][] };
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { offsets: [string, string][] };
  } catch {
    return undefined;
  }
  const key = JSON.stringify([connector, { server: prefix }]);
  const found = stored.offsets.find(([k]) => k === key);
  return found ? (JSON.parse(found[1]) as Record<string, unknown>) : undefined;
}

/**
 * The invariant of LSN flushing: the slot's confirmed_flush_lsn never passes what the stored offset allows
 * (lsn_commit, or before the first commit the starting point `lsn`). Reads the slot first: the stored offset only
 * moves forward, so a later read can only make the check easier.
 */
export async function checkFlushInvariant(pg: RunningPostgres, slot: string, dir: TestWorker | string, connector: string, prefix: string): Promise<void> {
  const state = await slotState(pg, slot);
  const stored = storedOffset(dir, connector, prefix);
  if (state?.confirmed == null || stored === undefined) return;
  const bound = BigInt(String(stored['lsn_commit'] ?? stored['lsn']));
  if (state.confirmed > bound) throw new Error(`slot ${slot} confirmed ${state.confirmed}, past the stored offset's ${bound}: ${JSON.stringify(stored)}`);
}
