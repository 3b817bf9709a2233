'use strict';
/** Cold start (spawn -> ready line) and idle RSS, for our broker, Redis and a bare Node process. */
const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const { startBroker } = require('./broker');
const { startRedis } = require('./redis');
const { startServer } = require('./server');

/** `count` broker starts, each on a fresh empty log dir; returns the ready times in ms. */
async function brokerColdStarts(tmp, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const logDir = path.join(tmp, `cold-broker-${i}`);
    fs.mkdirSync(logDir);
    const b = await startBroker({ port: await proc.freePort(), logDir });
    times.push(b.readyMs);
    await b.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
  return times;
}

async function redisColdStarts(tmp, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(tmp, `cold-redis-${i}`);
    fs.mkdirSync(dir);
    const r = await startRedis({ port: await proc.freePort(), dir });
    times.push(r.readyMs);
    await r.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

/** A bare `node` that prints one line and idles: Node's own start time and RSS floor on this box. */
async function bareNode(settleMs) {
  const s = await startServer('bare-node', process.execPath, ['-e', "console.log('ready'); setInterval(() => {}, 1000);"], {
    isReady: (l) => l === 'ready',
    timeoutMs: 10000,
  });
  await proc.sleep(Math.min(settleMs, 1000));
  const rss = proc.rssMB(s.pid);
  await s.stop();
  return { readyMs: s.readyMs, rssMB: rss };
}

module.exports = { brokerColdStarts, redisColdStarts, bareNode };
