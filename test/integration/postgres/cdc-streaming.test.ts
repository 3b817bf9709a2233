/**
 * Streaming through a real worker: every event kind (c, u, d + tombstone, key change, t, m), unchanged TOAST values,
 * transaction metadata, a table without a key, an unsupported column type, filters, and ALTER TABLE mid-stream.
 */
import type { TestWorker } from '../../helpers/connect-worker';
import { waitFor } from '../../helpers/connect-worker';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { cdcConfig, createConnector, op, readTopic, slotState, source, sqlClient, startCdcWorker, storedOffset, taskState, type TopicRecord, waitForTopic } from './cdc-support';

jest.setTimeout(60_000);

let pg: RunningPostgres;
let worker: TestWorker;

beforeAll(async () => {
  pg = await startPostgres();
  worker = await startCdcWorker();
  await pg.query(`
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE kinds (id int PRIMARY KEY, name varchar(40) NOT NULL DEFAULT 'anon', price numeric(10,2), tags text[], doc jsonb,
                        feeling mood, at timestamptz, big text, q tsquery, secret text);
    ALTER TABLE kinds ALTER COLUMN big SET STORAGE EXTERNAL;
    CREATE TABLE nokey (a int, b text);
    CREATE TABLE skipme (id int PRIMARY KEY);
  `);
});

afterAll(async () => {
  await worker?.stop();
  await pg?.stop();
});

const after = (r: TopicRecord): Record<string, unknown> => r.value?.['after'] as Record<string, unknown>;
const before = (r: TopicRecord): Record<string, unknown> => r.value?.['before'] as Record<string, unknown>;

test('every event kind, transaction metadata, filters and schema changes', async () => {
  await createConnector(
    worker,
    'stream',
    cdcConfig(pg, {
      'snapshot.mode': 'no_data',
      'skipped.operations': 'none',
      'provide.transaction.metadata': 'true',
      'table.exclude.list': 'public\\.skipme',
      'column.exclude.list': 'public\\.kinds\\.secret',
    }),
  );
  // Streaming has started once the slot is in use.
  await waitFor(() => pg.query<{ active: boolean }>(`SELECT active FROM pg_replication_slots WHERE slot_name = 'debezium'`), (rows) => rows[0]?.active === true, 'the slot in use', 20000);

  const big = 'x'.repeat(20000);
  const c = await sqlClient(pg);
  try {
    await c.query(
      `INSERT INTO kinds VALUES (1, 'widget', 12.50, '{a,"b c"}', '{"k": [1, 2]}', 'happy', '2024-05-01 10:15:30.123456+00', $1, 'fat & rat', 'hidden')`,
      [big],
    );
    await c.query(`UPDATE kinds SET price = 13.00 WHERE id = 1`);
    await c.query(`UPDATE kinds SET id = 10 WHERE id = 1`);
    await c.query(`DELETE FROM kinds WHERE id = 10`);
    await c.query(`BEGIN; INSERT INTO kinds (id) VALUES (2); INSERT INTO nokey VALUES (1, 'one'); SELECT pg_logical_emit_message(true, 'audit', 'in tx'); COMMIT`);
    await c.query(`SELECT pg_logical_emit_message(false, 'audit', 'standalone')`);
    await c.query(`TRUNCATE nokey`);
    await c.query(`INSERT INTO skipme VALUES (1)`);
    // The delete's before-image takes NOT NULL defaults from the catalog as it is when the change is decoded;
    // let the connector get that far before the ALTERs below rename the column on a loaded machine.
    await waitForTopic(worker, 'pgs.public.kinds', (rs) => rs.some((r) => after(r)?.['id'] === 2), 'the insert before the schema changes');
    await c.query(`ALTER TABLE kinds ADD COLUMN extra int DEFAULT 7`);
    await c.query(`INSERT INTO kinds (id) VALUES (3)`);
    await c.query(`ALTER TABLE kinds DROP COLUMN price`);
    await c.query(`INSERT INTO kinds (id) VALUES (4)`);
    await c.query(`ALTER TABLE kinds RENAME COLUMN name TO title`);
    await c.query(`INSERT INTO kinds (id, title) VALUES (5, 'renamed')`);
  } finally {
    await c.end();
  }

  const kinds = await waitForTopic(worker, 'pgs.public.kinds', (rs) => rs.some((r) => after(r)?.['id'] === 5), 'the last insert');
  expect(kinds.map(op)).toEqual(['c', 'u', 'd', 'tombstone', 'c', 'd', 'tombstone', 'c', 'c', 'c', 'c']);
  const [insert, update, keyDelete, keyTombstone, keyCreate, del, , inTx, alterAdd, alterDrop, alterRename] = kinds;

  // c: value mapping, column.exclude.list, unsupported type (tsquery) left out.
  expect(insert!.key).toEqual({ id: 1 });
  expect(after(insert!)).toEqual({
    id: 1,
    name: 'widget',
    price: 'BOI=',
    tags: ['a', 'b c'],
    doc: '{"k": [1, 2]}',
    feeling: 'happy',
    at: '2024-05-01T10:15:30.123456Z',
    big,
  });
  expect(source(insert!)).toMatchObject({ connector: 'postgresql', name: 'pgs', db: 'postgres', schema: 'public', table: 'kinds', snapshot: 'false' });
  const s = source(insert!);
  expect(typeof s['txId']).toBe('number');
  expect(s['sequence']).toMatch(/^\[("\d+"|null),"\d+"\]$/);
  expect(JSON.parse(s['sequence'] as string)[1]).toBe(String(s['lsn']));
  // Exact int64s in the JSON text: ts_ns is ts_us * 1000, ts_ms its floor; the commit time has microseconds.
  const times = /"ts_ms":(\d+),"snapshot":"false".*"ts_us":(\d+),"ts_ns":(\d+),"schema"/.exec(insert!.text)!;
  expect(times[3]).toBe(`${times[2]}000`);
  expect(times[1]).toBe(times[2]!.slice(0, -3));
  expect(insert!.headers).toContain('__debezium.context.connectorLogicalName=pgs');

  // u with REPLICA IDENTITY DEFAULT: no before; the unchanged TOASTed column is the placeholder.
  expect(before(update!)).toBeNull();
  expect(after(update!)).toMatchObject({ id: 1, price: 'BRQ=', big: '__debezium_unavailable_value' });

  // A key change: delete of the old key (+ tombstone) and create of the new one, with the key headers.
  expect(keyDelete!.key).toEqual({ id: 1 });
  expect(keyDelete!.headers).toContain('__debezium.newkey=');
  expect(keyTombstone!.key).toEqual({ id: 1 });
  expect(keyCreate!.key).toEqual({ id: 10 });
  expect(keyCreate!.headers).toContain('__debezium.oldkey=');

  // d: only the key is known; a NOT NULL column gets its default (here the column's), nullable ones null.
  expect(before(del!)).toMatchObject({ id: 10, name: 'anon', price: null, big: null });
  expect(del!.value?.['after']).toBeNull();

  // The transaction block, with per-table order.
  expect(inTx!.value?.['transaction']).toMatchObject({ total_order: 1, data_collection_order: 1 });
  expect(String((inTx!.value?.['transaction'] as { id: string }).id)).toBe(`${source(inTx!)['txId']}:${source(inTx!)['lsn']}`);
  // A default from the catalog fills the insert's name.
  expect(after(inTx!)).toMatchObject({ id: 2, name: 'anon' });

  // ALTER TABLE: the next events have the new shape.
  expect(after(alterAdd!)).toMatchObject({ id: 3, extra: 7 });
  expect(Object.keys(after(alterDrop!))).not.toContain('price');
  expect(after(alterDrop!)).toMatchObject({ id: 4, extra: 7 });
  expect(after(alterRename!)).toMatchObject({ id: 5, title: 'renamed' });
  expect(Object.keys(after(alterRename!))).not.toContain('name');

  // A table without a primary key: null keys; truncate events (skipped.operations=none) with null keys too.
  const nokey = await waitForTopic(worker, 'pgs.public.nokey', (rs) => rs.length >= 2, 'nokey events');
  expect(nokey.map(op)).toEqual(['c', 't']);
  expect(nokey[0]!.key).toBeNull();
  expect(after(nokey[0]!)).toEqual({ a: 1, b: 'one' });
  expect(nokey[1]!.key).toBeNull();
  expect(nokey[1]!.value).toMatchObject({ op: 't', before: null, after: null });

  // Logical decoding messages: transactional (with the transaction's txId) and not.
  const messages = await waitForTopic(worker, 'pgs.message', (rs) => rs.length >= 2, 'messages');
  expect(messages.map((m) => m.key)).toEqual([{ prefix: 'audit' }, { prefix: 'audit' }]);
  expect(messages[0]!.value).toMatchObject({ op: 'm', message: { prefix: 'audit', content: Buffer.from('in tx').toString('base64') } });
  expect(source(messages[0]!)['txId']).toBe(source(inTx!)['txId']);
  expect(source(messages[1]!)['txId']).toBeNull();
  expect(source(messages[1]!)).toMatchObject({ schema: '', table: '' });

  // Transaction metadata: BEGIN and END around every transaction, END counting per table.
  const tx = await readTopic(worker, 'pgs.transaction');
  const txId = String(source(inTx!)['txId']);
  const mine = tx.filter((r) => String(r.value?.['id']).startsWith(`${txId}:`));
  expect(mine.map((r) => r.value?.['status'])).toEqual(['BEGIN', 'END']);
  expect(mine[1]!.value).toMatchObject({
    event_count: 2,
    data_collections: [
      { data_collection: 'public.kinds', event_count: 1 },
      { data_collection: 'public.nokey', event_count: 1 },
    ],
  });
  expect(mine[0]!.key).toEqual({ id: mine[0]!.value?.['id'] });

  // table.exclude.list: nothing for skipme.
  expect(await readTopic(worker, 'pgs.public.skipme')).toEqual([]);
  expect((await taskState(worker, 'stream'))?.state).toBe('RUNNING');
});

test('an idle connector with heartbeats keeps its slot close to the WAL end while other databases and tables change', async () => {
  await pg.query('CREATE TABLE hb_only (id int PRIMARY KEY); CREATE TABLE hb_actions (at timestamptz)');
  await pg.createDatabase('otherdb');
  await createConnector(
    worker,
    'hb',
    cdcConfig(pg, {
      'topic.prefix': 'hbs',
      'slot.name': 'hb_slot',
      'table.include.list': 'public\\.hb_only',
      'heartbeat.interval.ms': '300',
      'heartbeat.action.query': 'INSERT INTO hb_actions VALUES (now())',
      'status.update.interval.ms': '500',
    }),
  );
  await waitFor(() => slotState(pg, 'hb_slot'), (slot) => slot?.active === true, 'hb_slot in use', 20000);
  const lag = async (): Promise<bigint> => {
    const rows = await pg.query<{ lag: string }>(`SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::text AS lag FROM pg_replication_slots WHERE slot_name = 'hb_slot'`);
    return BigInt(rows[0]!.lag.split('.')[0]!);
  };
  // Unrelated WAL: another database and an uncaptured table of this one.
  await pg.query('CREATE TABLE noise (id int, pad text)', [], 'otherdb');
  await pg.query(`INSERT INTO noise SELECT g, repeat('p', 200) FROM generate_series(1, 20000) g`, [], 'otherdb');
  await pg.query(`INSERT INTO kinds (id) SELECT g FROM generate_series(1000, 1100) g`);
  const end = BigInt((await pg.query<{ l: string }>(`SELECT (pg_current_wal_lsn() - '0/0')::text AS l`))[0]!.l.split('.')[0]!);
  const lagAfterActivity = await lag();
  expect(lagAfterActivity).toBeGreaterThan(1_000_000n);

  // The slot follows, through heartbeats carrying the keepalive position; it never passes the stored offset.
  const deadline = Date.now() + 20000;
  for (;;) {
    const slot = await slotState(pg, 'hb_slot');
    const stored = storedOffset(worker, 'hb', 'hbs');
    // (Before the first commit the stored offset has only the slot's starting point, `lsn`.)
    if (slot?.confirmed != null && stored !== undefined) expect(slot.confirmed).toBeLessThanOrEqual(BigInt(String(stored['lsn_commit'] ?? stored['lsn'])));
    if (slot?.confirmed != null && slot.confirmed >= end) break;
    if (Date.now() > deadline) throw new Error(`slot stayed at ${slot?.confirmed} below ${end}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await lag()).toBeLessThan(lagAfterActivity);

  const beats = await waitForTopic(worker, '__debezium-heartbeat.hbs', (rs) => rs.length >= 2, 'heartbeats');
  expect(beats[0]!.key).toEqual({ serverName: 'hbs' });
  expect(typeof beats[0]!.value?.['ts_ms']).toBe('number');
  expect((await pg.query('SELECT * FROM hb_actions')).length).toBeGreaterThan(0);
  expect(await readTopic(worker, 'hbs.public.kinds')).toEqual([]);
});
