'use strict';
/** Bench settings, from the environment. */

function num(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
}

/** One of `allowed`, the first being the default. */
function choice(name, allowed) {
  const v = process.env[name];
  if (v === undefined || v === '') return allowed[0];
  if (!allowed.includes(v)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v;
}

function load() {
  const scale = num('BENCH_SCALE', 1);
  const sizes = [
    { label: '100 B', size: 100, n: Math.max(1000, Math.round(1000000 * scale)) },
    { label: '1 KiB', size: 1024, n: Math.max(1000, Math.round(300000 * scale)) },
  ];
  return {
    scale,
    sizes,
    reps: Math.max(1, Math.round(num('BENCH_REPS', 5))),
    coldStarts: Math.max(1, Math.round(num('BENCH_COLD_STARTS', 3))),
    /** Wall-clock budget for the throughput runs; reps beyond the first are skipped if they would overrun it. */
    budgetSec: num('BENCH_BUDGET_S', 400),
    /** Hard limit for any one timed child (kcat, redis-benchmark). */
    runTimeoutSec: num('BENCH_RUN_TIMEOUT_S', 120),
    /** How long to wait at the start for the box to become quiet (other processes using < 15% CPU). */
    quietWaitSec: num('BENCH_QUIET_WAIT_S', 30),
    /** Idle time before an RSS reading. */
    settleMs: num('BENCH_SETTLE_MS', 2000),
    cdc: {
      /** Rows of the bulk workload's one transaction. */
      bulkRows: Math.max(10000, Math.round(200000 * scale)),
      /** Single-row transactions of the other workload. */
      singleTxns: Math.max(2000, Math.round(20000 * scale)),
      /** Pause between the workload and the first subject, so the WAL writer and checkpointer have settled. */
      settleMs: num('BENCH_CDC_SETTLE_MS', 1000),
      /**
       * End to end: "stream" posts the connector before the workload (it makes its slot and streams while the
       * workload runs; timed from the commit, or from the first single-row transaction); "backlog" gives it a slot
       * made before the workload and posts it afterwards, like the other subjects read theirs (timed from the POST).
       */
      e2eMode: choice('BENCH_CDC_E2E', ['stream', 'backlog']),
      /**
       * The sink's input: "snapshot" uses the records the snapshot scenario's connector just wrote (records the bench
       * builds itself only when that did not run); "feed" always uses the bench's own (pg-sink-feed.js).
       */
      sinkInput: choice('BENCH_PG_SINK_INPUT', ['snapshot', 'feed']),
    },
  };
}

module.exports = { load };
