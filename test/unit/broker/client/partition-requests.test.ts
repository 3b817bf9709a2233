/**
 * Routing partitions to leaders: concurrent lookups finish in the order they started, whatever
 * their sizes, so a producer's requests (and a partition's batches) leave in dispatch order.
 */
import type { BrokerConnection } from '../../../../broker/client/connection';
import { groupByLeader, type LeaderRouter } from '../../../../broker/client/partition-requests';

const router: LeaderRouter = {
  leaderOf: async (topic, partition) => {
    if (partition < 0) throw new Error(`no partition ${partition} in ${topic}`);
    return partition % 2;
  },
  connectionTo: () => Promise.reject(new Error('not used')) as Promise<BrokerConnection>,
};

test('items are grouped by leader in their order; failed lookups are reported per item', async () => {
  const items = [0, 1, 2, -1, 3].map((partition) => ({ topic: 't', partition }));
  const { groups, failed } = await groupByLeader(router, items, (i) => i);
  expect([...groups].map(([leader, list]) => [leader, list.map((i) => i.partition)])).toEqual([
    [0, [0, 2]],
    [1, [1, 3]],
  ]);
  expect([...failed.values()].map((e) => e.message)).toEqual(['no partition -1 in t']);
});

test('a large lookup started first finishes before a small one started after it', async () => {
  const done: string[] = [];
  const big = groupByLeader(router, Array.from({ length: 50 }, (_, partition) => ({ topic: 't', partition })), (i) => i).then(() => done.push('big'));
  const small = groupByLeader(router, [{ topic: 't', partition: 0 }], (i) => i).then(() => done.push('small'));
  await Promise.all([big, small]);
  expect(done).toEqual(['big', 'small']);
});
