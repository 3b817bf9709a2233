/**
 * Produces the pgoutput fixtures under test/fixtures/pgoutput from a real server, and checks on every run that a
 * fresh capture still decodes to the same message sequence as the stored one (so the fixtures cannot drift from
 * what the server sends). Rewrite the fixtures with SLUICE_CAPTURE_PGOUTPUT=1.
 */
import { Client } from 'pg';
import {
  readChanges,
  readFrames,
  writeChanges,
  writeFrames,
  type CapturedChange,
} from '../../fixtures/pgoutput/fixture-format';
import { PgoutputDecoder } from '../../../connectors/postgres/replication/pgoutput-decoder';
import { decodeServerFrame } from '../../../connectors/postgres/replication/replication-frames';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';

const CAPTURE = process.env.SLUICE_CAPTURE_PGOUTPUT === '1';

const SCHEMA = `
  CREATE TYPE fx_mood AS ENUM ('sad', 'ok', 'happy');
  CREATE TABLE fx_default (
    id int PRIMARY KEY, name varchar(40), price numeric(10,2), mood fx_mood, tags text[], doc jsonb, raw bytea,
    at timestamptz, flag boolean, big text);
  ALTER TABLE fx_default ALTER COLUMN big SET STORAGE EXTERNAL;
  CREATE TABLE fx_full (id int PRIMARY KEY, note text, big text);
  ALTER TABLE fx_full REPLICA IDENTITY FULL;
  ALTER TABLE fx_full ALTER COLUMN big SET STORAGE EXTERNAL;
  CREATE TABLE fx_index (id int NOT NULL, code text NOT NULL, v text);
  CREATE UNIQUE INDEX fx_index_code ON fx_index (code);
  ALTER TABLE fx_index REPLICA IDENTITY USING INDEX fx_index_code;
  CREATE TABLE fx_nokey (a int, b text);
  CREATE TABLE fx_nothing (id int, v text);
  ALTER TABLE fx_nothing REPLICA IDENTITY NOTHING;
  CREATE TABLE fx_parent (id int PRIMARY KEY);
  CREATE TABLE fx_child (id serial PRIMARY KEY, parent_id int REFERENCES fx_parent (id));
  CREATE TABLE fx_stream (id int PRIMARY KEY, v text);
  CREATE PUBLICATION fx_pub FOR ALL TABLES;
  SELECT pg_replication_origin_create('fx_origin');
`;

/** Every message kind of protocol 1; the comments say what each step is there for. */
const CHANGES = [
  // Type (enum), Relation with DEFAULT identity, text columns of many types, a TOASTed value stored out of line.
  `INSERT INTO fx_default VALUES (1, 'widget', 12.50, 'happy', '{a,"b c"}', '{"k": [1, 2]}', '\\x00ff10',
     '2024-05-01 12:34:56.789+02', true, repeat(md5('sluice'), 100))`,
  // Null columns.
  `INSERT INTO fx_default (id) VALUES (2)`,
  // Update that leaves the TOASTed column alone: 'u' for it, no old tuple.
  `UPDATE fx_default SET name = 'renamed' WHERE id = 1`,
  // Key change: old key tuple ('K').
  `UPDATE fx_default SET id = 10 WHERE id = 1`,
  // Delete under DEFAULT identity: key only.
  `DELETE FROM fx_default WHERE id = 2`,
  // FULL identity: old full row on update ('O', with the TOASTed value) and delete.
  `INSERT INTO fx_full VALUES (1, 'first', repeat(md5('full'), 100))`,
  `UPDATE fx_full SET note = 'second' WHERE id = 1`,
  `DELETE FROM fx_full WHERE id = 1`,
  // USING INDEX identity, with a change of the index column.
  `INSERT INTO fx_index VALUES (1, 'c1', 'v1')`,
  `UPDATE fx_index SET code = 'c2' WHERE id = 1`,
  // No key at all, and identity NOTHING.
  `INSERT INTO fx_nokey VALUES (1, 'x')`,
  `INSERT INTO fx_nothing VALUES (1, 'y')`,
  // Transactional message inside a transaction, and a non-transactional one with binary content.
  `BEGIN; INSERT INTO fx_nokey VALUES (2, 'with message'); SELECT pg_logical_emit_message(true, 'sluice', 'in tx'); COMMIT`,
  `SELECT pg_logical_emit_message(false, 'sluice/binary', '\\x00ff'::bytea)`,
  // Truncate with CASCADE, and of two tables with RESTART IDENTITY.
  `INSERT INTO fx_parent VALUES (1); INSERT INTO fx_child (parent_id) VALUES (1)`,
  `TRUNCATE fx_parent CASCADE`,
  `TRUNCATE fx_full, fx_nokey RESTART IDENTITY`,
  // Schema change mid-stream: a second Relation message for the same relation.
  `ALTER TABLE fx_default ADD COLUMN extra int DEFAULT 7`,
  `INSERT INTO fx_default (id, name) VALUES (3, 'after alter')`,
  // A transaction replayed from another origin: Origin message.
  `SELECT pg_replication_origin_session_setup('fx_origin')`,
  `BEGIN; SELECT pg_replication_origin_xact_setup('0/ABCDEF0', '2024-01-01 00:00:00+00'); INSERT INTO fx_nokey VALUES (3, 'replayed'); COMMIT`,
  `SELECT pg_replication_origin_session_reset()`,
];

/** Large transactions that exceed logical_decoding_work_mem (64kB) and are streamed under protocol 2. */
const STREAMED = [
  // Streamed and committed, with a transactional message inside.
  `BEGIN; INSERT INTO fx_stream SELECT g, 'row ' || g FROM generate_series(1, 500) g;
   SELECT pg_logical_emit_message(true, 'sluice', 'streamed'); COMMIT`,
  // Streamed, then rolled back: Stream Abort for the whole transaction.
  `BEGIN; INSERT INTO fx_stream SELECT g, 'gone ' || g FROM generate_series(1001, 1500) g; ROLLBACK`,
  // A streamed subtransaction rolled back: Stream Abort naming the subtransaction.
  `BEGIN; INSERT INTO fx_stream SELECT g, 'kept ' || g FROM generate_series(2001, 2100) g; SAVEPOINT s;
   INSERT INTO fx_stream SELECT g, 'undone ' || g FROM generate_series(3001, 3500) g; ROLLBACK TO SAVEPOINT s;
   INSERT INTO fx_stream VALUES (2101, 'after savepoint'); COMMIT`,
];

async function peek(client: Client, slot: string, options: string[], uptoLsn: string | null = null): Promise<CapturedChange[]> {
  const placeholders = options.map((_, i) => `$${i + 3}`).join(', ');
  const res = await client.query<{ lsn: string; xid: string; data: Buffer }>(
    `SELECT lsn::text AS lsn, xid::text AS xid, data FROM pg_logical_slot_peek_binary_changes($1, $2::pg_lsn, NULL, ${placeholders})`,
    [slot, uptoLsn, ...options],
  );
  return res.rows;
}

/** Raw CopyData payloads of a START_REPLICATION session, including a keepalive that requests a reply. */
async function captureFrames(pg: RunningPostgres, admin: Client): Promise<Buffer[]> {
  await admin.query(`SELECT pg_create_logical_replication_slot('fx_frames', 'pgoutput')`);
  await admin.query(`INSERT INTO fx_nokey VALUES (100, 'framed')`);
  // The test drives node-postgres directly here because the point is the bytes on the wire, not our stream.
  const repl = new Client({
    connectionString: pg.connectionString(),
    replication: 'database',
    options: '-c wal_sender_timeout=1000',
  } as ConstructorParameters<typeof Client>[0]);
  await repl.connect();
  const frames: Buffer[] = [];
  const connection = repl.connection as unknown as {
    on(event: 'copyData', listener: (msg: { chunk: Buffer }) => void): void;
    endCopyFrom(): void;
  };
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no keepalive requesting a reply within 5 s')), 5000);
    connection.on('copyData', (msg) => {
      frames.push(Buffer.from(msg.chunk));
      const frame = decodeServerFrame(msg.chunk);
      if (frame.kind === 'keepalive' && frame.replyRequested) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const streaming = repl
    .query(`START_REPLICATION SLOT fx_frames LOGICAL 0/0 (proto_version '1', publication_names 'fx_pub')`)
    .catch(() => undefined);
  await done;
  connection.endCopyFrom();
  await streaming;
  await repl.end();
  return frames;
}

function tags(changes: CapturedChange[]): string[] {
  const decoder = new PgoutputDecoder();
  return changes.map((c) => decoder.decode(c.data).tag);
}

describe('pgoutput fixtures', () => {
  let pg: RunningPostgres;
  let client: Client;
  let header: string[];
  /** Where the protocol 1 scenario ends, so that its fixtures leave out the large streamed transactions. */
  let v1End: string;

  beforeAll(async () => {
    pg = await startPostgres();
    client = new Client({ connectionString: pg.connectionString() });
    await client.connect();
    // Decoding reads only flushed WAL; the test server commits asynchronously, so wait for each commit's flush.
    await client.query('SET synchronous_commit = on');
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    header = [`captured from PostgreSQL ${version} by test/integration/postgres/replication-capture.test.ts`];
    await client.query(SCHEMA);
    await client.query(`SELECT pg_create_logical_replication_slot('fx_v1', 'pgoutput')`);
    for (const sql of CHANGES) await client.query(sql);
    v1End = (await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    await client.query(`SELECT pg_create_logical_replication_slot('fx_stream', 'pgoutput')`);
    for (const sql of STREAMED) await client.query(sql);
  });

  afterAll(async () => {
    await client?.end();
    await pg?.stop();
  });

  const base = ['publication_names', 'fx_pub', 'messages', 'true'];

  it('protocol 1, text', async () => {
    const changes = await peek(client, 'fx_v1', ['proto_version', '1', ...base], v1End);
    if (CAPTURE) writeChanges('v1-text.changes', [...header, 'proto_version 1, text tuples'], changes);
    expect(tags(changes)).toEqual(tags(readChanges('v1-text.changes')));
  });

  it('protocol 1, binary', async () => {
    const changes = await peek(client, 'fx_v1', ['proto_version', '1', 'binary', 'true', ...base], v1End);
    if (CAPTURE) writeChanges('v1-binary.changes', [...header, "proto_version 1, binary 'true'"], changes);
    expect(tags(changes)).toEqual(tags(readChanges('v1-binary.changes')));
  });

  it('protocol 2, streaming large transactions', async () => {
    await client.query(`SET logical_decoding_work_mem = '64kB'`);
    const changes = await peek(client, 'fx_stream', ['proto_version', '2', 'streaming', 'on', ...base]);
    if (CAPTURE) {
      writeChanges('v2-streaming.changes', [...header, "proto_version 2, streaming 'on', logical_decoding_work_mem 64kB"], changes);
    }
    expect(tags(changes)).toEqual(tags(readChanges('v2-streaming.changes')));
  });

  it('replication frames', async () => {
    const frames = await captureFrames(pg, client);
    if (CAPTURE) writeFrames('session.frames', [...header, 'CopyData payloads of START_REPLICATION (proto_version 1), wal_sender_timeout 1s'], frames);
    const kinds = (list: Buffer[]): string[] => [...new Set(list.map((f) => decodeServerFrame(f).kind))].sort();
    expect(kinds(frames)).toEqual(kinds(readFrames('session.frames')));
  });
});
