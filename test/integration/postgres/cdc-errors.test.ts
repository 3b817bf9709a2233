/**
 * What users get wrong, through a real worker: each mistake fails the task (or the REST call) with a message that
 * says what to fix. Also the task driven directly, to see its warnings and snapshot progress in the log.
 */
import type { ConnectorProps, SourceOffset, SourcePartition, SourceRecord } from '../../../connect-runtime/api';
import { PostgresCdcSourceTask, type SourceLogger } from '../../../connectors/postgres/source';
import { ReplicationConnection } from '../../../connectors/postgres/replication';
import type { TestWorker } from '../../helpers/connect-worker';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { cdcConfig, createConnector, failureOf, startCdcWorker } from './cdc-support';

jest.setTimeout(60_000);

let pg: RunningPostgres;
let worker: TestWorker;

beforeAll(async () => {
  pg = await startPostgres();
  worker = await startCdcWorker();
  await pg.query(`
    CREATE TABLE orders (id int PRIMARY KEY, v text);
    CREATE TABLE other (id int PRIMARY KEY);
    CREATE PUBLICATION partial FOR TABLE other;
    CREATE ROLE plain LOGIN PASSWORD 'plain-pw';
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO plain;
  `);
});

afterAll(async () => {
  await worker?.stop();
  await pg?.stop();
});

test('a wrong password', async () => {
  await createConnector(worker, 'badpw', cdcConfig(pg, { 'database.password': 'wrong', 'slot.name': 'badpw' }));
  const trace = await failureOf(worker, 'badpw');
  expect(trace).toContain('authentication failed for role "postgres"');
  expect(trace).toContain('wrong password');
  expect(trace).not.toContain('sluice-test');
});

test('a database that does not exist', async () => {
  await createConnector(worker, 'nodb', cdcConfig(pg, { 'database.dbname': 'nope', 'slot.name': 'nodb' }));
  expect(await failureOf(worker, 'nodb')).toContain('database "nope" does not exist');
});

test('a role without the REPLICATION attribute', async () => {
  await createConnector(worker, 'norepl', cdcConfig(pg, { 'database.user': 'plain', 'database.password': 'plain-pw', 'slot.name': 'norepl' }));
  const trace = await failureOf(worker, 'norepl');
  expect(trace).toContain('role "plain" has neither the REPLICATION attribute nor superuser rights');
  expect(trace).toContain('ALTER ROLE "plain" REPLICATION');
});

test('a publication that does not cover the captured tables, or does not exist', async () => {
  await createConnector(
    worker,
    'uncovered',
    cdcConfig(pg, { 'publication.name': 'partial', 'publication.autocreate.mode': 'disabled', 'table.include.list': 'public\\.orders', 'slot.name': 'uncovered' }),
  );
  const trace = await failureOf(worker, 'uncovered');
  expect(trace).toContain('publication "partial" does not cover the captured table public.orders');
  expect(trace).toContain('ALTER PUBLICATION "partial" ADD TABLE "public"."orders"');

  await createConnector(worker, 'nopub', cdcConfig(pg, { 'publication.name': 'missing', 'publication.autocreate.mode': 'disabled', 'slot.name': 'nopub' }));
  expect(await failureOf(worker, 'nopub')).toContain('publication "missing" does not exist and publication.autocreate.mode is disabled');
});

test('a slot in use by another process', async () => {
  const holder = await ReplicationConnection.connect({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres' });
  try {
    await holder.createSlot({ slot: 'busy', snapshot: 'nothing' });
    await pg.query('CREATE PUBLICATION busy_pub FOR ALL TABLES');
    const stream = await holder.startReplication({ slot: 'busy', publicationNames: ['busy_pub'] });
    await createConnector(worker, 'busy', cdcConfig(pg, { 'slot.name': 'busy', 'slot.max.retries': '1', 'slot.retry.delay.ms': '100' }));
    const trace = await failureOf(worker, 'busy');
    expect(trace).toContain('replication slot "busy" is in use by another connection');
    expect(trace).toMatch(/walsender PID \d+/);
    await stream.stop();
  } finally {
    await holder.close();
  }
});

test('invalid settings are refused when the connector is created', async () => {
  const res = await worker.call('POST', '/connectors', { name: 'badcfg', config: cdcConfig(pg, { 'plugin.name': 'decoderbufs', 'snapshot.mode': 'sometimes' }) });
  expect(res.status).toBe(400);
  const message = (res.body as { message: string }).message;
  expect(message).toContain('plugin.name');
  expect(message).toContain('set plugin.name=pgoutput');
  expect(message).toContain('snapshot.mode');
  const validated = await worker.call('PUT', '/connector-plugins/PostgresConnector/config/validate', {
    name: 'check',
    ...cdcConfig(pg, { 'table.include.list': 'a', 'table.exclude.list': 'b' }),
  });
  expect(validated.status).toBe(200);
  const body = validated.body as { error_count: number; configs: Array<{ value: { name: string; errors: string[]; value: string | null } }> };
  expect(body.error_count).toBe(1);
  expect(body.configs.find((c) => c.value.name === 'table.exclude.list')?.value.errors[0]).toContain('table.include.list is already specified');
  expect(body.configs.find((c) => c.value.name === 'database.password')?.value.value).toBe('[hidden]');
});

/** A logger that keeps what it is given. */
function capture(): SourceLogger & { lines: Array<{ level: string; msg: string; obj: object }> } {
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  const log = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

test('driven directly: the dropped column warning, snapshot progress, commit() after stored offsets, slot.drop.on.stop', async () => {
  await pg.query(`CREATE TABLE odd (id int PRIMARY KEY, q tsquery, v text)`);
  await pg.query(`INSERT INTO odd SELECT g, 'a & b', 'v' || g FROM generate_series(1, 3000) g`);
  await pg.query('ANALYZE odd');
  const logger = capture();
  const task = new PostgresCdcSourceTask({ logger });
  let stored: SourceOffset | null = null;
  const props: ConnectorProps = cdcConfig(pg, {
    'slot.name': 'direct',
    'topic.prefix': 'dir',
    'table.include.list': 'public\\.odd',
    'snapshot.fetch.size': '500',
    'slot.drop.on.stop': 'true',
  });
  task.initialize({
    configs: () => props,
    offsetStorageReader: {
      offset: async (_p: SourcePartition) => stored,
      offsets: async (ps: Iterable<SourcePartition>) => new Map([...ps].map((p) => [p, stored])),
    },
    transactionContext: null,
  });
  await task.start(props);
  try {
    const records: SourceRecord[] = [];
    const deadline = Date.now() + 20000;
    while (records.length < 3000 && Date.now() < deadline) records.push(...((await task.poll()) ?? []));
    expect(records).toHaveLength(3000);
    expect(records.every((r) => r.sourcePartition?.['server'] === 'dir')).toBe(true);
    const warning = logger.lines.find((l) => l.level === 'warn' && l.msg.includes('public.odd.q'));
    expect(warning?.msg).toContain('Column public.odd.q of type tsquery is left out of change events');
    const finished = logger.lines.find((l) => l.msg === 'snapshot of table finished');
    expect(finished?.obj).toMatchObject({ table: 'public.odd', rows: 3000, tablesDone: 1, tables: 1 });
    expect(logger.lines.find((l) => l.msg === 'snapshot completed')?.obj).toMatchObject({ rows: 3000 });
    expect(records[2999]!.sourceOffset).toMatchObject({ snapshot: 'INITIAL', last_snapshot_record: true, snapshot_completed: true });

    // A streamed change; its offset stored, commit() confirms its lsn_commit to the server.
    await pg.query(`INSERT INTO odd VALUES (5000, 'c', 'new')`);
    const more: SourceRecord[] = [];
    while (more.length === 0 && Date.now() < deadline) more.push(...((await task.poll()) ?? []));
    stored = more[more.length - 1]!.sourceOffset;
    await task.commit();
    // The commit's end is confirmed only once the next transaction's offset (carrying it as lsn_commit) is stored.
    await pg.query(`INSERT INTO odd VALUES (5001, 'c', 'newer')`);
    const last: SourceRecord[] = [];
    while (last.length === 0 && Date.now() < deadline) last.push(...((await task.poll()) ?? []));
    stored = last[last.length - 1]!.sourceOffset;
    await task.commit();
    const lsnCommit = BigInt(String(stored!['lsn_commit']));
    const slot = async (): Promise<bigint> =>
      BigInt((await pg.query<{ l: string }>(`SELECT (confirmed_flush_lsn - '0/0')::text AS l FROM pg_replication_slots WHERE slot_name = 'direct'`))[0]!.l.split('.')[0]!);
    const until = Date.now() + 5000;
    while ((await slot()) < lsnCommit && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await slot()).toBe(lsnCommit);
  } finally {
    await task.stop();
  }
  expect(await pg.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = 'direct'`)).toEqual([]);
});
