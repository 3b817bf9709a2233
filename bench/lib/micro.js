'use strict';
/**
 * What the stand-alone micro-benchmarks (bench/*.js other than run.js) share: loading the built project from dist/,
 * reading their numeric arguments, and timing a function over repetitions as CPU and wall µs per item.
 */
const fs = require('node:fs');
const path = require('node:path');

/** The build to measure: dist/ of this checkout, or BENCH_DIST (another build, for before/after runs). */
const DIST = path.resolve(process.env.BENCH_DIST ?? path.join(__dirname, '..', '..', 'dist'));

/** Requires a module of the build; exits with 1 and says so when the build lacks `probe` (a file under it). */
function distLoader(probe) {
  if (!fs.existsSync(path.join(DIST, ...probe.split('/')))) {
    process.stderr.write(`${DIST} has no ${probe}: run \`npm run build\` first\n`);
    process.exit(1);
  }
  return (...parts) => require(path.join(DIST, ...parts));
}

/** Positional integer arguments (flags starting with -- are skipped), each > 0, or a usage line and exit 2. */
function positiveArgs(defaults, usage) {
  const given = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const values = defaults.map((d, i) => Number(given[i] ?? d));
  if (!values.every((x) => Number.isInteger(x) && x > 0)) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return values;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `fn` once to warm up, then `reps` times, and prints the median wall and CPU µs per item (`items` per call;
 * CPU counts all threads, so GC helpers too) with every repetition's wall figure.
 */
function timed(label, fn, { items, reps, unit = 'rec', digits = 3 }) {
  fn();
  const wall = [];
  const cpu = [];
  for (let rep = 1; rep <= reps; rep++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    wall.push((s * 1e6) / items);
    cpu.push((c.user + c.system) / items);
  }
  const f = (x) => x.toFixed(digits);
  process.stdout.write(`${label.padEnd(44)} ${f(median(wall)).padStart(7)} µs/${unit}  (CPU ${f(median(cpu))} µs/${unit}; reps ${wall.map(f).join(' ')})\n`);
}

/** The 7-column table (bigint key, text, numeric(12,2), timestamptz, bool, jsonb, uuid) of the CDC micro-benchmarks. */
function cdcBenchTable(ev) {
  const cols = [
    { name: 'id', typeOid: 20, typeModifier: -1, isKey: true, optional: false },
    { name: 'name', typeOid: 25, typeModifier: -1, isKey: false, optional: true },
    { name: 'amount', typeOid: 1700, typeModifier: ((12 << 16) | 2) + 4, isKey: false, optional: true },
    { name: 'created', typeOid: 1184, typeModifier: -1, isKey: false, optional: true },
    { name: 'flag', typeOid: 16, typeModifier: -1, isKey: false, optional: true },
    { name: 'doc', typeOid: 3802, typeModifier: -1, isKey: false, optional: true },
    { name: 'uid', typeOid: 2950, typeModifier: -1, isKey: false, optional: true },
  ];
  return new ev.TableSchema({ relationId: 1, schema: 'public', table: 'bench', columns: cols }, { topicPrefix: 'pg', mapping: ev.DEFAULT_VALUE_MAPPING });
}

module.exports = { distLoader, positiveArgs, median, timed, cdcBenchTable };
