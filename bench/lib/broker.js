'use strict';
/** Builds (if needed) and starts our broker as `node bin/sluice.js broker start --override ...`. */
const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const { startServer } = require('./server');

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'bin', 'main.js');

/** Runs `npm run build` when dist/bin/main.js is missing (or BENCH_BUILD=1). Returns a note for the report. */
async function ensureBuilt(log) {
  if (fs.existsSync(MAIN) && process.env.BENCH_BUILD !== '1') return 'Existing dist/ used (BENCH_BUILD=1 rebuilds first).';
  log('building: npm run build');
  const r = await proc.run('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: 300000 });
  if (!fs.existsSync(MAIN)) {
    throw new Error(`npm run build did not produce dist/bin/main.js (exit ${r.code})\n${r.stdout}\n${r.stderr}`);
  }
  // tsc still emits JavaScript when it finds type errors; say so rather than hide it.
  return r.code === 0 ? 'Built first with npm run build.' : `npm run build exited ${r.code} (type errors) but emitted dist/, which was used.`;
}

/**
 * Starts one broker; resolves { pid, readyMs, stop, tail, port, bootstrap }. `overrides` are more
 * broker properties; `onLine` sees every output line of the broker.
 */
async function startBroker({ port, logDir, timeoutMs = 20000, overrides = {}, onLine }) {
  const listener = `PLAINTEXT://127.0.0.1:${port}`;
  const args = [
    path.join('bin', 'sluice.js'),
    'broker',
    'start',
    '--override',
    `listeners=${listener}`,
    '--override',
    `log.dirs=${logDir}`,
    ...Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]),
  ];
  const isReady = (line) => {
    if (!line.includes('broker started')) return false;
    try {
      const j = JSON.parse(line);
      return j.msg === 'broker started' && (j.listener === undefined || String(j.listener).includes(`:${port}`));
    } catch {
      return false;
    }
  };
  const s = await startServer('broker', process.execPath, args, { isReady, timeoutMs, cwd: ROOT, onLine });
  return { ...s, port, bootstrap: `127.0.0.1:${port}` };
}

module.exports = { ensureBuilt, startBroker, ROOT };
