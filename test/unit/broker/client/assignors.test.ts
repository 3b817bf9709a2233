/** The range and roundrobin assignors, checked against what Kafka's RangeAssignor and RoundRobinAssignor compute. */
import { assignorsByName, rangeAssignor, roundRobinAssignor, type GroupAssignment, type MemberSubscription } from '../../../../broker/client/assignors';

function member(memberId: string, topics: string[], groupInstanceId: string | null = null): MemberSubscription {
  return { memberId, groupInstanceId, topics };
}

/** memberId → "topic-p" strings, for compact expectations. */
function flat(a: GroupAssignment): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [m, tps] of a) out[m] = tps.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`));
  return out;
}

describe('range', () => {
  test('splits each topic into contiguous ranges, the first members taking the remainder', () => {
    const counts = new Map([
      ['t1', 3],
      ['t2', 3],
    ]);
    const got = flat(rangeAssignor.assign([member('c1', ['t1', 't2']), member('c0', ['t1', 't2'])], counts));
    expect(got).toEqual({ c0: ['t1-0', 't1-1', 't2-0', 't2-1'], c1: ['t1-2', 't2-2'] });
  });

  test('4 partitions over 2 members is 2/2; over 3 members 2/1/1', () => {
    const counts = new Map([['t', 4]]);
    expect(flat(rangeAssignor.assign([member('a', ['t']), member('b', ['t'])], counts))).toEqual({ a: ['t-0', 't-1'], b: ['t-2', 't-3'] });
    expect(flat(rangeAssignor.assign([member('a', ['t']), member('b', ['t']), member('c', ['t'])], counts))).toEqual({ a: ['t-0', 't-1'], b: ['t-2'], c: ['t-3'] });
  });

  test('only subscribers of a topic share it; more members than partitions leaves some empty', () => {
    const counts = new Map([
      ['t1', 1],
      ['t2', 2],
    ]);
    const got = flat(rangeAssignor.assign([member('a', ['t1']), member('b', ['t1', 't2']), member('c', ['t2'])], counts));
    expect(got).toEqual({ a: ['t1-0'], b: ['t2-0'], c: ['t2-1'] });
  });

  test('topics without metadata (not existing) are skipped', () => {
    expect(flat(rangeAssignor.assign([member('a', ['missing', 't'])], new Map([['t', 1]])))).toEqual({ a: ['t-0'] });
  });

  test('static members sort by group.instance.id, ahead of dynamic ones', () => {
    const counts = new Map([['t', 3]]);
    const got = flat(rangeAssignor.assign([member('a', ['t']), member('z-1', ['t'], 'inst-b'), member('y-1', ['t'], 'inst-a')], counts));
    expect(got).toEqual({ 'y-1': ['t-0'], 'z-1': ['t-1'], a: ['t-2'] });
  });
});

describe('roundrobin', () => {
  test('deals partitions of all topics in turn', () => {
    const counts = new Map([
      ['t1', 3],
      ['t0', 3],
    ]);
    const got = flat(roundRobinAssignor.assign([member('c1', ['t0', 't1']), member('c0', ['t0', 't1'])], counts));
    expect(got).toEqual({ c0: ['t0-0', 't0-2', 't1-1'], c1: ['t0-1', 't1-0', 't1-2'] });
  });

  test('skips members not subscribed to a partition’s topic', () => {
    // Kafka's RoundRobinAssignor javadoc example: C0 [t0], C1 [t0,t1], C2 [t0,t1,t2]; t0 1, t1 2, t2 3 partitions.
    const counts = new Map([
      ['t0', 1],
      ['t1', 2],
      ['t2', 3],
    ]);
    const got = flat(roundRobinAssignor.assign([member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])], counts));
    expect(got).toEqual({ C0: ['t0-0'], C1: ['t1-0'], C2: ['t1-1', 't2-0', 't2-1', 't2-2'] });
  });

  test('no members, no partitions', () => {
    expect(roundRobinAssignor.assign([], new Map([['t', 2]])).size).toBe(0);
    expect(flat(roundRobinAssignor.assign([member('a', ['t'])], new Map()))).toEqual({ a: [] });
  });
});

test('assignors by name', () => {
  expect(assignorsByName(['range', ' roundrobin']).map((a) => a.name)).toEqual(['range', 'roundrobin']);
  expect(() => assignorsByName(['cooperative-sticky'])).toThrow('unknown partition assignor "cooperative-sticky"');
});
