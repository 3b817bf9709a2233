/**
 * Restarts: every acknowledged record survives a clean stop, and (under flush.messages=1) a kill -9;
 * a damaged segment tail is repaired at start-up and reported.
 */
import { appendFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { kcat } from '../helpers/kcat';
import { removeDir, startChildBroker, tempDir } from '../helpers/broker-harness';

async function produce(bootstrap: string, topic: string, from: number, count: number, extra: string[] = []): Promise<void> {
  const lines = Array.from({ length: count }, (_, i) => `record-${from + i}`).join('\n') + '\n';
  const res = await kcat(['-b', bootstrap, '-P', '-t', topic, '-X', 'acks=all', ...extra], lines);
  expect(res.code).toBe(0);
}

async function consume(bootstrap: string, topic: string): Promise<string[]> {
  const res = await kcat(['-b', bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning']);
  expect(res.code).toBe(0);
  return res.stdout.toString().split('\n').filter(Boolean);
}

function activeSegment(logDir: string, topic: string): string {
  const dir = path.join(logDir, `${topic}-0`);
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return path.join(dir, logs[logs.length - 1] as string);
}

const expected = (n: number): string[] => Array.from({ length: n }, (_, i) => `record-${i}`);

test('records survive a clean restart (SIGTERM)', async () => {
  const dir = tempDir();
  try {
    let broker = await startChildBroker(dir);
    await produce(broker.bootstrap, 'clean', 0, 5000);
    broker.process.kill('SIGTERM');
    expect(await broker.exited).toBe(0);
    broker = await startChildBroker(dir, {}, broker.port);
    expect(await consume(broker.bootstrap, 'clean')).toEqual(expected(5000));
    broker.process.kill('SIGTERM');
    await broker.exited;
  } finally {
    removeDir(dir);
  }
});

test('acknowledged records survive kill -9 with flush.messages=1', async () => {
  const dir = tempDir();
  try {
    let broker = await startChildBroker(dir, { 'log.flush.interval.messages': '1' });
    for (let i = 0; i < 10; i++) await produce(broker.bootstrap, 'hard', i * 300, 300);
    broker.process.kill('SIGKILL');
    await broker.exited;
    broker = await startChildBroker(dir, {}, broker.port);
    expect(await consume(broker.bootstrap, 'hard')).toEqual(expected(3000));
    broker.process.kill('SIGTERM');
    await broker.exited;
  } finally {
    removeDir(dir);
  }
});

test.each([
  ['garbage appended', (file: string) => appendFileSync(file, Buffer.from('this is not a record batch at all, just noise'))],
  ['a truncated last batch', (file: string) => truncateSync(file, statSync(file).size - 7)],
])('a segment with %s is repaired at start-up and reported', async (_what, damage) => {
  const dir = tempDir();
  try {
    let broker = await startChildBroker(dir);
    await produce(broker.bootstrap, 'damaged', 0, 100, ['-X', 'batch.num.messages=10', '-X', 'linger.ms=0']);
    await produce(broker.bootstrap, 'damaged', 100, 1);
    broker.process.kill('SIGTERM');
    await broker.exited;
    damage(activeSegment(dir, 'damaged'));
    broker = await startChildBroker(dir, {}, broker.port);
    await new Promise((r) => setTimeout(r, 200));
    expect(broker.output()).toMatch(/recovered partition log/);
    expect(broker.output()).toMatch(/damaged/);
    const records = await consume(broker.bootstrap, 'damaged');
    // Everything before the damage is intact; only the damaged tail is gone.
    expect(records.slice(0, 100)).toEqual(expected(100));
    expect(records.length).toBeGreaterThanOrEqual(100);
    await produce(broker.bootstrap, 'damaged', 1000, 1);
    const after = await consume(broker.bootstrap, 'damaged');
    expect(after[after.length - 1]).toBe('record-1000');
    broker.process.kill('SIGTERM');
    await broker.exited;
  } finally {
    removeDir(dir);
  }
});
