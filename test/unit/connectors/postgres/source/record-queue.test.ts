/** The bounded queue between the readers and poll(). */
import { SourceRecord } from '../../../../../connect-runtime/api';
import { RecordQueue } from '../../../../../connectors/postgres/source';

const rec = (n: number): SourceRecord => new SourceRecord({ topic: 't', value: n, sourcePartition: { server: 's' }, sourceOffset: { n } });
const values = (records: SourceRecord[] | null): unknown[] => (records ?? []).map((r) => r.value);

test('takes at most max records, in order', () => {
  const q = new RecordQueue(10);
  for (let i = 0; i < 5; i++) q.push(rec(i));
  expect(values(q.take(3))).toEqual([0, 1, 2]);
  expect(values(q.take(3))).toEqual([3, 4]);
  expect(q.take(3)).toBeNull();
});

test('a group is never split between two takes', () => {
  const q = new RecordQueue(10);
  q.push(rec(0));
  q.push([rec(1), rec(2), rec(3)]);
  q.push(rec(4));
  expect(values(q.take(2))).toEqual([0]);
  expect(values(q.take(2))).toEqual([1, 2, 3]);
  expect(values(q.take(2))).toEqual([4]);
});

test('writers wait for room; readers for data', async () => {
  const q = new RecordQueue(2);
  q.push(rec(0));
  q.push(rec(1));
  expect(q.isFull).toBe(true);
  let roomy = false;
  const room = q.waitForSpace().then(() => (roomy = true));
  await Promise.resolve();
  expect(roomy).toBe(false);
  q.take(1);
  await room;
  expect(roomy).toBe(true);

  const empty = new RecordQueue(2);
  const started = Date.now();
  await empty.waitForData(30);
  expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  const waiting = empty.waitForData(10_000);
  empty.push(rec(9));
  await waiting;
  expect(values(empty.take(5))).toEqual([9]);
});

test('a failure is thrown after the records queued before it', () => {
  const q = new RecordQueue(5);
  q.push(rec(0));
  q.fail(new Error('boom'));
  expect(values(q.take(5))).toEqual([0]);
  expect(() => q.take(5)).toThrow('boom');
});

test('aborting releases waiters', async () => {
  const q = new RecordQueue(1);
  q.push(rec(0));
  const controller = new AbortController();
  const waiting = q.waitForSpace(controller.signal);
  controller.abort();
  await waiting;
  const data = new RecordQueue(1).waitForData(10_000, controller.signal);
  await data;
});
