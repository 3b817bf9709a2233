'use strict';
/**
 * A throwaway PostgreSQL for the CDC scenario: a fresh cluster in its own temp dir, on a free loopback port, with
 * wal_level=logical and password auth over 127.0.0.1 (the JS twin of test/helpers/postgres.ts, which the bench must
 * not import). As root, initdb and postgres run as the `postgres` system user, set directly on the child (uid/gid)
 * so that our signals reach the server itself, not a wrapper.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { Client } = require('pg');
const proc = require('./proc');

const SUPERUSER = 'postgres';
const PASSWORD = 'sluice-bench';

/** Server settings besides port and paths. Durability of the throwaway server is not under test. */
const SETTINGS = {
  listen_addresses: '127.0.0.1',
  wal_level: 'logical',
  max_wal_senders: '20',
  max_replication_slots: '20',
  fsync: 'off',
  synchronous_commit: 'off',
};

/** The newest server binaries on the machine (PG_BIN wins), or null. */
function findBinDir() {
  const has = (dir) => fs.existsSync(path.join(dir, 'postgres'));
  if (process.env.PG_BIN && has(process.env.PG_BIN)) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => has(path.join(root, v, 'bin')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(root, versions[0], 'bin');
  }
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8', timeout: 5000 });
  const dir = r.status === 0 ? String(r.stdout).trim() : '';
  return dir && has(dir) ? dir : null;
}

/** uid/gid of the postgres system user when we are root (initdb and postgres refuse to run as root). */
function serverIdentity() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => {
    const r = spawnSync('id', [flag, SUPERUSER], { encoding: 'utf8', timeout: 5000 });
    if (r.status !== 0) throw new Error(`running as root, but there is no "${SUPERUSER}" system user to run PostgreSQL as`);
    return Number(String(r.stdout).trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

/** "pg_recvlogical (PostgreSQL) 15.18" → that text, or null. */
function toolVersion(binDir, tool) {
  const r = spawnSync(path.join(binDir, tool), ['--version'], { encoding: 'utf8', timeout: 10000 });
  return r.status === 0 ? String(r.stdout).trim() : null;
}

/** CPU seconds of the postmaster and its children by pid (utime+stime; the postmaster also with reaped children). */
function treeCpu(postmasterPid) {
  const read = (pid) => {
    try {
      const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / proc.CLK_TCK, reaped: (Number(f[13]) + Number(f[14])) / proc.CLK_TCK };
    } catch {
      return null;
    }
  };
  // A backend reaped between reading the postmaster and listing its children would be counted nowhere: read
  // the postmaster again after the listing and start over if its reaped-children time moved meanwhile.
  for (let attempt = 0; ; attempt++) {
    const before = read(postmasterPid);
    if (!before) return null;
    const children = new Map();
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const s = read(name);
      if (s && s.ppid === postmasterPid) children.set(Number(name), s.own);
    }
    const after = read(postmasterPid);
    if (!after) return null;
    if (after.reaped === before.reaped || attempt >= 5) return { pm: after.own + after.reaped, children };
  }
}

/**
 * CPU the whole server used between two treeCpu samples: the postmaster's own and reaped-children time (a
 * walsender that ended in between lands there), plus what live backends added; a backend that ended in between
 * had its earlier time counted in `a`, so that part is taken off again. `exclude`: live backends to leave out
 * (the workload's own session).
 */
function cpuBetween(a, b, exclude = []) {
  if (!a || !b) return null;
  let s = b.pm - a.pm;
  for (const [pid, t] of b.children) if (!exclude.includes(pid)) s += t - (a.children.get(pid) ?? 0);
  for (const [pid, t] of a.children) if (!b.children.has(pid)) s -= t;
  return Math.max(0, s);
}

/**
 * Waits (up to timeoutMs) until every backend that started after sample `a` has been reaped, so that its CPU is in
 * the postmaster's reaped-children time: a walsender that is exiting (or a zombie) would otherwise be missed.
 */
async function settleBackends(postmasterPid, a, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = treeCpu(postmasterPid);
    if (!now || !a || [...now.children.keys()].every((pid) => a.children.has(pid)) || Date.now() > deadline) return now;
    await proc.sleep(20);
  }
}

async function waitReady(connectionString, child, output, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited with code ${child.exitCode}: ${output()}`);
    const c = new Client({ connectionString });
    try {
      await c.connect();
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${timeoutMs / 1000} s: ${err.message}; ${output()}`);
      await proc.sleep(100);
    }
  }
}

/**
 * Starts the server; resolves { host, port, user, password, binDir, pid, version, connectionString(db), query(),
 * connect(db), cpuSample(), stop() }. Throws with a reason when PostgreSQL is missing or does not start.
 */
async function startPostgres({ log }) {
  const binDir = findBinDir();
  if (!binDir) throw new Error('PostgreSQL not found (apt-get install postgresql, or set PG_BIN)');
  for (const tool of ['initdb', 'postgres', 'pg_recvlogical']) {
    if (!fs.existsSync(path.join(binDir, tool))) throw new Error(`${tool} not found beside the server binaries`);
  }
  const identity = serverIdentity();
  // Its own temp dir, not under the bench's (0700, root's): the postgres user must own and reach it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-pg-'));
  proc.trackTempDir(dir);
  if (identity.uid !== undefined) fs.chownSync(dir, identity.uid, identity.gid);
  const dataDir = path.join(dir, 'data');
  const pwFile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o644 });
  const init = spawnSync(
    path.join(binDir, 'initdb'),
    ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { cwd: dir, encoding: 'utf8', timeout: 120000, ...identity },
  );
  if (init.status !== 0) {
    proc.removeTempDir(dir);
    throw new Error(`PostgreSQL: initdb failed (exit ${init.status}${init.error ? `, ${init.error.message}` : ''}): ${String(init.stderr).trim().split('\n').slice(-3).join(' / ')}`);
  }
  const port = await proc.freePort();
  const args = ['-D', dataDir, '-p', String(port), '-c', `unix_socket_directories=${dir}`];
  for (const [k, v] of Object.entries(SETTINGS)) args.push('-c', `${k}=${v}`);
  const child = spawn(path.join(binDir, 'postgres'), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...identity });
  proc.track(child.pid, 'postgres');
  let output = '';
  const collect = (d) => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const tail = () => output.trim().split('\n').slice(-4).join(' / ');
  const host = '127.0.0.1';
  const connectionString = (db = 'postgres') => `postgres://${SUPERUSER}:${encodeURIComponent(PASSWORD)}@${host}:${port}/${db}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown
      const t = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(t);
    }
    proc.untrack(child.pid);
    proc.removeTempDir(dir);
  };
  try {
    await waitReady(connectionString(), child, tail);
  } catch (err) {
    await stop();
    throw err;
  }

  const connect = async (db) => {
    const c = new Client({ connectionString: connectionString(db) });
    await c.connect();
    return c;
  };
  const query = async (sql, params = [], db = 'postgres') => {
    const c = await connect(db);
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  };
  const version = (await query('SHOW server_version'))[0].server_version;
  log(`postgres ${version} on 127.0.0.1:${port}`);
  return {
    host,
    port,
    user: SUPERUSER,
    password: PASSWORD,
    binDir,
    pid: child.pid,
    version,
    recvlogicalVersion: toolVersion(binDir, 'pg_recvlogical'),
    connectionString,
    connect,
    query,
    cpuSample: () => treeCpu(child.pid),
    /** A sample taken once the backends started since `a` are gone (for a client that has exited). */
    cpuSampleSettled: (a) => settleBackends(child.pid, a),
    tail,
    stop,
  };
}

module.exports = { startPostgres, findBinDir, treeCpu, cpuBetween, SETTINGS };
