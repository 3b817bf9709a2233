#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of the broker client's per-record CPU cost short of I/O, for the records a CDC source writes:
 * a ~4 KB JSON value (a Debezium envelope with schemas.enable=true), a ~40 B JSON key and 3 headers (~30 B keys,
 * ~20 B values), with the Connect worker's batch.size of 256 KiB. Four measurements per repetition:
 *
 *   build     RecordBatchBuilder.append + build, sealed at batch.size exactly as the Producer does
 *   produce   Producer.send → append → seal → dispatch, against a client that acknowledges at once
 *   decode    decodeRecords over 1 MB fetch responses (CRC checked), touching key, value and headers as a sink does
 *   poll      PartitionFetcher.poll over the same responses, handed out by a client that answers at once
 *
 *   npm run build && node bench/client-records.js [N] [REPS]
 *   BENCH_VALUE_SIZE=100 BENCH_KEY_SIZE=0 BENCH_HEADERS=0 node bench/client-records.js   (the produce benchmarks' record)
 *   BENCH_DIST=<another build's dist directory> node bench/client-records.js             (A/B against another build)
 *
 * N records per measurement (default 200000) after a warm-up of min(N, 50000); REPS repetitions (default 5). Prints
 * the process's CPU time per record (all threads, so GC helpers count) for each repetition and the median, the figure
 * to quote. Other load on the machine disturbs CPU time less than the wall clock, but not by nothing: compare two
 * builds by alternating runs, several of each.
 */
const { distLoader, positiveArgs, median } = require('./lib/micro');

const dist = distLoader('broker/client/index.js');
const { RecordBatchBuilder, Producer, decodeRecords } = dist('broker', 'client', 'index.js');
const { PartitionFetcher } = dist('broker', 'client', 'partition-fetcher.js');
const { assignOffset } = dist('broker', 'protocol', 'record-batch.js');

const [N, REPS] = positiveArgs([200000, 5], 'node bench/client-records.js [N records > 0] [REPS > 0]');
const VALUE_SIZE = Number(process.env.BENCH_VALUE_SIZE ?? 4096);
const KEY_SIZE = Number(process.env.BENCH_KEY_SIZE ?? 40);
const HEADERS = Number(process.env.BENCH_HEADERS ?? 3);
const BATCH_SIZE = 262144;
const FETCH_BYTES = 1048576;
const TOPIC = 'cdc.public.orders';

/** A JSON text of about `size` bytes in the shape of a Debezium envelope; `id` makes each one distinct. */
function envelope(id, size) {
  const fields = [];
  const row = { id, name: `customer ${id}`, amount: (id % 100000) / 100, created: 1700000000000 + id, flag: id % 2 === 0 };
  for (const name of Object.keys(row)) fields.push({ type: typeof row[name] === 'string' ? 'string' : 'int64', optional: true, field: name });
  const doc = { schema: { type: 'struct', fields: [{ type: 'struct', fields, optional: true, name: 'pg.public.orders.Value', field: 'before' }], optional: false, name: 'pg.public.orders.Envelope' }, payload: { before: null, after: row, op: 'c', ts_ms: 1700000000000 + id } };
  let text = JSON.stringify(doc);
  let filler = '';
  while (text.length + filler.length < size) filler += 'lorem ipsum dolor sit amet ';
  if (filler) text = JSON.stringify({ ...doc, payload: { ...doc.payload, after: { ...row, doc: filler.slice(0, Math.max(0, size - text.length - 10)) } } });
  return Buffer.from(text);
}

function keyOf(id) {
  if (KEY_SIZE === 0) return null;
  return Buffer.from(`{"id":${id}}`.padEnd(KEY_SIZE, ' '));
}

const HEADER_KEYS = ['__debezium.context.connectorName', '__debezium.context.connectorLogicalName', '__debezium.context.taskId'];
const HEADER_VALUES = [Buffer.from('"postgres-orders-cdc"'), Buffer.from('"pg-orders-server-01"'), Buffer.from('"0"')];
const headers = [];
for (let i = 0; i < HEADERS; i++) headers.push([HEADER_KEYS[i % HEADER_KEYS.length], HEADER_VALUES[i % HEADER_VALUES.length]]);

/** A pool of distinct records, cycled through (building a fresh 4 KB value per record would dominate). */
const POOL = 64;
const pool = [];
for (let i = 0; i < POOL; i++) pool.push({ key: keyOf(1000000 + i * 7919), value: VALUE_SIZE === 0 ? null : envelope(1000000 + i * 7919, VALUE_SIZE), headers });
const TIMESTAMP = 1700000000000;

function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Builds batches of n records the way the Producer does; returns the batches when `keep`. */
function buildBatches(n, keep) {
  const builder = new RecordBatchBuilder({ initialCapacity: BATCH_SIZE + 1024 });
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = pool[i % POOL];
    builder.append({ key: r.key, value: r.value, headers: r.headers, timestamp: TIMESTAMP + i });
    if (builder.sizeInBytes >= BATCH_SIZE) {
      const b = builder.build();
      if (keep) out.push(b);
    }
  }
  if (builder.count > 0) {
    const b = builder.build();
    if (keep) out.push(b);
  }
  return out;
}

/** A client with one 1-partition topic that acknowledges every produce at once. */
function acknowledgingClient() {
  let next = 0;
  return {
    partitionCount: async () => 1,
    produceBatches: async ({ batches }) =>
      batches.map((b) => {
        const baseOffset = next;
        next += b.batch.readInt32BE(57); // recordsCount
        return { topic: b.topic, partition: b.partition, baseOffset, logAppendTime: -1, logStartOffset: 0, error: null };
      }),
  };
}

async function produce(n) {
  const producer = new Producer(acknowledgingClient(), { acks: -1, batchSize: BATCH_SIZE });
  for (let i = 0; i < n; i++) {
    const r = pool[i % POOL];
    const wait = producer.send({ topic: TOPIC, key: r.key, value: r.value, headers: r.headers, timestamp: TIMESTAMP + i });
    if (wait) await wait;
  }
  await producer.flush();
  producer.close();
}

/** Fetch responses as the broker returns them: whole batches with offsets assigned, up to FETCH_BYTES each (~8 MB in all). */
function fetchResponses() {
  const batches = buildBatches(Math.max(POOL, Math.ceil((8 * FETCH_BYTES) / (VALUE_SIZE + KEY_SIZE + 100))), true);
  const responses = [];
  let offset = 0;
  let group = { baseOffset: 0, batches: [], bytes: 0 };
  for (const b of batches) {
    if (group.batches.length > 0 && group.bytes + b.length > FETCH_BYTES) {
      responses.push({ baseOffset: group.baseOffset, records: Buffer.concat(group.batches) });
      group = { baseOffset: offset, batches: [], bytes: 0 };
    }
    assignOffset(b, 0, offset, 0);
    offset += b.readInt32BE(57); // recordsCount
    group.batches.push(b);
    group.bytes += b.length;
  }
  if (group.batches.length > 0) responses.push({ baseOffset: group.baseOffset, records: Buffer.concat(group.batches) });
  return responses;
}

/** What a sink does with every record: read key, value and each header. */
function touch(records) {
  let sum = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    sum += r.offset + (r.key === null ? 0 : r.key.length) + (r.value === null ? 0 : r.value.length);
    for (const [k, v] of r.headers) sum += k.length + (v === null ? 0 : v.length);
  }
  return sum;
}

function decode(n, responses) {
  let done = 0;
  let sum = 0;
  for (let i = 0; done < n; i++) {
    const r = responses[i % responses.length];
    const records = decodeRecords(r.records, { minOffset: r.baseOffset });
    sum += touch(records);
    done += records.length;
  }
  return { done, sum };
}

/** Rounds of PartitionFetcher.poll, each seeking to the start of the next response, which the client returns. */
async function poll(n, responses) {
  let i = 0;
  const fetcher = new PartitionFetcher({
    fetch: async ({ partitions }) =>
      partitions.map((p) => ({ topic: p.topic, partition: p.partition, fetchOffset: p.offset, error: null, highWatermark: Number.MAX_SAFE_INTEGER, lastStableOffset: -1, logStartOffset: 0, records: responses[i % responses.length].records })),
  });
  let done = 0;
  let sum = 0;
  for (; done < n; i++) {
    fetcher.seek(TOPIC, 0, responses[i % responses.length].baseOffset);
    for (const p of await fetcher.poll()) {
      sum += touch(p.records);
      done += p.records.length;
    }
  }
  return { done, sum };
}

async function main() {
  const responses = fetchResponses();
  const perRecord = pool.reduce((s, r) => s + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0) / POOL;
  process.stdout.write(`records: key+value ${Math.round(perRecord)} B, ${HEADERS} headers; batch.size ${BATCH_SIZE}; ${responses.length} fetch responses of ~${Math.round(responses[0].records.length / 1024)} KB\n`);
  const warm = Math.min(N, 50000);
  buildBatches(warm, false);
  await produce(warm);
  decode(warm, responses);
  await poll(warm, responses);
  const figures = { build: [], produce: [], decode: [], poll: [] };
  for (let rep = 0; rep < REPS; rep++) {
    let t0 = cpuMicros();
    buildBatches(N, false);
    figures.build.push((cpuMicros() - t0) / N);
    t0 = cpuMicros();
    await produce(N);
    figures.produce.push((cpuMicros() - t0) / N);
    t0 = cpuMicros();
    const d = decode(N, responses);
    figures.decode.push((cpuMicros() - t0) / d.done);
    t0 = cpuMicros();
    const p = await poll(N, responses);
    figures.poll.push((cpuMicros() - t0) / p.done);
    process.stdout.write(`rep ${rep + 1}: ${Object.entries(figures).map(([k, v]) => `${k} ${v[rep].toFixed(2)}`).join('  ')} µs/record CPU\n`);
  }
  process.stdout.write(`median: ${Object.entries(figures).map(([k, v]) => `${k} ${median(v).toFixed(2)}`).join('  ')} µs/record CPU\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
