'use strict';
/**
 * Snapshot and sink, next to psql's `\copy`, on the CDC scenario's throwaway PostgreSQL (postgres.js runs this after
 * its own repetitions). Once: a table of N rows (cdc-snapshot.js), a second database with two empty copies of its
 * definition, and the rows exported as a COPY text file. Per repetition, on one fresh worker started (and idle)
 * before anything is timed:
 *
 *   snapshot peer   psql -c "\copy snap_rows to '/dev/null'", spawn to exit
 *   snapshot        the CDC connector with snapshot.mode=initial_only, POST → the topic holds N records
 *   sink peer       psql -c "\copy sink_copy from '<file>'" into the empty copy, spawn to exit
 *   sink            the Postgres sink on the snapshot's topic (or on records the bench produced: pg-sink-feed.js),
 *                   POST → the target table holds N rows
 *
 * A connector that is missing or fails leaves only its own row "not measured"; later repetitions do not retry it.
 */
const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const workload = require('./cdc-workload');
const e2e = require('./cdc-e2e');
const snapshot = require('./cdc-snapshot');
const sink = require('./pg-sink');
const { copyArgs } = require('./psql');

const SUBJECTS = ['snapshotPeer', 'snapshot', 'sinkPeer', 'sink'];
const NAMES = { snapshotPeer: 'snapshot peer (psql \\copy to /dev/null)', snapshot: 'snapshot', sinkPeer: 'sink peer (psql \\copy from file)', sink: 'sink' };

function settings(cfg) {
  return { rows: cfg.cdc.bulkRows, reps: cfg.reps, sinkInput: cfg.cdc.sinkInput };
}

function describe(r) {
  if (!r.ok) return `FAILED (${r.error})`;
  const cpu = `client ${r.clientCores === null ? 'n/a' : r.clientCores.toFixed(2)} cores, postgres ${r.pgCores === null ? 'n/a' : r.pgCores.toFixed(2)} cores`;
  const first = r.firstS !== undefined && r.firstS !== null ? `, first row ${r.firstS.toFixed(2)} s` : '';
  return `${Math.round(r.rate).toLocaleString('en-US')} rows/s, ${r.wallS.toFixed(2)} s${first}, ${cpu}`;
}

async function safe(what, fn) {
  try {
    return await fn();
  } catch (err) {
    return { ok: false, error: `${what}: ${err.message.split('\n')[0]}`, unavailable: err.unavailable === true };
  }
}

/** One repetition: the four subjects in order on one worker. */
async function runRep(ctx, rep) {
  const { cfg, log, res, pg, src, dst, tmp, file, facts } = ctx;
  const rows = res.rows;
  const timeoutMs = cfg.runTimeoutSec * 1000;
  const push = (x, r) => {
    res.runs[x].push(r);
    log(`pg load rep ${rep} ${NAMES[x]}: ${describe(r)}`);
  };
  const workerDir = path.join(tmp, `pg-load-worker-${rep}`);
  let worker = null;
  let noWorker = null;
  if (!ctx.broken.snapshot || !ctx.broken.sink) {
    const started = await safe('worker', () => e2e.startWorker(workerDir));
    if (started.ok === false) noWorker = started.error;
    else worker = started;
  }
  try {
    await proc.quiesce();
    push('snapshotPeer', await safe('psql \\copy to', () => snapshot.runPeer(pg, rows, timeoutMs)));

    let snap = { ok: false, error: ctx.broken.snapshot || noWorker };
    if (worker && !ctx.broken.snapshot) {
      const slot = `bench_snap_${rep}`;
      await proc.quiesce();
      snap = await safe('snapshot', () => snapshot.runOurs({ pg, worker, workerDir, pgInfo: ctx.pgInfo, slot, rows, timeoutMs }));
      await e2e.deleteConnector(worker);
      await safe('drop slot', () => workload.dropSlot(src, slot));
    }
    push('snapshot', snap);
    if (!snap.ok && snap.unavailable) ctx.broken.snapshot = snap.error;

    await sink.resetTarget(dst, sink.PEER_TARGET);
    await proc.quiesce();
    push('sinkPeer', await safe('psql \\copy from', () => sink.runPeer({ pg, client: dst, file, rows, timeoutMs })));

    let r = { ok: false, error: ctx.broken.sink || noWorker };
    if (worker && !ctx.broken.sink) {
      let input = { topic: snapshot.TOPIC, from: 'snapshot', bytes: snap.topicBytes ?? null };
      if (!(snap.ok && res.sinkInput === 'snapshot')) {
        const fed = await safe('feeding the sink', () => sink.feed({ pgInfo: ctx.pgInfo, worker, table: snapshot.TABLE, rows, timeoutMs }));
        input = fed.ok === false ? fed : { topic: fed.topic, from: 'bench', bytes: snapshot.topicLogBytes(workerDir, fed.topic) };
      }
      if (input.ok === false) r = input;
      else {
        await sink.resetTarget(dst, sink.TARGET);
        await proc.quiesce();
        r = await safe('sink', () => sink.runOurs({ pg, worker, client: dst, pgInfo: ctx.pgInfo, topic: input.topic, rows, maxId: facts.maxId, timeoutMs }));
        if (r.ok) Object.assign(r, { input: input.from, inputBytes: input.bytes });
        await sink.deleteConnector(worker);
      }
    }
    push('sink', r);
    if (!r.ok && r.unavailable) ctx.broken.sink = r.error;
  } finally {
    if (worker) await worker.stop();
    fs.rmSync(workerDir, { recursive: true, force: true });
  }
}

/** All repetitions; resolves { ok, rows, reps, repsDone, runs: { snapshotPeer, snapshot, sinkPeer, sink }, ... }. */
async function run({ pg, cfg, log, tmp }) {
  const res = { ok: true, ...settings(cfg), repsDone: 0, notes: [], runs: Object.fromEntries(SUBJECTS.map((x) => [x, []])) };
  let src = null;
  let dst = null;
  try {
    src = await pg.connect(workload.DB);
    log(`pg load: a table of ${res.rows} rows, its COPY file and the sink's database`);
    const facts = await snapshot.setup(src, res.rows);
    dst = await sink.setup(pg);
    const file = path.join(tmp, 'sink-rows.copy');
    await sink.exportRows(pg, snapshot.TABLE, file, cfg.runTimeoutSec * 1000);
    Object.assign(res, { tableBytes: facts.tableBytes, fileBytes: fs.statSync(file).size });
    const ctx = {
      cfg,
      log,
      res,
      pg,
      src,
      dst,
      tmp,
      file,
      facts,
      broken: { snapshot: null, sink: null },
      pgInfo: { host: pg.host, port: pg.port, user: pg.user, password: pg.password },
    };
    const deadline = Date.now() + cfg.budgetSec * 1000;
    let lastRepMs = 0;
    for (let rep = 1; rep <= res.reps; rep++) {
      if (rep > 1 && Date.now() + lastRepMs * 1.1 > deadline) {
        res.notes.push(`Snapshot and sink: stopped after ${rep - 1} of ${res.reps} repetitions to stay within BENCH_BUDGET_S=${cfg.budgetSec} s (one repetition took ${(lastRepMs / 1000).toFixed(1)} s).`);
        break;
      }
      const t0 = Date.now();
      await runRep(ctx, rep);
      res.repsDone = rep;
      lastRepMs = Date.now() - t0;
    }
    fs.rmSync(file, { force: true });
  } catch (err) {
    res.ok = false;
    res.error = `snapshot and sink: ${err.message.split('\n')[0]}`;
    log(`pg load failed: ${err.stack}`);
  } finally {
    if (src) await src.end().catch(() => undefined);
    if (dst) await dst.end().catch(() => undefined);
  }
  return res;
}

/** The settings line for the report. */
function describeSettings(cfg, L) {
  const s = settings(cfg);
  const rows = L && L.rows ? L.rows : s.rows;
  const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
  const sizes = L && L.tableBytes ? ` (${(L.tableBytes / 1e6).toFixed(1)} MB on disk, ${(L.fileBytes / 1e6).toFixed(1)} MB as COPY text)` : '';
  const pgInfo = { host: '127.0.0.1', port: '<port>', user: 'postgres', password: '<password>' };
  const kv = (o) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(', ');
  const psql = (db, command) => `\`psql ${copyArgs({ port: '<port>', database: db, command }).map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}\``;
  return (
    `- Postgres snapshot and sink: on the CDC scenario's server, after its repetitions. Table ${snapshot.TABLE} in database ${workload.DB} = CREATE TABLE … (LIKE ${workload.TABLE} INCLUDING ALL), filled once with the bulk workload's N = ${fmtInt(rows)} rows${sizes}, ` +
    `then VACUUM (FREEZE, ANALYZE) and CHECKPOINT, in its own publication ${snapshot.PUBLICATION}; database ${sink.DB} holds ${sink.TARGET} (the sink's target) and ${sink.PEER_TARGET} (the peer's), both with ${workload.TABLE}'s definition (primary key, autovacuum off), each truncated and CHECKPOINTed before its run; ` +
    `the rows are exported once, untimed, to a COPY text file. Per repetition, in this order, on one standalone worker started and idle before anything is timed (as in the CDC end-to-end subject, one per repetition): ` +
    `snapshot peer = ${psql(workload.DB, snapshot.peerCommand())}, timed from spawn to exit; ` +
    `snapshot = \`POST /connectors\` with \`${kv(snapshot.connectorConfig(pgInfo, '<slot>'))}\` (a fresh slot per repetition, made by the connector inside the timed window, dropped afterwards), timed from the POST until the end offset of ${snapshot.TOPIC} reaches N (polled every ${e2e.POLL_MS} ms); ` +
    `sink peer = ${psql(sink.DB, sink.peerCommand('<file>'))}, timed from spawn to exit and checked with count(*); ` +
    `sink = \`POST /connectors\` with \`${kv(sink.connectorConfig({ ...pgInfo, topic: snapshot.TOPIC }))}\` on the records the snapshot just wrote (the realistic input; ` +
    `${s.sinkInput === 'snapshot' ? 'only when the snapshot did not run, ' : 'BENCH_PG_SINK_INPUT=feed: always '}records the bench produces itself, untimed, into ${sink.FEED_TOPIC}: the same rows as op r snapshot events built with dist/connectors/postgres/events and serialized with JsonConverter schemas.enable=true), ` +
    `timed from the POST until the target holds N rows (polled every ${sink.POLL_MS} ms with SELECT max(id), an index probe, until it reaches the last id, then count(*)). ` +
    'Rows/s = N / that time; the rows show medians over the repetitions, and ratios are to the median of the psql runs. ' +
    'CPU: client = psql (bash `times`) or the worker process (/proc/<pid>/stat); Postgres = the whole server (backends and walsenders, reaped ones included; the bench\'s polling session left out), both in µs per row.'
  );
}

module.exports = { run, settings, describeSettings, SUBJECTS, NAMES };
