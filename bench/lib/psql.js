'use strict';
/**
 * psql as the peer of the snapshot and sink scenarios: one `\copy` against the throwaway server, timed from spawn to
 * exit, with psql's CPU (bash `times`) and the whole server's (from /proc, once the backend has been reaped).
 */
const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const { cpuBetween } = require('./pg-server');
const { figures, boxShare } = require('./pg-figures');

/** psql beside the server binaries, else on the PATH, else null. */
function psqlPath(pg) {
  const beside = path.join(pg.binDir, 'psql');
  return fs.existsSync(beside) ? beside : proc.which('psql');
}

/** `-X`: no ~/.psqlrc, so that nothing but the one command runs. */
function copyArgs({ port, database, command }) {
  return ['-X', '-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-c', command];
}

/** Runs `psql -c <command>` untimed (setup work); throws with psql's message when it fails. */
async function psqlOnce(pg, database, command, timeoutMs) {
  const bin = psqlPath(pg);
  if (!bin) throw new Error('psql not found (apt-get install postgresql-client)');
  const r = await proc.run(bin, copyArgs({ port: pg.port, database, command }), { env: { ...process.env, PGPASSWORD: pg.password }, timeoutMs });
  if (r.code !== 0 || r.timedOut) throw new Error(`psql ${r.timedOut ? 'timed out' : `exit ${r.code}`}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
}

/** One timed `\copy`; `rows` is what it moves (checked by the caller where it can be). */
async function timedCopy(pg, { database, command, rows, timeoutMs }) {
  const bin = psqlPath(pg);
  if (!bin) throw new Error('psql not found (apt-get install postgresql-client)');
  const env = { ...process.env, PGPASSWORD: pg.password };
  const pg0 = pg.cpuSample();
  const box0 = proc.boxCpu();
  const r = await proc.run(bin, copyArgs({ port: pg.port, database, command }), { env, cpu: true, stdout: 'ignore', timeoutMs });
  const box1 = proc.boxCpu();
  const pg1 = await pg.cpuSampleSettled(pg0);
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `timed out after ${Math.round(r.wallMs / 1000)} s` : `exit ${r.code}`;
    throw new Error(`psql ${why}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
  return figures({ rows, txns: 1, wallS: r.wallMs / 1000, clientCpuS: r.cpuSec, clientMainCpuS: null, pgCpuS: cpuBetween(pg0, pg1), boxBusy: boxShare(box0, box1), ncpu: box1.ncpu });
}

module.exports = { psqlPath, copyArgs, psqlOnce, timedCopy };
