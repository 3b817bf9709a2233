/**
 * The replication connection against a real server: exported snapshot + streaming from the consistent point,
 * flushed-LSN discipline, restart without loss, keepalive replies, backpressure and protocol 2 streaming.
 */
import { Client } from 'pg';
import {
  beginSnapshotTransaction,
  ensurePublication,
  formatLsn,
  getSlotInfo,
  ReplicationConnection,
  ReplicationError,
  type CommitMessage,
  type DataEvent,
  type Lsn,
  type ReplicationEvent,
  type ReplicationStream,
  type TupleData,
} from '../../../connectors/postgres/replication';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';

jest.setTimeout(30_000);

let pg: RunningPostgres;
let admin: Client;
const open: ReplicationConnection[] = [];

async function connect(settings: Record<string, string> = {}): Promise<ReplicationConnection> {
  const conn = await ReplicationConnection.connect({
    host: pg.host,
    port: pg.port,
    user: pg.user,
    password: pg.password,
    database: 'postgres',
    sessionSettings: settings,
  });
  open.push(conn);
  return conn;
}

/** Reads data events until `stop` says so; keepalives are skipped unless asked for. */
async function readUntil(
  stream: ReplicationStream,
  stop: (events: DataEvent[]) => boolean,
  timeoutMs = 10_000,
): Promise<DataEvent[]> {
  const events: DataEvent[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  while (!stop(events)) {
    const event = await stream.read({ signal });
    if (event === undefined) throw new Error('stream ended early');
    if (event.kind === 'data') events.push(event);
  }
  return events;
}

const commits = (events: DataEvent[]): CommitMessage[] => events.flatMap((e) => (e.message.tag === 'commit' ? [e.message] : []));
const values = (tuple: TupleData): Array<string | null> => tuple.map((c) => (c.kind === 'text' ? c.value : null));

async function confirmedFlush(slot: string): Promise<Lsn | null> {
  return (await getSlotInfo(admin, slot))?.confirmedFlushLsn ?? null;
}

async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  pg = await startPostgres();
  admin = new Client({ connectionString: pg.connectionString() });
  await admin.connect();
  await admin.query('CREATE TABLE items (id int PRIMARY KEY, v text)');
  await admin.query('CREATE TABLE bulk (id int PRIMARY KEY, v text)');
  await admin.query('CREATE TABLE big_tx (id int PRIMARY KEY, v text)');
  await ensurePublication(admin, { publication: 'sluice_pub', mode: 'all_tables' });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await admin?.end();
  await pg?.stop();
});

describe('replication connection', () => {
  it('exports a snapshot at slot creation and streams exactly what the snapshot does not contain', async () => {
    await admin.query(`INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')`);
    const conn = await connect();
    const system = await conn.identifySystem();
    expect(system.dbName).toBe('postgres');
    expect(system.timeline).toBe(1);
    expect(system.xlogPos).toBeGreaterThan(0n);

    const slot = await conn.createSlot({ slot: 'snap' });
    expect(slot).toMatchObject({ slotName: 'snap', outputPlugin: 'pgoutput' });
    expect(slot.snapshotName).toMatch(/^[0-9A-F]+-[0-9A-F]+-\d+$/);
    expect(slot.consistentPoint).toBeGreaterThanOrEqual(system.xlogPos);

    // Committed after the slot's consistent point: only streaming may deliver these.
    await admin.query(`INSERT INTO items VALUES (4, 'four')`);
    await admin.query(`UPDATE items SET v = 'ONE' WHERE id = 1`);

    const reader = new Client({ connectionString: pg.connectionString() });
    await reader.connect();
    try {
      await beginSnapshotTransaction(reader, { snapshotName: slot.snapshotName! });
      const snapshot = await reader.query<{ id: number; v: string }>('SELECT id, v FROM items ORDER BY id');
      expect(snapshot.rows).toEqual([
        { id: 1, v: 'one' },
        { id: 2, v: 'two' },
        { id: 3, v: 'three' },
      ]);
      await reader.query('COMMIT');
    } finally {
      await reader.end();
    }

    const stream = await conn.startReplication({ slot: 'snap', startLsn: slot.consistentPoint, publicationNames: ['sluice_pub'] });
    await admin.query(`DELETE FROM items WHERE id = 2`);
    await admin.query(`SELECT pg_logical_emit_message(false, 'heartbeat', 'tick')`);
    const events = await readUntil(stream, (ev) => ev.some((e) => e.message.tag === 'message'));
    const changes = events
      .map((e) => e.message)
      .flatMap((m) =>
        m.tag === 'insert' ? [['insert', ...values(m.newTuple)]] : m.tag === 'update' ? [['update', ...values(m.newTuple)]] : m.tag === 'delete' ? [['delete', ...values(m.old.tuple)]] : [],
      );
    expect(changes).toEqual([
      ['insert', '4', 'four'],
      ['update', '1', 'ONE'],
      ['delete', '2', null],
    ]);
    const message = events.find((e) => e.message.tag === 'message')!.message;
    expect(message).toMatchObject({ tag: 'message', transactional: false, prefix: 'heartbeat' });
    // Every Commit arrives at its end LSN: the position to confirm once it is durable downstream.
    for (const e of events) if (e.message.tag === 'commit') expect(e.walStart).toBe(e.message.endLsn);

    // The export ended with the replication connection's next command.
    const late = new Client({ connectionString: pg.connectionString() });
    await late.connect();
    try {
      await expect(beginSnapshotTransaction(late, { snapshotName: slot.snapshotName! })).rejects.toThrow(
        `cannot import exported snapshot "${slot.snapshotName!}"`,
      );
    } finally {
      await late.end();
    }

    await stream.stop();
    expect(stream.state).toBe('ended');
    // After a clean stop the connection takes commands again.
    await conn.dropSlot({ slot: 'snap' });
    expect(await getSlotInfo(admin, 'snap')).toBeUndefined();
  });

  it('never reports more than the caller flushed, and restarting from the confirmed LSN loses nothing', async () => {
    const conn = await connect();
    const slot = await conn.createSlot({ slot: 'flush', snapshot: 'nothing' });
    const stream = await conn.startReplication({
      slot: 'flush',
      startLsn: slot.consistentPoint,
      publicationNames: ['sluice_pub'],
      statusIntervalMs: 50,
      includeKeepalives: true,
    });
    for (let i = 10; i < 13; i++) await admin.query(`INSERT INTO items VALUES (${i}, 'tx ${i}')`);
    const events = await readUntil(stream, (ev) => commits(ev).length === 3);
    const [first, second] = commits(events);

    // Many status updates and keepalives go by; the server has seen everything, yet nothing was confirmed.
    await new Promise((r) => setTimeout(r, 400));
    expect(stream.receivedLsn).toBeGreaterThanOrEqual(commits(events)[2]!.endLsn);
    expect(await confirmedFlush('flush')).toBe(slot.consistentPoint);

    stream.setFlushedLsn(first!.endLsn);
    stream.sendStatusUpdate();
    expect(await waitFor(() => confirmedFlush('flush'), (lsn) => lsn === first!.endLsn)).toBe(first!.endLsn);
    await new Promise((r) => setTimeout(r, 300));
    expect(await confirmedFlush('flush')).toBe(first!.endLsn);
    // Lower values never move it back.
    stream.setFlushedLsn(slot.consistentPoint);
    expect(stream.flushedLsn).toBe(first!.endLsn);

    await stream.stop();
    await conn.close();
    expect(await confirmedFlush('flush')).toBe(first!.endLsn);
    await admin.query(`INSERT INTO items VALUES (13, 'while away')`);

    // Resume "from the slot" (LSN 0): the unconfirmed transactions come again, the confirmed one does not.
    const again = await connect();
    const resumed = await again.startReplication({ slot: 'flush', publicationNames: ['sluice_pub'] });
    const replay = await readUntil(resumed, (ev) => commits(ev).length === 3);
    const ids = replay.flatMap((e) => (e.message.tag === 'insert' ? [values(e.message.newTuple)[0]] : []));
    expect(ids).toEqual(['11', '12', '13']);
    expect(commits(replay)[0]!.endLsn).toBe(second!.endLsn);
    await resumed.stop();
    await again.dropSlot({ slot: 'flush' });
  });

  it('answers keepalives that request a reply, so a quiet stream outlives wal_sender_timeout', async () => {
    const conn = await connect({ wal_sender_timeout: '1000' });
    await conn.createSlot({ slot: 'quiet', snapshot: 'nothing', temporary: true });
    // Periodic updates far apart: only the keepalive replies keep the walsender from timing out.
    const stream = await conn.startReplication({ slot: 'quiet', publicationNames: ['sluice_pub'], statusIntervalMs: 60_000, includeKeepalives: true });
    const seen: ReplicationEvent[] = [];
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      const event = await stream.read({ signal: AbortSignal.timeout(3000) });
      if (event) seen.push(event);
    }
    expect(seen.filter((e) => e.kind === 'keepalive' && e.replyRequested).length).toBeGreaterThanOrEqual(2);
    expect(stream.state).toBe('streaming');
    await admin.query(`INSERT INTO items VALUES (20, 'still here')`);
    const events = await readUntil(stream, (ev) => commits(ev).length === 1);
    expect(events.some((e) => e.message.tag === 'insert')).toBe(true);
    await stream.stop();
  });

  it('pauses reading while the consumer lags, then delivers everything in order', async () => {
    const conn = await connect();
    await conn.createSlot({ slot: 'lag', snapshot: 'nothing', temporary: true });
    const stream = await conn.startReplication({ slot: 'lag', publicationNames: ['sluice_pub'], highWaterMark: 16 });
    await admin.query(`INSERT INTO bulk SELECT g, repeat('x', 50) || g FROM generate_series(1, 10000) g`);
    await new Promise((r) => setTimeout(r, 1000));
    // At most one socket read beyond the high-water mark is queued; the rest waits in the server.
    expect(stream.queuedEvents).toBeGreaterThanOrEqual(16);
    expect(stream.queuedEvents).toBeLessThan(3000);
    let next = 1;
    let inOrder = true;
    await readUntil(
      stream,
      (ev) => {
        const last = ev[ev.length - 1];
        if (last?.message.tag === 'insert') inOrder &&= values(last.message.newTuple)[0] === String(next++);
        return last?.message.tag === 'commit';
      },
      20_000,
    );
    expect(inOrder).toBe(true);
    expect(next).toBe(10001);
    await stream.stop();
  });

  it('streams large in-progress transactions with protocol 2 when asked', async () => {
    const conn = await connect({ logical_decoding_work_mem: '64kB' });
    await conn.createSlot({ slot: 'inprogress', snapshot: 'nothing', temporary: true });
    const stream = await conn.startReplication({ slot: 'inprogress', publicationNames: ['sluice_pub'], protoVersion: 2, streaming: true });
    await admin.query(`BEGIN; INSERT INTO big_tx SELECT g, 'v' FROM generate_series(1, 2000) g; DELETE FROM big_tx WHERE id <= 10; COMMIT`);
    const events = await readUntil(stream, (ev) => ev.some((e) => e.message.tag === 'stream-commit'));
    const tags = new Set(events.map((e) => e.message.tag));
    expect(tags).toEqual(new Set(['stream-start', 'relation', 'insert', 'delete', 'stream-stop', 'stream-commit']));
    const inserts = events.flatMap((e) => (e.message.tag === 'insert' ? [e.message] : []));
    expect(inserts).toHaveLength(2000);
    expect(inserts.every((m) => typeof m.xid === 'number')).toBe(true);
    await stream.stop();
  });

  it('stops when the AbortSignal fires, and refuses commands while streaming', async () => {
    const conn = await connect();
    await conn.createSlot({ slot: 'aborted', snapshot: 'nothing', temporary: true });
    const controller = new AbortController();
    const stream = await conn.startReplication({ slot: 'aborted', publicationNames: ['sluice_pub'], signal: controller.signal });
    await expect(conn.identifySystem()).rejects.toThrow('the replication connection is streaming; stop the stream before running other commands');
    const pending = stream.read();
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
    await stream.done;
    expect(stream.state).toBe('ended');
    await expect(conn.identifySystem()).resolves.toMatchObject({ dbName: 'postgres' });
    await expect(stream.read()).resolves.toBeUndefined();
  });

  it('reports a dropped connection as a retriable error from the iterator', async () => {
    const conn = await connect();
    await conn.createSlot({ slot: 'killed', snapshot: 'nothing', temporary: true });
    const stream = await conn.startReplication({ slot: 'killed', publicationNames: ['sluice_pub'] });
    await admin.query('SELECT pg_terminate_backend($1)', [conn.backendPid]);
    let error: unknown;
    try {
      for await (const _ of stream) {
        // drain until the failure surfaces
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReplicationError);
    expect((error as ReplicationError).code).toBe('CONNECTION');
    expect((error as ReplicationError).retriable).toBe(true);
    expect(stream.state).toBe('failed');
    expect(formatLsn(stream.flushedLsn)).toBe('0/0');
  });
});
