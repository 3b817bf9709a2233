#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of JsonConverter.fromConnectData alone, on the source side of CDC: the key and the value (a
 * Debezium envelope of a 7-column row, schemas.enable=true, ~3.8 KB per record) of change records built beforehand,
 * so that only serialization is timed. bench/cdc-envelope.js times record building and serialization together.
 *
 *   npm run build && node bench/json-converter-encode.js [N] [REPS] [--varied]
 *
 * N records per repetition (default 200000) after a warm-up of min(N, 50000); REPS repetitions (default 5). The
 * records are a ring of 1024 rows, serialized over and over. By default the rows are those of bench/cdc-envelope.js
 * (one transaction and one processing time for all, several column values alike); with --varied every row has its
 * own transaction and times and column values of its own (as in the end-to-end CDC workload, bench/lib/cdc-workload.js),
 * so that little repeats from one record to the next.
 *
 * Prints, per repetition and as the median (the figure to quote), CPU µs per record (all threads, so GC helpers
 * count; less disturbed by other load than the wall clock), wall µs per record and B per record (key + value),
 * plus a digest of one pass over the ring, which must not change when only the speed of the converter should.
 */
const crypto = require('node:crypto');
const { distLoader, positiveArgs, median, cdcBenchTable } = require('./lib/micro');

const dist = distLoader('connectors/postgres/events/index.js');
const ev = dist('connectors', 'postgres', 'events');
const { JsonConverter } = dist('connect-runtime', 'converters');

const VARIED = process.argv.includes('--varied');
const [N, REPS] = positiveArgs([200000, 5], 'node bench/json-converter-encode.js [N records > 0] [REPS > 0] [--varied]');
const RING = 1024;

const table = cdcBenchTable(ev);
const partition = { server: 'pg' };

/** Row i's column texts: as in bench/cdc-envelope.js, or (--varied) all distinct, like the end-to-end workload's. */
function rowOf(i) {
  if (!VARIED) return [String(i), 'name-' + i, '1234.56', '2024-01-02 03:04:05.123456+00', 't', '{"a": 1, "b": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'];
  const md5 = crypto.createHash('md5').update(String(i)).digest('hex');
  const uuid = `${md5.slice(0, 8)}-${md5.slice(8, 12)}-${md5.slice(12, 16)}-${md5.slice(16, 20)}-${md5.slice(20)}`;
  const created = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('T', ' ').replace('Z', '+00');
  const tier = ['gold', 'silver', 'bronze'][i % 3];
  return [String(i), `customer-${i}-${md5.slice(0, 16)}`, String(((i * 7919) % 10000000) / 100), created, i % 3 ? 't' : 'f', `{"n": ${i}, "tags": ["a", "b"], "tier": "${tier}"}`, uuid];
}

/** The source records of rows [0, RING); with --varied each in a transaction of its own, processed at its own time. */
function buildRing() {
  const records = [];
  for (let i = 0; i < RING; i++) {
    const txNs = VARIED ? 1700000000000000000n + BigInt(i) * 1234567n : 1700000000000000000n;
    const context = {
      source: { serverName: 'pg', db: 'db', timestampNs: txNs, txId: VARIED ? 500 + i : 500, lsn: 123456n + BigInt(i) * 200n, lastCommitLsn: 100n },
      processedAtNs: VARIED ? txNs + 5000000n : txNs,
      transaction: null,
      tombstonesOnDelete: true,
    };
    for (const change of ev.changeRecords(table, { op: 'c', after: rowOf(i) }, context)) {
      records.push(ev.toSourceRecord(change, { sourcePartition: partition, sourceOffset: { lsn: i } }));
    }
  }
  return records;
}

const records = buildRing();
const kc = new JsonConverter();
kc.configure({ 'schemas.enable': 'true' }, true);
const vc = new JsonConverter();
vc.configure({ 'schemas.enable': 'true' }, false);

/** Serializes n records, going round the ring from `from`; returns the bytes written. */
function run(from, n) {
  let bytes = 0;
  for (let i = from; i < from + n; i++) {
    const rec = records[i % RING];
    bytes += kc.fromConnectData(rec.topic, rec.headers, rec.keySchema, rec.key).length;
    bytes += vc.fromConnectData(rec.topic, rec.headers, rec.valueSchema, rec.value).length;
  }
  return bytes;
}

function digestOfRing() {
  const hash = crypto.createHash('sha256');
  for (const rec of records) {
    hash.update(kc.fromConnectData(rec.topic, rec.headers, rec.keySchema, rec.key));
    hash.update(vc.fromConnectData(rec.topic, rec.headers, rec.valueSchema, rec.value));
  }
  return hash.digest('hex').slice(0, 16);
}

const fmt = (r) => `CPU ${r.cpuUs.toFixed(2)} µs/record, wall ${r.us.toFixed(2)} µs/record, ${Math.round(r.bpr)} B/record`;

const digest = digestOfRing();
run(0, Math.min(N, 50000));
const results = [];
for (let rep = 1; rep <= REPS; rep++) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const bytes = run(rep * N, N);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const r = { us: (s * 1e6) / N, bpr: bytes / N, cpuUs: (cpu.user + cpu.system) / N };
  results.push(r);
  process.stdout.write(`rep ${rep}: ${fmt(r)}\n`);
}
const med = {
  us: median(results.map((r) => r.us)),
  bpr: median(results.map((r) => r.bpr)),
  cpuUs: median(results.map((r) => r.cpuUs)),
};
process.stdout.write(`median of ${REPS} × ${N} records${VARIED ? ' (varied)' : ''}: ${fmt(med)}, digest ${digest}\n`);
