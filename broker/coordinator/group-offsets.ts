/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete, DeleteGroups and the expiry of an
 * empty group's offsets after offsets.retention.minutes. Every change is written to
 * __consumer_offsets first and applied in memory once the write is durable.
 */
import type { Logger } from 'pino';
import type { LogManager } from '../log/log-manager';
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription } from '../protocol/consumer-protocol';
import { ErrorCode, errorCodeOf } from '../protocol/error-codes';
import type { ClassicGroup } from './classic-group';
import type { CoordinatorConfig } from './coordinator-config';
import type { GroupCoordinator } from './group-coordinator';
import { groupRecord, offsetRecord, type CommittedOffset, type KeyValue } from './group-records';
import type { OffsetsTopic } from './offsets-topic';

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
}

export interface PartitionResult {
  partitionIndex: number;
  errorCode: number;
}

export interface TopicResult {
  name: string;
  partitions: PartitionResult[];
}

export interface FetchedOffset {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

/** OffsetFetch's answer for a partition without a committed offset. */
const NO_OFFSET = { committedOffset: -1, committedLeaderEpoch: -1, metadata: '' };

export class GroupOffsets {
  constructor(
    private readonly groups: GroupCoordinator,
    private readonly store: OffsetsTopic,
    private readonly logs: LogManager,
    private readonly config: CoordinatorConfig,
    private readonly logger: Logger,
  ) {}

  /**
   * Negative offsets are stored as given, as Kafka does: kafkajs's resetOffsets commits -2/-1 to
   * mean "earliest"/"latest" for its consumers to resolve.
   */
  async commit(req: OffsetCommitRequest): Promise<TopicResult[]> {
    const all = (errorCode: number): TopicResult[] =>
      req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    const { errorCode, group } = this.groups.authorizeCommit(req);
    if (group === null) return all(errorCode);
    const now = Date.now();
    const accepted: { topic: string; partition: number; value: CommittedOffset }[] = [];
    const results = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const metadata = p.committedMetadata ?? '';
        let code: number = ErrorCode.NONE;
        if (Buffer.byteLength(metadata) > this.config.maxOffsetMetadataBytes) code = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        else if (!this.logs.partition(t.name, p.partitionIndex)) code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else {
          accepted.push({
            topic: t.name,
            partition: p.partitionIndex,
            value: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: now },
          });
        }
        return { partitionIndex: p.partitionIndex, errorCode: code };
      }),
    }));
    if (accepted.length === 0) return results;
    try {
      await this.store.write(group.groupId, accepted.map((a) => offsetRecord(group.groupId, a.topic, a.partition, a.value)), now);
    } catch (err) {
      this.logger.error({ groupId: group.groupId, err }, 'storing committed offsets failed');
      const code = errorCodeOf(err) === ErrorCode.MESSAGE_TOO_LARGE ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      for (const t of results) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = code;
      return results;
    }
    for (const a of accepted) group.setCommitted(a.topic, a.partition, a.value);
    return results;
  }

  /** Committed offsets of the given topics/partitions, or of everything the group committed (null). */
  fetch(groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null): { name: string; partitions: FetchedOffset[] }[] {
    const group = this.groups.groups.get(groupId);
    const wanted = topics ?? [...(group?.offsets ?? new Map<string, Map<number, CommittedOffset>>())].map(([name, parts]) => ({ name, partitionIndexes: [...parts.keys()].sort((a, b) => a - b) }));
    return wanted.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        const c = group?.committed(t.name, partitionIndex);
        const found = c ? { committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata } : NO_OFFSET;
        return { partitionIndex, ...found, errorCode: ErrorCode.NONE };
      }),
    }));
  }

  /** DeleteGroups: only groups without members; their offsets and metadata are deleted with tombstones. */
  async deleteGroup(groupId: string): Promise<number> {
    if (this.groups.isClosed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    try {
      await this.store.write(groupId, [...this.offsetTombstones(group), groupRecord(groupId, null)], Date.now());
    } catch (err) {
      this.logger.error({ groupId, err }, 'deleting group failed');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    if (group.is('Empty')) this.groups.markDead(group);
    this.logger.info({ groupId }, 'group deleted');
    return ErrorCode.NONE;
  }

  /**
   * OffsetDelete: removes committed offsets, except those of topics an active consumer group is
   * still subscribed to (GROUP_SUBSCRIBED_TO_TOPIC).
   */
  async deleteOffsets(groupId: string, topics: { name: string; partitions: number[] }[]): Promise<{ errorCode: number; topics: TopicResult[] }> {
    const group = this.groups.groups.get(groupId);
    if (this.groups.isClosed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    const active = !group.is('Empty');
    if (active && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const subscribed = active ? subscribedTopics(group) : new Set<string>();
    const tombstones: KeyValue[] = [];
    const deleted: { topic: string; partition: number }[] = [];
    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partitionIndex) => {
        if (subscribed.has(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        if (group.committed(t.name, partitionIndex)) {
          tombstones.push(offsetRecord(groupId, t.name, partitionIndex, null));
          deleted.push({ topic: t.name, partition: partitionIndex });
        }
        return { partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
    try {
      await this.store.write(groupId, tombstones, Date.now());
    } catch (err) {
      this.logger.error({ groupId, err }, 'deleting offsets failed');
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    }
    for (const d of deleted) group.setCommitted(d.topic, d.partition, null);
    return { errorCode: ErrorCode.NONE, topics: results };
  }

  /**
   * offsets.retention.minutes: an Empty group's offsets expire that long after it became empty; a
   * simple group's (one that never had members) expire per partition, that long after their commit.
   * A group left with neither members nor offsets is deleted.
   */
  async expire(now: number): Promise<number> {
    let expired = 0;
    for (const group of [...this.groups.groups.values()]) {
      if (!group.is('Empty')) continue;
      const doomed: { topic: string; partition: number }[] = [];
      for (const [topic, partitions] of group.offsets) {
        for (const [partition, c] of partitions) {
          const since = group.protocolType === null ? c.commitTimestamp : Math.max(group.stateTimestamp, c.commitTimestamp);
          if (since + this.config.offsetsRetentionMs <= now) doomed.push({ topic, partition });
        }
      }
      const becomesUnused = doomed.length === group.offsetCount();
      if (doomed.length === 0 && !becomesUnused) continue;
      const records = doomed.map((d) => offsetRecord(group.groupId, d.topic, d.partition, null));
      if (becomesUnused) records.push(groupRecord(group.groupId, null));
      try {
        await this.store.write(group.groupId, records, now);
      } catch (err) {
        this.logger.error({ groupId: group.groupId, err }, 'expiring offsets failed');
        continue;
      }
      if (!group.is('Empty')) continue;
      for (const d of doomed) group.setCommitted(d.topic, d.partition, null);
      expired += doomed.length;
      if (becomesUnused) this.groups.markDead(group);
      this.logger.info({ groupId: group.groupId, expiredOffsets: doomed.length, groupDeleted: becomesUnused }, 'expired committed offsets');
    }
    return expired;
  }

  private offsetTombstones(group: ClassicGroup): KeyValue[] {
    const out: KeyValue[] = [];
    for (const [topic, partitions] of group.offsets) for (const partition of partitions.keys()) out.push(offsetRecord(group.groupId, topic, partition, null));
    return out;
  }
}

/** The topics the members of a consumer group subscribe to, from their JoinGroup metadata. */
export function subscribedTopics(group: ClassicGroup): Set<string> {
  const topics = new Set<string>();
  if (group.protocolName === null) return topics;
  for (const member of group.members.values()) {
    try {
      for (const t of decodeSubscription(member.metadataFor(group.protocolName)).topics) topics.add(t);
    } catch {
      // Metadata a consumer-protocol reader cannot parse subscribes to nothing we can name.
    }
  }
  return topics;
}
