'use strict';
/**
 * Connect end to end: file → broker → file. A standalone worker (`node bin/sluice.js connect standalone
 * worker.properties source.json sink.json`, embedded broker) runs FileStreamSource on a file of N lines of
 * 184 bytes and FileStreamSink into a new file; timed from spawning the worker until the sink file holds all
 * N lines, once with StringConverter and once with JsonConverter (schemas.enable=true), each run on fresh
 * directories. The peer in the same run is the kcat pair on the same file against a fresh broker of ours:
 * `kcat -P -l file`, then `kcat -C ... > out` (sequential: the gated figure), and also pipelined (the
 * consumer waiting before the producer starts; reported). Every output is checked byte for byte against
 * the input. Repetitions are interleaved: ours-String, ours-JSON, kcat pair.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const proc = require('./proc');
const kcat = require('./kcat');
const payload = require('./payload');
const { startBroker, ROOT } = require('./broker');

const LINE_BYTES = 184;
const TOPIC = 'bench-connect';
const OFFSET_FLUSH_INTERVAL_MS = 10000;
const POLL_MS = 5;

const CONVERTERS = {
  string: { label: 'StringConverter', className: 'org.apache.kafka.connect.storage.StringConverter' },
  json: { label: 'JsonConverter', className: 'org.apache.kafka.connect.json.JsonConverter' },
};

function settings(cfg) {
  return { n: Math.max(10000, Math.round(1000000 * cfg.scale)), size: LINE_BYTES, reps: cfg.reps };
}

/** The worker's properties, as in config/connect-standalone.properties apart from ports, paths and converters. */
function workerProperties({ brokerPort, restPort, dir, converter }) {
  const cls = CONVERTERS[converter].className;
  return [
    `broker.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    `broker.log.dirs=${path.join(dir, 'broker')}`,
    'broker.group.initial.rebalance.delay.ms=0',
    `listeners=http://127.0.0.1:${restPort}`,
    `key.converter=${cls}`,
    `value.converter=${cls}`,
    ...(converter === 'json' ? ['key.converter.schemas.enable=true', 'value.converter.schemas.enable=true'] : []),
    `offset.storage.file.filename=${path.join(dir, 'connect.offsets')}`,
    `offset.flush.interval.ms=${OFFSET_FLUSH_INTERVAL_MS}`,
    'log.level=warn',
  ];
}

function connectorFiles(dir, input, output) {
  const source = { name: 'bench-file-source', config: { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic: TOPIC } };
  const sink = { name: 'bench-file-sink', config: { 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: TOPIC } };
  const sourceFile = path.join(dir, 'source.json');
  const sinkFile = path.join(dir, 'sink.json');
  fs.writeFileSync(sourceFile, JSON.stringify(source));
  fs.writeFileSync(sinkFile, JSON.stringify(sink));
  return { sourceFile, sinkFile };
}

function sizeOf(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

async function md5(file) {
  const hash = crypto.createHash('md5');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}

/** Checks an output file against the input: same length, same bytes. Returns an error text or null. */
async function checkOutput(file, want, digest) {
  const size = sizeOf(file);
  if (size !== want) return `the output has ${size} bytes, expected ${want}`;
  if ((await md5(file)) !== digest) return 'the output differs from the input';
  return null;
}

function hr() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Starts the worker; the caller polls the sink file. Output is drained and its tail kept for errors. */
function spawnWorker(args) {
  const child = spawn(process.execPath, [path.join('bin', 'sluice.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.track(child.pid, 'connect worker');
  const tail = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (d) => {
      tail.push(d.toString());
      while (tail.length > 20) tail.shift();
    });
  }
  let exit = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      proc.untrack(child.pid);
      resolve(exit);
    });
    child.once('error', (err) => {
      exit = { code: null, signal: null, error: err.message };
      resolve(exit);
    });
  });
  return { child, tail: () => tail.join('').trim().split('\n').slice(-6).join(' | '), exited, exitInfo: () => exit };
}

async function stopWorker(w, graceMs = 15000) {
  if (w.exitInfo()) return;
  try {
    process.kill(w.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(w.child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, graceMs);
  await w.exited;
  clearTimeout(timer);
}

/** One timed run of the standalone worker with the given converter. */
async function runOurs({ tmp, cfg }, converter, rep, input, digest) {
  const { n, size } = settings(cfg);
  const want = n * (size + 1);
  const dir = path.join(tmp, `connect-${converter}-${rep}`);
  fs.mkdirSync(dir, { recursive: true });
  const output = path.join(dir, 'sink.txt');
  const props = path.join(dir, 'worker.properties');
  fs.writeFileSync(props, `${workerProperties({ brokerPort: await proc.freePort(), restPort: await proc.freePort(), dir, converter }).join('\n')}\n`);
  const { sourceFile, sinkFile } = connectorFiles(dir, input, output);
  const timeoutMs = cfg.runTimeoutSec * 1000;
  await proc.quiesce();
  const box0 = proc.boxCpu();
  const t0 = hr();
  const w = spawnWorker(['connect', 'standalone', props, sourceFile, sinkFile]);
  let first = null;
  let done = null;
  let failure = null;
  try {
    for (;;) {
      const bytes = sizeOf(output);
      const now = hr();
      if (first === null && bytes > 0) first = { ms: now - t0, bytes };
      if (bytes >= want) {
        done = { ms: now - t0, bytes };
        break;
      }
      const exit = w.exitInfo();
      if (exit) {
        failure = `the worker exited (${exit.error ?? `code ${exit.code}, signal ${exit.signal}`}) with ${bytes} of ${want} bytes written: ${w.tail()}`;
        break;
      }
      if (now - t0 > timeoutMs) {
        failure = `timed out after ${Math.round(timeoutMs / 1000)} s with ${bytes} of ${want} bytes written: ${w.tail()}`;
        break;
      }
      await proc.sleep(POLL_MS);
    }
    const cpuS = proc.cpuSeconds(w.child.pid);
    const mainCpuS = proc.mainThreadCpuSeconds(w.child.pid);
    const mem = proc.memStatus(w.child.pid);
    const box1 = proc.boxCpu();
    await stopWorker(w);
    if (failure) return { ok: false, error: failure };
    const bad = await checkOutput(output, want, digest);
    if (bad) return { ok: false, error: `${CONVERTERS[converter].label}: ${bad}` };
    const wallS = done.ms / 1000;
    const firstS = first.ms / 1000;
    const firstLines = Math.floor(first.bytes / (size + 1));
    const ticks = box1.total - box0.total;
    const boxBusy = ticks > 0 ? (box1.busy - box0.busy) / ticks : null;
    const cores = cpuS !== null ? cpuS / wallS : null;
    return {
      ok: true,
      converter,
      records: n,
      bytes: n * size,
      wallS,
      rate: n / wallS,
      mbps: (n * size) / wallS / 1e6,
      firstS,
      // After the first line arrived: the pipeline's own rate, start-up excluded.
      steadyRate: done.ms > first.ms ? (n - firstLines) / ((done.ms - first.ms) / 1000) : null,
      serverCpuS: cpuS,
      serverMainCpuS: mainCpuS,
      serverCores: cores,
      serverMainCores: mainCpuS !== null ? mainCpuS / wallS : null,
      peakRssMB: mem ? mem.VmHWM : null,
      boxBusy,
      otherCores: boxBusy !== null ? Math.max(0, boxBusy * box1.ncpu - (cores || 0)) : null,
    };
  } finally {
    await stopWorker(w);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function consumeArgs(bootstrap, topic, n, untilEnd) {
  return ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', ...(untilEnd ? ['-e'] : []), '-c', String(n), '-q'];
}

function produceArgs(bootstrap, topic, file) {
  return ['-P', '-b', bootstrap, '-t', topic, '-l', file];
}

function failed(r, what) {
  const why = r.timedOut ? `timed out after ${r.wallMs.toFixed(0)} ms` : `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}`;
  return `${what} ${why}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`;
}

/** The kcat pair on a fresh broker: sequential (produce, then consume), then pipelined on a second topic. */
async function runKcatPair({ tmp, cfg }, rep, input, digest) {
  const { n, size } = settings(cfg);
  const want = n * (size + 1);
  const dir = path.join(tmp, `connect-kcat-${rep}`);
  fs.mkdirSync(dir, { recursive: true });
  const output = path.join(dir, 'out.txt');
  const timeoutMs = cfg.runTimeoutSec * 1000;
  const broker = await startBroker({ port: await proc.freePort(), logDir: path.join(dir, 'broker') });
  try {
    const bs = broker.bootstrap;
    const seqTopic = `${TOPIC}-seq`;
    const pipeTopic = `${TOPIC}-pipe`;
    await kcat.touchTopic(bs, seqTopic);
    await kcat.touchTopic(bs, pipeTopic);

    await proc.quiesce();
    let cpu0 = proc.cpuSeconds(broker.pid);
    let box0 = proc.boxCpu();
    const p = await proc.run('kcat', produceArgs(bs, seqTopic, input), { timeoutMs, cpu: true, stdout: 'ignore' });
    if (p.code !== 0 || p.timedOut) return { ok: false, error: failed(p, 'kcat -P') };
    const c = await proc.run('kcat', consumeArgs(bs, seqTopic, n, true), { timeoutMs, cpu: true, stdoutFile: output });
    if (c.code !== 0 || c.timedOut) return { ok: false, error: failed(c, 'kcat -C') };
    let cpu1 = proc.cpuSeconds(broker.pid);
    let box1 = proc.boxCpu();
    let bad = await checkOutput(output, want, digest);
    if (bad) return { ok: false, error: `kcat pair: ${bad}` };
    const wallS = (p.wallMs + c.wallMs) / 1000;
    const seq = {
      ok: true,
      records: n,
      bytes: n * size,
      wallS,
      produceS: p.wallMs / 1000,
      consumeS: c.wallMs / 1000,
      rate: n / wallS,
      mbps: (n * size) / wallS / 1e6,
      serverCpuS: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
      driverCpuS: p.cpuSec !== null && c.cpuSec !== null ? p.cpuSec + c.cpuSec : null,
      boxBusy: box1.total > box0.total ? (box1.busy - box0.busy) / (box1.total - box0.total) : null,
    };
    fs.rmSync(output, { force: true });

    await proc.quiesce();
    cpu0 = proc.cpuSeconds(broker.pid);
    box0 = proc.boxCpu();
    const consumer = proc.run('kcat', consumeArgs(bs, pipeTopic, n, false), { timeoutMs, cpu: true, stdoutFile: output });
    // librdkafka needs a moment to fetch metadata and reach the (empty) log; the producer starts meanwhile.
    const producer = proc.run('kcat', produceArgs(bs, pipeTopic, input), { timeoutMs, cpu: true, stdout: 'ignore' });
    const [pc, pp] = await Promise.all([consumer, producer]);
    cpu1 = proc.cpuSeconds(broker.pid);
    box1 = proc.boxCpu();
    if (pp.code !== 0 || pp.timedOut) return { ok: false, error: failed(pp, 'kcat -P (pipelined)') };
    if (pc.code !== 0 || pc.timedOut) return { ok: false, error: failed(pc, 'kcat -C (pipelined)') };
    bad = await checkOutput(output, want, digest);
    if (bad) return { ok: false, error: `kcat pair, pipelined: ${bad}` };
    const pipeS = pc.wallMs / 1000;
    const pipe = {
      ok: true,
      records: n,
      bytes: n * size,
      wallS: pipeS,
      rate: n / pipeS,
      mbps: (n * size) / pipeS / 1e6,
      serverCpuS: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
      driverCpuS: pp.cpuSec !== null && pc.cpuSec !== null ? pp.cpuSec + pc.cpuSec : null,
      boxBusy: box1.total > box0.total ? (box1.busy - box0.busy) / (box1.total - box0.total) : null,
    };
    return { ok: true, seq, pipe };
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function describe(r) {
  if (!r.ok) return `FAILED (${r.error})`;
  const extra = r.firstS !== undefined ? `, first line after ${r.firstS.toFixed(2)} s, then ${Math.round(r.steadyRate).toLocaleString('en-US')} lines/s, worker ${r.serverCores?.toFixed(2)} cores (main ${r.serverMainCores?.toFixed(2)})` : r.produceS !== undefined ? ` (kcat -P ${r.produceS.toFixed(2)} s + kcat -C ${r.consumeS.toFixed(2)} s)` : '';
  return `${Math.round(r.rate).toLocaleString('en-US')} lines/s, wall ${r.wallS.toFixed(2)} s${extra}`;
}

/** All repetitions; resolves { ok, n, size, repsDone, runs: { string, json, kcatSeq, kcatPipe }, notes }. */
async function run(ctx) {
  const { tmp, cfg, log } = ctx;
  const { n, size, reps } = settings(cfg);
  const input = path.join(tmp, 'connect-input.txt');
  log(`connect: writing ${n} lines of ${size} B`);
  payload.writeLinesFile(input, n, size);
  const digest = await md5(input);
  const res = { ok: true, n, size, repsDone: 0, runs: { string: [], json: [], kcatSeq: [], kcatPipe: [] }, notes: [] };
  const deadline = Date.now() + cfg.budgetSec * 1000;
  let lastRepMs = 0;
  const safe = async (what, fn) => {
    try {
      return await fn();
    } catch (err) {
      return { ok: false, error: `${what}: ${err.message.split('\n')[0]}` };
    }
  };
  try {
    for (let rep = 1; rep <= reps; rep++) {
      if (rep > 1 && Date.now() + lastRepMs * 1.1 > deadline) {
        res.notes.push(`Connect: stopped after ${rep - 1} of ${reps} repetitions to stay within BENCH_BUDGET_S=${cfg.budgetSec} s (one repetition took ${(lastRepMs / 1000).toFixed(1)} s).`);
        break;
      }
      const t0 = Date.now();
      for (const converter of Object.keys(CONVERTERS)) {
        const r = await safe(`ours ${converter}`, () => runOurs(ctx, converter, rep, input, digest));
        res.runs[converter].push(r);
        log(`connect rep ${rep} ours ${CONVERTERS[converter].label}: ${describe(r)}`);
      }
      const k = await safe('kcat pair', () => runKcatPair(ctx, rep, input, digest));
      res.runs.kcatSeq.push(k.ok ? k.seq : k);
      res.runs.kcatPipe.push(k.ok ? k.pipe : k);
      log(`connect rep ${rep} kcat pair: ${describe(k.ok ? k.seq : k)}${k.ok ? `; pipelined ${describe(k.pipe)}` : ''}`);
      res.repsDone = rep;
      lastRepMs = Date.now() - t0;
    }
  } finally {
    fs.rmSync(input, { force: true });
  }
  return res;
}

/** The settings line for the report. */
function describeSettings(cfg) {
  const { n, size } = settings(cfg);
  const props = workerProperties({ brokerPort: '<port>', restPort: '<port>', dir: '<tmpdir>', converter: 'json' }).join(', ');
  return (
    `- Connect end to end: a file of N = ${n.toLocaleString('en-US')} lines of ${size} bytes (a 10-digit sequence number, '-', filler; ${((n * (size + 1)) / 1e6).toFixed(1)} MB with newlines). ` +
    'Ours: `node bin/sluice.js connect standalone worker.properties source.json sink.json` with the embedded broker (a fresh data directory per run) and ' +
    `\`${props}\` (StringConverter runs have no schemas.enable lines); source.json = FileStreamSource (tasks.max=1, batch.size default 2000) on the file into topic ${TOPIC}, ` +
    'sink.json = FileStreamSink (tasks.max=1) from it into a new file. Timed from spawning the worker (Node start-up, embedded broker, connectors, the sink\'s group join included) until the sink file holds all N lines ' +
    `(its size polled every ${POLL_MS} ms); "then" is the rate after the first line arrived. ` +
    `Peer: a fresh \`node bin/sluice.js broker start\` (same broker code, defaults) per repetition; \`kcat ${produceArgs('127.0.0.1:<port>', '<topic>', '<file>').join(' ')}\` (librdkafka defaults: acks=all, linger.ms=5, like our source's acks=all producer), ` +
    `then \`kcat ${consumeArgs('127.0.0.1:<port>', '<topic>', 'N', true).join(' ')} > <out>\`; lines/s = N / (produce wall + consume wall), each from spawn to exit. ` +
    'This sequential sum is the gated peer, as the issue words it (kcat -C -e needs the data first); the pipelined variant (the same consumer without -e started first, then the producer on another topic, timed until the consumer has N lines) is reported beside it. ' +
    'Every output file is checked to equal the input byte for byte (md5). Repetitions interleaved as ours-StringConverter, ours-JsonConverter, kcat pair; the row shows medians. ' +
    'CPU: utime+stime of the worker process (all threads, and its main thread) from /proc/<pid>/stat at the moment the last line arrived, so it includes start-up; for the peer, the broker\'s CPU over both kcat runs plus both kcats\' CPU (bash `times`).'
  );
}

module.exports = { run, settings, describeSettings, CONVERTERS, TOPIC };
