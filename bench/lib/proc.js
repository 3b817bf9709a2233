'use strict';
/**
 * Child processes with hard time limits, a registry so that everything we started can be killed on
 * failure or Ctrl-C, and readers for /proc (CPU ticks, RSS, whole-box CPU).
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 });
  const n = Number.parseInt(String(r.stdout || '').trim(), 10);
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** pid -> description, for every long-lived or running child (killed by pid on cleanup). */
const live = new Map();
const tempDirs = new Set();

function track(pid, what) {
  if (pid) live.set(pid, what);
}
function untrack(pid) {
  live.delete(pid);
}
function trackTempDir(dir) {
  tempDirs.add(dir);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Synchronous last-resort cleanup: SIGKILL every tracked pid (and its process group), remove temp dirs. */
function killAllSync() {
  for (const pid of live.keys()) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* already gone, or not a group leader */
      }
    }
  }
  live.clear();
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  tempDirs.clear();
}

function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Absolute path of an executable found on PATH, or null. */
function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * Runs a command to completion within timeoutMs.
 * opts.stdout: 'capture' (default) | 'count' (only count bytes) | 'ignore'; opts.stdoutFile: a path that
 * receives the child's stdout instead (created or truncated; like `> file` in a shell).
 * opts.cpu: run it under bash and report the child's user+sys CPU seconds (bash's `times`).
 * Resolves { code, signal, timedOut, wallMs, stdout, stdoutBytes, stderr, cpuSec }.
 */
function run(cmd, args, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 60000;
  const mode = opts.stdout ?? 'capture';
  let file = cmd;
  let argv = args;
  const outFd = opts.stdoutFile ? fs.openSync(opts.stdoutFile, 'w') : null;
  const stdio = ['ignore', outFd ?? (mode === 'ignore' ? 'ignore' : 'pipe'), 'pipe'];
  if (opts.cpu) {
    // The command runs as a child of bash (fd 3 closed for it); `times` then prints the CPU of the reaped child.
    file = 'bash';
    argv = ['-c', '"$@" 3>&-; rc=$?; times >&3; exit $rc', 'bench-wrap', cmd, ...args];
    stdio.push('pipe');
  }
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let child;
    try {
      child = spawn(file, argv, { stdio, detached: true, cwd: opts.cwd, env: opts.env ?? process.env });
    } catch (err) {
      if (outFd !== null) fs.closeSync(outFd);
      reject(err);
      return;
    }
    // The child holds its own copy of the descriptor.
    if (outFd !== null) fs.closeSync(outFd);
    track(child.pid, `${cmd} ${args.join(' ')}`);
    const out = [];
    let outBytes = 0;
    let err = '';
    let times = '';
    let timedOut = false;
    if (child.stdout) {
      child.stdout.on('data', (d) => {
        outBytes += d.length;
        if (mode === 'capture') out.push(d);
      });
    }
    child.stderr.on('data', (d) => {
      if (err.length < 65536) err += d.toString();
    });
    if (opts.cpu) child.stdio[3].on('data', (d) => (times += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      untrack(child.pid);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      untrack(child.pid);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        code,
        signal,
        timedOut,
        wallMs,
        stdout: Buffer.concat(out).toString(),
        stdoutBytes: outBytes,
        stderr: err,
        cpuSec: opts.cpu ? parseTimes(times) : null,
      });
    });
  });
}

/** bash `times`: line 1 is the shell, line 2 its children ("0m1.234s 0m0.567s"). */
function parseTimes(text) {
  const lines = text.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[1] || '');
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}

/** Fields of /proc/<pid>/stat after the command name, numbered as in proc(5) (index 0 = field 3). */
function statFields(file) {
  const text = fs.readFileSync(file, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** utime+stime of a process (all threads), in seconds; null if it is gone. */
function cpuSeconds(pid) {
  try {
    const f = statFields(`/proc/${pid}/stat`);
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** utime+stime of the process's main thread only (the JS thread for Node), in seconds. */
function mainThreadCpuSeconds(pid) {
  try {
    const f = statFields(`/proc/${pid}/task/${pid}/stat`);
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** VmRSS in MB (10^6 bytes; the kernel reports KiB). */
function rssMB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / 1e6 : null;
  } catch {
    return null;
  }
}

/** Memory fields of /proc/<pid>/status in MB (VmRSS, VmHWM = peak RSS, RssAnon, RssFile, RssShmem); null if gone. */
function memStatus(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const out = {};
    for (const k of ['VmRSS', 'VmHWM', 'RssAnon', 'RssFile', 'RssShmem']) {
      const m = new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
      out[k] = m ? (Number(m[1]) * 1024) / 1e6 : null;
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * Whole-box CPU counters from /proc/stat, in ticks: busy (user, nice, system, irq, softirq), steal (time
 * the hypervisor gave to others) and total (all of them plus idle and iowait).
 */
function boxCpu() {
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const v = lines[0].trim().split(/\s+/).slice(1, 9).map((x) => Number(x) || 0);
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = v;
  const ncpu = lines.filter((l) => /^cpu\d+ /.test(l)).length || 1;
  return { busy: user + nice + system + irq + softirq, steal, total: v.reduce((a, b) => a + b, 0), ncpu };
}

/** Share of the box busy over the next ms milliseconds (0..1). */
async function boxBusyOver(ms) {
  const a = boxCpu();
  await sleep(ms);
  const b = boxCpu();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/** `sync`: writes back dirty pages (payload files, the previous run's log) so they do not land in the next timed run. */
async function quiesce(timeoutMs = 60000) {
  await run('sync', [], { timeoutMs, stdout: 'ignore' }).catch(() => null);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sends SIGTERM to pid, waits up to graceMs for it to exit, then SIGKILL. */
async function stopPid(pid, graceMs = 10000) {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    untrack(pid);
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive(pid)) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  untrack(pid);
}

module.exports = {
  CLK_TCK,
  run,
  which,
  track,
  untrack,
  trackTempDir,
  removeTempDir,
  killAllSync,
  cpuSeconds,
  mainThreadCpuSeconds,
  rssMB,
  memStatus,
  boxCpu,
  boxBusyOver,
  quiesce,
  freePort,
  sleep,
  stopPid,
  alive,
};
