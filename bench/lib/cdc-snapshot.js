'use strict';
/**
 * The snapshot scenario: a table of N rows with the CDC workload's columns and values, read whole (1) by the peer,
 * `psql -c "\copy <table> to '/dev/null'"`, and (2) by the CDC connector with snapshot.mode=initial_only in a
 * standalone worker (cdc-e2e.js: embedded broker, JsonConverter with schemas), timed from the POST until its topic
 * holds N records. The topic it leaves behind is the sink scenario's input (pg-sink.js).
 */
const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const workload = require('./cdc-workload');
const e2e = require('./cdc-e2e');
const { cpuBetween } = require('./pg-server');
const { figures, boxShare } = require('./pg-figures');
const { timedCopy } = require('./psql');

const TABLE = 'snap_rows';
const PUBLICATION = 'bench_snap_pub';
const TOPIC = e2e.topicOf(TABLE);

/**
 * Fills the table once: the bulk workload's N rows (cdc-workload.js, so the values are the CDC scenario's), copied
 * into a table made LIKE the workload's; then frozen and analyzed, so that no reader pays for hint bits or statistics.
 */
async function setup(client, rows) {
  await workload.reset(client);
  await workload.runWorkload(client, 'bulk', rows, 0);
  await client.query(`CREATE TABLE ${TABLE} (LIKE ${workload.TABLE} INCLUDING ALL) WITH (autovacuum_enabled = off)`);
  await client.query(`INSERT INTO ${TABLE} SELECT * FROM ${workload.TABLE} ORDER BY id`);
  await workload.reset(client);
  await client.query(`CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${TABLE}`);
  await client.query(`VACUUM (FREEZE, ANALYZE) ${TABLE}`);
  await client.query('CHECKPOINT');
  const r = await client.query(`SELECT count(*)::int AS n, max(id)::text AS max, pg_table_size('${TABLE}')::int8 AS bytes FROM ${TABLE}`);
  if (r.rows[0].n !== rows) throw new Error(`${TABLE} holds ${r.rows[0].n} rows, expected ${rows}`);
  return { maxId: Number(r.rows[0].max), tableBytes: Number(r.rows[0].bytes) };
}

/** Debezium's keys as in the CDC scenario, with the snapshot's own slot and publication, and snapshot.mode=initial_only. */
function connectorConfig(pgInfo, slot) {
  return { ...e2e.connectorConfig({ ...pgInfo, database: workload.DB, slot, publication: PUBLICATION, table: TABLE }), 'snapshot.mode': 'initial_only' };
}

const peerCommand = () => `\\copy ${TABLE} to '/dev/null'`;

async function runPeer(pg, rows, timeoutMs) {
  return timedCopy(pg, { database: workload.DB, command: peerCommand(), rows, timeoutMs });
}

/** Bytes of a topic's log segments in a worker's embedded broker (what the records take on the wire, roughly). */
function topicLogBytes(workerDir, topic) {
  const logDir = path.join(workerDir, 'broker');
  let bytes = 0;
  for (const d of fs.existsSync(logDir) ? fs.readdirSync(logDir) : []) {
    if (!d.startsWith(`${topic}-`)) continue;
    for (const f of fs.readdirSync(path.join(logDir, d))) if (f.endsWith('.log')) bytes += fs.statSync(path.join(logDir, d, f)).size;
  }
  return bytes || null;
}

/**
 * The connector on an idle worker: POST, then the topic's end offset polled until it holds `rows` records. The
 * connector makes its slot (exporting the snapshot it reads under) inside the timed window, as it does for real.
 */
async function runOurs({ pg, worker, workerDir, pgInfo, slot, rows, timeoutMs }) {
  const start = { cpuS: proc.cpuSeconds(worker.pid), mainCpuS: proc.mainThreadCpuSeconds(worker.pid), pg: pg.cpuSample(), box: proc.boxCpu() };
  const t0 = process.hrtime.bigint();
  await e2e.postConnector(worker, connectorConfig(pgInfo, slot));
  const got = await e2e.watchTopic({ worker, table: TABLE, rows, timeoutMs, sample: () => ({ pg: pg.cpuSample(), box: proc.boxCpu() }) });
  const wallS = Number(got.doneAt - t0) / 1e9;
  const diff = (a, b) => (a !== null && b !== null ? b - a : null);
  return figures({
    rows,
    txns: 1,
    wallS,
    clientCpuS: diff(start.cpuS, got.cpuS),
    clientMainCpuS: diff(start.mainCpuS, got.mainCpuS),
    pgCpuS: cpuBetween(start.pg, got.extra.pg),
    boxBusy: boxShare(start.box, got.extra.box),
    ncpu: got.extra.box.ncpu,
    firstS: Number(got.firstAt - t0) / 1e9,
    steadyRate: got.doneAt > got.firstAt ? (rows - got.firstCount) / (Number(got.doneAt - got.firstAt) / 1e9) : null,
    peakRssMB: got.peakRssMB,
    topicBytes: topicLogBytes(workerDir, TOPIC),
  });
}

module.exports = { setup, connectorConfig, peerCommand, runPeer, runOurs, topicLogBytes, TABLE, PUBLICATION, TOPIC };
