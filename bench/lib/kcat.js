'use strict';
/** kcat (librdkafka) as the C driver against our broker. */
const proc = require('./proc');

const PRODUCE_PROPS = ['linger.ms=5', 'batch.num.messages=10000', 'queue.buffering.max.messages=1000000', 'acks=1'];

function produceArgs(bootstrap, topic, file) {
  const args = ['-P', '-b', bootstrap, '-t', topic, '-l', file];
  for (const p of PRODUCE_PROPS) args.push('-X', p);
  return args;
}

/**
 * One '\n' per message, so the byte count on stdout is the message count. `-c n` ends the run at the n-th
 * message (the time to read n records); `-e` still ends it at end of log should the topic hold fewer.
 */
function consumeArgs(bootstrap, topic, n) {
  return ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-c', String(n), '-q', '-f', '\\n'];
}

async function version() {
  const r = await proc.run('kcat', ['-V'], { timeoutMs: 10000 });
  const text = `${r.stdout}\n${r.stderr}`;
  const v = /Version\s+(\S+)/.exec(text);
  const lib = /librdkafka\s+([\d.]+)/.exec(text);
  return `kcat ${v ? v[1] : '?'} (librdkafka ${lib ? lib[1] : '?'})`;
}

/** Metadata request naming the topic (lets the broker auto-create it); returns its partition count or 0. */
async function touchTopic(bootstrap, topic, timeoutMs = 15000) {
  const r = await proc.run('kcat', ['-L', '-b', bootstrap, '-t', topic, '-m', '10'], { timeoutMs });
  const m = /topic "[^"]+" with (\d+) partitions/.exec(r.stdout);
  return m ? Number(m[1]) : 0;
}

/** Sum of the end offsets of all partitions of the topic (kcat -Q with timestamp -1 = latest). */
async function endOffset(bootstrap, topic, timeoutMs = 15000) {
  const parts = Math.max(1, await touchTopic(bootstrap, topic, timeoutMs));
  const args = ['-Q', '-b', bootstrap];
  for (let p = 0; p < parts; p++) args.push('-t', `${topic}:${p}:-1`);
  const r = await proc.run('kcat', args, { timeoutMs });
  let sum = 0;
  let found = 0;
  for (const m of r.stdout.matchAll(/\[(\d+)\]\s+offset\s+(-?\d+)/g)) {
    sum += Number(m[2]);
    found++;
  }
  if (r.code !== 0 || found === 0) {
    throw new Error(`kcat -Q failed (exit ${r.code}): ${r.stdout.trim()} ${r.stderr.trim()}`);
  }
  return { offset: sum, partitions: parts };
}

/** Timed kcat -P -l file. Resolves the proc.run result (code, wallMs, cpuSec, stderr ...). */
function produce(bootstrap, topic, file, timeoutMs) {
  return proc.run('kcat', produceArgs(bootstrap, topic, file), { timeoutMs, cpu: true, stdout: 'ignore' });
}

/** Timed kcat -C -e from the beginning; result.stdoutBytes is the number of messages read. */
function consume(bootstrap, topic, n, timeoutMs) {
  return proc.run('kcat', consumeArgs(bootstrap, topic, n), { timeoutMs, cpu: true, stdout: 'count' });
}

module.exports = { PRODUCE_PROPS, produceArgs, consumeArgs, version, touchTopic, endOffset, produce, consume };
