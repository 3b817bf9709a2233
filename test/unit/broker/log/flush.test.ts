import fs from 'node:fs';
import path from 'node:path';
import { GroupCommit } from '../../../../broker/log/group-commit';
import { openLog, produce, removeTempDirs, tempDir, values } from './log-test-utils';

afterEach(removeTempDirs);

test('flush.messages=1 makes every append wait for an fsync that covers it', async () => {
  const log = await openLog(tempDir(), { 'flush.messages': '1' });
  const results = [produce(log, values(2)), produce(log, values(2)), produce(log, values(2))];
  for (const r of results) expect(r.durable).not.toBeNull();
  expect(log.recoveryPoint).toBe(0);
  await Promise.all(results.map((r) => r.durable));
  expect(log.recoveryPoint).toBe(6);
  expect(log.hasUnflushedData).toBe(false);
  const checkpoint = fs.readFileSync(path.join(log.path, 'recovery-point-offset-checkpoint'), 'utf8');
  expect(checkpoint.split('\n')[1]).toBe('6');
  await log.close();
});

test('the default policy acknowledges without fsync; flush.ms=0 and flush.messages=N demand one', async () => {
  const lazy = await openLog(tempDir());
  expect(produce(lazy, values(1)).durable).toBeNull();
  expect(lazy.hasUnflushedData).toBe(true);
  await lazy.flush();
  expect(lazy.recoveryPoint).toBe(1);

  const always = await openLog(tempDir(), { 'flush.ms': '0' });
  const r = produce(always, values(1));
  expect(r.durable).not.toBeNull();
  await r.durable;
  expect(always.recoveryPoint).toBe(1);

  const everyFive = await openLog(tempDir(), { 'flush.messages': '5' });
  expect(produce(everyFive, values(2)).durable).toBeNull();
  expect(produce(everyFive, values(2)).durable).toBeNull();
  const third = produce(everyFive, values(2));
  expect(third.durable).not.toBeNull();
  await third.durable;
  expect(everyFive.recoveryPoint).toBe(6);
  expect(produce(everyFive, values(1)).durable).toBeNull();
  await Promise.all([lazy.close(), always.close(), everyFive.close()]);
});

test('a duplicate of a batch not yet flushed still waits for durability under a sync policy', async () => {
  const log = await openLog(tempDir(), { 'flush.messages': '1' });
  const first = produce(log, values(1), { producerId: 9, producerEpoch: 0, baseSequence: 0 });
  const dup = produce(log, values(1), { producerId: 9, producerEpoch: 0, baseSequence: 0 });
  expect(dup.duplicate).toBe(true);
  expect(dup.durable).not.toBeNull();
  await Promise.all([first.durable, dup.durable]);
  expect(produce(log, values(1), { producerId: 9, producerEpoch: 0, baseSequence: 0 }).durable).toBeNull();
  await log.close();
});

test('group commit: requests during a flush share the next one', async () => {
  const releases: Array<() => void> = [];
  let started = 0;
  const commit = new GroupCommit(
    () =>
      new Promise<void>((resolve) => {
        started++;
        releases.push(resolve);
      }),
  );
  const a = commit.request();
  const b = commit.request();
  const c = commit.request();
  expect(started).toBe(1);
  expect(b).toBe(c);
  let aDone = false;
  let bDone = false;
  void a.then(() => (aDone = true));
  void b.then(() => (bDone = true));
  releases[0]?.();
  await a;
  await Promise.resolve();
  expect(aDone).toBe(true);
  expect(bDone).toBe(false);
  expect(started).toBe(2);
  releases[1]?.();
  await b;
  expect(bDone).toBe(true);
  expect(started).toBe(2);
  await commit.idle();
});

test('a failed flush rejects its requesters and the next flush retries', async () => {
  let calls = 0;
  const commit = new GroupCommit(async () => {
    calls++;
    if (calls === 1) throw new Error('disk full');
  });
  await expect(commit.request()).rejects.toThrow('disk full');
  await expect(commit.request()).resolves.toBeUndefined();
  expect(calls).toBe(2);
});
