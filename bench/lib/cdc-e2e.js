'use strict';
/**
 * The CDC scenario end to end: a standalone worker (`node bin/sluice.js connect standalone worker.properties`,
 * embedded broker, JsonConverter with schemas.enable=true), the PostgreSQL CDC connector posted over REST, and
 * the topic's end offset polled until it holds all N records. postgres.js decides when to post and what to time.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const proc = require('./proc');
const connectRest = require('./connect-rest');
const { ROOT } = require('./broker');

const CONNECTOR = 'bench-cdc';
const CONNECTOR_CLASS = 'io.debezium.connector.postgresql.PostgresConnector';
const TOPIC_PREFIX = 'bench';
const POLL_MS = 20;
const STATUS_EVERY_MS = 500;

function workerProperties({ brokerPort, restPort, dir }) {
  return [
    `broker.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    `broker.log.dirs=${path.join(dir, 'broker')}`,
    'broker.group.initial.rebalance.delay.ms=0',
    `listeners=http://127.0.0.1:${restPort}`,
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable=true',
    'value.converter.schemas.enable=true',
    `offset.storage.file.filename=${path.join(dir, 'connect.offsets')}`,
    'offset.flush.interval.ms=10000',
    'log.level=warn',
  ];
}

/** The connector's config: Debezium's keys; publication and slot exist already (made by the bench). */
function connectorConfig({ host, port, user, password, database, slot, publication, table }) {
  return {
    'connector.class': CONNECTOR_CLASS,
    'tasks.max': '1',
    'plugin.name': 'pgoutput',
    'database.hostname': host,
    'database.port': String(port),
    'database.user': user,
    'database.password': password,
    'database.dbname': database,
    'topic.prefix': TOPIC_PREFIX,
    'slot.name': slot,
    'publication.name': publication,
    'publication.autocreate.mode': 'disabled',
    'snapshot.mode': 'no_data',
    'table.include.list': `public.${table}`,
  };
}

const topicOf = (table) => `${TOPIC_PREFIX}.public.${table}`;

/** Spawns the worker and waits for its REST listener; resolves { child, pid, restPort, brokerPort, tail, stop }. */
async function startWorker(dir, timeoutMs = 30000) {
  const brokerPort = await proc.freePort();
  const restPort = await proc.freePort();
  fs.mkdirSync(dir, { recursive: true });
  const props = path.join(dir, 'worker.properties');
  fs.writeFileSync(props, `${workerProperties({ brokerPort, restPort, dir }).join('\n')}\n`);
  const child = spawn(process.execPath, [path.join('bin', 'sluice.js'), 'connect', 'standalone', props], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.track(child.pid, 'connect worker (cdc)');
  const lines = [];
  for (const s of [child.stdout, child.stderr]) {
    s.on('data', (d) => {
      lines.push(d.toString());
      while (lines.length > 20) lines.shift();
    });
  }
  let exit = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      proc.untrack(child.pid);
      resolve(exit);
    });
  });
  const tail = () => lines.join('').trim().split('\n').slice(-4).join(' | ');
  const stop = async () => {
    if (exit) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit) throw new Error(`the worker exited (code ${exit.code}, signal ${exit.signal}) before its REST listener answered: ${tail()}`);
    const r = await fetch(`http://127.0.0.1:${restPort}/`).catch(() => null);
    if (r && r.ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the worker's REST listener did not answer within ${timeoutMs / 1000} s: ${tail()}`);
    }
    await proc.sleep(50);
  }
  return { child, pid: child.pid, restPort, brokerPort, tail, stop, exitInfo: () => exit };
}

/** POST /connectors; throws (marked unavailable) when the worker rejects it. */
async function postConnector(worker, config) {
  await connectRest.postConnector(worker, CONNECTOR, config);
}

/** Throws (marked unavailable) when the connector or its task has FAILED. */
async function checkStatus(worker) {
  await connectRest.checkStatus(worker, CONNECTOR);
}

/**
 * Polls the topic's end offset until it reaches `rows`; resolves { firstAt, firstCount, doneAt } (hrtime bigint
 * marks) with the worker's CPU and memory and `sample()` read at that moment. Throws with why it could not be
 * measured.
 */
async function watchTopic({ worker, table, rows, timeoutMs, sample = () => null }) {
  const { KafkaClient, LATEST_TIMESTAMP } = require(path.join(ROOT, 'dist', 'broker', 'client'));
  const client = await KafkaClient.connect({ bootstrapServers: `127.0.0.1:${worker.brokerPort}`, clientId: 'bench-cdc-poll', retries: 0 });
  const topic = topicOf(table);
  const t0 = Date.now();
  try {
    let partitions = null;
    let first = null;
    let lastStatus = 0;
    let count = 0;
    for (;;) {
      if (partitions === null) {
        const meta = await client.topic(topic, { refresh: true }).catch(() => null);
        if (meta) partitions = meta.partitions.map((p) => p.partition);
      }
      if (partitions !== null) {
        const offs = await client.listOffsets(topic, partitions, LATEST_TIMESTAMP);
        const at = process.hrtime.bigint();
        count = offs.reduce((a, o) => a + Math.max(0, Number(o.offset)), 0);
        if (first === null && count > 0) first = { at, count };
        if (count >= rows) {
          const cpuS = proc.cpuSeconds(worker.pid);
          const mainCpuS = proc.mainThreadCpuSeconds(worker.pid);
          const mem = proc.memStatus(worker.pid);
          const extra = sample();
          if (count !== rows) throw new Error(`${topic} holds ${count} records, expected ${rows}`);
          return { firstAt: first.at, firstCount: first.count, doneAt: at, cpuS, mainCpuS, peakRssMB: mem ? mem.VmHWM : null, extra };
        }
      }
      if (worker.exitInfo()) throw new Error(`the worker exited with ${count} of ${rows} records in the topic: ${worker.tail()}`);
      const now = Date.now();
      if (now - lastStatus >= STATUS_EVERY_MS) {
        lastStatus = now;
        await checkStatus(worker);
      }
      if (now - t0 > timeoutMs) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s with ${count} of ${rows} records in ${topic}`);
      await proc.sleep(POLL_MS);
    }
  } finally {
    client.close();
  }
}

/** Removes the connector (its slot stays: the bench drops it). */
async function deleteConnector(worker) {
  await connectRest.deleteConnector(worker, CONNECTOR);
}

module.exports = { startWorker, postConnector, checkStatus, watchTopic, deleteConnector, workerProperties, connectorConfig, topicOf, CONNECTOR_CLASS, POLL_MS };
