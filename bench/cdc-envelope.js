#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of the per-row CPU cost of the Postgres CDC source short of I/O: one insert of a 7-column row
 * (bigint key, text, numeric(12,2), timestamptz, bool, jsonb, uuid) → the Debezium change record (key, envelope,
 * source block) → SourceRecord → key and value serialized by the JsonConverter with schemas.enable=true (the
 * worker's default, ~3.8 KB per record). No replication stream, no broker: it isolates event building and
 * conversion, which the end-to-end CDC scenario in `npm run bench` cannot tell apart from decoding and I/O.
 *
 *   npm run build && node bench/cdc-envelope.js [N] [REPS]
 *
 * N rows per repetition (default 100000) after a warm-up of min(N, 20000) rows; REPS repetitions (default 3).
 * Prints rows/s, µs/row (wall clock) and B/row (serialized key + value) for each repetition and their median, the
 * figure to quote, plus the process's CPU time per row (all threads, so GC helpers count), which other load on the
 * machine disturbs less than the wall clock. Compare before/after in one sitting.
 *
 * Every row belongs to one transaction and has one processing time, so most of the source block and the envelope's
 * ts_* fields repeat from row to row, which the converter's per-field text memo turns to account. With a fresh
 * processing time per row and ten rows per transaction a row costs roughly 1-3 µs more on the 2-vCPU reference box.
 */
const { distLoader, positiveArgs, median, cdcBenchTable } = require('./lib/micro');

const dist = distLoader('connectors/postgres/events/index.js');
const ev = dist('connectors', 'postgres', 'events');
const { JsonConverter } = dist('connect-runtime', 'converters');

const [N, REPS] = positiveArgs([100000, 3], 'node bench/cdc-envelope.js [N rows > 0] [REPS > 0]');

const table = cdcBenchTable(ev);
const kc = new JsonConverter();
kc.configure({ 'schemas.enable': 'true' }, true);
const vc = new JsonConverter();
vc.configure({ 'schemas.enable': 'true' }, false);
const partition = { server: 'pg' };

/** Builds and serializes the records of rows [from, to); returns the serialized key + value bytes. */
function run(from, to) {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const row = [String(i), 'name-' + i, '1234.56', '2024-01-02 03:04:05.123456+00', 't', '{"a": 1, "b": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'];
    const context = {
      source: { serverName: 'pg', db: 'db', timestampNs: 1700000000000000000n, txId: 500, lsn: 123456n + BigInt(i), lastCommitLsn: 100n },
      processedAtNs: 1700000000000000000n,
      transaction: null,
      tombstonesOnDelete: true,
    };
    for (const change of ev.changeRecords(table, { op: 'c', after: row }, context)) {
      const rec = ev.toSourceRecord(change, { sourcePartition: partition, sourceOffset: { lsn: i } });
      bytes += kc.fromConnectData(rec.topic, rec.headers, rec.keySchema, rec.key).length;
      bytes += vc.fromConnectData(rec.topic, rec.headers, rec.valueSchema, rec.value).length;
    }
  }
  return bytes;
}

const fmt = (r) =>
  `${Math.round(r.rate).toLocaleString('en-US')} rows/s, ${r.us.toFixed(2)} µs/row, ${Math.round(r.bpr)} B/row (CPU ${r.cpuUs.toFixed(2)} µs/row)`;

run(0, Math.min(N, 20000));
const results = [];
let next = 1_000_000;
for (let rep = 1; rep <= REPS; rep++) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const bytes = run(next, next + N);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  next += N;
  const r = { rate: N / s, us: (s * 1e6) / N, bpr: bytes / N, cpuUs: (cpu.user + cpu.system) / N };
  results.push(r);
  process.stdout.write(`rep ${rep}: ${fmt(r)}\n`);
}
const med = {
  rate: median(results.map((r) => r.rate)),
  us: median(results.map((r) => r.us)),
  bpr: median(results.map((r) => r.bpr)),
  cpuUs: median(results.map((r) => r.cpuUs)),
};
process.stdout.write(`median of ${REPS} × ${N} rows: ${fmt(med)}\n`);
