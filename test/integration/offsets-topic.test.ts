/**
 * __consumer_offsets under load and over time: it is compacted, so steady commits of the same
 * partitions keep it small while the latest commit per partition survives a restart; and the
 * offsets of a group that stays empty expire after offsets.retention.minutes.
 */
import { ApiKey } from '../../broker/protocol/apis';
import { OFFSETS_TOPIC } from '../../broker/coordinator/offsets-topic';
import { RawKafka } from '../helpers/raw-kafka';
import { removeDir, startBroker, tempDir } from '../helpers/broker-harness';

const PROPS = {
  'offsets.topic.num.partitions': '1',
  'offsets.topic.segment.bytes': '16384',
  'log.cleaner.backoff.ms': '100',
};

function simpleCommit(raw: RawKafka, round: number): Promise<unknown> {
  return raw.request(ApiKey.OffsetCommit, 7, {
    groupId: 'steady',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: 'load', partitions: [0, 1, 2, 3].map((p) => ({ partitionIndex: p, committedOffset: round * 10 + p, committedLeaderEpoch: -1, committedMetadata: '' })) }],
  });
}

test('steady commits keep __consumer_offsets small, and the latest commits survive a restart', async () => {
  const dir = tempDir();
  let b = await startBroker(PROPS, dir);
  try {
    await b.broker.services.logs.createTopic({ name: 'load', partitions: 4, configs: {} });
    const raw = await RawKafka.connect(b.broker.port);
    const rounds = 6000;
    for (let round = 1; round <= rounds; round++) await simpleCommit(raw, round);
    raw.close();
    const log = b.broker.services.logs.partition(OFFSETS_TOPIC, 0);
    if (!log) throw new Error('no __consumer_offsets partition');
    const written = log.logEndOffset;
    expect(written).toBe(rounds * 4);
    // The cleaner runs every 100 ms; wait for it to have caught up with the rolled segments.
    const deadline = Date.now() + 20000;
    while (log.size > 64 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Without compaction this would be about 6000 batches of ~190 bytes, over 1 MB.
    expect(log.size).toBeLessThanOrEqual(64 * 1024);

    await b.stop();
    b = await startBroker(PROPS, dir);
    const group = b.broker.services.coordinator.groups.groups.get('steady');
    expect([0, 1, 2, 3].map((p) => group?.committed('load', p)?.offset)).toEqual([0, 1, 2, 3].map((p) => rounds * 10 + p));
  } finally {
    await b.stop();
    removeDir(dir);
  }
}, 60000);

test("an empty group's offsets expire after offsets.retention.minutes, and the group with them", async () => {
  const b = await startBroker({ 'offsets.topic.num.partitions': '1', 'offsets.retention.minutes': '1' });
  try {
    await b.broker.services.logs.createTopic({ name: 'load', partitions: 4, configs: {} });
    const raw = await RawKafka.connect(b.broker.port);
    await simpleCommit(raw, 1);
    raw.close();
    const { groups, offsets } = b.broker.services.coordinator;
    expect(await offsets.expire(Date.now() + 30_000)).toBe(0);
    expect(groups.groups.get('steady')?.offsetCount()).toBe(4);
    expect(await offsets.expire(Date.now() + 61_000)).toBe(4);
    expect(groups.groups.has('steady')).toBe(false);
  } finally {
    await b.stop();
    removeDir(b.logDir);
  }
});
