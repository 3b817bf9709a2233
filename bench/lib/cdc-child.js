#!/usr/bin/env node
'use strict';
/**
 * The CDC scenario's own-process subject: `node bench/lib/cdc-child.js '<json options>'`. It runs apart from the
 * bench so that its CPU is its own and it does not share the bench's event loop. Using the compiled modules under
 * dist/, it streams one replication slot up to an end LSN and prints one JSON line of figures.
 *
 * mode "decode": the replication connection and stream (pgoutput frames decoded into messages, tuples into
 * strings), rows counted and dropped. mode "envelope": the same, plus what the connector and worker do with each
 * insert short of the broker: the row as text values, the Debezium change record (key, envelope with source
 * block, context headers), the SourceRecord, and the key, value and headers serialized (JsonConverter with
 * schemas.enable=true, SimpleHeaderConverter).
 *
 * The timed window starts before connecting and ends at the Commit that reaches the end LSN (or a keepalive past
 * it outside a transaction): module loading is outside it, as the connector has its modules loaded already.
 */
const path = require('node:path');
const proc = require('./proc');
const { treeCpu, cpuBetween } = require('./pg-server');

const ROOT = path.resolve(__dirname, '..', '..');
const dist = (...p) => require(path.join(ROOT, 'dist', ...p));

const EPOCH_BASE_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
const nowNs = () => EPOCH_BASE_NS + process.hrtime.bigint();

/** TupleData → the events folder's row model (text values), as the connector's stream reader does. */
function toRow(tuple, UNCHANGED_TOAST) {
  const row = new Array(tuple.length);
  for (let i = 0; i < tuple.length; i++) {
    const c = tuple[i];
    row[i] = c.kind === 'text' ? c.value : c.kind === 'null' ? null : c.kind === 'unchanged-toast' ? UNCHANGED_TOAST : c.value.toString('utf8');
  }
  return row;
}

/** Builds and serializes the records of each insert; `bytes` sums the serialized key, value and header bytes. */
function envelopeBuilder(o) {
  const ev = dist('connectors', 'postgres', 'events');
  const { JsonConverter, SimpleHeaderConverter } = dist('connect-runtime', 'converters');
  const keyConv = new JsonConverter();
  keyConv.configure({ 'schemas.enable': true }, true);
  const valueConv = new JsonConverter();
  valueConv.configure({ 'schemas.enable': true }, false);
  const headerConv = new SimpleHeaderConverter();
  headerConv.configure({});
  const tables = new Map();
  const partition = { server: o.topicPrefix };
  const contextHeaders = { connectorLogicalName: o.topicPrefix, taskId: '0', connectorName: ev.CONNECTOR_NAME };
  let sql = null;
  let tx = null;
  let lastCommitLsn = null;
  const out = { records: 0, bytes: 0 };
  return {
    out,
    /** The metadata connection the connector also holds, for catalog reads on Relation messages. */
    async open(connect) {
      sql = await connect();
    },
    async close() {
      if (sql) await sql.end().catch(() => undefined);
    },
    /** Primary key and NOT NULL from the catalog (pgoutput's key flag follows the replica identity instead). */
    async relation(m) {
      const facts = await sql.query(
        `SELECT a.attname, a.attnotnull, coalesce(a.attnum = ANY(i.indkey), false) AS pk
           FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
          WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`,
        [m.relationId],
      );
      const byName = new Map(facts.rows.map((r) => [r.attname, r]));
      const columns = m.columns.map((c) => ({
        name: c.name,
        typeOid: c.typeOid,
        typeModifier: c.typeModifier,
        isKey: byName.get(c.name)?.pk === true,
        optional: byName.get(c.name)?.attnotnull !== true,
      }));
      const relation = { relationId: m.relationId, schema: m.namespace === '' ? 'pg_catalog' : m.namespace, table: m.name, columns };
      tables.set(m.relationId, new ev.TableSchema(relation, { topicPrefix: o.topicPrefix, mapping: ev.DEFAULT_VALUE_MAPPING }));
    },
    begin(m) {
      tx = { xid: m.xid, commitNs: ev.epochNanosFromPgTimestamp(m.commitTime), tsUsec: Number(m.commitTime / 1000n) };
    },
    commit(m) {
      lastCommitLsn = m.commitLsn;
      tx = null;
    },
    insert(m, walStart) {
      const table = tables.get(m.relationId);
      if (!table) throw new Error(`insert into relation ${m.relationId} before its Relation message`);
      const context = {
        source: { serverName: o.topicPrefix, db: o.database, timestampNs: tx.commitNs, txId: tx.xid, lsn: walStart, lastCommitLsn },
        processedAtNs: nowNs(),
        transaction: null,
        tombstonesOnDelete: true,
        contextHeaders,
      };
      const offset = { lsn_proc: Number(walStart), lsn_commit: lastCommitLsn === null ? null : Number(lastCommitLsn), lsn: Number(walStart), txId: tx.xid, ts_usec: tx.tsUsec };
      for (const change of ev.changeRecords(table, { op: 'c', after: toRow(m.newTuple, ev.UNCHANGED_TOAST) }, context)) {
        const rec = ev.toSourceRecord(change, { sourcePartition: partition, sourceOffset: offset });
        for (const h of rec.headers) out.bytes += headerConv.fromConnectHeader(rec.topic, h.key, h.schema, h.value)?.length ?? 0;
        out.bytes += keyConv.fromConnectData(rec.topic, rec.headers, rec.keySchema, rec.key)?.length ?? 0;
        out.bytes += valueConv.fromConnectData(rec.topic, rec.headers, rec.valueSchema, rec.value)?.length ?? 0;
        out.records++;
      }
    },
  };
}

async function main() {
  const o = JSON.parse(process.argv[2]);
  const { Client } = require('pg');
  const repl = dist('connectors', 'postgres', 'replication');
  const env = o.mode === 'envelope' ? envelopeBuilder(o) : null;
  const endLsn = BigInt(o.endLsn);
  const target = { host: o.host, port: o.port, user: o.user, password: o.password, database: o.database };

  const pg0 = treeCpu(o.postmasterPid);
  const box0 = proc.boxCpu();
  const cpu0 = process.cpuUsage();
  const main0 = proc.mainThreadCpuSeconds(process.pid);
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  if (env) {
    await env.open(async () => {
      const c = new Client(target);
      await c.connect();
      return c;
    });
  }
  const conn = await repl.ReplicationConnection.connect({ ...target, applicationName: 'sluice-bench' });
  const stream = await conn.startReplication({
    slot: o.slot,
    publicationNames: [o.publication],
    startLsn: 0n,
    protoVersion: 1,
    messages: false,
    includeKeepalives: true,
  });
  const startedMs = ms();
  let rows = 0;
  let txns = 0;
  let inTx = false;
  let firstRowMs = null;
  let reached = false;
  for await (const event of stream) {
    if (event.kind === 'keepalive') {
      // Like pg_recvlogical --endpos: the server has nothing before endLsn left to send.
      if (!inTx && event.walEnd >= endLsn) {
        reached = true;
        break;
      }
      continue;
    }
    const m = event.message;
    if (m.tag === 'insert') {
      rows++;
      if (firstRowMs === null) firstRowMs = ms();
      if (env) env.insert(m, event.walStart);
    } else if (m.tag === 'begin') {
      inTx = true;
      if (env) env.begin(m);
    } else if (m.tag === 'commit') {
      inTx = false;
      txns++;
      if (env) env.commit(m);
      if (m.endLsn >= endLsn) {
        reached = true;
        break;
      }
    } else if (m.tag === 'relation') {
      if (env) await env.relation(m);
    }
  }
  const wallMs = ms();
  const cpu = process.cpuUsage(cpu0);
  const main1 = proc.mainThreadCpuSeconds(process.pid);
  const box1 = proc.boxCpu();
  const pg1 = treeCpu(o.postmasterPid);
  await stream.stop().catch(() => undefined);
  await conn.close();
  if (env) await env.close();
  if (!reached) throw new Error(`the stream ended before LSN ${o.endLsn} (${rows} rows read)`);
  const result = {
    rows,
    txns,
    wallMs,
    startMs: startedMs,
    firstRowMs,
    cpuS: (cpu.user + cpu.system) / 1e6,
    cpuUserS: cpu.user / 1e6,
    cpuSysS: cpu.system / 1e6,
    mainCpuS: main0 !== null && main1 !== null ? main1 - main0 : null,
    pgCpuS: cpuBetween(pg0, pg1),
    boxBusy: box1.total > box0.total ? (box1.busy - box0.busy) / (box1.total - box0.total) : null,
    ncpu: box1.ncpu,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6,
    ...(env ? { records: env.out.records, bytes: env.out.bytes } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err.message}\n`);
  process.exit(1);
});
