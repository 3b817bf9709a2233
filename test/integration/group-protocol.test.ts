/**
 * The group coordinator at the protocol level, with exact requests: the two-step join, leader and
 * follower answers, heartbeats during a rebalance, static membership across a restart of the
 * member, and the error codes for bad requests, after each of which the group still works.
 */
import { ApiKey } from '../../broker/protocol/apis';
import type { Message } from '../../broker/protocol/codec';
import { ErrorCode } from '../../broker/protocol/error-codes';
import { RawKafka } from '../helpers/raw-kafka';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';

let b: InProcessBroker;
const sockets: RawKafka[] = [];

beforeAll(async () => {
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3' });
  await b.broker.services.logs.createTopic({ name: 'orders', partitions: 2, configs: {} });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await b.stop();
  removeDir(b.logDir);
});

async function connect(): Promise<RawKafka> {
  const raw = await RawKafka.connect(b.broker.port);
  sockets.push(raw);
  return raw;
}

const protocols = (name = 'range', metadata = Buffer.from('sub')) => [{ name, metadata }];

function joinRequest(groupId: string, memberId: string, extra: Message = {}): Message {
  return {
    groupId,
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 5000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: protocols(),
    ...extra,
  };
}

const join = (raw: RawKafka, groupId: string, memberId: string, extra: Message = {}) =>
  raw.request(ApiKey.JoinGroup, 5, joinRequest(groupId, memberId, extra), 15000);

const sync = (raw: RawKafka, groupId: string, memberId: string, generationId: number, assignments: Message[] = [], extra: Message = {}) =>
  raw.request(ApiKey.SyncGroup, 3, { groupId, generationId, memberId, groupInstanceId: null, assignments, ...extra }, 15000);

const heartbeat = (raw: RawKafka, groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null) =>
  raw.request(ApiKey.Heartbeat, 3, { groupId, generationId, memberId, groupInstanceId });

const commit = (raw: RawKafka, groupId: string, memberId: string, generationId: number, offset: number, metadata = '') =>
  raw.request(ApiKey.OffsetCommit, 7, {
    groupId,
    generationIdOrMemberEpoch: generationId,
    memberId,
    groupInstanceId: null,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: metadata }] }],
  });

const commitError = (res: Message): number => res.topics[0].partitions[0].errorCode;

/** A dynamic member through the KIP-394 two-step join. */
async function joinNew(raw: RawKafka, groupId: string, extra: Message = {}): Promise<Message> {
  const first = await join(raw, groupId, '', extra);
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^raw-test-/);
  return join(raw, groupId, first.memberId, extra);
}

/** One member, Stable, with an assignment. */
async function stableGroup(groupId: string): Promise<{ raw: RawKafka; memberId: string; generationId: number }> {
  const raw = await connect();
  const joined = await joinNew(raw, groupId);
  expect(joined).toMatchObject({ errorCode: 0, leader: joined.memberId, protocolName: 'range' });
  const synced = await sync(raw, groupId, joined.memberId, joined.generationId, [{ memberId: joined.memberId, assignment: Buffer.from('all') }]);
  expect(synced).toMatchObject({ errorCode: 0, assignment: Buffer.from('all') });
  return { raw, memberId: joined.memberId, generationId: joined.generationId };
}

test('a second member triggers a rebalance: heartbeats say so, the leader gets both members, the follower gets its assignment', async () => {
  const a = await stableGroup('g-rebalance');
  const bRaw = await connect();
  const first = await join(bRaw, 'g-rebalance', '');
  const bJoin = join(bRaw, 'g-rebalance', first.memberId);
  // The join phase waits for the current member: its heartbeat tells it to rejoin.
  await new Promise((r) => setTimeout(r, 100));
  expect((await heartbeat(a.raw, 'g-rebalance', a.memberId, a.generationId)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const [aJoined, bJoined] = await Promise.all([join(a.raw, 'g-rebalance', a.memberId), bJoin]);
  expect(aJoined.generationId).toBe(a.generationId + 1);
  expect(bJoined.generationId).toBe(a.generationId + 1);
  expect(aJoined.leader).toBe(a.memberId);
  expect(aJoined.members.map((m: Message) => m.memberId).sort()).toEqual([a.memberId, first.memberId].sort());
  expect(bJoined.members).toEqual([]);
  // The follower's SyncGroup waits for the leader's.
  const bSync = sync(bRaw, 'g-rebalance', first.memberId, bJoined.generationId);
  const aSync = await sync(a.raw, 'g-rebalance', a.memberId, aJoined.generationId, [
    { memberId: a.memberId, assignment: Buffer.from('p0') },
    { memberId: first.memberId, assignment: Buffer.from('p1') },
  ]);
  expect(aSync.assignment).toEqual(Buffer.from('p0'));
  expect((await bSync).assignment).toEqual(Buffer.from('p1'));
  expect((await heartbeat(bRaw, 'g-rebalance', first.memberId, bJoined.generationId)).errorCode).toBe(0);
  const described = await a.raw.request(ApiKey.DescribeGroups, 2, { groups: ['g-rebalance'] });
  expect(described.groups[0]).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
  expect(described.groups[0].members).toHaveLength(2);
});

test('stale generations, unknown members and bad joins get Kafka error codes; the group keeps working', async () => {
  const a = await stableGroup('g-errors');
  const other = await connect();
  expect(commitError(await commit(other, 'g-errors', a.memberId, a.generationId - 1, 5))).toBe(ErrorCode.ILLEGAL_GENERATION);
  expect(commitError(await commit(other, 'g-errors', 'nobody', a.generationId, 5))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect(commitError(await commit(other, 'g-errors', '', -1, 5))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect((await heartbeat(other, 'g-errors', 'nobody', a.generationId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect((await heartbeat(other, 'g-errors', a.memberId, a.generationId + 7)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  expect((await sync(other, 'g-errors', 'nobody', a.generationId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect((await join(other, 'g-errors', 'made-up-id')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  expect((await join(other, 'g-errors', '', { protocolType: 'connect' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  expect((await join(other, 'g-errors', '', { protocols: protocols('roundrobin') })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  expect((await join(other, 'g-errors', '', { sessionTimeoutMs: 10 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
  const huge = await join(other, 'g-errors', '', { protocols: protocols('range', Buffer.alloc(2 * 1024 * 1024, 1)) });
  expect(huge.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  expect(commitError(await commit(a.raw, 'g-errors', a.memberId, a.generationId, 5, 'x'.repeat(5000)))).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
  // None of that disturbed the member.
  expect((await heartbeat(a.raw, 'g-errors', a.memberId, a.generationId)).errorCode).toBe(0);
  expect(commitError(await commit(a.raw, 'g-errors', a.memberId, a.generationId, 5, 'meta'))).toBe(0);
  const fetched = await a.raw.request(ApiKey.OffsetFetch, 7, { groupId: 'g-errors', topics: [{ name: 'orders', partitionIndexes: [0, 1] }], requireStable: false });
  expect(fetched.topics[0].partitions).toEqual([
    expect.objectContaining({ partitionIndex: 0, committedOffset: 5, metadata: 'meta', errorCode: 0 }),
    expect.objectContaining({ partitionIndex: 1, committedOffset: -1, errorCode: 0 }),
  ]);
  const described = await a.raw.request(ApiKey.DescribeGroups, 2, { groups: ['g-errors'] });
  expect(described.groups[0]).toMatchObject({ groupState: 'Stable' });
  expect(described.groups[0].members).toHaveLength(1);
});

test('a static member restarting with the same group.instance.id keeps its assignment without a rebalance', async () => {
  const first = await connect();
  const joined = await join(first, 'g-static', '', { groupInstanceId: 'worker-1' });
  expect(joined.errorCode).toBe(0);
  await sync(first, 'g-static', joined.memberId, joined.generationId, [{ memberId: joined.memberId, assignment: Buffer.from('mine') }], { groupInstanceId: 'worker-1' });
  first.close();
  const again = await connect();
  const rejoined = await join(again, 'g-static', '', { groupInstanceId: 'worker-1' });
  expect(rejoined).toMatchObject({ errorCode: 0, generationId: joined.generationId });
  expect(rejoined.memberId).not.toBe(joined.memberId);
  const synced = await sync(again, 'g-static', rejoined.memberId, rejoined.generationId, [], { groupInstanceId: 'worker-1' });
  expect(synced).toMatchObject({ errorCode: 0, assignment: Buffer.from('mine') });
  // The old incarnation is fenced.
  expect((await heartbeat(again, 'g-static', joined.memberId, joined.generationId, 'worker-1')).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
});

test('leaving empties the group; simple commits, OffsetDelete and DeleteGroups then work', async () => {
  const a = await stableGroup('g-leave');
  const left = await a.raw.request(ApiKey.LeaveGroup, 3, { groupId: 'g-leave', members: [{ memberId: a.memberId, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }] });
  expect(left.members.map((m: Message) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID]);
  await new Promise((r) => setTimeout(r, 50));
  const listed = await a.raw.request(ApiKey.ListGroups, 4, { statesFilter: ['Empty'] });
  expect(listed.groups.map((g: Message) => g.groupId)).toContain('g-leave');
  expect(commitError(await commit(a.raw, 'g-leave', '', -1, 9))).toBe(0);
  const deleted = await a.raw.request(ApiKey.OffsetDelete, 0, { groupId: 'g-leave', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
  expect(deleted).toMatchObject({ errorCode: 0 });
  expect(b.broker.services.coordinator.groups.groups.get('g-leave')?.committed('orders', 0)).toBeUndefined();
  const gone = await a.raw.request(ApiKey.DeleteGroups, 1, { groupsNames: ['g-leave', 'never-existed'] });
  expect(gone.results).toEqual([
    { groupId: 'g-leave', errorCode: 0 },
    { groupId: 'never-existed', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
  ]);
});

test('DeleteGroups refuses a group with members; OffsetDelete refuses a subscribed topic', async () => {
  const raw = await connect();
  const subscription = Buffer.from([0, 0, 0, 0, 0, 1, 0, 6, ...Buffer.from('orders'), 0xff, 0xff, 0xff, 0xff]);
  const joined = await joinNew(raw, 'g-busy', { protocols: protocols('range', subscription) });
  await sync(raw, 'g-busy', joined.memberId, joined.generationId, [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }]);
  expect(commitError(await commit(raw, 'g-busy', joined.memberId, joined.generationId, 1))).toBe(0);
  const gone = await raw.request(ApiKey.DeleteGroups, 1, { groupsNames: ['g-busy'] });
  expect(gone.results[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  const deleted = await raw.request(ApiKey.OffsetDelete, 0, { groupId: 'g-busy', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
  expect(deleted.topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
});

test('the rebalance timeout bounds the join phase: a member that does not rejoin is dropped', async () => {
  const quick = { rebalanceTimeoutMs: 800 };
  const aRaw = await connect();
  const aJoined = await joinNew(aRaw, 'g-timeout', quick);
  await sync(aRaw, 'g-timeout', aJoined.memberId, aJoined.generationId, [{ memberId: aJoined.memberId, assignment: Buffer.from('a') }]);
  const bRaw = await connect();
  const started = Date.now();
  const bJoined = await joinNew(bRaw, 'g-timeout', quick);
  expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  expect(bJoined).toMatchObject({ errorCode: 0, leader: bJoined.memberId, generationId: aJoined.generationId + 1 });
  expect(bJoined.members.map((m: Message) => m.memberId)).toEqual([bJoined.memberId]);
  expect((await heartbeat(aRaw, 'g-timeout', aJoined.memberId, aJoined.generationId)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
});
