'use strict';
/** The peer: redis-server (persistence off) driven by redis-benchmark with Streams commands. */
const net = require('node:net');
const proc = require('./proc');
const { startServer } = require('./server');

const XADD_PIPELINE = 1000;
const XRANGE_PIPELINE = 10;
const XRANGE_COUNT = 1000;

async function versions() {
  const s = await proc.run('redis-server', ['--version'], { timeoutMs: 10000 });
  const b = await proc.run('redis-benchmark', ['--version'], { timeoutMs: 10000 });
  const sv = /v=(\S+)/.exec(s.stdout);
  const bv = /redis-benchmark\s+(\S+)/.exec(b.stdout) || /(\d+\.\d+\.\d+)/.exec(b.stdout);
  return `redis-server ${sv ? sv[1] : '?'}, redis-benchmark ${bv ? bv[1] : '?'}`;
}

function serverArgs(port, dir) {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
}

/** Starts redis-server; resolves { pid, readyMs, stop, tail, port }. */
async function startRedis({ port, dir, timeoutMs = 15000 }) {
  const isReady = (line) => line.includes('Ready to accept connections');
  const s = await startServer('redis-server', 'redis-server', serverArgs(port, dir), { isReady, timeoutMs, cwd: dir });
  return { ...s, port };
}

function xaddArgs(port, n, key, value) {
  return ['-h', '127.0.0.1', '-p', String(port), '-n', String(n), '-P', String(XADD_PIPELINE), '-q', 'XADD', key, '*', 'f', value];
}

function xrangeArgs(port, calls, key) {
  return ['-h', '127.0.0.1', '-p', String(port), '-n', String(calls), '-P', String(XRANGE_PIPELINE), '-q', 'XRANGE', key, '-', '+', 'COUNT', String(XRANGE_COUNT)];
}

/** redis-benchmark -q prints "<CMD>: 123456.78 requests per second, p50=..." after \r progress lines. */
function parseRps(text) {
  const all = [...text.matchAll(/([\d.]+) requests per second/g)];
  return all.length ? Number(all[all.length - 1][1]) : null;
}

async function runBenchmark(args, timeoutMs) {
  const r = await proc.run('redis-benchmark', args, { timeoutMs, cpu: true });
  r.rps = parseRps(`${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * One Redis command over a plain socket (RESP), so that verification (XLEN) and clean-up (DEL) need no
 * redis-cli. Resolves the reply line of an integer/status reply, e.g. ":1000000" -> "1000000".
 */
function command(port, args, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`redis ${args[0]} timed out`));
    }, timeoutMs);
    sock.on('connect', () => {
      let req = `*${args.length}\r\n`;
      for (const a of args) req += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
      sock.write(req);
    });
    sock.on('data', (d) => {
      buf += d.toString();
      const i = buf.indexOf('\r\n');
      if (i < 0) return;
      clearTimeout(timer);
      sock.end();
      const line = buf.slice(0, i);
      if (line[0] === '-') reject(new Error(`redis ${args[0]}: ${line.slice(1)}`));
      else resolve(line.slice(1));
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

module.exports = {
  XADD_PIPELINE,
  XRANGE_PIPELINE,
  XRANGE_COUNT,
  versions,
  serverArgs,
  startRedis,
  xaddArgs,
  xrangeArgs,
  runBenchmark,
  command,
};
