/** The coordinator's pure parts: legal state transitions, protocol choice, stored record formats, replay. */
import { ClassicGroup } from '../../../../broker/coordinator/classic-group';
import { canTransition, IllegalStateTransition, type GroupState } from '../../../../broker/coordinator/group-state';
import { GroupMember } from '../../../../broker/coordinator/group-member';
import { loadGroups } from '../../../../broker/coordinator/group-loader';
import { groupRecord, javaStringHash, offsetRecord, parseGroupRecord, partitionForGroup, type GroupRecord } from '../../../../broker/coordinator/group-records';

function member(id: string, protocols: string[]): GroupMember {
  return new GroupMember({
    memberId: id,
    groupInstanceId: null,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 1000,
    sessionTimeoutMs: 6000,
    protocolType: 'consumer',
    protocols: protocols.map((name) => ({ name, metadata: Buffer.from(name) })),
  });
}

test('only Kafka’s transitions are legal', () => {
  const all: GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];
  const legal = all.flatMap((from) => all.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
  expect(legal.sort()).toEqual(
    [
      'Empty->PreparingRebalance',
      'PreparingRebalance->CompletingRebalance',
      'PreparingRebalance->Empty',
      'CompletingRebalance->Stable',
      'CompletingRebalance->PreparingRebalance',
      'Stable->PreparingRebalance',
      ...all.map((s) => `${s}->Dead`),
    ].sort(),
  );
  const group = new ClassicGroup('g', 0);
  expect(() => group.transitionTo('Stable', 1)).toThrow(IllegalStateTransition);
});

test('protocol choice: common to all members, by first-choice votes; incompatible members are refused', () => {
  const group = new ClassicGroup('g', 0);
  group.add(member('a', ['range', 'roundrobin']));
  group.add(member('b', ['roundrobin', 'range']));
  group.add(member('c', ['roundrobin']));
  expect([...group.candidateProtocols()]).toEqual(['roundrobin']);
  expect(group.selectProtocol()).toBe('roundrobin');
  expect(group.supportsProtocols('consumer', [{ name: 'range', metadata: Buffer.alloc(0) }])).toBe(false);
  expect(group.supportsProtocols('connect', [{ name: 'roundrobin', metadata: Buffer.alloc(0) }])).toBe(false);
  expect(group.supportsProtocols('consumer', [{ name: 'roundrobin', metadata: Buffer.alloc(0) }])).toBe(true);
  expect(group.leaderId).toBe('a');
  group.remove('a');
  expect(group.leaderId).toBe('b');
});

test('group ids map to partitions as in Kafka (Java String.hashCode, abs(MIN_VALUE) = 0)', () => {
  expect(javaStringHash('hello')).toBe(99162322);
  expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  expect(partitionForGroup('polygenelubricants', 50)).toBe(0);
  expect(partitionForGroup('hello', 50)).toBe(99162322 % 50);
});

test('offset and group records round-trip through Kafka’s key/value formats', () => {
  const offset = offsetRecord('g', 'orders', 3, { offset: 42, leaderEpoch: 7, metadata: 'm', commitTimestamp: 1700000000000 });
  expect(offset.key.readInt16BE(0)).toBe(1);
  expect(offset.value?.readInt16BE(0)).toBe(3);
  expect(parseGroupRecord(offset.key, offset.value)).toEqual({
    kind: 'offset', groupId: 'g', topic: 'orders', partition: 3, value: { offset: 42, leaderEpoch: 7, metadata: 'm', commitTimestamp: 1700000000000 },
  });
  const stored = {
    protocolType: 'consumer', generationId: 4, protocolName: 'range', leaderId: 'm1', currentStateTimestamp: 5,
    members: [{ memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 100, sessionTimeoutMs: 6000, subscription: Buffer.from('s'), assignment: Buffer.from('a') }],
  };
  const group = groupRecord('g', stored);
  expect(group.key.readInt16BE(0)).toBe(2);
  expect(parseGroupRecord(group.key, group.value)).toEqual({ kind: 'group', groupId: 'g', value: stored });
  expect(parseGroupRecord(group.key, null)).toEqual({ kind: 'group', groupId: 'g', value: null });
  // Newer record types (KIP-848 and share groups) are skipped, not treated as corruption.
  expect(parseGroupRecord(Buffer.from([0, 5, 0, 0]), null)).toBeNull();
});

test('replay: the newest record per key wins, tombstones delete, members come back Stable', () => {
  const records: GroupRecord[] = [
    { kind: 'offset', groupId: 'g', topic: 't', partition: 0, value: { offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 1 } },
    { kind: 'offset', groupId: 'g', topic: 't', partition: 0, value: { offset: 9, leaderEpoch: -1, metadata: '', commitTimestamp: 2 } },
    { kind: 'offset', groupId: 'g', topic: 't', partition: 1, value: { offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 2 } },
    { kind: 'offset', groupId: 'g', topic: 't', partition: 1, value: null },
    { kind: 'offset', groupId: 'gone', topic: 't', partition: 0, value: { offset: 3, leaderEpoch: -1, metadata: '', commitTimestamp: 2 } },
    { kind: 'offset', groupId: 'gone', topic: 't', partition: 0, value: null },
    { kind: 'group', groupId: 'gone', value: null },
    {
      kind: 'group', groupId: 'g', value: {
        protocolType: 'consumer', generationId: 3, protocolName: 'range', leaderId: 'm1', currentStateTimestamp: 10,
        members: [{ memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 100, sessionTimeoutMs: 6000, subscription: Buffer.from('s'), assignment: Buffer.from('a') }],
      },
    },
  ];
  const { groups } = loadGroups(records, 100);
  expect(groups.map((g) => g.groupId)).toEqual(['g']);
  const g = groups[0] as ClassicGroup;
  expect(g.state).toBe('Stable');
  expect(g.generationId).toBe(3);
  expect(g.get('m1')?.assignment).toEqual(Buffer.from('a'));
  expect(g.committed('t', 0)?.offset).toBe(9);
  expect(g.committed('t', 1)).toBeUndefined();
});
