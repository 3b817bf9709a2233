#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: our broker (driven by kcat) against Redis Streams (driven by redis-benchmark), in one
 * run on this box, interleaved A/B per repetition; then footprint (CPU per GB, RSS, cold start).
 * Then the log cleaner's throughput on a compacted topic (reported; no peer). Prints a summary and
 * overwrites docs/benchmarks.md. Settings: see bench/lib/config.js (BENCH_SCALE ...).
 * Then Connect end to end (file → broker → file through a standalone worker) against the kcat pair.
 * Then Postgres CDC (decode only, decode + envelope, end to end) against pg_recvlogical on the same workloads, and on
 * the same server the CDC snapshot and the Postgres sink against psql's \copy (to /dev/null; from a file).
 * BENCH_ONLY=compaction runs only the compaction scenario and updates its row in docs/benchmarks.md;
 * BENCH_ONLY=connect does the same for the Connect rows, BENCH_ONLY=cdc for the CDC rows (snapshot and sink included).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const proc = require('./lib/proc');
const config = require('./lib/config');
const facts = require('./lib/facts');
const payload = require('./lib/payload');
const redis = require('./lib/redis');
const scen = require('./lib/scenarios');
const footprint = require('./lib/footprint');
const compaction = require('./lib/compaction');
const connect = require('./lib/connect');
const postgres = require('./lib/postgres');
const { ensureBuilt, startBroker, ROOT } = require('./lib/broker');
const { printSummary, writeMarkdown, upsertCompaction, upsertConnect, upsertCdc } = require('./lib/report');
const { compactionRow, connectRows, cdcRows } = require('./lib/summary');

const log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function safe(what, fn) {
  try {
    return await fn();
  } catch (err) {
    log(`${what} failed: ${err.message}`);
    return { ok: false, error: `${what}: ${err.message.split('\n')[0]}` };
  }
}

function describe(r) {
  if (!r.ok) return `FAILED (${r.error})`;
  return `${Math.round(r.rate).toLocaleString('en-US')}/s, ${r.mbps.toFixed(1)} MB/s, wall ${r.wallS.toFixed(2)} s, server ${r.serverCores?.toFixed(2)} cores, driver ${r.driverCores?.toFixed(2)} cores`;
}

/** The A/B throughput runs for one record size. */
async function runSize(res, sz, ctx, sizeDeadline) {
  const { broker, redisSrv, tmp, cfg, runsDeadline } = ctx;
  const entry = { ...sz, repsDone: 0, runs: { oursProduce: [], redisXadd: [], oursConsume: [], redisXrange: [] } };
  res.sizes.push(entry);
  if (!broker && !redisSrv) return;
  const file = path.join(tmp, `payload-${sz.size}.txt`);
  log(`${sz.label}: writing ${sz.n} lines of ${sz.size} B`);
  payload.writeLinesFile(file, sz.n, sz.size);
  const value = payload.value(sz.size);
  const calls = Math.max(500, Math.ceil(sz.n / 1000));
  const timeout = () => Math.max(10000, Math.min(cfg.runTimeoutSec * 1000, runsDeadline + 60000 - Date.now()));
  let lastRepMs = 0;
  for (let rep = 1; rep <= cfg.reps; rep++) {
    if (rep > 1 && Date.now() + lastRepMs * 1.1 > sizeDeadline) {
      res.notes.push(`${sz.label}: stopped after ${rep - 1} of ${cfg.reps} repetitions to stay within BENCH_BUDGET_S=${cfg.budgetSec} s (one repetition took ${(lastRepMs / 1000).toFixed(1)} s).`);
      break;
    }
    const t0 = Date.now();
    const topic = `bench-${sz.size}b-r${rep}`;
    const key = `bench:${sz.size}b:r${rep}`;
    let produced = false;
    let xadded = false;
    if (broker) {
      const r = await safe('ours produce', () => scen.oursProduce(broker, topic, file, sz.n, sz.size, timeout()));
      entry.runs.oursProduce.push(r);
      produced = r.ok;
      log(`${sz.label} rep ${rep} produce ours:  ${describe(r)}`);
    }
    if (redisSrv) {
      const r = await safe('redis XADD', () => scen.redisXadd(redisSrv, key, sz.n, value, timeout()));
      entry.runs.redisXadd.push(r);
      xadded = r.ok;
      log(`${sz.label} rep ${rep} produce redis: ${describe(r)}`);
    }
    if (produced) {
      const r = await safe('ours consume', () => scen.oursConsume(broker, topic, sz.n, sz.size, timeout()));
      entry.runs.oursConsume.push(r);
      log(`${sz.label} rep ${rep} consume ours:  ${describe(r)}`);
    }
    if (xadded) {
      const r = await safe('redis XRANGE', () => scen.redisXrange(redisSrv, key, calls, sz.size, timeout()));
      entry.runs.redisXrange.push(r);
      log(`${sz.label} rep ${rep} consume redis: ${describe(r)}`);
    }
    if (redisSrv) await safe('redis DEL', () => redis.command(redisSrv.port, ['DEL', key]));
    entry.repsDone = rep;
    lastRepMs = Date.now() - t0;
  }
  fs.rmSync(file, { force: true });
}

/** Other work on the box skews a 2-core benchmark: wait a little for quiet, and record how busy it was. */
async function waitForQuiet(res, cfg) {
  const deadline = Date.now() + cfg.quietWaitSec * 1000;
  let busy = await proc.boxBusyOver(1000);
  while (busy > 0.15 && Date.now() < deadline) {
    log(`box ${Math.round(busy * 100)}% busy before start; waiting for quiet`);
    await proc.sleep(2000);
    busy = await proc.boxBusyOver(1000);
  }
  res.machine.busyBefore = busy;
  if (busy > 0.15) {
    res.notes.push(`The box was not quiet: ${Math.round(busy * 100)}% of its CPU was busy with other work just before the bench started (waited ${cfg.quietWaitSec} s). The "other cores" column below shows how much of it overlapped each run; rerun on a quiet box for stable figures.`);
  }
}

function describeCompaction(c) {
  if (!c.ok) return `FAILED (${c.error})`;
  return `${c.mbps.toFixed(1)} MB/s: ${(c.bytesRead / 1e6).toFixed(1)} MB, ${c.recordsRead} records -> ${c.recordsRead - c.recordsRemoved} in ${c.durationMs.toFixed(0)} ms, longest slice ${c.longestSliceMs.toFixed(1)} ms, broker CPU ${c.serverCpuS?.toFixed(2)} s`;
}

/** BENCH_ONLY=compaction: just the cleaner scenario; its row goes into the existing docs/benchmarks.md. */
async function compactionOnly() {
  const cfg = config.load();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  proc.trackTempDir(tmp);
  try {
    const tools = await facts.tools();
    if (!tools.have.kcat) throw new Error('kcat is required (apt-get install kcat)');
    log(await ensureBuilt(log));
    const machine = await facts.machine(tmp);
    const res = { cfg, machine, compaction: await safe('compaction', () => compaction.run({ tmp, cfg, log })) };
    log(`compaction: ${describeCompaction(res.compaction)}`);
    const row = compactionRow(res.compaction);
    process.stdout.write(`\n${row.scenario}: ${row.ours}\n`);
    if (res.compaction.ok) {
      upsertCompaction(res, path.join(ROOT, 'docs', 'benchmarks.md'));
      log('updated the compaction row of docs/benchmarks.md');
    } else {
      process.exitCode = 1;
    }
  } finally {
    proc.removeTempDir(tmp);
  }
}

/** BENCH_ONLY=connect: just the Connect end-to-end scenario; its rows go into the existing docs/benchmarks.md. */
async function connectOnly() {
  const cfg = config.load();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  proc.trackTempDir(tmp);
  try {
    const tools = await facts.tools();
    if (!tools.have.kcat) throw new Error('kcat is required (apt-get install kcat)');
    if (!tools.have.bash) throw new Error('bash is required (it measures kcat\'s CPU with `times`)');
    log(await ensureBuilt(log));
    const machine = await facts.machine(tmp);
    const res = { cfg, machine, notes: [] };
    await waitForQuiet(res, cfg);
    res.connect = await safe('connect', () => connect.run({ tmp, cfg, log }));
    if (machine.busyBefore > 0.15) {
      res.connect.notes = [`The box was not quiet: ${Math.round(machine.busyBefore * 100)}% of its CPU was busy with other work just before these runs (waited ${cfg.quietWaitSec} s); each run's "box busy" above shows what overlapped it.`, ...(res.connect.notes || [])];
    }
    const table = connectRows(res.connect);
    process.stdout.write(`\n${table.map((r) => `${r.scenario}: ${r.ours} | peer ${r.peer} | ${r.ratio} (${r.target}: ${r.met})`).join('\n')}\n`);
    if (res.connect.ok !== false && table.some((r) => r.ratioValue)) {
      upsertConnect(res, path.join(ROOT, 'docs', 'benchmarks.md'));
      log('updated the Connect rows of docs/benchmarks.md');
    } else {
      process.exitCode = 1;
    }
  } finally {
    proc.removeTempDir(tmp);
  }
}

/**
 * BENCH_ONLY=cdc: just the Postgres CDC scenario; its rows go into the existing docs/benchmarks.md when anything
 * was measured (without PostgreSQL the rows are printed with the reason and the page is left alone).
 */
async function cdcOnly() {
  const cfg = config.load();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  proc.trackTempDir(tmp);
  try {
    log(await ensureBuilt(log));
    const machine = await facts.machine(tmp);
    const res = { cfg, machine, notes: [] };
    await waitForQuiet(res, cfg);
    res.cdc = { ...postgres.settings(cfg), ...(await safe('cdc', () => postgres.run({ tmp, cfg, log }))) };
    if (machine.busyBefore > 0.15) {
      res.cdc.notes = [`The box was not quiet: ${Math.round(machine.busyBefore * 100)}% of its CPU was busy with other work just before these runs (waited ${cfg.quietWaitSec} s); each run's "box busy" above shows what overlapped it.`, ...(res.cdc.notes || [])];
    }
    const table = cdcRows(res.cdc);
    process.stdout.write(`\n${table.map((r) => `${r.scenario}: ${r.ours} | peer ${r.peer} | ${r.ratio} (${r.target}: ${r.met})`).join('\n')}\n`);
    if (table.some((r) => r.ratioValue)) {
      upsertCdc(res, path.join(ROOT, 'docs', 'benchmarks.md'));
      log('updated the CDC rows of docs/benchmarks.md');
    } else {
      process.exitCode = 1;
    }
  } finally {
    proc.removeTempDir(tmp);
  }
}

async function main() {
  if (process.env.BENCH_ONLY) {
    if (process.env.BENCH_ONLY === 'compaction') return compactionOnly();
    if (process.env.BENCH_ONLY === 'connect') return connectOnly();
    if (process.env.BENCH_ONLY === 'cdc') return cdcOnly();
    throw new Error(`BENCH_ONLY=${process.env.BENCH_ONLY}: only "compaction", "connect" or "cdc" can run alone`);
  }
  const cfg = config.load();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  proc.trackTempDir(tmp);
  const res = { cfg, notes: [], sizes: [], footprint: {}, oursSkipped: 'not run', peerSkipped: 'not run' };
  let broker = null;
  let redisSrv = null;
  try {
    res.machine = await facts.machine(tmp);
    res.tools = await facts.tools();
    const { have } = res.tools;
    if (!have.bash) throw new Error('bash is required (it measures the drivers\' CPU with `times`)');
    const haveRedis = have.redisServer && have.redisBenchmark;
    if (!have.kcat) {
      res.oursSkipped = 'kcat is not installed (apt-get install kcat), so the broker\'s throughput was not measured';
      res.notes.push(res.oursSkipped);
    }
    if (!haveRedis) {
      const missing = ['redis-server', 'redis-benchmark'].filter((t) => !proc.which(t)).join(' and ');
      res.peerSkipped = `${missing} not installed (apt-get install redis-server redis-tools), peer skipped`;
      res.notes.push(res.peerSkipped);
    }
    for (const line of Object.values(res.tools.versions)) log(line);
    await waitForQuiet(res, cfg);

    let brokerOk = true;
    try {
      res.build = await ensureBuilt(log);
      log(`broker cold starts x${cfg.coldStarts}`);
      res.footprint.brokerCold = await footprint.brokerColdStarts(tmp, cfg.coldStarts);
    } catch (err) {
      brokerOk = false;
      res.oursSkipped = `the broker did not start: ${err.message.split('\n')[0]}`;
      res.notes.push(`The broker could not be built or started, so none of its figures were measured: ${err.message.split('\n').slice(0, 6).join(' / ')}`);
    }
    const bare = await safe('bare node', () => footprint.bareNode(cfg.settleMs));
    res.footprint.bareNode = bare.ok === false ? null : bare;
    if (haveRedis) res.footprint.redisCold = await footprint.redisColdStarts(tmp, cfg.coldStarts);

    if (brokerOk) {
      const logDir = path.join(tmp, 'broker-log');
      fs.mkdirSync(logDir);
      broker = await startBroker({ port: await proc.freePort(), logDir });
    }
    if (haveRedis) {
      const dir = path.join(tmp, 'redis');
      fs.mkdirSync(dir);
      redisSrv = await redis.startRedis({ port: await proc.freePort(), dir });
    }
    await proc.sleep(cfg.settleMs);
    if (broker) res.footprint.brokerIdleRss = proc.rssMB(broker.pid);
    if (broker) res.footprint.brokerIdleMem = proc.memStatus(broker.pid);
    if (redisSrv) res.footprint.redisIdleRss = proc.rssMB(redisSrv.pid);
    log(`idle RSS: broker ${res.footprint.brokerIdleRss?.toFixed(1)} MB, redis ${res.footprint.redisIdleRss?.toFixed(1)} MB`);

    const runsDeadline = Date.now() + cfg.budgetSec * 1000;
    const ctx = { broker: have.kcat ? broker : null, redisSrv, tmp, cfg, runsDeadline };
    for (let i = 0; i < cfg.sizes.length; i++) {
      const sizeDeadline = Date.now() + (runsDeadline - Date.now()) / (cfg.sizes.length - i);
      await runSize(res, cfg.sizes[i], ctx, sizeDeadline);
    }

    await proc.sleep(cfg.settleMs);
    res.machine.busyAfter = await proc.boxBusyOver(1000);
    if (broker) res.footprint.brokerAfterRss = proc.rssMB(broker.pid);
    if (broker) res.footprint.brokerAfterMem = proc.memStatus(broker.pid);
    if (redisSrv) res.footprint.redisAfterRss = proc.rssMB(redisSrv.pid);
    log(`RSS after the runs: broker ${res.footprint.brokerAfterRss?.toFixed(1)} MB, redis ${res.footprint.redisAfterRss?.toFixed(1)} MB`);

    // The cleaner scenario runs on a broker of its own, after the throughput broker is gone.
    if (broker && have.kcat) {
      await broker.stop();
      broker = null;
      log('compaction: cleaner throughput');
      res.compaction = await safe('compaction', () => compaction.run({ tmp, cfg, log }));
      log(`compaction: ${describeCompaction(res.compaction)}`);
      log('connect: file -> broker -> file against the kcat pair');
      res.connect = await safe('connect', () => connect.run({ tmp, cfg, log }));
    }
    // Needs no kcat and no broker of the bench's: PostgreSQL and dist/ are enough (else its rows say why not).
    if (brokerOk) {
      log('cdc: Postgres CDC against pg_recvlogical, then snapshot and sink against psql \\copy');
      res.cdc = { ...postgres.settings(cfg), ...(await safe('cdc', () => postgres.run({ tmp, cfg, log }))) };
    } else {
      res.cdc = { ...postgres.settings(cfg), ok: false, error: res.oursSkipped };
    }
  } catch (err) {
    res.fatal = err.message.split('\n').slice(0, 8).join(' / ');
    log(`error: ${err.stack}`);
    if (broker) log(`broker output tail:\n${broker.tail()}`);
    process.exitCode = 1;
  } finally {
    if (broker) await broker.stop();
    if (redisSrv) await redisSrv.stop();
    proc.removeTempDir(tmp);
  }
  if (!res.machine) return;
  for (const sz of cfg.sizes) if (!res.sizes.find((s) => s.size === sz.size)) res.sizes.push({ ...sz, repsDone: 0, runs: {} });
  printSummary(res);
  const out = path.join(ROOT, 'docs', 'benchmarks.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeMarkdown(res, out);
  log(`wrote docs/benchmarks.md`);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: killing children and removing temp files`);
    proc.killAllSync();
    process.exit(130);
  });
}
process.on('exit', () => proc.killAllSync());

main().catch((err) => {
  log(err.stack);
  proc.killAllSync();
  process.exitCode = 1;
});
