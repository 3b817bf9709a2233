/**
 * A consumer in a consumer group (the classic protocol, protocol type "consumer"), behaving like
 * Kafka's clients: it finds the coordinator, joins, and when it is the leader assigns the
 * subscribed topics' partitions with the protocol the coordinator chose (`range`, `roundrobin`).
 * Positions start at the group's committed offsets, or at auto.offset.reset where there are none.
 * Heartbeats run in the background; a rebalance they learn of is carried out on the next poll,
 * after committing (with auto-commit) and revoking, as the eager protocol does. close() commits and
 * leaves the group. Fetching is the PartitionFetcher that AssignedConsumer uses too.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../protocol/consumer-protocol';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { assignorsByName, type MemberSubscription, type PartitionAssignor } from './assignors';
import { CoordinatorClient } from './coordinator-client';
import { GroupMembership, type JoinedMember } from './group-membership';
import { commitOffsets, fetchCommittedOffsets, groupByTopic, type CommittedOffset, type OffsetToCommit } from './group-offsets';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type KafkaClient } from './kafka-client';
import { PartitionFetcher, type FetchedRecords, type ResetPolicy, type TopicPartition } from './partition-fetcher';

export interface RebalanceListener {
  /** Before a rebalance (after the auto-commit) and on close: these partitions are given up. */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  /** After a rebalance, once positions are set. */
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
}

export interface GroupConsumerOptions {
  groupId: string;
  /** The subscribed topics; with `topicPattern`, may be empty. */
  topics: readonly string[];
  /**
   * Pattern subscription (the Java consumer's subscribe(Pattern)): every existing topic whose whole name matches,
   * re-evaluated every metadataMaxAgeMs; a change of the matching set rejoins the group with the new subscription.
   */
  topicPattern?: RegExp;
  /** Static membership (group.instance.id, JoinGroup v5+). */
  groupInstanceId?: string | null;
  /** session.timeout.ms, default 45000 (librdkafka's). */
  sessionTimeoutMs?: number;
  /** The rebalance timeout, which is also max.poll.interval.ms: default 300000. */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms, default 3000. */
  heartbeatIntervalMs?: number;
  /** partition.assignment.strategy, in order of preference; default range, roundrobin. */
  assignors?: ReadonlyArray<string | PartitionAssignor>;
  /** Where to start without a committed offset, and what to do out of range. Default latest. */
  autoOffsetReset?: ResetPolicy;
  /** enable.auto.commit, default true. */
  autoCommit?: boolean;
  /** auto.commit.interval.ms, default 5000. */
  autoCommitIntervalMs?: number;
  /** How often the leader checks the subscribed topics' partition counts, and a pattern is re-evaluated (metadata.max.age.ms); default 300000. */
  metadataMaxAgeMs?: number;
  maxWaitMs?: number;
  minBytes?: number;
  partitionMaxBytes?: number;
  /** 0 READ_UNCOMMITTED (default), 1 READ_COMMITTED. */
  isolationLevel?: number;
  verifyCrc?: boolean;
  listener?: RebalanceListener;
  /** Aborts polls (and the joins inside them); close() still commits and leaves. */
  signal?: AbortSignal;
  logger?: Logger;
}

export class GroupConsumer {
  private readonly membership: GroupMembership;
  private readonly coordinator: CoordinatorClient;
  private readonly fetcher: PartitionFetcher;
  private readonly assignors: PartitionAssignor[];
  private topics: string[];
  private readonly committedPositions = new Map<string, number>();
  private lastPollAt = Date.now();
  private nextAutoCommitAt = 0;
  /** Partition counts the leader assigned from, and when it last checked them. */
  private assignedFrom: Map<string, number> | null = null;
  private metadataCheckedAt = 0;
  /** When the topic pattern was last matched against the cluster's topics; 0 forces a match before the first join. */
  private patternCheckedAt = 0;
  private closed = false;
  /** close() is running: polls are refused, commits from the revocation listener are still allowed. */
  private closing = false;

  constructor(
    readonly client: KafkaClient,
    private readonly opts: GroupConsumerOptions,
  ) {
    if (opts.topics.length === 0 && !opts.topicPattern) throw new Error('a group consumer needs at least one topic or a topic pattern');
    this.topics = [...new Set(opts.topics)];
    this.assignors = (opts.assignors ?? ['range', 'roundrobin']).map((a) => (typeof a === 'string' ? (assignorsByName([a])[0] as PartitionAssignor) : a));
    if (this.assignors.length === 0) throw new Error('a group consumer needs at least one partition assignor');
    this.coordinator = new CoordinatorClient(client, opts.groupId, { dedicatedConnection: true });
    this.fetcher = new PartitionFetcher(client, {
      resetPolicy: opts.autoOffsetReset ?? 'latest',
      maxWaitMs: opts.maxWaitMs,
      minBytes: opts.minBytes,
      partitionMaxBytes: opts.partitionMaxBytes,
      isolationLevel: opts.isolationLevel,
      verifyCrc: opts.verifyCrc,
      signal: opts.signal,
    });
    const rebalanceTimeoutMs = opts.rebalanceTimeoutMs ?? 300000;
    this.membership = new GroupMembership(this.coordinator, {
      groupInstanceId: opts.groupInstanceId ?? null,
      sessionTimeoutMs: opts.sessionTimeoutMs ?? 45000,
      rebalanceTimeoutMs,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 3000,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: () => this.assignors.map((a) => ({ name: a.name, metadata: encodeSubscription({ topics: this.topics }) })),
      assign: (protocol, members, signal) => this.assign(protocol, members, signal),
      alive: () => Date.now() - this.lastPollAt <= rebalanceTimeoutMs,
      logger: opts.logger,
    });
  }

  get groupId(): string {
    return this.opts.groupId;
  }

  get memberId(): string {
    return this.membership.memberId;
  }

  get generationId(): number {
    return this.membership.generationId;
  }

  get isLeader(): boolean {
    return this.membership.isLeader;
  }

  /** The protocol (assignor) the coordinator chose in the current generation. */
  get protocolName(): string | null {
    return this.membership.protocolName;
  }

  /** The partitions assigned in the current generation. */
  assignment(): TopicPartition[] {
    return this.fetcher.assigned().sort(compareTopicPartitions);
  }

  /** The next offset to read from a partition (what a commit would store). */
  position(topic: string, partition: number): number | undefined {
    return this.fetcher.position(topic, partition);
  }

  /** Stops fetching the given assigned partitions until resumed; a rebalance forgets the pause, as in Kafka. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.fetcher.pause(tp.topic, tp.partition);
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.fetcher.resume(tp.topic, tp.partition);
  }

  paused(): TopicPartition[] {
    return this.assignment().filter((tp) => this.fetcher.isPaused(tp.topic, tp.partition));
  }

  seek(topic: string, partition: number, offset: number): void {
    if (this.fetcher.position(topic, partition) === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${partition} is not assigned to this consumer`);
    this.fetcher.seek(topic, partition, offset);
  }

  /** Joins the group now (poll does it too). */
  async join(signal = this.opts.signal): Promise<TopicPartition[]> {
    this.ensureOpen();
    this.lastPollAt = Date.now();
    if (this.membership.rejoinNeeded) await this.rejoin(signal);
    return this.assignment();
  }

  /**
   * Joins or rejoins the group when needed, auto-commits when due, then fetches once from the
   * assigned partitions. Records returned are consumed: their positions are what the next commit stores.
   */
  async poll(opts: { maxWaitMs?: number; signal?: AbortSignal } = {}): Promise<FetchedRecords[]> {
    this.ensureOpen();
    const signal = opts.signal ?? this.opts.signal;
    this.lastPollAt = Date.now();
    await this.maybeMatchPattern(signal);
    await this.maybeCheckMetadata(signal);
    if (this.membership.rejoinNeeded) await this.rejoin(signal);
    if (this.opts.autoCommit !== false && Date.now() >= this.nextAutoCommitAt) await this.autoCommit(signal);
    const maxWaitMs = opts.maxWaitMs ?? this.opts.maxWaitMs ?? 500;
    if (this.fetcher.size === 0) {
      await sleep(Math.min(maxWaitMs, 200), undefined, { signal });
      return [];
    }
    return this.fetcher.poll({ maxWaitMs, signal });
  }

  /**
   * Commits offsets as this member of the current generation: the given ones, or the consumed
   * position of every assigned partition. A commit refused because the group moved on
   * (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS) throws and makes the next poll rejoin.
   */
  async commitSync(offsets?: readonly OffsetToCommit[], opts: { signal?: AbortSignal } = {}): Promise<void> {
    this.ensureOpen({ duringClose: true });
    await this.commit(offsets ?? this.consumedOffsets(), opts.signal ?? this.opts.signal);
  }

  /** The group's committed offsets of the assigned partitions (or of `partitions`). */
  async committed(partitions: readonly TopicPartition[] = this.assignment(), opts: { signal?: AbortSignal } = {}): Promise<CommittedOffset[]> {
    return fetchCommittedOffsets(this.coordinator, groupByTopic(partitions), { signal: opts.signal ?? this.opts.signal });
  }

  /** Commits (with auto-commit), revokes, and leaves the group (a static member keeps its seat). */
  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.membership.stopHeartbeats();
    try {
      const joined = this.membership.generationId >= 0;
      if (joined && this.opts.autoCommit !== false) {
        await this.commit(this.consumedOffsets().filter((o) => this.committedPositions.get(key(o)) !== o.offset)).catch((err: Error) => this.warn('commit on close failed', err));
      }
      // As the Java consumer allows: the listener may still commit (commitSync) while its partitions are revoked.
      if (joined) await this.opts.listener?.onPartitionsRevoked?.(this.assignment());
      this.closed = true;
      await this.membership.leave().catch((err: Error) => this.warn('leaving the group failed', err));
    } finally {
      this.closed = true;
      this.fetcher.clear();
      this.coordinator.close();
    }
  }

  private ensureOpen(opts: { duringClose?: boolean } = {}): void {
    if (this.closed || (this.closing && !opts.duringClose)) throw new Error(`the consumer of group '${this.opts.groupId}' is closed`);
    const fatal = this.membership.failure;
    if (fatal) throw fatal;
  }

  private warn(msg: string, err: Error): void {
    this.opts.logger?.warn({ group: this.opts.groupId, err: err.message }, msg);
  }

  private consumedOffsets(): OffsetToCommit[] {
    return this.fetcher.assigned().map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: this.fetcher.position(tp.topic, tp.partition) as number }));
  }

  private async commit(offsets: readonly OffsetToCommit[], signal?: AbortSignal): Promise<void> {
    if (offsets.length === 0) return;
    const results = await commitOffsets(this.coordinator, { generationId: this.membership.generationId, memberId: this.membership.memberId, groupInstanceId: this.membership.groupInstanceId }, offsets, { signal });
    let failure: KafkaError | null = null;
    for (const r of results) {
      if (r.error) {
        failure ??= r.error;
        this.membership.handleGroupError(r.error.code, 'commit');
        continue;
      }
      const o = offsets.find((x) => x.topic === r.topic && x.partition === r.partition);
      if (o) this.committedPositions.set(key(o), o.offset);
    }
    if (failure) throw failure;
  }

  private async autoCommit(signal?: AbortSignal): Promise<void> {
    this.nextAutoCommitAt = Date.now() + (this.opts.autoCommitIntervalMs ?? 5000);
    const changed = this.consumedOffsets().filter((o) => this.committedPositions.get(key(o)) !== o.offset);
    await this.commit(changed, signal).catch((err: Error) => {
      if (signal?.aborted) throw err;
      this.warn('auto-commit failed', err);
    });
  }

  private async rejoin(signal?: AbortSignal): Promise<void> {
    const previous = this.assignment();
    if (this.membership.generationId >= 0) {
      if (this.opts.autoCommit !== false) await this.autoCommit(signal);
      await this.opts.listener?.onPartitionsRevoked?.(previous);
    }
    this.fetcher.clear();
    this.committedPositions.clear();
    this.assignedFrom = null;
    const bytes = await this.membership.join(signal);
    this.membership.startHeartbeats();
    const assigned = decodeAssignment(bytes)
      .assignedPartitions.filter((tp) => this.topics.includes(tp.topic))
      .flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.topic, partition })))
      .sort(compareTopicPartitions);
    await this.initPositions(assigned, signal);
    this.nextAutoCommitAt = Date.now() + (this.opts.autoCommitIntervalMs ?? 5000);
    await this.opts.listener?.onPartitionsAssigned?.(assigned);
  }

  /** Positions from the committed offsets; auto.offset.reset for partitions without one. */
  private async initPositions(assigned: readonly TopicPartition[], signal?: AbortSignal): Promise<void> {
    if (assigned.length === 0) return;
    const committed = await fetchCommittedOffsets(this.coordinator, groupByTopic(assigned), { signal });
    for (const c of committed) {
      this.fetcher.seek(c.topic, c.partition, c.offset);
      this.committedPositions.set(key(c), c.offset);
    }
    const missing = assigned.filter((tp) => this.fetcher.position(tp.topic, tp.partition) === undefined);
    if (missing.length === 0) return;
    const policy = this.opts.autoOffsetReset ?? 'latest';
    if (policy === 'none') {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `no committed offset for ${missing.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')} in group '${this.opts.groupId}' and auto.offset.reset is none`);
    }
    await this.fetcher.seekToTimestamp(missing, policy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP, signal);
  }

  /** The leader's part of a rebalance: assign the members' subscribed partitions. */
  private async assign(protocol: string, members: JoinedMember[], signal?: AbortSignal): Promise<Map<string, Buffer>> {
    const assignor = this.assignors.find((a) => a.name === protocol);
    if (!assignor) throw new Error(`the coordinator chose assignor "${protocol}", which this consumer does not offer`);
    const subscriptions: MemberSubscription[] = members.map((m) => {
      let topics: string[] = [];
      try {
        topics = decodeSubscription(m.metadata).topics;
      } catch (err) {
        this.warn(`member ${m.memberId} sent a subscription that does not decode`, err as Error);
      }
      return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics };
    });
    const counts = await this.partitionCounts([...new Set(subscriptions.flatMap((s) => s.topics))], signal);
    this.assignedFrom = counts;
    this.metadataCheckedAt = Date.now();
    const result = assignor.assign(subscriptions, counts);
    return new Map([...result].map(([memberId, assignedPartitions]) => [memberId, encodeAssignment({ assignedPartitions })]));
  }

  private async partitionCounts(topics: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const topic of topics) {
      try {
        counts.set(topic, (await this.client.topic(topic, { refresh: true, signal })).partitions.length);
      } catch (err) {
        if (!(err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) throw err;
      }
    }
    return counts;
  }

  /** With a topic pattern: the subscription follows the matching topics, and a change rejoins the group. */
  private async maybeMatchPattern(signal?: AbortSignal): Promise<void> {
    const pattern = this.opts.topicPattern;
    if (!pattern || (this.patternCheckedAt !== 0 && Date.now() - this.patternCheckedAt < (this.opts.metadataMaxAgeMs ?? 300000))) return;
    this.patternCheckedAt = Date.now();
    signal?.throwIfAborted();
    const cluster = await this.client.metadata(null);
    const matching = [...cluster.topics.values()].filter((t) => !t.isInternal && pattern.test(t.name)).map((t) => t.name).sort();
    if (matching.length === this.topics.length && matching.every((t, i) => t === this.topics[i])) return;
    this.opts.logger?.info({ group: this.opts.groupId, topics: matching }, 'topic pattern matches a new set of topics');
    this.topics = matching;
    this.membership.requestRejoin('the topics matching the subscription pattern changed');
  }

  /** The leader rebalances when a subscribed topic appeared or changed its partition count. */
  private async maybeCheckMetadata(signal?: AbortSignal): Promise<void> {
    const from = this.assignedFrom;
    if (!from || !this.membership.isLeader || Date.now() - this.metadataCheckedAt < (this.opts.metadataMaxAgeMs ?? 300000)) return;
    this.metadataCheckedAt = Date.now();
    const now = await this.partitionCounts([...from.keys(), ...this.topics.filter((t) => !from.has(t))], signal);
    for (const [topic, count] of now) {
      if (from.get(topic) !== count) {
        this.membership.requestRejoin(`the partition count of topic '${topic}' changed`);
        return;
      }
    }
  }
}

function key(tp: { topic: string; partition: number }): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
