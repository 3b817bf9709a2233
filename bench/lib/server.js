'use strict';
/**
 * A long-lived server child (our broker, redis-server): started, watched for its "ready" log line,
 * drained (a full stdout pipe would stall it), and stopped by pid.
 */
const { spawn } = require('node:child_process');
const proc = require('./proc');

/**
 * Spawns cmd and resolves once a stdout/stderr line satisfies isReady(line), with
 * { pid, readyMs, stop(), tail() }. Rejects (after killing it) on exit or timeout before that.
 * `onLine`, when given, sees every line for the life of the process.
 */
function startServer(name, cmd, args, { isReady, timeoutMs = 15000, cwd, env, onLine: watch } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tailLines = [];
    let ready = false;
    let exited = false;
    const exitedP = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    exitedP.then(() => {
      exited = true;
      proc.untrack(child.pid);
    });
    proc.track(child.pid, name);

    const tail = () => tailLines.join('\n');
    const stop = async (graceMs = 10000) => {
      if (exited) return exitedP;
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, graceMs);
      const res = await exitedP;
      clearTimeout(t);
      return res;
    };

    const timer = setTimeout(() => {
      if (ready) return;
      stop(0);
      reject(new Error(`${name} did not report ready within ${timeoutMs} ms; last output:\n${tail()}`));
    }, timeoutMs);

    const onLine = (line) => {
      if (watch) watch(line);
      tailLines.push(line.length > 400 ? `${line.slice(0, 400)}...` : line);
      if (tailLines.length > 40) tailLines.shift();
      if (!ready && isReady(line)) {
        ready = true;
        clearTimeout(timer);
        const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ name, pid: child.pid, readyMs, stop, tail, exited: exitedP });
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.on('data', (d) => {
        // Keep draining always; only scan lines until ready, then just keep a short tail.
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
        if (buf.length > 1 << 20) buf = buf.slice(-4096);
      });
    }
    child.once('error', (err) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${name}: ${err.message}`));
    });
    exitedP.then(({ code, signal }) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready; output:\n${tail()}`));
      }
    });
  });
}

module.exports = { startServer };
