#!/usr/bin/env node
'use strict';
/**
 * The sink scenario's input without the CDC connector: `node bench/lib/pg-sink-feed.js '<json options>'` reads the
 * source table as text (a cursor, like the connector's snapshot), turns each row into the Debezium snapshot record
 * (op `r`, source.snapshot markers, context headers) with the compiled events modules under dist/, serializes key,
 * value and headers as the worker would (JsonConverter with schemas.enable=true, SimpleHeaderConverter) and
 * produces them into one topic of the worker's embedded broker. Prints one JSON line: records, bytes, wall ms.
 * Nothing here is timed by the bench.
 */
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const dist = (...p) => require(path.join(ROOT, 'dist', ...p));

const FETCH = 10000;
const RAW_TEXT = { getTypeParser: () => (value) => value };

/** The table's columns with key and NOT NULL from the catalog, as the connector's catalog reader sees them. */
async function relationOf(sql, table) {
  const r = await sql.query(
    `SELECT c.oid::int AS relid, a.attname, a.atttypid::int AS typoid, a.atttypmod AS typmod, a.attnotnull,
            coalesce(a.attnum = ANY(i.indkey), false) AS pk
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
      WHERE n.nspname = 'public' AND c.relname = $1
      ORDER BY a.attnum`,
    [table],
  );
  if (!r.rows.length) throw new Error(`table public.${table} not found`);
  const columns = r.rows.map((c) => ({ name: c.attname, typeOid: Number(c.typoid), typeModifier: Number(c.typmod), isKey: c.pk === true, optional: c.attnotnull !== true }));
  return { relationId: Number(r.rows[0].relid), schema: 'public', table, columns };
}

function marker(first, last) {
  if (last) return 'last';
  return first ? 'first' : 'true';
}

async function main() {
  const o = JSON.parse(process.argv[2]);
  const { Client } = require('pg');
  const ev = dist('connectors', 'postgres', 'events');
  const { JsonConverter, SimpleHeaderConverter } = dist('connect-runtime', 'converters');
  const { KafkaClient, Producer } = dist('broker', 'client');
  const t0 = Date.now();
  const keyConv = new JsonConverter();
  keyConv.configure({ 'schemas.enable': true }, true);
  const valueConv = new JsonConverter();
  valueConv.configure({ 'schemas.enable': true }, false);
  const headerConv = new SimpleHeaderConverter();
  headerConv.configure({});

  const sql = new Client({ host: o.host, port: o.port, user: o.user, password: o.password, database: o.database });
  await sql.connect();
  const client = await KafkaClient.connect({ bootstrapServers: `127.0.0.1:${o.brokerPort}`, clientId: 'bench-sink-feed' });
  const producer = new Producer(client, { acks: -1, lingerMs: 5, batchSize: 256 * 1024 });
  let records = 0;
  let bytes = 0;
  try {
    const table = new ev.TableSchema(await relationOf(sql, o.table), { topicPrefix: o.topicPrefix, mapping: ev.DEFAULT_VALUE_MAPPING });
    await sql.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const txId = Number((await sql.query('SELECT txid_current()::text AS x')).rows[0].x);
    // Where a slot made now would start: the snapshot records' source.lsn.
    const [hi, lo] = (await sql.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l.split('/');
    const lsn = (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
    const cols = table.relation.columns.map((c) => `"${c.name}"`).join(', ');
    await sql.query(`DECLARE feed NO SCROLL CURSOR FOR SELECT ${cols} FROM public.${o.table} ORDER BY 1`);
    const total = Number((await sql.query(`SELECT count(*)::text AS n FROM public.${o.table}`)).rows[0].n);
    const timestampNs = BigInt(Date.now()) * 1_000_000n;
    const contextHeaders = { connectorLogicalName: o.topicPrefix, taskId: '0', connectorName: ev.CONNECTOR_NAME };
    for (;;) {
      const rows = (await sql.query({ text: `FETCH FORWARD ${FETCH} FROM feed`, rowMode: 'array', types: RAW_TEXT })).rows;
      if (!rows.length) break;
      for (const row of rows) {
        const context = {
          source: { serverName: o.topicPrefix, db: o.database, timestampNs, snapshot: marker(records === 0, records === total - 1), txId, lsn, lastCommitLsn: null },
          processedAtNs: BigInt(Date.now()) * 1_000_000n,
          transaction: null,
          tombstonesOnDelete: true,
          contextHeaders,
        };
        for (const rec of ev.changeRecords(table, { op: 'r', after: row }, context)) {
          const headers = [];
          for (const h of rec.headers) {
            const b = headerConv.fromConnectHeader(rec.topic, h.key, h.schema, h.value);
            headers.push([h.key, b ?? null]);
            bytes += b ? b.length : 0;
          }
          const key = keyConv.fromConnectData(rec.topic, rec.headers, rec.keySchema, rec.key) ?? null;
          const value = valueConv.fromConnectData(rec.topic, rec.headers, rec.valueSchema, rec.value) ?? null;
          bytes += (key ? key.length : 0) + (value ? value.length : 0);
          const wait = producer.send({ topic: o.topic, key, value, headers });
          if (wait) await wait;
          records++;
        }
      }
    }
    await sql.query('COMMIT');
    await producer.flush();
  } finally {
    client.close();
    await sql.end().catch(() => undefined);
  }
  process.stdout.write(`${JSON.stringify({ records, bytes, ms: Date.now() - t0 })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err.message}\n`);
  process.exit(1);
});
