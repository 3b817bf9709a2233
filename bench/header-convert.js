#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of SimpleHeaderConverter, the default header converter, on the headers the CDC source puts on
 * every change record: the three Debezium context headers (`__debezium.context.connectorLogicalName`, `.taskId`,
 * `.connectorName`, with the values `bench`, `0` and `postgresql`, so two strings and one that reads back as an
 * INT8). Figures, per record (all three headers):
 *
 *   (h<) toConnectHeader of the header bytes as consumed, as toSinkRecord calls it (each record has Buffers of
 *        its own, as consumed records do)
 *   (h>) fromConnectHeader of the three STRING values, as toOutgoing calls it
 *   (mixed<) toConnectHeader of headers that rarely repeat (a per-record sequence number, an ISO timestamp, a word
 *        with the record's number in it), the case a cache of repeated values does not help
 *   (mixed>) fromConnectHeader of such values (the sequence number as INT64, the others as STRING)
 *
 *   npm run build && node bench/header-convert.js [N] [REPS]
 *
 * N records per repetition (default 200000), REPS repetitions (default 7). Prints µs/record (wall clock) and the
 * process's CPU µs/record per repetition and their medians, the figures to quote. The 2-vCPU reference box is
 * noisy: compare before/after in one sitting, and run each a few times.
 */
const { distLoader, positiveArgs, timed: timedOver } = require('./lib/micro');

const dist = distLoader('connect-runtime/converters/simple-header-converter.js');
const { SimpleHeaderConverter } = dist('connect-runtime', 'converters');
const { Schema } = dist('connect-runtime', 'api');

const [N, REPS] = positiveArgs([200000, 7], 'node bench/header-convert.js [N records > 0] [REPS > 0]');

const TOPIC = 'bench.public.cdc_rows';
const CONTEXT = [
  ['__debezium.context.connectorLogicalName', 'bench'],
  ['__debezium.context.taskId', '0'],
  ['__debezium.context.connectorName', 'postgresql'],
];

const consumedContext = Array.from({ length: N }, () => CONTEXT.map(([key, text]) => [key, Buffer.from(text, 'utf8')]));
const consumedMixed = Array.from({ length: N }, (_, i) => [
  ['seq', Buffer.from(String(1_000_000 + i), 'utf8')],
  ['at', Buffer.from(new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), 'utf8')],
  ['note', Buffer.from(`row-${i} of the load`, 'utf8')],
]);

const producedAt = Array.from({ length: N }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString());
const notes = Array.from({ length: N }, (_, i) => `row-${i} of the load`);

const timed = (label, fn) => timedOver(label, fn, { items: N, reps: REPS });

const hc = new SimpleHeaderConverter();
hc.configure({});
let sink = 0;

timed('(h<) toConnectHeader, 3 context headers', () => {
  for (const headers of consumedContext) {
    for (const [key, bytes] of headers) sink += hc.toConnectHeader(TOPIC, key, bytes).value === null ? 1 : 0;
  }
});

timed('(h>) fromConnectHeader, 3 context headers', () => {
  for (let i = 0; i < N; i++) {
    for (const [key, text] of CONTEXT) sink += hc.fromConnectHeader(TOPIC, key, Schema.STRING_SCHEMA, text).length;
  }
});

timed('(mixed<) toConnectHeader, 3 distinct headers', () => {
  for (const headers of consumedMixed) {
    for (const [key, bytes] of headers) sink += hc.toConnectHeader(TOPIC, key, bytes).value === null ? 1 : 0;
  }
});

timed('(mixed>) fromConnectHeader, 3 distinct headers', () => {
  for (let i = 0; i < N; i++) {
    sink += hc.fromConnectHeader(TOPIC, 'seq', Schema.INT64_SCHEMA, 1_000_000 + i).length;
    sink += hc.fromConnectHeader(TOPIC, 'at', Schema.STRING_SCHEMA, producedAt[i]).length;
    sink += hc.fromConnectHeader(TOPIC, 'note', Schema.STRING_SCHEMA, notes[i]).length;
  }
});
if (sink < 0) process.stdout.write('unreachable\n');
