/**
 * Consumer group administration over the Kafka protocol, as Kafka's AdminClient does it: list groups
 * (every broker), describe them (members with their decoded subscriptions and assignments), read,
 * set and delete committed offsets, and delete groups. Requests about a group go to its coordinator.
 */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, type TopicPartitions } from '../protocol/consumer-protocol';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { CoordinatorClient, findCoordinator } from './coordinator-client';
import { brokerError } from './errors';
import { SIMPLE_COMMIT, commitOffsets, fetchCommittedOffsets, throwIfCommitFailed, type CommittedOffset, type OffsetToCommit } from './group-offsets';
import type { KafkaClient } from './kafka-client';
import type { BrokerNode } from './metadata';

export interface GroupListing {
  groupId: string;
  protocolType: string;
  /** Null when the broker does not report states (ListGroups before v4). */
  state: string | null;
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Subscribed topics; empty when the member's metadata is not a consumer subscription. */
  topics: string[];
  /** The member's assigned partitions (consumer groups; empty otherwise). */
  assignment: TopicPartitions[];
}

export interface GroupDescription {
  groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable, or Dead (also for a group that does not exist). */
  state: string;
  protocolType: string;
  /** The chosen protocol: for consumer groups, the assignor. */
  protocol: string;
  members: MemberDescription[];
  coordinator: BrokerNode;
}

export interface DeleteGroupResult {
  groupId: string;
  error: KafkaError | null;
}

export interface DeleteOffsetsResult {
  /** A group-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...), or null. */
  error: KafkaError | null;
  partitions: Array<{ topic: string; partition: number; error: KafkaError | null }>;
}

function decodeMember(m: Message, protocolType: string): MemberDescription {
  let topics: string[] = [];
  let assignment: TopicPartitions[] = [];
  if (protocolType === CONSUMER_PROTOCOL_TYPE) {
    try {
      if (m.memberMetadata && m.memberMetadata.length > 0) topics = decodeSubscription(m.memberMetadata).topics;
      assignment = decodeAssignment(m.memberAssignment).assignedPartitions;
    } catch {
      // Not a consumer subscription after all: describe the member without it.
    }
  }
  return { memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, clientId: m.clientId, clientHost: m.clientHost, topics, assignment };
}

export class GroupAdmin {
  constructor(readonly client: KafkaClient) {}

  private coordinatorOf(groupId: string): CoordinatorClient {
    return new CoordinatorClient(this.client, groupId);
  }

  /** Groups on every broker (optionally only those in `states`, ListGroups v4+), sorted by id. */
  async listGroups(opts: { states?: readonly string[] } = {}): Promise<GroupListing[]> {
    const cluster = await this.client.metadata([]);
    const nodes = [...cluster.brokers.keys()];
    const seen = new Map<string, GroupListing>();
    await Promise.all(
      nodes.map(async (nodeId) => {
        const conn = await this.client.connectionTo(nodeId);
        const version = conn.version(ApiKey.ListGroups);
        const res = await conn.request(ApiKey.ListGroups, version, { statesFilter: opts.states ?? [], typesFilter: [] });
        if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, null, `list groups on broker ${nodeId}`);
        for (const g of res.groups as Message[]) {
          const state = version >= 4 ? (g.groupState as string) : null;
          // Without a broker-side filter, filtering needs the state: leave it to the caller then.
          seen.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state });
        }
      }),
    );
    return [...seen.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** Describes groups; a group that does not exist comes back in state Dead with no members. */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    const out = new Map<string, GroupDescription>();
    await Promise.all(
      groupIds.map(async (groupId) => {
        const coordinator = this.coordinatorOf(groupId);
        const { res } = await coordinator.call(ApiKey.DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false }, { errorCode: (r) => ((r.groups as Message[])[0]?.errorCode as number) ?? ErrorCode.NONE });
        const g = (res.groups as Message[]).find((x) => x.groupId === groupId);
        const node = coordinator.coordinator as BrokerNode;
        if (!g || g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) {
          out.set(groupId, { groupId, state: 'Dead', protocolType: '', protocol: '', members: [], coordinator: node });
          return;
        }
        if (g.errorCode !== ErrorCode.NONE) throw brokerError(g.errorCode, null, `describe group '${groupId}'`);
        out.set(groupId, {
          groupId,
          state: g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          members: (g.members as Message[]).map((m) => decodeMember(m, g.protocolType)),
          coordinator: node,
        });
      }),
    );
    return groupIds.map((id) => out.get(id) as GroupDescription);
  }

  /** The group's coordinator. */
  findCoordinator(groupId: string): Promise<BrokerNode> {
    return findCoordinator(this.client, groupId);
  }

  /** Committed offsets of a group: of every partition (topics omitted) or of these topics' partitions. */
  async fetchOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffset[]> {
    let partitions: TopicPartitions[] | null = null;
    if (topics !== undefined) {
      partitions = [];
      for (const topic of topics) partitions.push({ topic, partitions: (await this.client.topic(topic)).partitions.map((p) => p.partition) });
    }
    return fetchCommittedOffsets(this.coordinatorOf(groupId), partitions);
  }

  /**
   * Sets committed offsets as an admin (generation -1, no member): the coordinator accepts this only
   * while the group has no members. Throws the first partition's error.
   */
  async commitOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    throwIfCommitFailed(await commitOffsets(this.coordinatorOf(groupId), SIMPLE_COMMIT, offsets));
  }

  /** Deletes groups (and their offsets); each result carries its group's error (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, ...). */
  async deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        const { res } = await this.coordinatorOf(groupId).call(ApiKey.DeleteGroups, { groupsNames: [groupId] }, { errorCode: (r) => ((r.results as Message[])[0]?.errorCode as number) ?? ErrorCode.NONE });
        const r = (res.results as Message[]).find((x) => x.groupId === groupId);
        const code: number = r ? r.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR;
        return { groupId, error: code === ErrorCode.NONE ? null : brokerError(code, null, `delete group '${groupId}'`) };
      }),
    );
  }

  /** Deletes committed offsets of partitions (OffsetDelete); allowed while no member consumes those topics. */
  async deleteOffsets(groupId: string, partitions: readonly TopicPartitions[]): Promise<DeleteOffsetsResult> {
    const { res } = await this.coordinatorOf(groupId).call(ApiKey.OffsetDelete, {
      groupId,
      topics: partitions.map((t) => ({ name: t.topic, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })) })),
    });
    const context = `delete offsets of group '${groupId}'`;
    const out: DeleteOffsetsResult = { error: res.errorCode === ErrorCode.NONE ? null : brokerError(res.errorCode, null, context), partitions: [] };
    for (const t of res.topics as Message[]) {
      for (const p of t.partitions as Message[]) {
        out.partitions.push({ topic: t.name, partition: p.partitionIndex, error: p.errorCode === ErrorCode.NONE ? null : brokerError(p.errorCode, null, `${context} for ${t.name}-${p.partitionIndex}`) });
      }
    }
    return out;
  }
}
