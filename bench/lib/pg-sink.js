'use strict';
/**
 * The sink scenario: N Debezium change records (JsonConverter with schemas, as the CDC connector writes them) in a
 * worker's embedded broker, written by the Postgres sink into a table of a second database, timed from the POST
 * until the table holds N rows. The peer, `psql -c "\copy <table> from '<file>'"`, loads the same rows (exported
 * from the source table as COPY text, untimed) into an empty table of the same definition in the same database.
 *
 * The input is the snapshot scenario's topic when that ran (the realistic input), else records the bench builds
 * itself with the events modules (pg-sink-feed.js), so that the sink is measured without the source connector.
 */
const path = require('node:path');
const proc = require('./proc');
const connectRest = require('./connect-rest');
const workload = require('./cdc-workload');
const { cpuBetween } = require('./pg-server');
const { figures, boxShare } = require('./pg-figures');
const { psqlOnce, timedCopy } = require('./psql');

const DB = 'bench_sink';
const TARGET = 'sink_rows';
const PEER_TARGET = 'sink_copy';
const CONNECTOR = 'bench-pg-sink';
const CONNECTOR_CLASS = 'io.debezium.connector.jdbc.JdbcSinkConnector';
const FEED_TOPIC = 'bench-sink-feed';
const FEEDER = path.join(__dirname, 'pg-sink-feed.js');
const POLL_MS = 20;
const STATUS_EVERY_MS = 500;

/** The CDC workload's table definition (primary key, autovacuum off) under another name. */
function tableDdl(name) {
  const from = `CREATE TABLE ${workload.TABLE} (`;
  if (!workload.DDL[0].startsWith(from)) throw new Error(`unexpected workload DDL: ${workload.DDL[0].slice(0, 60)}`);
  return `CREATE TABLE ${name} (${workload.DDL[0].slice(from.length)}`;
}

/** The target database with both (empty) target tables; resolves a client on it. */
async function setup(pg) {
  await pg.query(`CREATE DATABASE ${DB}`);
  const client = await pg.connect(DB);
  for (const t of [TARGET, PEER_TARGET]) await client.query(tableDdl(t));
  return client;
}

/** The source table's rows as a COPY text file: the peer's input. */
async function exportRows(pg, table, file, timeoutMs) {
  await psqlOnce(pg, workload.DB, `\\copy ${table} to '${file}'`, timeoutMs);
}

/** Empties a target table and checkpoints, so that neither lands in the next timed window. */
async function resetTarget(client, table) {
  await client.query(`TRUNCATE ${table}`);
  await client.query('CHECKPOINT');
}

async function count(client, table) {
  return (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
}

const peerCommand = (file) => `\\copy ${PEER_TARGET} from '${file}'`;

async function runPeer({ pg, client, file, rows, timeoutMs }) {
  const r = await timedCopy(pg, { database: DB, command: peerCommand(file), rows, timeoutMs });
  const n = await count(client, PEER_TARGET);
  if (n !== rows) throw new Error(`${PEER_TARGET} holds ${n} rows after the copy, expected ${rows}`);
  return r;
}

/** The sink's config: the keys of Debezium's JDBC sink (see connectors/postgres/sink/sink-config.ts). */
function connectorConfig({ host, port, user, password, topic }) {
  return {
    'connector.class': CONNECTOR_CLASS,
    'tasks.max': '1',
    'connection.url': `postgres://${host}:${port}/${DB}`,
    'connection.username': user,
    'connection.password': password,
    'insert.mode': 'upsert',
    'primary.key.mode': 'record_key',
    'delete.enabled': 'true',
    'table.name.format': TARGET,
    'schema.evolution': 'basic',
    topics: topic,
  };
}

async function deleteConnector(worker) {
  await connectRest.deleteConnector(worker, CONNECTOR);
}

/**
 * Polls the target until it holds `rows` rows: `max(id)` (an index probe) until it reaches `maxId`, which the
 * last batch writes, then count(*) (a scan, so only at the end). Resolves hrtime marks with the worker's CPU and
 * `sample()` read at that moment.
 */
async function watchTable({ worker, client, rows, maxId, timeoutMs, sample }) {
  const t0 = Date.now();
  let first = null;
  let lastStatus = 0;
  let seen = 0;
  let counting = false;
  for (;;) {
    if (!counting) {
      const m = (await client.query(`SELECT max(id)::text AS m FROM ${TARGET}`)).rows[0].m;
      seen = m === null ? 0 : Number(m);
      if (first === null && m !== null) first = { at: process.hrtime.bigint(), count: seen };
      counting = seen >= maxId;
    }
    if (counting) {
      seen = await count(client, TARGET);
      const at = process.hrtime.bigint();
      if (seen >= rows) {
        const cpuS = proc.cpuSeconds(worker.pid);
        const mainCpuS = proc.mainThreadCpuSeconds(worker.pid);
        const mem = proc.memStatus(worker.pid);
        const extra = sample();
        if (seen !== rows) throw new Error(`${TARGET} holds ${seen} rows, expected ${rows}`);
        return { firstAt: first ? first.at : at, firstCount: first ? first.count : 0, doneAt: at, cpuS, mainCpuS, peakRssMB: mem ? mem.VmHWM : null, extra };
      }
    }
    if (worker.exitInfo()) throw new Error(`the worker exited with ${seen} of ${rows} rows written: ${worker.tail()}`);
    const now = Date.now();
    if (now - lastStatus >= STATUS_EVERY_MS) {
      lastStatus = now;
      await connectRest.checkStatus(worker, CONNECTOR);
    }
    if (now - t0 > timeoutMs) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s with ${seen} of ${rows} rows in ${TARGET}`);
    await proc.sleep(POLL_MS);
  }
}

/** The sink on an idle worker whose broker holds `topic`: POST, then the target table polled until it has `rows` rows. */
async function runOurs({ pg, worker, client, pgInfo, topic, rows, maxId, timeoutMs }) {
  const pollPid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const start = { cpuS: proc.cpuSeconds(worker.pid), mainCpuS: proc.mainThreadCpuSeconds(worker.pid), pg: pg.cpuSample(), box: proc.boxCpu() };
  const t0 = process.hrtime.bigint();
  await connectRest.postConnector(worker, CONNECTOR, connectorConfig({ ...pgInfo, topic }));
  const got = await watchTable({ worker, client, rows, maxId, timeoutMs, sample: () => ({ pg: pg.cpuSample(), box: proc.boxCpu() }) });
  const wallS = Number(got.doneAt - t0) / 1e9;
  const diff = (a, b) => (a !== null && b !== null ? b - a : null);
  return figures({
    rows,
    txns: null,
    wallS,
    clientCpuS: diff(start.cpuS, got.cpuS),
    clientMainCpuS: diff(start.mainCpuS, got.mainCpuS),
    // The bench's own polling session is left out.
    pgCpuS: cpuBetween(start.pg, got.extra.pg, [pollPid]),
    boxBusy: boxShare(start.box, got.extra.box),
    ncpu: got.extra.box.ncpu,
    firstS: Number(got.firstAt - t0) / 1e9,
    steadyRate: got.doneAt > got.firstAt ? (rows - got.firstCount) / (Number(got.doneAt - got.firstAt) / 1e9) : null,
    peakRssMB: got.peakRssMB,
  });
}

/** Produces the source table's rows as snapshot change records into `FEED_TOPIC` of the worker's broker (untimed). */
async function feed({ pgInfo, worker, table, rows, timeoutMs }) {
  const opts = { ...pgInfo, database: workload.DB, table, topic: FEED_TOPIC, topicPrefix: 'bench', brokerPort: worker.brokerPort };
  const r = await proc.run(process.execPath, [FEEDER, JSON.stringify(opts)], { timeoutMs });
  if (r.code !== 0 || r.timedOut) {
    throw new Error(`feeder ${r.timedOut ? `timed out after ${Math.round(r.wallMs / 1000)} s` : `exit ${r.code}`}: ${r.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  if (out.records !== rows) throw new Error(`the feeder produced ${out.records} records, expected ${rows}`);
  return { ...out, topic: FEED_TOPIC };
}

module.exports = { setup, exportRows, resetTarget, runPeer, runOurs, feed, deleteConnector, connectorConfig, peerCommand, DB, TARGET, PEER_TARGET, FEED_TOPIC, CONNECTOR_CLASS, POLL_MS };
