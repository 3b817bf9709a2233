/**
 * The FileStream connectors through a real standalone worker: lines appended to a source file reach
 * the topic (in the JsonConverter envelope) and the sink file in order; and a worker killed with
 * kill -9 while a million lines flow loses none of them after a restart, with duplicates bounded by
 * what was delivered after the last offset commit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startWorker, type RunningWorker } from '../../../bin/commands/connect';
import { WorkerConfig } from '../../../connect-runtime/config';
import { kcat } from '../../helpers/kcat';
import { removeDir, tempDir } from '../../helpers/broker-harness';
import { testWorkerProps } from '../../helpers/connect-worker';
import { CLI, requireBuiltCli } from '../../helpers/sluice-cli';

async function until(check: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

const JSON_CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
};

async function post(port: number, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/connectors`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

test('lines appended to the source file reach the topic as JSON envelopes and the sink file in order', async () => {
  const dir = tempDir('sluice-file-e2e-');
  let worker: RunningWorker | null = null;
  try {
    worker = await startWorker(new WorkerConfig(testWorkerProps(dir, JSON_CONVERTERS), 'standalone'), pino({ level: 'silent' }));
    const source = path.join(dir, 'in.txt');
    const sink = path.join(dir, 'out.txt');
    expect((await post(worker.restPort, { name: 'src', config: { 'connector.class': 'FileStreamSource', file: source, topic: 'lines' } })).status).toBe(201);
    expect((await post(worker.restPort, { name: 'snk', config: { 'connector.class': 'FileStreamSink', file: sink, topics: 'lines' } })).status).toBe(201);
    const expected = Array.from({ length: 2000 }, (_, i) => `line ${i} ünïcode`);
    fs.appendFileSync(source, expected.slice(0, 1000).join('\n') + '\n');
    fs.appendFileSync(source, expected.slice(1000).join('\n') + '\n');
    await until(() => lines(sink).length >= expected.length, 'all lines in the sink file');
    expect(lines(sink)).toEqual(expected);
    const topic = await kcat(['-b', `127.0.0.1:${worker.brokerPort}`, '-C', '-t', 'lines', '-e', '-q']);
    const values = topic.stdout.toString().split('\n').filter(Boolean);
    expect(values).toHaveLength(expected.length);
    expect(JSON.parse(values[0] as string)).toEqual({ schema: { type: 'string', optional: false }, payload: expected[0] });
    // GET /metrics: every line polled and acknowledged (after the next offset commit), read and put; broker traffic.
    const metricsUrl = `http://127.0.0.1:${worker.restPort}/metrics`;
    let metrics = '';
    const deadline = Date.now() + 10000;
    while (!metrics.includes('sluice_source_task_records_written_total{connector="src",task="0"} 2000') && Date.now() < deadline) {
      metrics = await (await fetch(metricsUrl)).text();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(metrics).toContain('sluice_source_task_records_polled_total{connector="src",task="0"} 2000');
    expect(metrics).toContain('sluice_source_task_records_written_total{connector="src",task="0"} 2000');
    expect(metrics).toContain('sluice_sink_task_records_put_total{connector="snk",task="0"} 2000');
    expect(Number(/sluice_broker_bytes_in_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(2000 * 20);
  } finally {
    await worker?.stop();
    removeDir(dir);
  }
}, 60000);

/** Line numbers must come in order; a number at or below the highest seen is a redelivery. */
/** How many whole lines of the source file lie before the position the source task last committed. */
function committedSourceLines(dir: string, source: string): number {
  const file = path.join(dir, 'connect.offsets');
  // Killed before the first commit: there is no offsets file yet, and everything read may come again.
  if (!fs.existsSync(file)) return 0;
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { offsets: [string, string][] };
  const position = stored.offsets.length > 0 ? (JSON.parse(stored.offsets[0]![1]) as { position: number }).position : 0;
  const bytes = fs.readFileSync(source).subarray(0, position);
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

/** The most lines the sink wrote within any `windowMs` of the samples. */
function busiestWindow(samples: ReadonlyArray<{ at: number; count: number }>, windowMs: number): number {
  let most = 0;
  let from = 0;
  for (const sample of samples) {
    while (sample.at - samples[from]!.at > windowMs) from++;
    most = Math.max(most, sample.count - samples[from]!.count);
  }
  return most;
}

function checkDelivery(received: string[], total: number): { duplicates: number } {
  let highest = -1;
  let duplicates = 0;
  for (const line of received) {
    const n = Number(line.slice(1));
    if (n <= highest) duplicates++;
    else if (n === highest + 1) highest = n;
    else throw new Error(`gap: line ${highest + 1} is missing before line ${n}`);
  }
  if (highest !== total - 1) throw new Error(`only lines up to ${highest} arrived`);
  return { duplicates };
}

function startChildWorker(dir: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'connect', 'standalone', path.join(dir, 'worker.properties'), path.join(dir, 'source.json'), path.join(dir, 'sink.json')], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

test('kill -9 while a million lines flow: after a restart every line is in the sink file, in order', async () => {
  requireBuiltCli();
  const dir = tempDir('sluice-file-kill-');
  try {
    const flushIntervalMs = 1000;
    const props = testWorkerProps(dir, { 'offset.flush.interval.ms': String(flushIntervalMs), 'log.level': 'warn' });
    fs.writeFileSync(path.join(dir, 'worker.properties'), Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n'));
    const source = path.join(dir, 'in.txt');
    const sink = path.join(dir, 'out.txt');
    fs.writeFileSync(path.join(dir, 'source.json'), JSON.stringify({ name: 'src', config: { 'connector.class': 'FileStreamSource', file: source, topic: 'flow' } }));
    fs.writeFileSync(path.join(dir, 'sink.json'), JSON.stringify({ name: 'snk', config: { 'connector.class': 'FileStreamSink', file: sink, topics: 'flow' } }));
    const total = 1_000_000;
    const chunk = 50_000;
    let first = startChildWorker(dir);
    let written = 0;
    const writeChunk = (): void => {
      fs.appendFileSync(source, Array.from({ length: chunk }, (_, i) => `L${written + i}`).join('\n') + '\n');
      written += chunk;
    };
    while (written < total / 2) writeChunk();
    // Kill while data is in flight: some lines in the sink, the rest still coming. The sink's progress is sampled
    // to know how many lines one flush interval carries, which bounds what may be redelivered.
    const progress: Array<{ at: number; count: number }> = [];
    await until(() => {
      progress.push({ at: Date.now(), count: lines(sink).length });
      return progress[progress.length - 1]!.count > 100_000;
    }, 'the first lines in the sink', 60000);
    first.child.kill('SIGKILL');
    await first.exited;
    // The source re-reads from its committed position: everything it read past that may come again.
    const sourceUncommitted = written - committedSourceLines(dir, source);
    while (written < total) writeChunk();
    first = startChildWorker(dir);
    try {
      await until(() => fs.existsSync(sink) && fs.statSync(sink).size > 0 && lines(sink).length >= total && new Set(lines(sink).slice(-10)).has(`L${total - 1}`), 'every line in the sink', 120000);
      const received = lines(sink);
      const { duplicates } = checkDelivery(received, total);
      // Redelivered lines are those after the last commits before the kill: on the source side what it had read
      // past its stored offset, on the sink side at most one flush interval's worth (plus a second for the commit).
      const sinkInterval = busiestWindow(progress, flushIntervalMs + 1000);
      expect(sinkInterval).toBeGreaterThan(0);
      expect(duplicates).toBeLessThanOrEqual(sourceUncommitted + sinkInterval);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  } finally {
    removeDir(dir);
  }
}, 240000);
