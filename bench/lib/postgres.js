'use strict';
/**
 * Postgres CDC: our replication path against `pg_recvlogical` (pgoutput → /dev/null) on the same workload in the
 * same run. A throwaway PostgreSQL (pg-server.js) gets two workloads per repetition (cdc-workload.js): one bulk
 * transaction of N rows, and M single-row transactions. Before each workload every subject gets a fresh slot, so
 * all of them decode exactly the same WAL range, up to the insert LSN recorded after the last commit. Subjects:
 *
 *   peer        pg_recvlogical --start --endpos=<end> -o proto_version=1 -f /dev/null, spawn to exit
 *   decode      our replication connection and pgoutput decoder in a child node process (cdc-child.js)
 *   envelope    the same plus Debezium change records serialized by the JsonConverter: all but the broker
 *   e2e         the CDC connector in a standalone worker with the embedded broker (cdc-e2e.js), until the topic
 *               holds N records; by default it streams during the workload (timed from the commit), with
 *               BENCH_CDC_E2E=backlog it is posted afterwards like the others read their slots (timed from the POST)
 *
 * The first three read the backlog one after another once the workload is done. After the repetitions, the same
 * server runs the snapshot and sink scenarios against psql's \copy (pg-load.js); their results are `load`.
 *
 * Without PostgreSQL the scenario reports why and the rest of the bench goes on; a connector that is missing or
 * fails leaves only its rows "not measured".
 */
const path = require('node:path');
const proc = require('./proc');
const workload = require('./cdc-workload');
const e2e = require('./cdc-e2e');
const load = require('./pg-load');
const { startPostgres, cpuBetween, SETTINGS } = require('./pg-server');
const { figures, boxShare } = require('./pg-figures');

const SUBJECTS = ['peer', 'decode', 'envelope', 'e2e'];
const WORKLOADS = ['bulk', 'single'];
const CHILD = path.join(__dirname, 'cdc-child.js');

function settings(cfg) {
  return { bulkRows: cfg.cdc.bulkRows, singleTxns: cfg.cdc.singleTxns, reps: cfg.reps, e2eMode: cfg.cdc.e2eMode };
}

function recvlogicalArgs({ port, slot, endLsn, database = workload.DB, publication = workload.PUBLICATION }) {
  return ['-d', database, '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '--slot', slot, '--start', `--endpos=${endLsn}`, '--no-loop',
    '-o', 'proto_version=1', '-o', `publication_names=${publication}`, '-f', '/dev/null'];
}

async function runPeer(pg, slot, w, timeoutMs) {
  const env = { ...process.env, PGPASSWORD: pg.password };
  const pg0 = pg.cpuSample();
  const box0 = proc.boxCpu();
  const r = await proc.run(path.join(pg.binDir, 'pg_recvlogical'), recvlogicalArgs({ port: pg.port, slot, endLsn: w.endLsn }), { env, cpu: true, stdout: 'ignore', timeoutMs });
  const box1 = proc.boxCpu();
  const pg1 = await pg.cpuSampleSettled(pg0);
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `timed out after ${Math.round(r.wallMs / 1000)} s` : `exit ${r.code}`;
    throw new Error(`pg_recvlogical ${why}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
  return figures({ rows: w.rows, txns: w.txns, wallS: r.wallMs / 1000, clientCpuS: r.cpuSec, clientMainCpuS: null, pgCpuS: cpuBetween(pg0, pg1), boxBusy: boxShare(box0, box1), ncpu: box1.ncpu });
}

async function runChild(pg, mode, slot, w, timeoutMs) {
  const opts = {
    mode,
    host: pg.host,
    port: pg.port,
    user: pg.user,
    password: pg.password,
    database: workload.DB,
    slot,
    publication: workload.PUBLICATION,
    endLsn: workload.lsnValue(w.endLsn).toString(),
    topicPrefix: 'bench',
    postmasterPid: pg.pid,
  };
  const r = await proc.run(process.execPath, [CHILD, JSON.stringify(opts)], { timeoutMs });
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `timed out after ${Math.round(r.wallMs / 1000)} s` : `exit ${r.code}`;
    throw new Error(`${mode} child ${why}: ${r.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  if (out.rows !== w.rows) throw new Error(`${mode}: read ${out.rows} rows, the workload inserted ${w.rows}`);
  const wallS = out.wallMs / 1000;
  return figures({
    rows: out.rows,
    txns: out.txns,
    wallS,
    clientCpuS: out.cpuS,
    clientMainCpuS: out.mainCpuS,
    pgCpuS: out.pgCpuS,
    boxBusy: out.boxBusy,
    ncpu: out.ncpu,
    spawnS: r.wallMs / 1000,
    startS: out.startMs / 1000,
    firstS: out.firstRowMs === null ? null : out.firstRowMs / 1000,
    peakRssMB: out.peakRssMB,
    ...(out.bytes !== undefined ? { records: out.records, outBytes: out.bytes } : {}),
  });
}

/** CPU and box counters at the start of an end-to-end window. */
function e2eStart(pg, worker) {
  return { cpuS: proc.cpuSeconds(worker.pid), mainCpuS: proc.mainThreadCpuSeconds(worker.pid), pg: pg.cpuSample(), box: proc.boxCpu() };
}

/** Figures of an end-to-end run timed from `t0` (an hrtime mark); `w` is the workload, `start` from e2eStart. */
function e2eFigures({ w, t0, start, got, workloadPid }) {
  const wallS = Number(got.doneAt - t0) / 1e9;
  const end = got.extra;
  const diff = (a, b) => (a !== null && b !== null ? b - a : null);
  return figures({
    rows: w.rows,
    txns: w.txns,
    wallS,
    clientCpuS: diff(start.cpuS, got.cpuS),
    clientMainCpuS: diff(start.mainCpuS, got.mainCpuS),
    // The workload's own session is left out: only what capturing the changes cost.
    pgCpuS: cpuBetween(start.pg, end.pg, [workloadPid]),
    boxBusy: boxShare(start.box, end.box),
    ncpu: end.box.ncpu,
    firstS: Number(got.firstAt - t0) / 1e9,
    steadyRate: got.doneAt > got.firstAt ? (w.rows - got.firstCount) / (Number(got.doneAt - got.firstAt) / 1e9) : null,
    lagS: Number(got.doneAt - w.endedAt) / 1e9,
    workloadRate: w.rows / (w.ms / 1000),
    peakRssMB: got.peakRssMB,
  });
}

function describe(r) {
  if (!r.ok) return `FAILED (${r.error})`;
  const cpu = `client ${r.clientCores === null ? 'n/a' : r.clientCores.toFixed(2)} cores, postgres ${r.pgCores === null ? 'n/a' : r.pgCores.toFixed(2)} cores`;
  const first = r.firstS !== undefined && r.firstS !== null ? `, first row ${r.firstS.toFixed(2)} s` : '';
  return `${Math.round(r.rate).toLocaleString('en-US')} rows/s, ${r.wallS.toFixed(2)} s${first}, ${cpu}`;
}

/**
 * One workload of one repetition: slots, workload, then each subject on its slot. In "stream" mode the end-to-end
 * subject runs during the workload (its connector made its slot and streams before the workload starts).
 */
async function runWorkloadRep(ctx, kind, rep) {
  const { cfg, log, res, client, pg, tmp } = ctx;
  const s = settings(cfg);
  const count = kind === 'bulk' ? s.bulkRows : s.singleTxns;
  const timeoutMs = cfg.runTimeoutSec * 1000;
  const stream = cfg.cdc.e2eMode === 'stream';
  const entry = res.workloads[kind];
  const safe = async (what, fn) => {
    try {
      return await fn();
    } catch (err) {
      return { ok: false, error: `${what}: ${err.message.split('\n')[0]}`, unavailable: err.unavailable === true };
    }
  };
  const slots = Object.fromEntries(SUBJECTS.map((x) => [x, `bench_${kind}_${rep}_${x}`]));
  const config = () => e2e.connectorConfig({ ...ctx.pgInfo, slot: slots.e2e, table: workload.TABLE });
  const watch = (sample) => e2e.watchTopic({ worker, table: workload.TABLE, rows: count, timeoutMs, sample });
  const endSample = () => ({ pg: pg.cpuSample(), box: proc.boxCpu() });
  // The worker starts first, so that its start-up is over (and idle) before anything is timed.
  let worker = null;
  let e2eRun = null;
  if (ctx.e2eBroken) e2eRun = { ok: false, error: ctx.e2eBroken };
  else {
    const started = await safe('worker', () => e2e.startWorker(path.join(tmp, `cdc-worker-${kind}-${rep}`)));
    if (started.ok === false) e2eRun = { ...started, unavailable: true };
    else worker = started;
  }
  let e2eDone = false;
  const finishE2e = async (r) => {
    e2eDone = true;
    e2eRun = r;
    entry.runs.e2e.push(r);
    log(`cdc ${kind} rep ${rep} e2e: ${describe(r)}`);
    // A connector the worker cannot run stays so: later runs report the same reason without trying again.
    if (!r.ok && r.unavailable) ctx.e2eBroken = r.error;
    if (worker) {
      await e2e.deleteConnector(worker);
      await worker.stop();
      worker = null;
    }
    await safe('drop slot', () => workload.dropSlot(client, slots.e2e));
  };
  try {
    await workload.reset(client);
    for (const x of SUBJECTS) if (!(x === 'e2e' && stream)) await workload.createSlot(client, slots[x]);
    let watching = null;
    let start = null;
    if (stream && worker) {
      const ready = await safe('end to end', async () => {
        await e2e.postConnector(worker, config());
        await workload.waitSlotActive(client, slots.e2e, 30000, () => e2e.checkStatus(worker));
      });
      if (ready && ready.ok === false) await finishE2e(ready);
      else {
        await proc.quiesce();
        start = e2eStart(pg, worker);
        // Settled into an object so that an early failure is not an unhandled rejection while the workload runs.
        watching = watch(endSample).then((got) => ({ got }), (err) => ({ err }));
      }
    }
    log(`cdc ${kind} rep ${rep}: workload of ${count} ${kind === 'bulk' ? 'rows in one transaction' : 'single-row transactions'}`);
    const w = await workload.runWorkload(client, kind, count, 0);
    entry.workload.push(w);
    if (watching) {
      const { got, err } = await watching;
      const t0 = kind === 'bulk' ? w.committingAt : w.beganAt;
      await finishE2e(got ? e2eFigures({ w, t0, start, got, workloadPid: ctx.workloadPid }) : { ok: false, error: `end to end: ${err.message.split('\n')[0]}`, unavailable: err.unavailable === true });
    }
    if (entry.rowTextBytes === undefined) entry.rowTextBytes = await workload.rowTextBytes(client);
    await proc.sleep(cfg.cdc.settleMs);
    for (const x of SUBJECTS) {
      if (x === 'e2e') continue;
      await proc.quiesce();
      let r;
      if (x === 'peer') r = await safe('pg_recvlogical', () => runPeer(pg, slots[x], w, timeoutMs));
      else r = await safe(x, () => runChild(pg, x, slots[x], w, timeoutMs));
      entry.runs[x].push(r);
      log(`cdc ${kind} rep ${rep} ${x}: ${describe(r)}`);
      await safe('drop slot', () => workload.dropSlot(client, slots[x]));
    }
    if (!stream && worker) {
      await proc.quiesce();
      const r = await safe('end to end', async () => {
        const begun = e2eStart(pg, worker);
        const t0 = process.hrtime.bigint();
        await e2e.postConnector(worker, config());
        const got = await watch(endSample);
        return e2eFigures({ w, t0, start: begun, got, workloadPid: ctx.workloadPid });
      });
      await finishE2e(r);
    }
    if (!e2eDone) await finishE2e(e2eRun || { ok: false, error: 'end to end: not run' });
  } finally {
    if (worker) await worker.stop();
  }
}

/** All repetitions; resolves { ok, bulkRows, singleTxns, repsDone, versions, workloads: { bulk, single }, notes }. */
async function run({ tmp, cfg, log }) {
  const s = settings(cfg);
  const res = {
    ok: true,
    ...s,
    repsDone: 0,
    versions: {},
    notes: [],
    workloads: Object.fromEntries(WORKLOADS.map((k) => [k, { workload: [], runs: Object.fromEntries(SUBJECTS.map((x) => [x, []])) }])),
  };
  let pg;
  try {
    pg = await startPostgres({ log });
  } catch (err) {
    return { ...res, ok: false, error: err.message.split('\n')[0] };
  }
  res.versions = { server: pg.version, recvlogical: pg.recvlogicalVersion };
  let client = null;
  try {
    client = await workload.setup(pg);
    const ctx = {
      cfg,
      log,
      res,
      client,
      pg,
      tmp,
      e2eBroken: null,
      workloadPid: (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid,
      pgInfo: { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: workload.DB, publication: workload.PUBLICATION },
    };
    const deadline = Date.now() + cfg.budgetSec * 1000;
    let lastRepMs = 0;
    for (let rep = 1; rep <= s.reps; rep++) {
      if (rep > 1 && Date.now() + lastRepMs * 1.1 > deadline) {
        res.notes.push(`CDC: stopped after ${rep - 1} of ${s.reps} repetitions to stay within BENCH_BUDGET_S=${cfg.budgetSec} s (one repetition took ${(lastRepMs / 1000).toFixed(1)} s).`);
        break;
      }
      const t0 = Date.now();
      for (const kind of WORKLOADS) await runWorkloadRep(ctx, kind, rep);
      res.repsDone = rep;
      lastRepMs = Date.now() - t0;
    }
  } catch (err) {
    res.ok = false;
    res.error = `CDC: ${err.message.split('\n')[0]}`;
    log(`cdc failed: ${err.stack}`);
  }
  try {
    // Snapshot and sink next to psql's \copy, on the same server (pg-load.js); their failure is theirs alone.
    if (client) res.load = await load.run({ pg, cfg, log, tmp });
    else res.load = { ok: false, ...load.settings(cfg), error: res.error || 'not run', runs: {} };
  } finally {
    if (client) await client.end().catch(() => undefined);
    await pg.stop();
  }
  return res;
}

/** The settings line for the report. */
function describeSettings(cfg, c) {
  const s = settings(cfg);
  const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
  const v = c && c.versions && c.versions.server ? ` (PostgreSQL ${c.versions.server}; ${c.versions.recvlogical || 'pg_recvlogical'})` : '';
  const rowBytes = c && c.workloads && c.workloads.bulk.rowTextBytes ? `, about ${Math.round(c.workloads.bulk.rowTextBytes)} bytes per row as text` : '';
  const props = e2e.workerProperties({ brokerPort: '<port>', restPort: '<port>', dir: '<tmpdir>' }).join(', ');
  const conn = Object.entries(e2e.connectorConfig({ host: '127.0.0.1', port: '<port>', user: 'postgres', password: '<password>', database: workload.DB, slot: '<slot>', publication: workload.PUBLICATION, table: workload.TABLE }))
    .map(([k, val]) => `${k}=${val}`)
    .join(', ');
  return (
    `- Postgres CDC: a throwaway PostgreSQL${v} on 127.0.0.1 (initdb in a temp dir; ${Object.entries(SETTINGS).map(([k, val]) => `${k}=${val}`).join(', ')}; password auth), ` +
    `table ${workload.TABLE} (bigint pk, text, numeric(12,2), timestamptz, boolean, jsonb, uuid; autovacuum off${rowBytes}) in publication ${workload.PUBLICATION}. ` +
    `Workloads per repetition: bulk = one transaction inserting N = ${fmtInt(s.bulkRows)} rows (INSERT … SELECT FROM generate_series), single-row = M = ${fmtInt(s.singleTxns)} transactions of one insert each (a PL/pgSQL procedure that COMMITs after each insert). ` +
    'Before each workload the table is truncated, a CHECKPOINT taken and every subject given its own fresh pgoutput slot, so that all subjects decode the same WAL range; the end LSN is pg_current_wal_insert_lsn() after the last commit. ' +
    `Subjects: peer = \`pg_recvlogical ${recvlogicalArgs({ port: '<port>', slot: '<slot>', endLsn: '<end>' }).join(' ')}\` (PGPASSWORD in the environment), timed from spawn to exit; ` +
    'decode-only = a child `node` process using dist/connectors/postgres/replication (ReplicationConnection.connect, startReplication with proto_version 1, async iteration of the decoded messages, inserts counted), timed from before connecting to the Commit at the end LSN (module loading excluded); ' +
    'decode + envelope = the same child also turning each insert into the Debezium change record (dist/connectors/postgres/events: TableSchema from the Relation message and the catalog, changeRecords with the context headers, toSourceRecord) and serializing key, value and headers (JsonConverter schemas.enable=true, SimpleHeaderConverter): everything but the broker; ' +
    `end to end = \`node bin/sluice.js connect standalone worker.properties\` with \`${props}\`, started and idle before anything is timed, and \`POST /connectors\` with \`${conn}\`, ` +
    (s.e2eMode === 'stream'
      ? 'posted before the workload (the connector creates the slot; the workload starts once a walsender streams from it), timed from sending the bulk COMMIT (single-row: from the first transaction) '
      : 'posted after the workload on a slot the bench made before it, timed from the POST ') +
    `until the end offset of ${e2e.topicOf(workload.TABLE)} (polled every ${e2e.POLL_MS} ms with our Kafka client) reaches N (or M); the server CPU counted for it leaves out the workload's own session. ` +
    (s.e2eMode === 'stream'
      ? 'Order per workload: end to end during the workload, then peer, decode-only, decode + envelope on the backlog. The end-to-end connector streams while the workload runs (BENCH_CDC_E2E=stream, the default): its walsender reads the bulk transaction\'s WAL during the INSERT, before its timed window, where the other subjects read it inside theirs; the single-row figure is bounded by the workload\'s own rate; BENCH_CDC_E2E=backlog gives it a slot made before the workload and posts it afterwards, like the others. '
      : 'Order per workload: peer, decode-only, decode + envelope, end to end, all on the backlog (BENCH_CDC_E2E=backlog). ') +
    'Rows/s = rows / that time (txn/s = rows/s for the single-row workload). The row shows medians over the repetitions; ratios are to pg_recvlogical on the same workload. ' +
    'CPU: client = pg_recvlogical (bash `times`), the child (process.cpuUsage over its timed window) or the worker process (/proc/<pid>/stat); Postgres = the whole server (postmaster, its live backends and the ones reaped meanwhile, from /proc), which is mostly the walsender decoding the slot; both in µs per row (= CPU-s per million rows).'
  );
}

module.exports = { run, settings, describeSettings, recvlogicalArgs, SUBJECTS, WORKLOADS };
