'use strict';
/**
 * Log compaction: the broker's cleaner over a keyed topic. N records of S-byte values over K keys
 * are produced with kcat into a topic whose cleanup.policy is still `delete` (so nothing is cleaned
 * while the data arrives); then AlterConfigs (kafkajs admin) switches it to `compact`, and the
 * background cleaner (log.cleaner.backoff.ms=200) cleans every non-active segment in one go on an
 * otherwise idle broker. The figures come from the cleaner's own stats line (bytes read by the
 * cleaning pass, wall time of the whole cleaning including the mapping pass); the broker's CPU is
 * sampled from the switch to that line. No peer runs this scenario: the row is reported only.
 */
const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const kcat = require('./kcat');
const payload = require('./payload');
const { startBroker } = require('./broker');

const TOPIC = 'bench-compaction';
/** Compressed batches of this payload shrink about 20-fold: smaller segments keep the log spanning many. */
const SEGMENT_BYTES = { none: 8 * 1024 * 1024, compressed: 512 * 1024 };

/** BENCH_COMPACTION_CODEC=lz4 (or gzip, snappy, zstd) produces compressed batches, which the cleaner decompresses and recompresses. */
function settings(cfg) {
  const n = Math.max(10000, Math.round(1000000 * cfg.scale));
  const codec = process.env.BENCH_COMPACTION_CODEC || 'none';
  if (!['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(codec)) throw new Error(`BENCH_COMPACTION_CODEC=${codec} is not a codec kcat knows`);
  const segmentBytes = codec === 'none' ? SEGMENT_BYTES.none : SEGMENT_BYTES.compressed;
  return { n, keys: Math.max(100, Math.round(n / 100)), size: 100, segmentBytes, codec };
}

/** N lines "key:value": keys k0000000..k(K-1) in rotation, S-byte values starting with the sequence number. */
function writeKeyedFile(file, n, keys, size) {
  const filler = payload.value(size);
  const fd = fs.openSync(file, 'w');
  try {
    let parts = [];
    for (let i = 0; i < n; i++) {
      const seq = String(i).padStart(10, '0');
      parts.push(`k${String(i % keys).padStart(7, '0')}:${seq}-${filler.slice(11)}\n`);
      if (parts.length === 10000) {
        fs.writeSync(fd, parts.join(''));
        parts = [];
      }
    }
    if (parts.length) fs.writeSync(fd, parts.join(''));
  } finally {
    fs.closeSync(fd);
  }
}

function produceArgs(bootstrap, file, codec) {
  const compression = codec === 'none' ? [] : ['-z', codec];
  return ['-P', '-b', bootstrap, '-t', TOPIC, '-p', '0', '-K', ':', ...compression, '-l', file, ...kcat.PRODUCE_PROPS.flatMap((p) => ['-X', p])];
}

/** Waits for the broker's "cleaned <topic>-0: ..." line; resolves its JSON. */
function waitForCleanLine(lines, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      for (const line of lines) {
        if (line.includes('"log cleaning failed"')) {
          reject(new Error(`the cleaner failed: ${line.slice(0, 600)}`));
          return;
        }
        if (!line.includes(`"cleaned ${TOPIC}-0:`)) continue;
        try {
          resolve(JSON.parse(line));
          return;
        } catch {
          /* not JSON after all */
        }
      }
      if (Date.now() > deadline) reject(new Error(`no cleaner stats line for ${TOPIC}-0 within ${timeoutMs} ms (does the log span more than one segment?)`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

/** One measured run on a fresh broker and log directory. Resolves { ok, ... } like the other scenarios. */
async function runOnce({ tmp, cfg, log }, rep) {
  const s = settings(cfg);
  const logDir = path.join(tmp, `compaction-log-${rep}`);
  fs.mkdirSync(logDir, { recursive: true });
  const file = path.join(tmp, 'compaction-payload.txt');
  log(`compaction: writing ${s.n} keyed records of ${s.size} B over ${s.keys} keys`);
  writeKeyedFile(file, s.n, s.keys, s.size);
  const lines = [];
  const broker = await startBroker({
    port: await proc.freePort(),
    logDir,
    overrides: { 'log.cleaner.backoff.ms': '200' },
    onLine: (line) => {
      if (line.includes('"cleaned ') || line.includes('"log cleaning failed"')) lines.push(line);
    },
  });
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'bench-compaction', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const configEntries = (policy) => [
      { name: 'cleanup.policy', value: policy },
      { name: 'segment.bytes', value: String(s.segmentBytes) },
    ];
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, configEntries: configEntries('delete') }] });
    const timeoutMs = cfg.runTimeoutSec * 1000;
    const produced = await proc.run('kcat', produceArgs(broker.bootstrap, file, s.codec), { timeoutMs, stdout: 'ignore' });
    if (produced.code !== 0 || produced.timedOut) throw new Error(`kcat -P exited ${produced.code}: ${produced.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    const end = await kcat.endOffset(broker.bootstrap, TOPIC);
    if (end.offset !== s.n) throw new Error(`end offset ${end.offset} after producing ${s.n} records`);
    await proc.quiesce();
    const cpu0 = proc.cpuSeconds(broker.pid);
    const main0 = proc.mainThreadCpuSeconds(broker.pid);
    const box0 = proc.boxCpu();
    const t0 = process.hrtime.bigint();
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: TOPIC, configEntries: configEntries('compact') }] });
    const stats = await waitForCleanLine(lines, timeoutMs);
    const waitedS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = proc.cpuSeconds(broker.pid);
    const main1 = proc.mainThreadCpuSeconds(broker.pid);
    const box1 = proc.boxCpu();
    // What a consumer now reads from the beginning (the active segment is never cleaned).
    const consumed = await proc.run('kcat', ['-C', '-b', broker.bootstrap, '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '\\n'], { timeoutMs, stdout: 'count' });
    if (consumed.code !== 0) throw new Error(`kcat -C exited ${consumed.code}`);
    if (!(stats.recordsRemoved > 0) || consumed.stdoutBytes >= s.n) throw new Error(`nothing was compacted (${consumed.stdoutBytes} of ${s.n} records left)`);
    const durationS = stats.durationMs / 1000;
    return {
      ok: true,
      ...s,
      payloadBytes: s.n * s.size,
      bytesRead: stats.bytesRead,
      mapBytesRead: stats.mapBytesRead,
      bytesWritten: stats.bytesWritten,
      recordsRead: stats.recordsRead,
      recordsRemoved: stats.recordsRemoved,
      segmentsBefore: stats.segmentsBefore,
      segmentsAfter: stats.segmentsAfter,
      durationMs: stats.durationMs,
      longestSliceMs: stats.longestSliceMs,
      mbps: stats.bytesRead / 1e6 / durationS,
      recordsPerS: stats.recordsRead / durationS,
      remaining: consumed.stdoutBytes,
      // From the config switch to the stats line: the cleaning plus up to one backoff interval.
      waitedS,
      serverCpuS: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
      serverMainCpuS: main0 !== null && main1 !== null ? main1 - main0 : null,
      boxBusy: box1.total > box0.total ? (box1.busy - box0.busy) / (box1.total - box0.total) : null,
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
    await broker.stop();
    fs.rmSync(file, { force: true });
    fs.rmSync(logDir, { recursive: true, force: true });
  }
}

/** Repetitions: min(BENCH_REPS, 3); the result is the run with the median MB/s, with every run's MB/s beside it. */
function repetitions(cfg) {
  return Math.max(1, Math.min(cfg.reps, 3));
}

async function run(ctx) {
  const runs = [];
  for (let rep = 1; rep <= repetitions(ctx.cfg); rep++) {
    const r = await runOnce(ctx, rep);
    ctx.log(`compaction rep ${rep}: ${r.mbps.toFixed(1)} MB/s, ${Math.round(r.durationMs)} ms`);
    runs.push(r);
  }
  const sorted = [...runs].sort((a, b) => a.mbps - b.mbps);
  return { ...sorted[(sorted.length - 1) >> 1], runsMbps: runs.map((r) => r.mbps) };
}

/** The settings line for the report. */
function describeSettings(cfg) {
  const s = settings(cfg);
  return (
    `- Compaction: one partition, N = ${s.n.toLocaleString('en-US')} records of ${s.size}-byte values over K = ${s.keys.toLocaleString('en-US')} keys, produced with ` +
    `\`kcat ${produceArgs('127.0.0.1:<port>', '<file>', s.codec).join(' ')}\` into a topic created with cleanup.policy=delete and segment.bytes=${s.segmentBytes}; ` +
    'then AlterConfigs (kafkajs admin) sets cleanup.policy=compact and the broker (log.cleaner.backoff.ms=200) cleans every non-active segment in one go. ' +
    'MB/s = bytes read by the cleaning pass / wall time of the whole cleaning (mapping pass included), both from the broker\'s stats line; ' +
    `${repetitions(cfg)} runs, each on a fresh broker; the row shows the run with the median MB/s. ` +
    '"longest slice" is the longest stretch of synchronous cleaner work between two yields to the event loop. Checked: records were removed and `kcat -C -e` reads fewer than N.'
  );
}

module.exports = { run, settings, describeSettings, repetitions, TOPIC };
