'use strict';
/** The stdout summary and docs/benchmarks.md. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const kcat = require('./kcat');
const redis = require('./redis');
const compaction = require('./compaction');
const connect = require('./connect');
const postgres = require('./postgres');
const pgLoad = require('./pg-load');
const { loadDetails } = require('./pg-load-summary');
const { rows, compactionRow, connectRows, connectLimit, cdcRows, cdcLimit, perMillionRows, limits, outsideLoad, fmt, fmtInt } = require('./summary');

const ROOT = path.resolve(__dirname, '..', '..');

const COLS = [
  ['scenario', 'scenario'],
  ['ours', 'ours (Sluice broker)'],
  ['peer', 'peer (Redis Streams)'],
  ['ratio', 'ratio ours/peer'],
  ['target', 'target'],
  ['met', 'met?'],
];

function textTable(table) {
  const widths = COLS.map(([k, h]) => Math.max(h.length, ...table.map((r) => String(r[k]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(COLS.map(([, h]) => h)), line(widths.map((w) => '-'.repeat(w))), ...table.map((r) => line(COLS.map(([k]) => r[k])))].join('\n');
}

function mdTable(headers, data) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...data.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function printSummary(res) {
  const table = rows(res);
  const out = [];
  out.push('');
  out.push(`Sluice benchmark — ${res.machine ? res.machine.date : ''}`);
  out.push(textTable(table));
  for (const p of limits(res, table)) out.push(`\n${p.replace(/\*\*/g, '')}`);
  for (const n of [...res.notes, ...outsideLoad(res)]) out.push(`note: ${n}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function detailRows(res) {
  const names = {
    oursProduce: 'produce, ours (kcat -P)',
    redisXadd: 'produce, Redis (XADD)',
    oursConsume: 'consume, ours (kcat -C)',
    redisXrange: 'consume, Redis (XRANGE)',
  };
  const data = [];
  for (const sz of res.sizes) {
    for (const phase of Object.keys(names)) {
      (sz.runs[phase] || []).forEach((r, i) => {
        data.push([
          sz.label,
          names[phase],
          i + 1,
          r.ok ? 'ok' : `FAILED: ${r.error}`,
          fmt(r.wallS, 2),
          r.ok ? fmtInt(r.rate) : 'n/a',
          r.ok ? fmt(r.mbps) : 'n/a',
          fmt(r.serverCores, 2),
          fmt(r.serverMainCores, 2),
          fmt(r.driverCores, 2),
          fmt(r.otherCores, 2),
          r.boxBusy === null || r.boxBusy === undefined ? 'n/a' : `${fmt(r.boxBusy * 100, 0)}%`,
          r.boxSteal === null || r.boxSteal === undefined ? 'n/a' : `${fmt(r.boxSteal * 100, 0)}%`,
        ]);
      });
    }
  }
  return data;
}

/** Shell-quotes an argument for display; placeholders like <port> stay as they are. */
function q(arg) {
  const a = String(arg);
  if (/^<[^>]+>$/.test(a) || /^[\w@%+=:,./<>-]+$/.test(a)) return a;
  return `'${a.replace(/'/g, "'\\''")}'`;
}
const cmd = (args) => args.map(q).join(' ');

function settings(res) {
  const c = res.cfg;
  const sizes = res.sizes.map((s) => `${s.label}: N = ${fmtInt(s.n)} records (${fmt((s.n * s.size) / 1e6)} MB payload)`).join('; ');
  const sz = res.sizes[0] || { size: 100, n: 1000 };
  const calls = (s) => Math.max(500, Math.ceil(s.n / 1000));
  return [
    `- Scale: \`BENCH_SCALE=${c.scale}\`; ${sizes}. Repetitions requested: ${c.reps} (done: ${res.sizes.map((s) => `${s.label} ${s.repsDone}`).join(', ')}), interleaved per repetition as ours-produce, Redis-XADD, ours-consume, Redis-XRANGE.`,
    `- Our broker: \`node bin/sluice.js broker start --override listeners=PLAINTEXT://127.0.0.1:<port> --override log.dirs=<tmpdir>\`, broker defaults otherwise (topics auto-created with the default partition count; writes go to the page cache, no per-request fsync). Log directory on ${res.machine ? res.machine.tmpFs : '?'} (a temp dir under the OS temp dir). ${res.build || ''}`,
    `- Produce driver: \`kcat ${cmd(kcat.produceArgs('127.0.0.1:<port>', '<topic>', '<file>'))}\`, a fresh topic per repetition; the file holds N lines of exactly S bytes (a 10-digit sequence number, '-', filler). Timed by wall clock from spawn to exit (so it includes kcat's start-up, metadata round trip and final flush); checked: exit code 0 and the topic's end offset (\`kcat -Q -t <topic>:0:-1\`) = N.`,
    `- Consume driver: \`kcat ${cmd(kcat.consumeArgs('127.0.0.1:<port>', '<topic>', 'N'))}\` (librdkafka consumer defaults otherwise), right after that repetition's produce (warm page cache); timed by wall clock from spawn to exit. \`-c N\` stops at the N-th record, so the time excludes the end-of-log fetch wait; one byte per message on stdout, counted and checked = N.`,
    `- Peer: \`redis-server ${cmd(redis.serverArgs('<port>', '<tmpdir>'))}\`; produce = \`redis-benchmark ${cmd(redis.xaddArgs('<port>', 'N', '<key>', '<S-byte-value>'))}\` (default 50 clients), rate = redis-benchmark's own requests/s, checked XLEN = N; consume = \`redis-benchmark ${cmd(redis.xrangeArgs('<port>', 'M', '<key>'))}\` with M = max(500, N/1000) (${fmtInt(calls(sz))} for ${sz.label}), entries/s = calls/s × min(1000, XLEN). The stream is deleted after each repetition.`,
    `- CPU: utime+stime of the server pid from /proc/<pid>/stat (and /proc/<pid>/task/<pid>/stat for the main thread) before/after each timed run, CLK_TCK = ${res.machine ? res.machine.clkTck : '?'}; driver CPU from bash \`times\` of the reaped child; box busy (user+nice+system+irq+softirq) and steal from /proc/stat, as a share of all ${res.machine ? res.machine.nproc : '?'} vCPUs. Before every timed run the bench calls \`sync\` (untimed) so that write-back of earlier runs' data does not land in it. CPU-s/GB = server CPU seconds / (payload bytes / 10^9), summed over the repetitions. MB = 10^6 bytes.`,
    `- RSS: VmRSS from /proc/<pid>/status after ${fmt(c.settleMs / 1000, 0)} s idle, once after start-up and once after all runs. Cold start: spawn → the \`"msg":"broker started"\` log line (Redis: "Ready to accept connections"), median of ${c.coldStarts} starts, each on an empty directory.`,
    `- Budget: runs stop adding repetitions beyond the first when they would pass BENCH_BUDGET_S=${c.budgetSec} s; every child is killed after BENCH_RUN_TIMEOUT_S=${c.runTimeoutSec} s.`,
    ...(res.compaction ? [compaction.describeSettings(c)] : []),
    ...(res.connect ? [connect.describeSettings(c)] : []),
    ...(res.cdc ? [postgres.describeSettings(c, res.cdc), pgLoad.describeSettings(c, res.cdc.load)] : []),
  ].join('\n');
}

/** One sentence with the compaction run's details (CPU, sizes), for the page; `alone` names the separate run's box. */
function compactionDetails(c, alone) {
  if (!c || !c.ok) return null;
  const where = alone ? ` (measured on its own with BENCH_ONLY=compaction on ${alone.date}, ${alone.cpuModel}, nproc = ${alone.nproc})` : '';
  const cores = c.serverCpuS !== null ? `${fmt(c.serverCpuS, 2)} CPU-s (main thread ${fmt(c.serverMainCpuS, 2)})` : 'n/a';
  return (
    `Compaction runs${where}: ${(c.runsMbps || [c.mbps]).map((x) => `${fmt(x)} MB/s`).join(', ')}. In the median run the cleaner mapped ${fmt(c.mapBytesRead / 1e6)} MB and cleaned ${fmt(c.bytesRead / 1e6)} MB into ${fmt(c.bytesWritten / 1e6, 2)} MB ` +
    `(${fmtInt(c.segmentsBefore)} segments → ${fmtInt(c.segmentsAfter)}, ${fmtInt(c.recordsRemoved)} of ${fmtInt(c.recordsRead)} records removed) in ${fmtInt(c.durationMs)} ms, ` +
    `${fmtInt(c.recordsPerS)} records/s; the broker used ${cores} between the config switch and the stats line (${fmt(c.waitedS, 2)} s, which includes up to one 200 ms backoff; ` +
    `the whole box was ${c.boxBusy === null ? 'n/a' : `${fmt(c.boxBusy * 100, 0)}%`} busy meanwhile); ` +
    `a consumer from the beginning then read ${fmtInt(c.remaining)} records (the latest per key plus the uncleaned active segment).`
  );
}

/** One sentence per converter with every Connect run, for the page; `alone` names the separate run's box. */
function connectDetails(c, alone) {
  if (!c || !c.runs) return null;
  const where = alone ? ` (measured on their own with BENCH_ONLY=connect on ${alone.date}, ${alone.cpuModel}, nproc = ${alone.nproc})` : '';
  const runText = (r) => {
    if (!r.ok) return `FAILED (${r.error})`;
    if (r.firstS !== undefined) {
      return `${fmt(r.wallS, 2)} s = ${fmtInt(r.rate)} lines/s (first line ${fmt(r.firstS, 2)} s, then ${fmtInt(r.steadyRate)} lines/s; ${fmt(r.serverCpuS, 2)} CPU-s = ${fmt(r.serverCores, 2)} cores, main thread ${fmt(r.serverMainCores, 2)}; peak RSS ${fmt(r.peakRssMB, 0)} MB; box ${r.boxBusy === null ? 'n/a' : `${fmt(r.boxBusy * 100, 0)}%`} busy)`;
    }
    const parts = r.produceS !== undefined ? ` (${fmt(r.produceS, 2)} + ${fmt(r.consumeS, 2)} s)` : '';
    return `${fmt(r.wallS, 2)} s${parts} = ${fmtInt(r.rate)} lines/s (broker ${fmt(r.serverCpuS, 2)} CPU-s, kcats ${fmt(r.driverCpuS, 2)} CPU-s; box ${r.boxBusy === null ? 'n/a' : `${fmt(r.boxBusy * 100, 0)}%`} busy)`;
  };
  const list = (runs) => (runs || []).map(runText).join('; ') || 'none';
  const R = c.runs;
  return (
    `Connect end-to-end runs${where}, ${fmtInt(c.n)} lines of ${c.size} B, ${c.repsDone} repetitions. ` +
    `Ours, StringConverter: ${list(R.string)}. Ours, JsonConverter: ${list(R.json)}. ` +
    `kcat pair, sequential: ${list(R.kcatSeq)}. kcat pair, pipelined: ${list(R.kcatPipe)}.` +
    (c.notes && c.notes.length ? ` ${c.notes.join(' ')}` : '')
  );
}

/** One paragraph with every CDC run per workload, for the page; `alone` names the separate run's box. */
function cdcDetails(c, alone) {
  if (!c || !c.workloads) return null;
  const where = alone ? ` (measured on their own with BENCH_ONLY=cdc on ${alone.date}, ${alone.cpuModel}, nproc = ${alone.nproc})` : '';
  const pct = (x) => (x === null || x === undefined ? 'n/a' : `${fmt(x * 100, 0)}%`);
  const runText = (r) => {
    if (!r.ok) return `FAILED (${r.error})`;
    const parts = [`${fmt(r.wallS, 2)} s = ${fmtInt(r.rate)} rows/s`];
    if (r.spawnS !== undefined) parts.push(`spawn to exit ${fmt(r.spawnS, 2)} s, streaming after ${fmt(r.startS, 2)} s`);
    if (r.firstS !== undefined && r.firstS !== null) parts.push(`first row ${fmt(r.firstS, 2)} s`);
    if (r.steadyRate !== undefined && r.steadyRate !== null) parts.push(`then ${fmtInt(r.steadyRate)} rows/s`);
    if (r.lagS !== undefined) parts.push(`${fmt(r.lagS, 2)} s after the workload returned`);
    const main = r.clientMainCores !== null && r.clientMainCores !== undefined ? `, main thread ${fmt(r.clientMainCores, 2)}` : '';
    parts.push(`client ${fmt(r.clientCpuS, 2)} CPU-s = ${fmt(r.clientCores, 2)} cores${main}`);
    parts.push(`Postgres ${fmt(r.pgCpuS, 2)} CPU-s`);
    if (r.peakRssMB !== undefined && r.peakRssMB !== null) parts.push(`peak RSS ${fmt(r.peakRssMB, 0)} MB`);
    if (r.outBytes !== undefined) parts.push(`${fmt(r.outBytes / r.records, 0)} serialized bytes per record`);
    parts.push(`box ${pct(r.boxBusy)} busy`);
    return `${parts[0]} (${parts.slice(1).join('; ')})`;
  };
  const list = (runs) => (runs || []).map(runText).join('; ') || 'none';
  const names = { peer: 'pg_recvlogical', decode: 'decode only', envelope: 'decode + envelope', e2e: 'end to end' };
  const parts = [];
  for (const kind of postgres.WORKLOADS) {
    const W = c.workloads[kind];
    const wl = (W.workload || []).map((w) => `${fmt(w.ms / 1000, 2)} s, ${fmt(w.walBytes / 1e6)} MB of WAL`).join('; ') || 'not run';
    const subjects = postgres.SUBJECTS.map((x) => `${names[x]}: ${list(W.runs[x])}`).join('. ');
    parts.push(`${kind === 'bulk' ? `Bulk (1 transaction of ${fmtInt(c.bulkRows)} rows)` : `Single-row (${fmtInt(c.singleTxns)} transactions)`}: workload ${wl}. ${subjects}.`);
  }
  const cpu = postgres.WORKLOADS.map((kind) => {
    const R = c.workloads[kind].runs;
    return `${kind}: ${postgres.SUBJECTS.map((x) => `${names[x]} ${fmt(perMillionRows(R[x], 'clientCpuS'))} + Postgres ${fmt(perMillionRows(R[x], 'pgCpuS'))}`).join(', ')}`;
  });
  return (
    `Postgres CDC runs${where}, ${c.repsDone} repetitions${c.versions && c.versions.server ? `, PostgreSQL ${c.versions.server}` : ''}${c.error ? ` (stopped: ${c.error})` : ''}. ${parts.join(' ')} ` +
    `CPU µs per row (client + Postgres), over all runs: ${cpu.join('; ')}.` +
    (c.notes && c.notes.length ? ` ${c.notes.join(' ')}` : '')
  );
}

/**
 * Puts rows of the results table, one settings line, one details paragraph and the "what limits it"
 * paragraphs of those rows into an existing docs/benchmarks.md without touching the rest of the page
 * (the other figures are from a full run). Each piece is found by the start of its line; `limitPrefix` may be a
 * list of starts.
 */
function upsertParts(file, { rows: tableRows, settingsPrefix, settingsLine, detailsPrefix, details, limitPrefix, limitParas }) {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  const replaceOrInsert = (match, text, after) => {
    const at = lines.findIndex(match);
    if (at >= 0) lines[at] = text;
    else {
      const anchor = after();
      lines.splice(anchor < 0 ? lines.length : anchor + 1, 0, text);
    }
  };
  const lastIndexOf = (pred) => {
    for (let i = lines.length - 1; i >= 0; i--) if (pred(lines[i])) return i;
    return -1;
  };
  const lastTableRow = () => {
    const resultsAt = lines.indexOf('## Results');
    let i = resultsAt + 1;
    while (i < lines.length && (lines[i] === '' || !lines[i].startsWith('|'))) i++;
    while (i + 1 < lines.length && lines[i + 1].startsWith('|')) i++;
    return i;
  };
  for (const row of tableRows) {
    const cells = COLS.map(([k]) => String(row[k]).replace(/\|/g, '\\|'));
    replaceOrInsert((l) => l.startsWith(`| ${row.scenario.replace(/ \(median.*/, '')}`), `| ${cells.join(' | ')} |`, lastTableRow);
  }
  replaceOrInsert((l) => l.startsWith(settingsPrefix), settingsLine, () => lastIndexOf((l) => l.startsWith('- ')));
  if (details) {
    replaceOrInsert((l) => l.startsWith(detailsPrefix), details, () => lastIndexOf((l) => l !== ''));
    // Keep a blank line between paragraphs.
    const at = lines.findIndex((l) => l.startsWith(detailsPrefix));
    if (at > 0 && lines[at - 1] !== '') lines.splice(at, 0, '');
  }
  if (limitPrefix) {
    const prefixes = [].concat(limitPrefix);
    for (let i = lines.length - 1; i >= 0; i--) {
      if (prefixes.some((p) => lines[i].startsWith(p))) lines.splice(i, lines[i + 1] === '' ? 2 : 1);
    }
    let head = lines.indexOf('## What limits it');
    if (limitParas.length > 0) {
      if (head < 0) {
        let before = lines.indexOf('## Notes');
        if (before < 0) before = lines.indexOf('## Settings');
        if (before < 0) before = lines.length;
        lines.splice(before, 0, '## What limits it', '');
        head = before;
      }
      let end = head + 1;
      while (end < lines.length && !lines[end].startsWith('## ')) end++;
      lines.splice(end, 0, ...limitParas.flatMap((p) => [p, '']));
    } else if (head >= 0) {
      let end = head + 1;
      while (end < lines.length && !lines[end].startsWith('## ')) end++;
      if (lines.slice(head + 1, end).every((l) => l === '')) lines.splice(head, end - head);
    }
  }
  fs.writeFileSync(file, scrub(lines.join('\n')));
}

/** BENCH_ONLY=compaction: its row, settings line and details. */
function upsertCompaction(res, file) {
  upsertParts(file, {
    rows: [compactionRow(res.compaction)],
    settingsPrefix: '- Compaction:',
    settingsLine: compaction.describeSettings(res.cfg),
    detailsPrefix: 'Compaction run',
    details: compactionDetails(res.compaction, res.machine),
  });
}

/** BENCH_ONLY=connect: its rows, settings line, details and "what limits it" paragraphs. */
function upsertConnect(res, file) {
  const table = connectRows(res.connect);
  const nproc = res.machine ? res.machine.nproc : '?';
  const missed = table.filter((r) => r.met === 'no' || String(r.met).startsWith('no ('));
  upsertParts(file, {
    rows: table,
    settingsPrefix: '- Connect end to end:',
    settingsLine: connect.describeSettings(res.cfg),
    detailsPrefix: 'Connect end-to-end runs',
    details: connectDetails(res.connect, res.machine),
    limitPrefix: '**Connect file → broker → file',
    limitParas: missed.map((row) => connectLimit(res.connect, row, nproc)),
  });
}

/** BENCH_ONLY=cdc: its rows (snapshot and sink included), settings lines, details and "what limits it" paragraphs. */
function upsertCdc(res, file) {
  const table = cdcRows(res.cdc);
  const nproc = res.machine ? res.machine.nproc : '?';
  const missed = table.filter((r) => r.met === 'no' || String(r.met).startsWith('no ('));
  upsertParts(file, {
    rows: table,
    settingsPrefix: '- Postgres CDC:',
    settingsLine: postgres.describeSettings(res.cfg, res.cdc),
    detailsPrefix: 'Postgres CDC runs',
    details: cdcDetails(res.cdc, res.machine),
    limitPrefix: ['**CDC ', '**Postgres sink'],
    limitParas: missed.map((row) => cdcLimit(res.cdc, row, nproc)),
  });
  upsertParts(file, {
    rows: [],
    settingsPrefix: '- Postgres snapshot and sink:',
    settingsLine: pgLoad.describeSettings(res.cfg, res.cdc.load),
    detailsPrefix: 'Postgres snapshot and sink runs',
    details: loadDetails(res.cdc, res.machine),
  });
}

/** No paths of this machine in the committed report: the repo, temp and home directories become placeholders. */
function scrub(text) {
  const subs = [
    [ROOT, '<repo>'],
    [fs.realpathSync(os.tmpdir()), '<tmp>'],
    [os.tmpdir(), '<tmp>'],
    [os.homedir(), '~'],
  ];
  let out = text;
  for (const [from, to] of subs) if (from && from.length > 1) out = out.split(from).join(to);
  return out;
}

function writeMarkdown(res, file) {
  const table = rows(res);
  const m = res.machine || {};
  const t = res.tools || { versions: {}, have: {} };
  const lines = [];
  lines.push('# Benchmarks');
  lines.push('');
  lines.push('Generated by `npm run bench` (bench/run.js); rerun it to refresh this page. Our broker and the peer run in the same run on the same box, interleaved, and the targets are ratios of medians (see the performance anchors §7 ground rules).');
  lines.push('');
  lines.push('## Machine');
  lines.push('');
  lines.push(`- Date: ${m.date || 'n/a'}`);
  lines.push(`- CPU: ${m.cpuModel || 'n/a'}, nproc = ${m.nproc ?? 'n/a'}, RAM ${m.memGiB ? fmt(m.memGiB) : 'n/a'} GiB, ${m.kernel || ''}`);
  const pct = (x) => (typeof x === 'number' ? `${Math.round(x * 100)}%` : 'n/a');
  lines.push(`- Other load on the box: ${pct(m.busyBefore)} of all CPU busy just before the bench, ${pct(m.busyAfter)} just after the runs`);
  lines.push(`- Node ${m.node || process.version}; ${t.versions.kcat || 'kcat: not installed'}; ${t.versions.redis || 'redis-server/redis-benchmark: not installed'}`);
  lines.push('');
  lines.push('## Results');
  lines.push('');
  lines.push(mdTable(COLS.map(([, h]) => h), table.map((r) => COLS.map(([k]) => r[k]))));
  lines.push('');
  const lim = limits(res, table);
  if (lim.length) {
    lines.push('## What limits it');
    lines.push('');
    for (const p of lim) lines.push(p, '');
  }
  const notes = [...res.notes, ...outsideLoad(res)];
  if (notes.length || res.fatal) {
    lines.push('## Notes');
    lines.push('');
    for (const n of notes) lines.push(`- ${n}`);
    if (res.fatal) lines.push(`- The run stopped early: ${res.fatal}`);
    lines.push('');
  }
  lines.push('## Settings');
  lines.push('');
  lines.push(settings(res));
  lines.push('');
  lines.push('## Every run');
  lines.push('');
  lines.push('Cores = CPU seconds / wall seconds of the timed run ("server" is our broker or redis-server, "main" its main thread, "driver" kcat or redis-benchmark, "other" the rest of the box: other processes and kernel threads). Box busy and steal are shares of all vCPUs.');
  lines.push('');
  lines.push(mdTable(['size', 'run', 'rep', 'result', 'wall s', 'records/s', 'MB/s', 'server cores', 'main cores', 'driver cores', 'other cores', 'box busy', 'steal'], detailRows(res)));
  lines.push('');
  const f = res.footprint;
  const details = compactionDetails(res.compaction);
  lines.push(
    `Footprint details: broker cold starts ${(f.brokerCold || []).map((x) => `${fmtInt(x)} ms`).join(', ') || 'n/a'}; ` +
      `redis-server cold starts ${(f.redisCold || []).map((x) => `${fmtInt(x)} ms`).join(', ') || 'n/a'}; ` +
      `bare \`node -e\` start ${f.bareNode ? `${fmtInt(f.bareNode.readyMs)} ms, RSS ${fmt(f.bareNode.rssMB)} MB` : 'n/a'}.`,
  );
  lines.push('');
  if (details) lines.push(details, '');
  const connectText = connectDetails(res.connect);
  if (connectText) lines.push(connectText, '');
  const cdcText = cdcDetails(res.cdc);
  if (cdcText) lines.push(cdcText, '');
  const loadText = loadDetails(res.cdc);
  if (loadText) lines.push(loadText, '');
  fs.writeFileSync(file, scrub(lines.join('\n')));
}

module.exports = { printSummary, writeMarkdown, upsertCompaction, upsertConnect, upsertCdc };
