/**
 * Group state across broker restarts, clean (SIGTERM) and hard (kill -9): committed offsets, the
 * lag `consumer-groups --describe` prints, and a live member's place in its Stable group all come
 * back from __consumer_offsets.
 */
import { kcat, RunningKcat } from '../helpers/kcat';
import { removeDir, startChildBroker, tempDir, type ChildBroker } from '../helpers/broker-harness';
import { requireBuiltCli, sluice } from '../helpers/sluice-cli';

const BROKER_PROPS = { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3', 'num.partitions': '2' };

/** The rows under the header of a `consumer-groups --describe` table, split on runs of spaces. */
async function describe(bootstrap: string, group: string, ...extra: string[]): Promise<string[][]> {
  const res = await sluice(['consumer-groups', '--bootstrap-server', bootstrap, '--describe', '--group', group, ...extra]);
  expect(res.code).toBe(0);
  return res.stdout.split('\n').filter((l) => l.trim() !== '').slice(1).map((l) => l.trim().split(/\s+/));
}

/** TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG per partition. */
async function lagTable(bootstrap: string, group: string): Promise<string[]> {
  return (await describe(bootstrap, group)).map((r) => r.slice(1, 6).join(' ')).sort();
}

async function restart(broker: ChildBroker, dir: string, signal: NodeJS.Signals): Promise<ChildBroker> {
  broker.process.kill(signal);
  await broker.exited;
  return startChildBroker(dir, BROKER_PROPS, broker.port);
}

test('committed offsets, lag and a live member survive a clean and a kill -9 restart', async () => {
  requireBuiltCli();
  const dir = tempDir();
  let broker = await startChildBroker(dir, BROKER_PROPS);
  let member: RunningKcat | null = null;
  try {
    for (const p of [0, 1]) {
      const values = Array.from({ length: 50 }, (_, i) => `p${p}-${i}`).join('\n') + '\n';
      expect((await kcat(['-b', broker.bootstrap, '-P', '-t', 'rs', '-p', String(p)], values)).code).toBe(0);
    }
    const consumed = await sluice(['console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'rs', '--group', 'rs-offsets', '--from-beginning', '--max-messages', '60']);
    expect(consumed.code).toBe(0);
    const lagBefore = await lagTable(broker.bootstrap, 'rs-offsets');
    expect(lagBefore).toHaveLength(2);
    const totalLag = lagBefore.reduce((n, row) => n + Number(row.split(' ')[4]), 0);
    expect(totalLag).toBe(40);

    member = new RunningKcat(['-b', broker.bootstrap, '-G', 'rs-live', 'rs', '-u', '-X', 'session.timeout.ms=10000', '-X', 'heartbeat.interval.ms=500']);
    await member.waitFor(() => member?.stderr.includes('assigned:') ?? false, 'the kcat member joining');
    const membersBefore = await describe(broker.bootstrap, 'rs-live', '--members');
    expect(membersBefore).toHaveLength(1);
    const memberId = membersBefore[0]?.[1];

    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      broker = await restart(broker, dir, signal);
      expect(await lagTable(broker.bootstrap, 'rs-offsets')).toEqual(lagBefore);
      const state = await describe(broker.bootstrap, 'rs-live', '--state');
      expect(state[0]).toContain('Stable');
      const members = await describe(broker.bootstrap, 'rs-live', '--members');
      expect(members.map((r) => r[1])).toEqual([memberId]);
    }
    // The member carried on across both restarts without being rebalanced out.
    expect(member.stderr.match(/assigned:/g)).toHaveLength(1);
  } finally {
    await member?.kill('SIGKILL');
    broker.process.kill('SIGKILL');
    await broker.exited;
    removeDir(dir);
  }
}, 90000);
