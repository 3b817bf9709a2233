'use strict';
/**
 * The CDC scenario's database side: one table with a realistic mix of column types, a publication for it, the
 * two workloads (one bulk transaction; many single-row transactions) and the replication slots. Every subject
 * gets its own slot, created before the workload, so that all of them decode exactly the same WAL range.
 */
const proc = require('./proc');

const DB = 'bench';
const TABLE = 'cdc_rows';
const PUBLICATION = 'bench_pub';

/** The values of row g (an integer expression) with ids starting after `base`: about 180 bytes as text. */
function rowValues(g, base) {
  return [
    `${base} + ${g}`,
    `'customer-' || (${base} + ${g}) || '-' || substr(md5(${g}::text), 1, 16)`,
    `((${g} * 7919) % 10000000) / 100.0`,
    `timestamptz '2026-01-01 00:00:00+00' + ${g} * interval '1 second'`,
    `${g} % 3 <> 0`,
    `jsonb_build_object('tier', (array['gold', 'silver', 'bronze'])[1 + ${g} % 3], 'n', ${g}, 'tags', jsonb_build_array('a', 'b'))`,
    `md5(${g}::text)::uuid`,
  ].join(', ');
}

const DDL = [
  // Autovacuum off on the table: a vacuum of the fresh rows would add WAL and CPU in the middle of a timed run.
  `CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created_at timestamptz NOT NULL,
     active boolean, attrs jsonb, ref uuid) WITH (autovacuum_enabled = off)`,
  `CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${TABLE}`,
  // Each COMMIT inside a procedure ends a real transaction: one row per transaction, without a client round trip each.
  `CREATE PROCEDURE bench_single_rows(base bigint, n int) LANGUAGE plpgsql AS $$
   BEGIN
     FOR g IN 1..n LOOP
       INSERT INTO ${TABLE} SELECT ${rowValues('g', 'base')};
       COMMIT;
     END LOOP;
   END $$`,
];

/** Creates the database, table, publication and procedure; returns a client on the database (kept for the workloads). */
async function setup(pg) {
  await pg.query(`CREATE DATABASE ${DB}`);
  const client = await pg.connect(DB);
  for (const sql of DDL) await client.query(sql);
  return client;
}

/** Empties the table and checkpoints, so that neither lands in the next timed window. */
async function reset(client) {
  await client.query(`TRUNCATE ${TABLE}`);
  await client.query('CHECKPOINT');
}

async function createSlot(client, slot) {
  await client.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [slot]);
}

/** Waits until a walsender streams from the slot (the connector made it and started streaming). */
async function waitSlotActive(client, slot, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.query('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    if (r.rows[0]?.active === true) return;
    if (check) await check();
    if (Date.now() > deadline) throw new Error(`replication slot "${slot}" was not ${r.rows.length ? 'streamed from' : 'created'} within ${timeoutMs / 1000} s`);
    await proc.sleep(100);
  }
}

/** Drops a slot once its walsender has let go (it may linger a moment after the client exits). */
async function dropSlot(client, slot, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      return;
    } catch (err) {
      if (!/is active/.test(err.message) || Date.now() > deadline) throw err;
      await proc.sleep(100);
    }
  }
}

async function insertLsn(client) {
  return (await client.query('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0].lsn;
}

/**
 * Runs one workload; resolves { rows, txns, ms, startLsn, endLsn, walBytes, beganAt, committingAt, endedAt }.
 * endLsn is the WAL insert position right after the last commit: the end of that commit record, where every
 * subject stops. The *At marks are process.hrtime.bigint() values: before the first statement, before the
 * (first) commit is sent, and when the workload returned.
 */
async function runWorkload(client, kind, count, base) {
  const startLsn = await insertLsn(client);
  const beganAt = process.hrtime.bigint();
  let committingAt = beganAt;
  if (kind === 'bulk') {
    await client.query('BEGIN');
    await client.query(`INSERT INTO ${TABLE} SELECT ${rowValues('g', String(base))} FROM generate_series(1, $1::int) g`, [count]);
    committingAt = process.hrtime.bigint();
    await client.query('COMMIT');
  } else {
    await client.query('CALL bench_single_rows($1, $2)', [base, count]);
  }
  const endedAt = process.hrtime.bigint();
  const ms = Number(endedAt - beganAt) / 1e6;
  const endLsn = await insertLsn(client);
  const wal = await client.query('SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::int8 AS bytes', [endLsn, startLsn]);
  const got = await client.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE id > $1`, [base]);
  if (got.rows[0].n !== count) throw new Error(`the ${kind} workload inserted ${got.rows[0].n} rows, expected ${count}`);
  return { rows: count, txns: kind === 'bulk' ? 1 : count, ms, startLsn, endLsn, walBytes: Number(wal.rows[0].bytes), beganAt, committingAt, endedAt };
}

/** Average size of a row as text (what pgoutput sends for it, roughly), over the rows in the table. */
async function rowTextBytes(client) {
  const r = await client.query(`SELECT avg(octet_length(t::text))::float8 AS b FROM ${TABLE} t`);
  return r.rows[0].b;
}

/** Integer LSN from its text form (for the child, which compares bigints). */
function lsnValue(text) {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

module.exports = { DB, TABLE, PUBLICATION, DDL, setup, reset, createSlot, waitSlotActive, dropSlot, runWorkload, rowTextBytes, lsnValue };
