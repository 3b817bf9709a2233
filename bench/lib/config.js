'use strict';
/** Bench settings, from the environment. */

function num(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
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
  };
}

module.exports = { load };
