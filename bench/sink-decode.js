#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of the Postgres sink's per-row CPU cost short of I/O, on the records the CDC source writes: a
 * 7-column row (bigint key, text, numeric(12,2), timestamptz, boolean, jsonb, uuid) as a Debezium snapshot record
 * with context headers, serialized as the worker does (JsonConverter with schemas.enable=true for key and value,
 * about 4 KB per record; SimpleHeaderConverter for headers). Figures:
 *
 *   (a)       JsonConverter.toConnectData of the key and value bytes (the envelope's schema is the same each time)
 *   (a+)      toSinkRecord as the worker's sink loop calls it: headers, key and value → SinkRecord
 *   (b)       the sink's own work on those SinkRecords, per put of B records: envelope unwrapping (ChangeDecoder),
 *             binding to the table's columns (bindChange) and planning the statements with their array parameters
 *             (planStatements), i.e. what PostgresSinkTask does for a put short of the database (the table's
 *             metadata is given, as the task's cache has it after the first put)
 *   (a+)+(b)  both, put by put, as the worker runs them
 *
 *   npm run build && node bench/sink-decode.js [N] [REPS] [B]
 *
 * N records per repetition (default 50000), REPS repetitions (default 7), B records per put (default 250, about
 * what one 1 MiB fetch of these records holds). Prints µs/row (wall clock) and the process's CPU µs/row per
 * repetition and their medians, the figures to quote. The 2-vCPU reference box is noisy: compare before/after in
 * one sitting, and run each a few times.
 */
const { distLoader, positiveArgs, timed: timedOver } = require('./lib/micro');

const dist = distLoader('connectors/postgres/sink/change-event.js');
const ev = dist('connectors', 'postgres', 'events');
const { JsonConverter, SimpleHeaderConverter } = dist('connect-runtime', 'converters');
const { toSinkRecord } = dist('connect-runtime', 'worker', 'record-conversion');
const { ChangeDecoder } = dist('connectors', 'postgres', 'sink', 'change-event');
const { bindChange, ColumnLists } = dist('connectors', 'postgres', 'sink', 'bind-change');
const { planStatements } = dist('connectors', 'postgres', 'sink', 'change-plan');
const { TableNameResolver } = dist('connectors', 'postgres', 'sink', 'table-naming');
const { UnavailableValueMatcher } = dist('connectors', 'postgres', 'sink', 'unavailable-value');

const [N, REPS, B] = positiveArgs([50000, 7, 250], 'node bench/sink-decode.js [N records > 0] [REPS > 0] [B records per put > 0]');

// ---- input: the bench's CDC table (bench/lib/cdc-workload.js) as the source connector writes it ----------------

const TOPIC = 'bench.public.cdc_rows';
const cols = [
  { name: 'id', typeOid: 20, typeModifier: -1, isKey: true, optional: false },
  { name: 'name', typeOid: 25, typeModifier: -1, isKey: false, optional: false },
  { name: 'amount', typeOid: 1700, typeModifier: ((12 << 16) | 2) + 4, isKey: false, optional: true },
  { name: 'created_at', typeOid: 1184, typeModifier: -1, isKey: false, optional: false },
  { name: 'active', typeOid: 16, typeModifier: -1, isKey: false, optional: true },
  { name: 'attrs', typeOid: 3802, typeModifier: -1, isKey: false, optional: true },
  { name: 'ref', typeOid: 2950, typeModifier: -1, isKey: false, optional: true },
];
const table = new ev.TableSchema(
  { relationId: 1, schema: 'public', table: 'cdc_rows', columns: cols },
  { topicPrefix: 'bench', mapping: ev.DEFAULT_VALUE_MAPPING },
);

function hex32(i) {
  // A deterministic stand-in for md5(i): 32 hex digits that differ from row to row.
  let h = (Math.imul(i, 2654435761) >>> 0).toString(16).padStart(8, '0');
  h += (Math.imul(i ^ 0x5bd1e995, 40503) >>> 0).toString(16).padStart(8, '0');
  return h + h.split('').reverse().join('');
}

function rowText(i) {
  const tier = ['gold', 'silver', 'bronze'][i % 3];
  const created = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('T', ' ').replace('.000Z', '+00');
  const u = hex32(i);
  return [
    String(i),
    `customer-${i}-${u.slice(0, 16)}`,
    (((i * 7919) % 10000000) / 100).toFixed(2),
    created,
    i % 3 !== 0 ? 't' : 'f',
    `{"n": ${i}, "tags": ["a", "b"], "tier": "${tier}"}`,
    `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`,
  ];
}

/** N consumed records (key, value and header bytes) as the broker hands them to the worker. */
function buildInput(n) {
  const kc = new JsonConverter();
  kc.configure({ 'schemas.enable': 'true' }, true);
  const vc = new JsonConverter();
  vc.configure({ 'schemas.enable': 'true' }, false);
  const hc = new SimpleHeaderConverter();
  hc.configure({});
  const contextHeaders = { connectorLogicalName: 'bench', taskId: '0', connectorName: ev.CONNECTOR_NAME };
  const out = [];
  for (let i = 1; i <= n; i++) {
    const context = {
      source: { serverName: 'bench', db: 'bench', timestampNs: 1767225600000000000n, snapshot: i === n ? 'last' : 'true', txId: 780, lsn: 24023128n, lastCommitLsn: null },
      processedAtNs: 1767225600000000000n + BigInt(i) * 1000n,
      transaction: null,
      tombstonesOnDelete: true,
      contextHeaders,
    };
    for (const rec of ev.changeRecords(table, { op: 'r', after: rowText(i) }, context)) {
      const headers = [];
      for (const h of rec.headers) headers.push([h.key, hc.fromConnectHeader(rec.topic, h.key, h.schema, h.value)]);
      // Copies, so that records do not share the converter's output slabs (the broker's records do not either).
      const key = Buffer.from(kc.fromConnectData(rec.topic, rec.headers, rec.keySchema, rec.key));
      const value = Buffer.from(vc.fromConnectData(rec.topic, rec.headers, rec.valueSchema, rec.value));
      out.push({ offset: i, timestamp: 1767225600000 + i, timestampType: 'CreateTime', key, value, headers });
    }
  }
  return out;
}

// ---- the subjects ---------------------------------------------------------------------------------------------

function converters() {
  const key = new JsonConverter();
  key.configure({ 'schemas.enable': 'true' }, true);
  const value = new JsonConverter();
  value.configure({ 'schemas.enable': 'true' }, false);
  const header = new SimpleHeaderConverter();
  header.configure({});
  return { key, value, header };
}

/** The target table as the sink's catalog query describes it (bench/lib/pg-sink.js's sink_rows). */
function targetTable() {
  const col = (name, typname, category, declaredType) => [
    name,
    { name, typname, category, element: null, declaredType, castType: `pg_catalog.${typname}`, notNull: name === 'id', generated: false },
  ];
  const columns = new Map([
    col('id', 'int8', 'N', 'bigint'),
    col('name', 'text', 'S', 'text'),
    col('amount', 'numeric', 'N', 'numeric(12,2)'),
    col('created_at', 'timestamptz', 'D', 'timestamp with time zone'),
    col('active', 'bool', 'B', 'boolean'),
    col('attrs', 'jsonb', 'U', 'jsonb'),
    col('ref', 'uuid', 'U', 'uuid'),
  ]);
  return {
    id: { schema: 'public', name: 'sink_rows' },
    sqlName: '"public"."sink_rows"',
    displayName: 'public.sink_rows',
    columns,
    primaryKey: ['id'],
    uniqueKeys: [['id']],
  };
}

/** The sink's work for one put, as PostgresSinkTask.writeOnce does it, without the database. */
function sinkPut(decoder, tableInfo, unavailable, records) {
  const events = [];
  for (const record of records) {
    const event = decoder.decode(record);
    if (event.op !== 'skip') events.push(event);
  }
  const bound = [];
  let sequence = 0;
  const options = { unavailable, sequence: 0, columnLists: new ColumnLists() };
  for (const event of events) {
    options.sequence = sequence++;
    bound.push(bindChange(event, tableInfo, options));
  }
  return planStatements(bound, { insertMode: 'upsert', batchSize: 500 });
}

// ---- timing ---------------------------------------------------------------------------------------------------

const timed = (label, fn) => timedOver(label, fn, { items: N, reps: REPS, unit: 'row', digits: 2 });

const input = buildInput(N);
const bytes = input.reduce((n, r) => n + r.key.length + r.value.length + r.headers.reduce((m, [, h]) => m + (h ? h.length : 0), 0), 0);
process.stdout.write(`${N} records, ${Math.round(bytes / N)} B/record (key + value + headers); median of ${REPS} reps, puts of ${B}\n`);

const conv = converters();
let sink = 0;
timed('(a) JsonConverter.toConnectData key + value', () => {
  for (const r of input) {
    sink += conv.key.toConnectData(TOPIC, null, r.key).value === null ? 1 : 0;
    sink += conv.value.toConnectData(TOPIC, null, r.value).value === null ? 1 : 0;
  }
});

timed('(a+) toSinkRecord (headers, key, value)', () => {
  // Batch by batch, as the worker converts a fetch: only one put's records are alive at a time.
  for (let i = 0; i < input.length; i += B) {
    const batch = [];
    for (let j = i; j < i + B && j < input.length; j++) batch.push(toSinkRecord(TOPIC, 0, input[j], conv));
    sink += batch.length;
  }
});

const decoder = new ChangeDecoder({
  primaryKeyMode: 'record_key',
  primaryKeyFields: [],
  deleteEnabled: true,
  truncateEnabled: false,
  keepIdentifierCase: false,
  tableNames: new TableNameResolver('sink_rows', false),
});
const tableInfo = targetTable();
const unavailable = new UnavailableValueMatcher(ev.DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER);
const puts = [];
for (let i = 0; i < input.length; i += B) puts.push(input.slice(i, i + B).map((r) => toSinkRecord(TOPIC, 0, r, conv)));
timed('(b) sink: unwrap + bind + plan, no database', () => {
  for (const records of puts) sink += sinkPut(decoder, tableInfo, unavailable, records).length;
});
puts.length = 0;

timed('(a+) + (b) one after the other, per put', () => {
  for (let i = 0; i < input.length; i += B) {
    const batch = [];
    for (let j = i; j < i + B && j < input.length; j++) batch.push(toSinkRecord(TOPIC, 0, input[j], conv));
    sink += sinkPut(decoder, tableInfo, unavailable, batch).length;
  }
});
if (sink < 0) process.stdout.write('unreachable\n');
