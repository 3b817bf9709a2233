/**
 * A group's committed offsets: OffsetFetch and OffsetCommit against the coordinator, shared by the
 * group consumer (commits as a member of a generation) and the admin (simple commits with
 * generation -1 and no member, which the coordinator accepts only while the group has no members).
 */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import type { TopicPartitions } from '../protocol/consumer-protocol';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { isCoordinatorError, type CoordinatorClient } from './coordinator-client';
import { brokerError } from './errors';

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch?: number;
  metadata?: string | null;
}

export interface CommitResult {
  topic: string;
  partition: number;
  error: KafkaError | null;
}

/** Who commits: a member of a generation, or (generation -1, member "") an admin or simple consumer. */
export interface CommitIdentity {
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export const SIMPLE_COMMIT: CommitIdentity = { generationId: -1, memberId: '' };

/** Partition-level errors of the old versions carry the coordinator errors that v2+ put at the top. */
function firstCoordinatorError(res: Message, topicsField: string): number {
  if (res.errorCode) return res.errorCode;
  for (const t of (res[topicsField] as Message[] | null) ?? []) {
    for (const p of t.partitions as Message[]) if (isCoordinatorError(p.errorCode) || p.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return p.errorCode;
  }
  return ErrorCode.NONE;
}

export function groupByTopic(items: ReadonlyArray<{ topic: string; partition: number }>): TopicPartitions[] {
  const map = new Map<string, number[]>();
  for (const i of items) map.set(i.topic, [...(map.get(i.topic) ?? []), i.partition]);
  return [...map].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * The group's committed offsets for the given partitions (null: every partition with a commit).
 * Partitions without a committed offset are left out. A group that does not exist has none.
 */
export async function fetchCommittedOffsets(coordinator: CoordinatorClient, partitions: readonly TopicPartitions[] | null, opts: { signal?: AbortSignal } = {}): Promise<CommittedOffset[]> {
  const { res, version } = await coordinator.call(
    ApiKey.OffsetFetch,
    (v) => {
      if (partitions === null && v < 2) throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, 'fetching all committed offsets needs OffsetFetch v2+');
      return { groupId: coordinator.groupId, topics: partitions === null ? null : partitions.map((p) => ({ name: p.topic, partitionIndexes: p.partitions })), requireStable: false };
    },
    { signal: opts.signal, errorCode: (r) => firstCoordinatorError(r, 'topics') },
  );
  const context = `fetch committed offsets of group '${coordinator.groupId}'`;
  if (version >= 2 && res.errorCode !== ErrorCode.NONE) {
    if (res.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return [];
    throw brokerError(res.errorCode, null, context);
  }
  const out: CommittedOffset[] = [];
  for (const t of res.topics as Message[]) {
    for (const p of t.partitions as Message[]) {
      if (p.errorCode !== ErrorCode.NONE && p.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw brokerError(p.errorCode, null, `${context} (${t.name}-${p.partitionIndex})`);
      if (p.errorCode !== ErrorCode.NONE || p.committedOffset < 0) continue;
      out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.metadata ?? null });
    }
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/** Commits offsets; the result lists each partition's error (null when committed). */
export async function commitOffsets(coordinator: CoordinatorClient, who: CommitIdentity, offsets: readonly OffsetToCommit[], opts: { signal?: AbortSignal } = {}): Promise<CommitResult[]> {
  if (offsets.length === 0) return [];
  const byTopic = new Map<string, OffsetToCommit[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
  const { res } = await coordinator.call(
    ApiKey.OffsetCommit,
    (v) => {
      if (who.groupInstanceId && v < 7) throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, 'committing as a static member needs OffsetCommit v7+');
      return {
        groupId: coordinator.groupId,
        generationIdOrMemberEpoch: who.generationId,
        memberId: who.memberId,
        groupInstanceId: who.groupInstanceId ?? null,
        retentionTimeMs: -1,
        topics: [...byTopic].map(([name, list]) => ({
          name,
          partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, commitTimestamp: -1, committedMetadata: o.metadata ?? '' })),
        })),
      };
    },
    { signal: opts.signal, errorCode: (r) => firstCoordinatorError(r, 'topics') },
  );
  const out: CommitResult[] = [];
  for (const t of res.topics as Message[]) {
    for (const p of t.partitions as Message[]) {
      out.push({ topic: t.name, partition: p.partitionIndex, error: p.errorCode === ErrorCode.NONE ? null : brokerError(p.errorCode, null, `commit offset of ${t.name}-${p.partitionIndex} for group '${coordinator.groupId}'`) });
    }
  }
  return out;
}

/** Throws the first partition's error of a commit. */
export function throwIfCommitFailed(results: readonly CommitResult[]): void {
  const failed = results.find((r) => r.error);
  if (failed?.error) throw failed.error;
}
