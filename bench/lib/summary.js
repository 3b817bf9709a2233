'use strict';
/** Turns raw runs into the scenario table (medians, ratios, targets) and the "what limits it" facts. */

const { median, okRuns, med, fmtInt, fmt, fmtRatio, judge, missed, whyMissing, perMillionRows } = require('./stats');
const { loadRows, loadLimit } = require('./pg-load-summary');

/** CPU seconds of the server per GB (10^9 B) of payload, over all good runs. */
function cpuPerGB(runs) {
  const good = okRuns(runs).filter((r) => r.serverCpuS !== null);
  const bytes = good.reduce((a, r) => a + r.bytes, 0);
  if (!bytes) return null;
  return good.reduce((a, r) => a + r.serverCpuS, 0) / (bytes / 1e9);
}

/** Builds the summary rows: { scenario, ours, peer, ratio, target, met, key } ... */
function rows(res) {
  const out = [];
  for (const sz of res.sizes) {
    const R = sz.runs;
    const prodOurs = med(R.oursProduce, 'rate');
    const prodPeer = med(R.redisXadd, 'rate');
    const prodRatio = prodOurs && prodPeer ? prodOurs / prodPeer : null;
    out.push({
      key: `produce-${sz.size}`,
      scenario: `Produce ${sz.label}, records/s (median of ${okRuns(R.oursProduce).length}/${okRuns(R.redisXadd).length})`,
      ours: prodOurs ? `${fmtInt(prodOurs)} rec/s (${fmt(med(R.oursProduce, 'mbps'))} MB/s)` : `not measured: ${whyMissing(R.oursProduce, res.oursSkipped)}`,
      peer: prodPeer ? `${fmtInt(prodPeer)} XADD/s (${fmt(med(R.redisXadd, 'mbps'))} MB/s)` : `not measured: ${whyMissing(R.redisXadd, res.peerSkipped)}`,
      ratio: fmtRatio(prodRatio),
      target: '≥ 1.0× Redis XADD P=1000',
      met: prodOurs && prodPeer ? judge(prodRatio, 1.0, true) : 'not measured',
      ratioValue: prodRatio,
    });
    const conOurs = med(R.oursConsume, 'rate');
    const conPeer = med(R.redisXrange, 'rate');
    const conRatio = conOurs && conPeer ? conOurs / conPeer : null;
    out.push({
      key: `consume-${sz.size}`,
      scenario: `Consume ${sz.label}, records/s (median of ${okRuns(R.oursConsume).length}/${okRuns(R.redisXrange).length})`,
      ours: conOurs ? `${fmtInt(conOurs)} rec/s (${fmt(med(R.oursConsume, 'mbps'))} MB/s)` : `not measured: ${whyMissing(R.oursConsume, res.oursSkipped)}`,
      peer: conPeer ? `${fmtInt(conPeer)} entries/s (${fmt(med(R.redisXrange, 'mbps'))} MB/s)` : `not measured: ${whyMissing(R.redisXrange, res.peerSkipped)}`,
      ratio: fmtRatio(conRatio),
      target: '≥ 1.5× Redis XRANGE COUNT 1000',
      met: conOurs && conPeer ? judge(conRatio, 1.5, true) : 'not measured',
      ratioValue: conRatio,
    });
  }
  for (const [phase, ours, peer] of [
    ['produce', 'oursProduce', 'redisXadd'],
    ['consume', 'oursConsume', 'redisXrange'],
  ]) {
    for (const sz of res.sizes) {
      const o = cpuPerGB(sz.runs[ours]);
      const p = cpuPerGB(sz.runs[peer]);
      out.push({
        key: `cpu-${phase}-${sz.size}`,
        scenario: `Server CPU-s per GB, ${phase} ${sz.label}`,
        ours: o === null ? 'n/a' : `${fmt(o, 2)} CPU-s/GB`,
        peer: p === null ? 'n/a' : `${fmt(p, 2)} CPU-s/GB (redis-server)`,
        ratio: o !== null && p ? fmtRatio(o / p) : 'n/a',
        target: 'reported (lower is better)',
        met: '–',
      });
    }
  }
  const f = res.footprint;
  out.push({
    key: 'rss-idle',
    scenario: 'Idle RSS after start-up',
    ours: f.brokerIdleRss ? `${fmt(f.brokerIdleRss)} MB` : 'not measured',
    peer: f.redisIdleRss ? `${fmt(f.redisIdleRss)} MB (redis-server)` : 'n/a',
    ratio: f.brokerIdleRss && f.redisIdleRss ? fmtRatio(f.brokerIdleRss / f.redisIdleRss) : 'n/a',
    target: '≤ 100 MB',
    met: judge(f.brokerIdleRss, 100, false),
  });
  out.push({
    key: 'rss-after',
    scenario: `Idle RSS after the runs (${fmt(res.cfg.settleMs / 1000, 0)} s idle)`,
    ours: f.brokerAfterRss ? `${fmt(f.brokerAfterRss)} MB` : 'not measured',
    peer: f.redisAfterRss ? `${fmt(f.redisAfterRss)} MB (redis-server)` : 'n/a',
    ratio: f.brokerAfterRss && f.redisAfterRss ? fmtRatio(f.brokerAfterRss / f.redisAfterRss) : 'n/a',
    target: '≤ 100 MB',
    met: judge(f.brokerAfterRss, 100, false),
  });
  const coldOurs = median(f.brokerCold || []);
  const coldPeer = median(f.redisCold || []);
  out.push({
    key: 'cold-start',
    scenario: `Cold start, spawn → ready (median of ${(f.brokerCold || []).length})`,
    ours: coldOurs ? `${fmtInt(coldOurs)} ms` : 'not measured',
    peer: coldPeer ? `${fmtInt(coldPeer)} ms (redis-server)` : 'n/a',
    ratio: coldOurs && coldPeer ? fmtRatio(coldOurs / coldPeer) : 'n/a',
    target: '≤ 1 s',
    met: judge(coldOurs, 1000, false),
  });
  if (res.compaction) out.push(compactionRow(res.compaction));
  if (res.connect) out.push(...connectRows(res.connect));
  if (res.cdc) out.push(...cdcRows(res.cdc));
  return out;
}

const CONNECT_LABELS = { string: 'StringConverter', json: 'JsonConverter' };
const CONNECT_TARGET = 0.5;

/** CPU seconds per GB of payload over all good runs, from explicit CPU fields. */
function cpuPerGBOf(runs, fields) {
  const good = okRuns(runs).filter((r) => fields.every((f) => typeof r[f] === 'number'));
  const bytes = good.reduce((a, r) => a + r.bytes, 0);
  if (!bytes) return null;
  return good.reduce((a, r) => a + fields.reduce((x, f) => x + r[f], 0), 0) / (bytes / 1e9);
}

/** The Connect end-to-end rows: one per converter against the sequential kcat pair, and their CPU per GB. */
function connectRows(c) {
  const R = c.runs || {};
  const peer = med(R.kcatSeq, 'rate');
  const peerText = peer
    ? `${fmtInt(peer)} lines/s (medians: kcat -P ${fmt(med(R.kcatSeq, 'produceS'), 2)} s, kcat -C ${fmt(med(R.kcatSeq, 'consumeS'), 2)} s; pipelined ${fmtInt(med(R.kcatPipe, 'rate'))} lines/s)`
    : `not measured: ${whyMissing(R.kcatSeq, c.error || 'not run')}`;
  const out = [];
  for (const conv of ['string', 'json']) {
    const runs = R[conv];
    const ours = med(runs, 'rate');
    const ratio = ours && peer ? ours / peer : null;
    out.push({
      key: `connect-${conv}`,
      scenario: `Connect file → broker → file, ${CONNECT_LABELS[conv]}, ${c.size} B lines/s (median of ${okRuns(runs).length}/${okRuns(R.kcatSeq).length})`,
      ours: ours
        ? `${fmtInt(ours)} lines/s (${fmt(med(runs, 'mbps'))} MB/s; first line after ${fmt(med(runs, 'firstS'), 2)} s, then ${fmtInt(med(runs, 'steadyRate'))} lines/s)`
        : `not measured: ${whyMissing(runs, c.error || 'not run')}`,
      peer: peerText,
      ratio: fmtRatio(ratio),
      target: `≥ ${CONNECT_TARGET}× kcat -P -l file + kcat -C`,
      met: ours && peer ? judge(ratio, CONNECT_TARGET, true) : 'not measured',
      ratioValue: ratio,
    });
  }
  const peerCpu = cpuPerGBOf(R.kcatSeq, ['serverCpuS', 'driverCpuS']);
  for (const conv of ['string', 'json']) {
    const o = cpuPerGBOf(R[conv], ['serverCpuS']);
    out.push({
      key: `connect-cpu-${conv}`,
      scenario: `Connect CPU-s per GB, ${CONNECT_LABELS[conv]}`,
      ours: o === null ? 'n/a' : `${fmt(o, 2)} CPU-s/GB (worker process from spawn: start-up and embedded broker included)`,
      peer: peerCpu === null ? 'n/a' : `${fmt(peerCpu, 2)} CPU-s/GB (broker + kcat -P + kcat -C)`,
      ratio: o !== null && peerCpu ? fmtRatio(o / peerCpu) : 'n/a',
      target: 'reported (lower is better)',
      met: '–',
    });
  }
  return out;
}

/** The "what limits it" paragraph of a missed Connect row. */
function connectLimit(c, row, nproc) {
  const conv = row.key.slice('connect-'.length);
  const runs = c.runs[conv];
  const cores = med(runs, 'serverCores');
  const main = med(runs, 'serverMainCores');
  const box = med(runs, 'boxBusy');
  const first = med(runs, 'firstS');
  const wall = med(runs, 'wallS');
  const steady = med(runs, 'steadyRate');
  const peer = med(c.runs.kcatSeq, 'rate');
  const pipe = med(c.runs.kcatPipe, 'rate');
  const other = med(runs, 'otherCores');
  const saturated = main !== null && main >= 0.85;
  return (
    `**${row.scenario.replace(/ \(median.*/, '')}: ${row.ratio} (target ${row.target}).** ` +
    `Median over the runs: the worker process used ${fmt(cores, 2)} cores over the ${fmt(wall, 2)} s (its main thread ${fmt(main, 2)}), the whole box was ${box === null ? 'n/a' : `${fmt(box * 100, 0)}%`} busy of ${nproc} vCPUs` +
    `${other !== null && other >= 0.3 ? ` (${fmt(other, 2)} cores of it other work on the box, so these figures are depressed)` : ''}. ` +
    `Of the wall time, ${fmt(first, 2)} s passed before the first line reached the sink file (Node start-up, module loading, the embedded broker, both connectors, the sink's group join); ` +
    `after that the pipeline ran at ${fmtInt(steady)} lines/s, ${steady && peer ? fmtRatio(steady / peer) : 'n/a'} of the kcat pair's ${fmtInt(peer)} (pipelined kcat: ${fmtInt(pipe)}). ` +
    `Reading: ${saturated
      ? 'the worker\'s one JavaScript thread runs the source task, the producer, the embedded broker, the consumer and the sink task one after another and was close to a full core, so the pipeline is bound by per-line JS work on that thread; in the kcat pair the broker and each (native) kcat are separate processes, so their work runs on both vCPUs.'
      : 'the worker\'s main thread was not saturated, so the run also waited on something other than CPU (start-up, fetch waits, or I/O).'}`
  );
}

const CDC_SUBJECTS = { decode: 'decode only', envelope: 'decode + Debezium envelope (JsonConverter)', e2e: 'end to end (Postgres → broker, JsonConverter envelope)' };
/** Anchors §7: C1 decode-only ≥ 0.8× pg_recvlogical, C2 end to end ≥ 0.5×; decode + envelope has no goal of its own. */
const CDC_TARGETS = { decode: 0.8, envelope: null, e2e: 0.5 };
const CDC_WORKLOADS = { bulk: 'bulk transaction', single: 'single-row transactions' };

function cdcCpuText(runs, clientName) {
  return `CPU µs/row: ${clientName} ${fmt(perMillionRows(runs, 'clientCpuS'))}, Postgres ${fmt(perMillionRows(runs, 'pgCpuS'))}`;
}

/** The CDC rows: per workload, decode-only, decode + envelope and end to end, each against pg_recvlogical; then snapshot and sink. */
function cdcRows(c) {
  const out = [];
  const stream = c.e2eMode !== 'backlog';
  for (const kind of Object.keys(CDC_WORKLOADS)) {
    const R = (c.workloads && c.workloads[kind] && c.workloads[kind].runs) || {};
    const unit = kind === 'bulk' ? 'rows/s' : 'txn/s';
    const size = kind === 'bulk' ? `1 txn × ${fmtInt(c.bulkRows)} rows` : `${fmtInt(c.singleTxns)} txns × 1 row`;
    const peer = med(R.peer, 'rate');
    const peerText = peer ? `${fmtInt(peer)} ${unit} pg_recvlogical (${cdcCpuText(R.peer, 'pg_recvlogical')})` : `not measured: ${whyMissing(R.peer, c.error || 'not run')}`;
    for (const x of Object.keys(CDC_SUBJECTS)) {
      const runs = R[x];
      const ours = med(runs, 'rate');
      const ratio = ours && peer ? ours / peer : null;
      const target = CDC_TARGETS[x];
      let extra = '';
      if (ours && x === 'e2e') {
        const lag = med(runs, 'lagS');
        extra = stream
          ? `; first record ${fmt(med(runs, 'firstS'), 2)} s after the ${kind === 'bulk' ? 'commit' : 'first transaction began'}, then ${fmtInt(med(runs, 'steadyRate'))} ${unit}; all in ${fmt(lag, 2)} s after the workload returned${kind === 'single' ? `, which itself ran at ${fmtInt(med(runs, 'workloadRate'))} txn/s` : ''}`
          : `; first record ${fmt(med(runs, 'firstS'), 2)} s after the POST, then ${fmtInt(med(runs, 'steadyRate'))} ${unit}`;
      }
      const how = x === 'e2e' ? (stream ? ', connector streaming during the workload' : ', connector posted after the workload') : '';
      out.push({
        key: `cdc-${kind}-${x}`,
        scenario: `CDC ${CDC_SUBJECTS[x]}, ${CDC_WORKLOADS[kind]}, ${unit} (median of ${okRuns(runs).length}/${okRuns(R.peer).length}, ${size}${how})`,
        ours: ours ? `${fmtInt(ours)} ${unit} (${cdcCpuText(runs, x === 'e2e' ? 'worker' : 'our process')}${extra})` : `not measured: ${whyMissing(runs, c.error || 'not run')}`,
        peer: peerText,
        ratio: fmtRatio(ratio),
        target: target ? `≥ ${target}× pg_recvlogical` : 'reported',
        met: target ? (ours && peer ? judge(ratio, target, true) : 'not measured') : '–',
        ratioValue: ratio,
      });
    }
  }
  // Snapshot and sink next to psql's \copy (pg-load.js), on the same server.
  out.push(...loadRows(c));
  return out;
}

/** The "what limits it" paragraph of a missed CDC row (snapshot and sink rows: pg-load-summary.js). */
function cdcLimit(c, row, nproc) {
  if (row.key.startsWith('pg-')) return loadLimit(c, row, nproc);
  const [, kind, x] = row.key.split('-');
  const R = c.workloads[kind].runs;
  const ours = { client: med(R[x], 'clientCores'), main: med(R[x], 'clientMainCores'), pg: med(R[x], 'pgCores'), box: med(R[x], 'boxBusy'), other: med(R[x], 'otherCores') };
  const peer = { client: med(R.peer, 'clientCores'), pg: med(R.peer, 'pgCores') };
  const who = x === 'e2e' ? 'the worker process' : 'our process';
  const saturated = ours.main !== null && ours.main >= 0.85;
  const boxFull = ours.box !== null && ours.box >= 0.9;
  let reading;
  if (saturated) reading = `${who}'s JavaScript main thread was close to a full core, so it is bound by per-row JS work on that thread (${x === 'decode' ? 'frame and tuple decoding, one message object per change' : 'decoding, record building and JSON serialization'}), while the walsender had spare time waiting for it`;
  else if (boxFull) reading = `the ${nproc} vCPUs were saturated, so ${who}, the walsender${x === 'e2e' ? ', the embedded broker' : ''} and ${ours.other !== null && ours.other >= 0.3 ? `${fmt(ours.other, 2)} cores of other work on the box` : 'the rest of the box'} competed for CPU`;
  else reading = `neither ${who}'s main thread nor the box was saturated, so the run also waited on something other than CPU (the walsender, round trips, ${x === 'e2e' ? 'the connector\'s poll interval and batching, ' : ''}or I/O)`;
  return (
    `**${row.scenario.replace(/ \(median.*/, '')}: ${row.ratio} (target ${row.target}).** ` +
    `Median over the runs, in cores used during the timed window: ${who} ${fmt(ours.client, 2)}${ours.main !== null ? ` (its main thread ${fmt(ours.main, 2)})` : ''}, Postgres ${fmt(ours.pg, 2)}, ` +
    `whole box ${ours.box === null ? 'n/a' : `${fmt(ours.box * 100, 0)}%`} busy of ${nproc} vCPUs${ours.other !== null && ours.other >= 0.3 ? ` (${fmt(ours.other, 2)} cores of it other work, so these figures are depressed)` : ''}; ` +
    `pg_recvlogical used ${fmt(peer.client, 2)} cores and Postgres ${fmt(peer.pg, 2)} in its runs. ${cdcCpuText(R[x], who)}; in the peer's runs, ${cdcCpuText(R.peer, 'pg_recvlogical')}. ` +
    `Reading: ${reading}.`
  );
}

/** The log-cleaner row: reported only (no peer runs compaction in this bench). */
function compactionRow(c) {
  const runs = c.runsMbps ? c.runsMbps.length : 1;
  const row = { key: 'compaction', scenario: `Log compaction, cleaner throughput (median of ${runs})`, peer: 'n/a (no peer run)', ratio: 'n/a', target: 'reported', met: '–' };
  if (!c.ok) return { ...row, ours: `not measured: ${whyMissing([c], 'not run')}` };
  const kept = c.recordsRead - c.recordsRemoved;
  return {
    ...row,
    ours:
      `${fmt(c.mbps)} MB/s (${fmt(c.bytesRead / 1e6)} MB, ${fmtInt(c.recordsRead)} records over ${fmtInt(c.keys)} keys cleaned to ` +
      `${fmtInt(kept)} in ${fmtInt(c.durationMs)} ms = ${fmtInt(c.recordsPerS)} records/s${c.codec && c.codec !== 'none' ? `, ${c.codec} batches` : ''}; ` +
      `longest event-loop slice ${fmt(c.longestSliceMs)} ms)`,
  };
}

/** Median CPU shares during one phase, for the "what limits it" paragraphs. */
function shares(runs) {
  return {
    n: okRuns(runs).length,
    wall: med(runs, 'wallS'),
    server: med(runs, 'serverCores'),
    serverMain: med(runs, 'serverMainCores'),
    driver: med(runs, 'driverCores'),
    other: med(runs, 'otherCores'),
    box: med(runs, 'boxBusy'),
  };
}

function shareText(s, serverName, driverName, nproc) {
  const parts = [`${serverName} ${fmt(s.server, 2)} cores`];
  if (s.serverMain !== null) parts[0] += ` (its main thread ${fmt(s.serverMain, 2)})`;
  parts.push(`${driverName} ${fmt(s.driver, 2)} cores`);
  parts.push(`everything else on the box ${fmt(s.other, 2)} cores`);
  parts.push(`whole box ${s.box === null ? 'n/a' : `${fmt(s.box * 100, 0)}%`} busy of ${nproc} vCPUs`);
  return parts.join(', ');
}

function verdict(s, nproc) {
  if (s.serverMain !== null && s.serverMain >= 0.85) {
    return "the broker's JavaScript main thread was close to one full core, so the broker is bound by single-threaded JS work on this path";
  }
  if (s.box !== null && s.box >= 0.9) {
    const others = s.other !== null && s.other >= 0.3 ? `, and ${fmt(s.other, 2)} cores went to other work on the box (other processes or kernel threads), so the result is depressed by outside load` : '';
    return `the ${nproc} vCPUs were saturated, so the broker and the driver competed for CPU${others}`;
  }
  if (s.driver !== null && s.server !== null && s.driver >= 0.8 && s.driver >= 1.5 * s.server) {
    return `the driver (kcat) used ${fmt(s.driver, 2)} cores against the broker's ${fmt(s.server, 2)}, so on ${nproc} vCPUs the client side is the larger part of the limit and the broker had spare CPU`;
  }
  return "neither the broker's main thread nor the box was saturated, so the run waited on something other than CPU (request round trips, batching/acks, or I/O)";
}

/** Paragraphs of measured facts for each missed target. */
function limits(res, table) {
  const nproc = res.machine ? res.machine.nproc : '?';
  const out = [];
  for (const row of table) {
    if (!missed(row)) continue;
    const sz = (res.sizes || []).find((s) => row.key.endsWith(`-${s.size}`));
    if (row.key.startsWith('produce-') || row.key.startsWith('consume-')) {
      const produce = row.key.startsWith('produce-');
      const ours = shares(produce ? sz.runs.oursProduce : sz.runs.oursConsume);
      const peer = shares(produce ? sz.runs.redisXadd : sz.runs.redisXrange);
      const cpuO = cpuPerGB(produce ? sz.runs.oursProduce : sz.runs.oursConsume);
      const cpuP = cpuPerGB(produce ? sz.runs.redisXadd : sz.runs.redisXrange);
      out.push(
        `**${row.scenario.replace(/ \(median.*/, '')}: ${row.ratio} (target ${row.target}).** ` +
          `Median over the runs, in cores used during the timed window: ours — ${shareText(ours, 'broker', 'kcat', nproc)}; ` +
          `peer — ${shareText(peer, 'redis-server', 'redis-benchmark', nproc)}. ` +
          `The broker spent ${fmt(cpuO, 2)} CPU-s per GB against ${fmt(cpuP, 2)} for redis-server. ` +
          `Reading: ${verdict(ours, nproc)}.`,
      );
    } else if (row.key.startsWith('rss')) {
      const bare = res.footprint.bareNode;
      const mem = row.key === 'rss-idle' ? res.footprint.brokerIdleMem : res.footprint.brokerAfterMem;
      const own = bare && Number.isFinite(parseFloat(row.ours)) ? fmt(Math.max(0, parseFloat(row.ours) - bare.rssMB)) : 'n/a';
      const split = mem
        ? ` Of the broker's RSS, ${fmt(mem.RssAnon)} MB is anonymous memory (JS heap, buffers), ${fmt(mem.RssFile)} MB file-backed pages (code, mapped files) and ${fmt(mem.RssShmem)} MB shared; its peak RSS (VmHWM) was ${fmt(mem.VmHWM)} MB.`
        : '';
      out.push(
        `**${row.scenario}: ${row.ours} (target ${row.target}).** A bare \`node\` process idles at ` +
          `${bare ? fmt(bare.rssMB) : 'n/a'} MB RSS on this box, so ${own} MB is the broker's own code, heap and buffers.${split}`,
      );
    } else if (row.key.startsWith('connect-') && !row.key.startsWith('connect-cpu-')) {
      out.push(connectLimit(res.connect, row, nproc));
    } else if (row.key.startsWith('cdc-') || row.key.startsWith('pg-')) {
      out.push(cdcLimit(res.cdc, row, nproc));
    } else if (row.key === 'cold-start') {
      const bare = res.footprint.bareNode;
      out.push(
        `**${row.scenario}: ${row.ours} (target ${row.target}).** A bare \`node -e\` reaches its first output line in ` +
          `${bare ? fmtInt(bare.readyMs) : 'n/a'} ms here; the rest is loading the broker's modules and opening the log and listener. ` +
          `Individual starts: ${(res.footprint.brokerCold || []).map((x) => `${fmtInt(x)} ms`).join(', ')}.`,
      );
    }
  }
  return out;
}

/** Notes for record sizes whose runs overlapped other work on the box (median "other" ≥ 0.3 cores). */
function outsideLoad(res) {
  const notes = [];
  for (const sz of res.sizes) {
    const all = Object.values(sz.runs || {}).flat();
    const other = median(okRuns(all).map((r) => r.otherCores));
    if (other !== null && other >= 0.3) {
      notes.push(`Outside load: during the ${sz.label} runs, other work on the box (other processes, kernel threads) used a median ${fmt(other, 2)} cores of ${res.machine ? res.machine.nproc : '?'}; those figures are depressed and noisier than on a quiet box.`);
    }
  }
  return notes;
}

module.exports = { median, rows, compactionRow, connectRows, connectLimit, cdcRows, cdcLimit, perMillionRows, limits, outsideLoad, shares, fmt, fmtInt, okRuns };
