'use strict';
/** The snapshot and sink rows (pg-load.js), their "what limits it" paragraphs and their details paragraph. */
const { median, okRuns, med, fmtInt, fmt, fmtRatio, judge, whyMissing, perMillionRows } = require('./stats');

const TARGETS = { snapshot: 0.5, sink: 0.3 };

function cpuText(runs, clientName) {
  return `CPU µs/row: ${clientName} ${fmt(perMillionRows(runs, 'clientCpuS'))}, Postgres ${fmt(perMillionRows(runs, 'pgCpuS'))}`;
}

/** Median bytes per record of the input topic (key, value and headers as the broker stores them). */
function bytesPerRecord(runs, field) {
  return median(okRuns(runs).filter((r) => typeof r[field] === 'number').map((r) => r[field] / r.rows));
}

/** The two rows, from res.cdc (`c.load` is pg-load.js's result; missing when PostgreSQL was not there). */
function loadRows(c) {
  const L = (c && c.load) || {};
  const R = L.runs || {};
  const n = L.rows ?? (c && c.bulkRows);
  const fallback = L.error || (c && c.error) || 'not run';
  const row = ({ key, stem, runs, peerRuns, peerText, oursText, target }) => {
    const ours = med(runs, 'rate');
    const peer = med(peerRuns, 'rate');
    const ratio = ours && peer ? ours / peer : null;
    return {
      key,
      scenario: `${stem} (median of ${okRuns(runs).length}/${okRuns(peerRuns).length}, ${fmtInt(n)} rows)`,
      ours: ours ? oursText(ours) : `not measured: ${whyMissing(runs, fallback)}`,
      peer: peer ? peerText(peer) : `not measured: ${whyMissing(peerRuns, fallback)}`,
      ratio: fmtRatio(ratio),
      target,
      met: ours && peer ? judge(ratio, TARGETS[key.slice('pg-'.length)], true) : 'not measured',
      ratioValue: ratio,
    };
  };
  const snapBytes = bytesPerRecord(R.snapshot, 'topicBytes');
  const sinkInputs = [...new Set(okRuns(R.sink).map((r) => r.input))];
  const inputText = sinkInputs.map((x) => (x === 'snapshot' ? 'the snapshot\'s topic' : 'records produced by the bench')).join(' / ');
  return [
    row({
      key: 'pg-snapshot',
      stem: 'CDC snapshot, table → broker (initial_only, JsonConverter envelope), rows/s',
      runs: R.snapshot,
      peerRuns: R.snapshotPeer,
      oursText: (x) =>
        `${fmtInt(x)} rows/s (${cpuText(R.snapshot, 'worker')}; first record ${fmt(med(R.snapshot, 'firstS'), 2)} s after the POST, then ${fmtInt(med(R.snapshot, 'steadyRate'))} rows/s` +
        `${snapBytes ? `; ${fmtInt(snapBytes)} B per record in the topic` : ''})`,
      peerText: (x) => `${fmtInt(x)} rows/s \`psql \\copy … to '/dev/null'\` (${cpuText(R.snapshotPeer, 'psql')})`,
      target: `≥ ${TARGETS.snapshot}× psql \\copy to /dev/null`,
    }),
    row({
      key: 'pg-sink',
      stem: 'Postgres sink, Debezium envelopes → table (upsert), rows/s',
      runs: R.sink,
      peerRuns: R.sinkPeer,
      oursText: (x) =>
        `${fmtInt(x)} rows/s (${cpuText(R.sink, 'worker')}; first rows visible ${fmt(med(R.sink, 'firstS'), 2)} s after the POST, then ${fmtInt(med(R.sink, 'steadyRate'))} rows/s; input: ${inputText})`,
      peerText: (x) => `${fmtInt(x)} rows/s \`psql \\copy … from '<file>'\` (${cpuText(R.sinkPeer, 'psql')}; ${fmt((L.fileBytes || 0) / n, 0)} B per row as COPY text)`,
      target: `≥ ${TARGETS.sink}× psql \\copy from file`,
    }),
  ];
}

/** The "what limits it" paragraph of a missed snapshot or sink row. */
function loadLimit(c, row, nproc) {
  const L = c.load;
  const which = row.key === 'pg-snapshot' ? 'snapshot' : 'sink';
  const runs = L.runs[which];
  const peerRuns = L.runs[`${which}Peer`];
  const ours = { client: med(runs, 'clientCores'), main: med(runs, 'clientMainCores'), pg: med(runs, 'pgCores'), box: med(runs, 'boxBusy'), other: med(runs, 'otherCores') };
  const peer = { client: med(peerRuns, 'clientCores'), pg: med(peerRuns, 'pgCores'), rate: med(peerRuns, 'rate') };
  const wall = med(runs, 'wallS');
  const first = med(runs, 'firstS');
  const steady = med(runs, 'steadyRate');
  const recBytes = bytesPerRecord(runs, which === 'snapshot' ? 'topicBytes' : 'inputBytes');
  const textBytes = L.fileBytes ? L.fileBytes / L.rows : null;
  const busyElse = ours.other !== null && ours.other >= 0.3;
  let reading;
  if (ours.main !== null && ours.main >= 0.85) {
    reading = which === 'snapshot'
      ? 'the worker\'s JavaScript main thread was close to a full core, so the snapshot is bound by per-row JS work on that thread (text values to Connect values, the envelope structs, JSON serialization with the schemas, the embedded broker\'s append), while the backend reading the table had time to spare'
      : 'the worker\'s JavaScript main thread was close to a full core, so the sink is bound by per-row JS work on that thread (the fetch, JSON parsing of key and envelope with their schemas, unwrapping, binding the column arrays)';
  } else if (which === 'sink' && ours.pg !== null && ours.pg >= 0.85) {
    reading = 'the server backend running the sink\'s INSERT … ON CONFLICT over unnest() arrays was close to a full core: the limit is the statement work on the server (casts from text, the conflict check on the primary key), where COPY inserts straight from its input';
  } else if (ours.box !== null && ours.box >= 0.9) {
    reading = `the ${nproc} vCPUs were saturated, so the worker (connector, converter and embedded broker), Postgres and ${busyElse ? `${fmt(ours.other, 2)} cores of other work on the box` : 'the rest of the box'} competed for CPU`;
  } else {
    reading = which === 'snapshot'
      ? 'neither the worker\'s main thread nor the box was saturated, so the run also waited on something other than CPU (the cursor\'s fetch round trips, the record queue and poll interval, the producer\'s batching, or I/O)'
      : 'neither the worker\'s main thread nor the box was saturated, so the run also waited on something other than CPU (the consumer\'s fetches, one transaction per put(), statement round trips, or I/O)';
  }
  const target = which === 'snapshot' ? 'the topic' : 'the table';
  return (
    `**${row.scenario.replace(/ \(median.*/, '')}: ${row.ratio} (target ${row.target}).** ` +
    `Median over the runs, in cores used during the timed window: the worker process ${fmt(ours.client, 2)}${ours.main !== null ? ` (its main thread ${fmt(ours.main, 2)})` : ''}, Postgres ${fmt(ours.pg, 2)}, ` +
    `whole box ${ours.box === null ? 'n/a' : `${fmt(ours.box * 100, 0)}%`} busy of ${nproc} vCPUs${busyElse ? ` (${fmt(ours.other, 2)} cores of it other work, so these figures are depressed)` : ''}; ` +
    `psql used ${fmt(peer.client, 2)} cores and Postgres ${fmt(peer.pg, 2)} in its runs. ${cpuText(runs, 'worker')}; in the peer's runs, ${cpuText(peerRuns, 'psql')}. ` +
    `Of the ${fmt(wall, 2)} s, ${fmt(first, 2)} s passed before the first ${which === 'snapshot' ? 'record reached the topic (connector and task start, connections, the slot with its exported snapshot)' : 'rows were visible in the table (task start, the consumer group join, the first fetch and transaction)'}; ` +
    `after that ${fmtInt(steady)} rows/s reached ${target}, ${steady && peer.rate ? fmtRatio(steady / peer.rate) : 'n/a'} of psql's ${fmtInt(peer.rate)}. ` +
    (recBytes ? `Each row is ${fmtInt(recBytes)} bytes in the topic (key and envelope with their JSON schemas, headers) against ${fmtInt(textBytes)} bytes as COPY text. ` : '') +
    `Reading: ${reading}.`
  );
}

/** One paragraph with every snapshot and sink run; `alone` names the separate run's box. */
function loadDetails(c, alone) {
  const L = c && c.load;
  if (!L || !L.runs || !L.runs.snapshotPeer) return null;
  const where = alone ? ` (measured with BENCH_ONLY=cdc on ${alone.date}, ${alone.cpuModel}, nproc = ${alone.nproc})` : '';
  const pct = (x) => (x === null || x === undefined ? 'n/a' : `${fmt(x * 100, 0)}%`);
  const runText = (r) => {
    if (!r.ok) return `FAILED (${r.error})`;
    const parts = [`${fmt(r.wallS, 2)} s = ${fmtInt(r.rate)} rows/s`];
    if (r.firstS !== undefined && r.firstS !== null) parts.push(`first ${fmt(r.firstS, 2)} s, then ${fmtInt(r.steadyRate)} rows/s`);
    const main = r.clientMainCores !== null && r.clientMainCores !== undefined ? `, main thread ${fmt(r.clientMainCores, 2)}` : '';
    parts.push(`client ${fmt(r.clientCpuS, 2)} CPU-s = ${fmt(r.clientCores, 2)} cores${main}`);
    parts.push(`Postgres ${fmt(r.pgCpuS, 2)} CPU-s = ${fmt(r.pgCores, 2)} cores`);
    if (r.peakRssMB !== undefined && r.peakRssMB !== null) parts.push(`worker peak RSS ${fmt(r.peakRssMB, 0)} MB`);
    const bytes = r.topicBytes ?? r.inputBytes;
    if (bytes) parts.push(`${fmtInt(bytes / r.rows)} B per record in the topic`);
    if (r.input) parts.push(`input ${r.input === 'snapshot' ? 'the snapshot\'s topic' : 'produced by the bench'}`);
    parts.push(`box ${pct(r.boxBusy)} busy`);
    return `${parts[0]} (${parts.slice(1).join('; ')})`;
  };
  const list = (runs) => (runs || []).map(runText).join('; ') || 'none';
  const sizes = L.tableBytes ? `, table ${fmt(L.tableBytes / 1e6)} MB, COPY file ${fmt(L.fileBytes / 1e6)} MB` : '';
  return (
    `Postgres snapshot and sink runs${where}, ${fmtInt(L.rows)} rows${sizes}, ${L.repsDone ?? 0} repetitions${L.error ? ` (stopped: ${L.error})` : ''}. ` +
    `psql \\copy to /dev/null: ${list(L.runs.snapshotPeer)}. Snapshot (initial_only): ${list(L.runs.snapshot)}. ` +
    `psql \\copy from file: ${list(L.runs.sinkPeer)}. Sink: ${list(L.runs.sink)}.` +
    (L.notes && L.notes.length ? ` ${L.notes.join(' ')}` : '')
  );
}

module.exports = { loadRows, loadLimit, loadDetails, TARGETS };
