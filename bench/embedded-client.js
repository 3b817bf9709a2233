#!/usr/bin/env node
'use strict';
/**
 * The embedded client against the network client, both talking to a broker in this same process
 * (the Connect worker's embedded mode): produce N records of S bytes with a Producer (acks=all),
 * then read them back with an AssignedConsumer, over TCP loopback and over in-process pipes,
 * alternating A/B per repetition. Prints records/s and CPU per million records; the median over
 * repetitions is the figure to quote. Not part of `npm run bench`.
 *
 *   npm run build && node bench/embedded-client.js
 *   BENCH_RECORDS=1000000 BENCH_SIZE=100 BENCH_REPS=3 BENCH_PARTITIONS=1 node bench/embedded-client.js
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DIST = path.resolve(__dirname, '..', 'dist', 'broker');
if (!fs.existsSync(path.join(DIST, 'broker.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(1);
}
const pino = require('pino');
const { Broker } = require(path.join(DIST, 'broker.js'));
const { AssignedConsumer, KafkaAdmin, KafkaClient, Producer } = require(path.join(DIST, 'client', 'index.js'));

const N = Number(process.env.BENCH_RECORDS ?? 1000000);
const SIZE = Number(process.env.BENCH_SIZE ?? 100);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 1);

function connect(broker, mode) {
  const opts = { clientId: `bench-${mode}` };
  return mode === 'tcp' ? KafkaClient.connect({ ...opts, bootstrapServers: `127.0.0.1:${broker.port}` }) : KafkaClient.connectEmbedded(broker, opts);
}

/** Runs fn and returns { rate, cpuMsPerM } for n records. */
async function measure(n, fn) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { rate: n / s, seconds: s, cpuMsPerM: ((cpu.user + cpu.system) / 1000) * (1e6 / n) };
}

async function runOnce(broker, mode, rep) {
  const client = await connect(broker, mode);
  try {
    const topic = `bench-${mode}-${rep}`;
    await new KafkaAdmin(client).createTopics([{ name: topic, numPartitions: PARTITIONS }]);
    const value = Buffer.alloc(SIZE, 'x');
    const producer = new Producer(client, { acks: -1 });
    const produce = await measure(N, async () => {
      for (let i = 0; i < N; i++) {
        const wait = producer.send({ topic, key: null, value });
        if (wait) await wait;
      }
      await producer.flush();
    });
    producer.close();
    const consumer = await AssignedConsumer.create(client, { topic, start: 'earliest', maxWaitMs: 100 });
    let read = 0;
    const consume = await measure(N, async () => {
      while (read < N) for (const p of await consumer.poll()) read += p.records.length;
    });
    if (read !== N) throw new Error(`${mode}: read ${read} records, expected ${N}`);
    return { produce, consume };
  } finally {
    client.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US');

async function main() {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-embedded-'));
  const broker = await Broker.start({ props: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir }, logger: pino({ level: 'silent' }) });
  const results = { tcp: [], 'in-process': [] };
  try {
    process.stderr.write(`${N} records of ${SIZE} B, ${PARTITIONS} partition(s), acks=all, ${REPS} repetitions, Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}\n`);
    for (let rep = 1; rep <= REPS; rep++) {
      const order = rep % 2 === 1 ? ['tcp', 'in-process'] : ['in-process', 'tcp'];
      for (const mode of order) {
        const r = await runOnce(broker, mode, rep);
        results[mode].push(r);
        process.stderr.write(`rep ${rep} ${mode.padEnd(10)} produce ${fmt(r.produce.rate)}/s (${fmt(r.produce.cpuMsPerM)} CPU ms/M)  consume ${fmt(r.consume.rate)}/s (${fmt(r.consume.cpuMsPerM)} CPU ms/M)\n`);
      }
    }
  } finally {
    await broker.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
  console.log(`\nmedian of ${REPS}, ${N} x ${SIZE} B records, broker and client in one process:`);
  console.log('transport   produce rec/s   consume rec/s   produce CPU ms/M   consume CPU ms/M');
  for (const [mode, runs] of Object.entries(results)) {
    const col = (f) => fmt(median(runs.map(f)));
    console.log(
      `${mode.padEnd(10)}  ${col((r) => r.produce.rate).padStart(13)}   ${col((r) => r.consume.rate).padStart(13)}   ${col((r) => r.produce.cpuMsPerM).padStart(16)}   ${col((r) => r.consume.cpuMsPerM).padStart(16)}`,
    );
  }
  const ratio = (f) => (median(results['in-process'].map(f)) / median(results.tcp.map(f))).toFixed(2);
  console.log(`in-process / tcp: produce x${ratio((r) => r.produce.rate)}, consume x${ratio((r) => r.consume.rate)}`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
