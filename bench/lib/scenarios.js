'use strict';
/**
 * One timed, verified run of each A/B pair: our broker driven by kcat, Redis driven by redis-benchmark.
 * Every run records the server's CPU (whole process and, for Node, its JS main thread), the driver's CPU
 * and how busy the whole box was, so the report can say what limited it.
 */
const proc = require('./proc');
const kcat = require('./kcat');
const redis = require('./redis');

/** Runs fn() while sampling the server process's CPU and the box's CPU before and after. */
async function measured(serverPid, fn) {
  await proc.quiesce();
  const cpu0 = proc.cpuSeconds(serverPid);
  const main0 = proc.mainThreadCpuSeconds(serverPid);
  const box0 = proc.boxCpu();
  const r = await fn();
  const cpu1 = proc.cpuSeconds(serverPid);
  const main1 = proc.mainThreadCpuSeconds(serverPid);
  const box1 = proc.boxCpu();
  const wallS = r.wallMs / 1000;
  const serverCpuS = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null;
  const serverMainCpuS = main0 !== null && main1 !== null ? main1 - main0 : null;
  const ticks = box1.total - box0.total;
  const boxBusy = ticks > 0 ? (box1.busy - box0.busy) / ticks : null;
  const boxSteal = ticks > 0 ? (box1.steal - box0.steal) / ticks : null;
  const serverCores = serverCpuS !== null ? serverCpuS / wallS : null;
  const driverCores = r.cpuSec !== null ? r.cpuSec / wallS : null;
  // Everything else the box did meanwhile: other processes, kernel threads (write-back, softirq).
  const otherCores = boxBusy !== null ? Math.max(0, boxBusy * box1.ncpu - (serverCores || 0) - (driverCores || 0)) : null;
  return {
    r,
    wallS,
    serverCpuS,
    serverMainCpuS,
    driverCpuS: r.cpuSec,
    serverCores,
    serverMainCores: serverMainCpuS !== null ? serverMainCpuS / wallS : null,
    driverCores,
    otherCores,
    boxBusy,
    boxSteal,
  };
}

function failure(m, what) {
  const r = m.r;
  const why = r.timedOut ? `timed out after ${r.wallMs.toFixed(0)} ms` : `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}`;
  return { ok: false, error: `${what} ${why}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`, ...strip(m) };
}

function strip(m) {
  const { r: _r, ...rest } = m;
  return rest;
}

async function oursProduce(broker, topic, file, n, size, timeoutMs) {
  await kcat.touchTopic(broker.bootstrap, topic);
  const m = await measured(broker.pid, () => kcat.produce(broker.bootstrap, topic, file, timeoutMs));
  if (m.r.code !== 0 || m.r.timedOut) return failure(m, 'kcat -P');
  const end = await kcat.endOffset(broker.bootstrap, topic);
  if (end.offset !== n) {
    return { ok: false, error: `end offset ${end.offset} after producing ${n} records`, ...strip(m) };
  }
  return { ok: true, records: n, bytes: n * size, rate: n / m.wallS, mbps: (n * size) / m.wallS / 1e6, partitions: end.partitions, ...strip(m) };
}

async function oursConsume(broker, topic, n, size, timeoutMs) {
  const m = await measured(broker.pid, () => kcat.consume(broker.bootstrap, topic, n, timeoutMs));
  if (m.r.code !== 0 || m.r.timedOut) return failure(m, 'kcat -C');
  if (m.r.stdoutBytes !== n) {
    return { ok: false, error: `consumed ${m.r.stdoutBytes} messages, expected ${n}`, ...strip(m) };
  }
  return { ok: true, records: n, bytes: n * size, rate: n / m.wallS, mbps: (n * size) / m.wallS / 1e6, ...strip(m) };
}

async function redisXadd(server, key, n, value, timeoutMs) {
  await redis.command(server.port, ['DEL', key]);
  const m = await measured(server.pid, () => redis.runBenchmark(redis.xaddArgs(server.port, n, key, value), timeoutMs));
  if (m.r.code !== 0 || m.r.timedOut || !m.r.rps) return failure(m, 'redis-benchmark XADD');
  const len = Number(await redis.command(server.port, ['XLEN', key]));
  if (len !== n) return { ok: false, error: `XLEN ${len} after ${n} XADDs`, ...strip(m) };
  const size = value.length;
  // redis-benchmark's own figure (timed from its first request, so it excludes connection set-up).
  return { ok: true, records: n, bytes: n * size, rate: m.r.rps, mbps: (m.r.rps * size) / 1e6, wallRate: n / m.wallS, ...strip(m) };
}

/** XRANGE key - + COUNT 1000: entries/s = calls/s x min(1000, stream length). */
async function redisXrange(server, key, calls, size, timeoutMs) {
  const len = Number(await redis.command(server.port, ['XLEN', key]));
  const perCall = Math.min(redis.XRANGE_COUNT, len);
  if (perCall <= 0) return { ok: false, error: `stream ${key} is empty` };
  const m = await measured(server.pid, () => redis.runBenchmark(redis.xrangeArgs(server.port, calls, key), timeoutMs));
  if (m.r.code !== 0 || m.r.timedOut || !m.r.rps) return failure(m, 'redis-benchmark XRANGE');
  const rate = m.r.rps * perCall;
  return { ok: true, records: calls * perCall, bytes: calls * perCall * size, calls, perCall, rate, mbps: (rate * size) / 1e6, ...strip(m) };
}

module.exports = { oursProduce, oursConsume, redisXadd, redisXrange };
