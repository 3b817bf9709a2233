/**
 * librdkafka's balanced consumer (`kcat -G`) against the coordinator: two consumers split a
 * 4-partition topic, a killed one's partitions move to the other after its session timeout, and
 * committed offsets carry the group over a restart of both.
 */
import { kcat, RunningKcat } from '../helpers/kcat';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';

let b: InProcessBroker;
const running: RunningKcat[] = [];

beforeAll(async () => {
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '1000', 'offsets.topic.num.partitions': '5' });
  await b.broker.services.logs.createTopic({ name: 'kg', partitions: 4, configs: {} });
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.kill('SIGKILL')));
  await b.stop();
  removeDir(b.logDir);
});

async function produce(prefix: string, perPartition: number): Promise<string[]> {
  const all: string[] = [];
  for (let p = 0; p < 4; p++) {
    const values = Array.from({ length: perPartition }, (_, i) => `${prefix}-${p}-${i}`);
    const res = await kcat(['-b', b.bootstrap, '-P', '-t', 'kg', '-p', String(p)], values.join('\n') + '\n');
    expect(res.code).toBe(0);
    all.push(...values);
  }
  return all;
}

/** No -o: kcat would apply it to every assignment and ignore the committed offsets. */
function groupConsumer(): RunningKcat {
  const c = new RunningKcat([
    '-b', b.bootstrap, '-G', 'kcat-group', 'kg', '-u', '-f', '%s\n', '-X', 'auto.offset.reset=earliest',
    '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500',
    '-X', 'auto.commit.interval.ms=200', '-X', 'fetch.wait.max.ms=100',
  ]);
  running.push(c);
  return c;
}

/** The partitions of the consumer's latest "assigned:" line, e.g. [0, 1]. */
function assigned(c: RunningKcat): number[] {
  const lines = c.stderr.split('\n').filter((l) => l.includes('assigned:'));
  const last = lines[lines.length - 1];
  if (!last) return [];
  return [...last.split('assigned:')[1]!.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])).sort();
}

function committed(partition: number): number | undefined {
  return b.broker.services.coordinator.groups.groups.get('kcat-group')?.committed('kg', partition)?.offset;
}

const sorted = (xs: string[]): string[] => [...xs].sort();

test('two kcat -G consumers share the partitions, survive a kill -9 of one, and resume from committed offsets', async () => {
  const first = await produce('first', 250);
  const c1 = groupConsumer();
  const c2 = groupConsumer();
  await c1.waitFor(() => assigned(c1).length === 2 && assigned(c2).length === 2, 'a 2/2 split');
  expect([...assigned(c1), ...assigned(c2)].sort()).toEqual([0, 1, 2, 3]);
  await c1.waitFor(() => c1.lines.length + c2.lines.length >= first.length, 'all first-phase messages').catch((err: Error) => {
    throw new Error(`${err.message}\nc1 ${c1.lines.length} lines, c2 ${c2.lines.length} lines; c2 stderr:\n${c2.stderr}`);
  });
  // Every message once, and each consumer only from its own partitions.
  expect(sorted([...c1.lines, ...c2.lines])).toEqual(sorted(first));
  expect(c1.lines.every((v) => assigned(c1).includes(Number(v.split('-')[1])))).toBe(true);
  // librdkafka commits on its own timer: wait until everything read is committed.
  await c1.waitFor(() => [0, 1, 2, 3].every((p) => committed(p) === 250), 'the auto-commit of every partition');

  await c2.kill('SIGKILL');
  await c1.waitFor(() => assigned(c1).length === 4, 'the survivor taking all 4 partitions', 30000);
  const seenBefore = c1.lines.length;
  const second = await produce('second', 50);
  await c1.waitFor(() => c1.lines.length >= seenBefore + second.length, 'all second-phase messages');
  // c2 had committed what it read: nothing of the first phase comes again.
  expect(sorted(c1.lines.slice(seenBefore))).toEqual(sorted(second));

  expect(await c1.kill('SIGTERM')).toBe(0); // closes the consumer: final commit and LeaveGroup
  const third = await produce('third', 25);
  const c3 = groupConsumer();
  const c4 = groupConsumer();
  await c3.waitFor(() => c3.lines.length + c4.lines.length >= third.length, 'all third-phase messages');
  await new Promise((r) => setTimeout(r, 500));
  expect(sorted([...c3.lines, ...c4.lines])).toEqual(sorted(third));
}, 90000);
