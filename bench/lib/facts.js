'use strict';
/** Machine and tool facts for the report (no paths of this machine are recorded). */
const fs = require('node:fs');
const os = require('node:os');
const proc = require('./proc');
const kcat = require('./kcat');
const redis = require('./redis');

function cpuModel() {
  const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  return m ? m[1].trim() : os.cpus()[0]?.model || 'unknown';
}

function memTotalGiB() {
  const m = /MemTotal:\s+(\d+) kB/.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 / 1024 : null;
}

/** File system type holding dir (longest mount-point prefix in /proc/mounts). */
function fsType(dir) {
  let best = { len: -1, type: 'unknown' };
  for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [, mnt, type] = line.split(' ');
    if (!mnt) continue;
    const m = mnt.replace(/\\040/g, ' ');
    if ((dir === m || dir.startsWith(m.endsWith('/') ? m : `${m}/`)) && m.length > best.len) best = { len: m.length, type };
  }
  return best.type;
}

async function nproc() {
  const r = await proc.run('nproc', [], { timeoutMs: 5000 }).catch(() => null);
  const n = r ? Number.parseInt(r.stdout, 10) : NaN;
  return Number.isFinite(n) ? n : os.availableParallelism();
}

/** Which tools exist; versions of those that do. */
async function tools() {
  const have = {
    kcat: !!proc.which('kcat'),
    redisServer: !!proc.which('redis-server'),
    redisBenchmark: !!proc.which('redis-benchmark'),
    bash: !!proc.which('bash'),
  };
  const versions = {};
  if (have.kcat) versions.kcat = await kcat.version().catch((e) => `kcat (version unknown: ${e.message})`);
  if (have.redisServer && have.redisBenchmark) versions.redis = await redis.versions().catch((e) => `redis (version unknown: ${e.message})`);
  return { have, versions };
}

async function machine(tmpDir) {
  return {
    date: new Date().toISOString(),
    cpuModel: cpuModel(),
    nproc: await nproc(),
    memGiB: memTotalGiB(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    clkTck: proc.CLK_TCK,
    tmpFs: fsType(tmpDir),
  };
}

module.exports = { machine, tools };
