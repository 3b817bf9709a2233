/**
 * Membership of a classic group, as a Kafka client keeps it: JoinGroup (with KIP-394's
 * MEMBER_ID_REQUIRED second join from v4), the leader's assignment, SyncGroup, background
 * Heartbeats, and LeaveGroup. Protocol-neutral: the consumer supplies its protocols and, as leader,
 * the assignment bytes. A failed heartbeat only records that a rejoin is needed; the owner rejoins
 * on its next poll, so that it can commit and revoke first (the eager protocol).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import type { CoordinatorClient } from './coordinator-client';
import { brokerError } from './errors';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

/** A member as the leader sees it in JoinGroup's answer. */
export interface JoinedMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface MembershipOptions {
  groupInstanceId?: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  protocolType: string;
  /** The protocols offered in JoinGroup, in order of preference. */
  protocols: () => GroupProtocol[];
  /** The leader's job: each member's assignment bytes for the protocol the coordinator chose. */
  assign: (protocolName: string, members: JoinedMember[], signal?: AbortSignal) => Promise<Map<string, Buffer>>;
  /** Checked before each heartbeat: false leaves the group (the owner stopped polling). */
  alive?: () => boolean;
  logger?: Logger;
}

const RETRY_BACKOFF_MS = 100;

export class GroupMembership {
  memberId = '';
  generationId = -1;
  leaderId = '';
  protocolName: string | null = null;
  private needsRejoin = true;
  private rejoinReason = 'not joined yet';
  private fatal: Error | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatInFlight = false;
  private stopped = true;

  constructor(
    readonly coordinator: CoordinatorClient,
    private readonly opts: MembershipOptions,
  ) {}

  get groupId(): string {
    return this.coordinator.groupId;
  }

  get groupInstanceId(): string | null {
    return this.opts.groupInstanceId ?? null;
  }

  get isLeader(): boolean {
    return this.memberId !== '' && this.memberId === this.leaderId;
  }

  /** True after a heartbeat or commit learnt of a rebalance, or before the first join. */
  get rejoinNeeded(): boolean {
    return this.needsRejoin;
  }

  get reason(): string {
    return this.rejoinReason;
  }

  /** The member was fenced (static membership conflict) and cannot rejoin. */
  get failure(): Error | null {
    return this.fatal;
  }

  requestRejoin(reason: string): void {
    if (!this.needsRejoin) this.opts.logger?.info({ group: this.groupId, reason }, 'group rebalance needed');
    this.needsRejoin = true;
    this.rejoinReason = reason;
  }

  /** Forgets the member id (after UNKNOWN_MEMBER_ID): the next join starts afresh. */
  resetMember(): void {
    this.memberId = '';
    this.generationId = -1;
    this.leaderId = '';
  }

  /** Reacts to a group error from any request; returns true when it means "rejoin". */
  handleGroupError(code: number, what: string): boolean {
    switch (code) {
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.resetMember();
        this.requestRejoin(`${what}: UNKNOWN_MEMBER_ID`);
        return true;
      case ErrorCode.ILLEGAL_GENERATION:
      case ErrorCode.REBALANCE_IN_PROGRESS:
        this.requestRejoin(`${what}: ${code === ErrorCode.ILLEGAL_GENERATION ? 'ILLEGAL_GENERATION' : 'REBALANCE_IN_PROGRESS'}`);
        return true;
      case ErrorCode.FENCED_INSTANCE_ID:
        this.fatal = brokerError(code, null, `${what} in group '${this.groupId}' as instance '${this.groupInstanceId}'`);
        this.stopHeartbeats();
        return false;
      default:
        return false;
    }
  }

  /** Joins (or rejoins) the group and returns this member's assignment bytes. */
  async join(signal?: AbortSignal): Promise<Buffer> {
    this.stopHeartbeats();
    const timeoutMs = this.opts.rebalanceTimeoutMs + 5000;
    for (;;) {
      if (this.fatal) throw this.fatal;
      const { res: join } = await this.coordinator.call(ApiKey.JoinGroup, (v) => this.joinRequest(v), { timeoutMs, signal });
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = join.memberId;
        continue;
      }
      if (join.errorCode !== ErrorCode.NONE) {
        if (!this.handleGroupError(join.errorCode, 'join')) throw brokerError(join.errorCode, null, `join group '${this.groupId}'`);
        await sleep(RETRY_BACKOFF_MS, undefined, { signal });
        continue;
      }
      this.memberId = join.memberId;
      this.generationId = join.generationId;
      this.leaderId = join.leader;
      this.protocolName = join.protocolName;
      let assignments: Array<{ memberId: string; assignment: Buffer }> = [];
      if (this.isLeader) {
        const members: JoinedMember[] = (join.members as Message[]).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, metadata: m.metadata }));
        const byMember = await this.opts.assign(join.protocolName, members, signal);
        assignments = [...byMember].map(([memberId, assignment]) => ({ memberId, assignment }));
      }
      const { res: sync } = await this.coordinator.call(
        ApiKey.SyncGroup,
        {
          groupId: this.groupId,
          generationId: this.generationId,
          memberId: this.memberId,
          groupInstanceId: this.groupInstanceId,
          protocolType: this.opts.protocolType,
          protocolName: this.protocolName,
          assignments,
        },
        { timeoutMs, signal },
      );
      if (sync.errorCode !== ErrorCode.NONE) {
        if (!this.handleGroupError(sync.errorCode, 'sync')) throw brokerError(sync.errorCode, null, `sync group '${this.groupId}'`);
        await sleep(RETRY_BACKOFF_MS, undefined, { signal });
        continue;
      }
      this.needsRejoin = false;
      this.opts.logger?.info({ group: this.groupId, memberId: this.memberId, generation: this.generationId, leader: this.isLeader, protocol: this.protocolName }, 'joined group');
      return sync.assignment as Buffer;
    }
  }

  private joinRequest(version: number): Message {
    if (this.groupInstanceId !== null && version < 5) throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, `static membership (group.instance.id) needs JoinGroup v5+, the coordinator speaks v${version}`);
    return {
      groupId: this.groupId,
      sessionTimeoutMs: this.opts.sessionTimeoutMs,
      rebalanceTimeoutMs: this.opts.rebalanceTimeoutMs,
      memberId: this.memberId,
      groupInstanceId: this.groupInstanceId,
      protocolType: this.opts.protocolType,
      protocols: this.opts.protocols(),
      reason: null,
    };
  }

  /** Sends heartbeats every heartbeat interval until stopped or until a rejoin is needed. */
  startHeartbeats(): void {
    this.stopHeartbeats();
    const tick = (): void => {
      this.heartbeatTimer = null;
      void this.heartbeat().finally(() => {
        if (this.heartbeatTimer === null && !this.stopped) this.schedule(tick);
      });
    };
    this.stopped = false;
    this.schedule(tick);
  }

  private schedule(tick: () => void): void {
    this.heartbeatTimer = setTimeout(tick, this.opts.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  stopHeartbeats(): void {
    this.stopped = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private async heartbeat(): Promise<void> {
    if (this.heartbeatInFlight || this.memberId === '' || this.generationId < 0) return;
    if (this.opts.alive && !this.opts.alive()) {
      this.opts.logger?.warn({ group: this.groupId, memberId: this.memberId }, 'the consumer did not poll within the rebalance timeout (max.poll.interval.ms): leaving the group');
      this.stopHeartbeats();
      await this.leave('the consumer stopped polling').catch(() => undefined);
      this.requestRejoin('the consumer stopped polling');
      return;
    }
    this.heartbeatInFlight = true;
    try {
      const { generationId, memberId } = this;
      const { res } = await this.coordinator.call(ApiKey.Heartbeat, { groupId: this.groupId, generationId, memberId, groupInstanceId: this.groupInstanceId }, { timeoutMs: this.opts.sessionTimeoutMs });
      const code = res.errorCode as number;
      // An answer about a generation that a join has since replaced says nothing about the new one.
      if (code === ErrorCode.NONE || this.stopped || generationId !== this.generationId || memberId !== this.memberId) return;
      const rejoin = this.handleGroupError(code, 'heartbeat');
      // REBALANCE_IN_PROGRESS keeps heartbeating (it refreshes the session) until the owner rejoins.
      if (rejoin && code === ErrorCode.REBALANCE_IN_PROGRESS) return;
      if (rejoin || this.fatal) {
        this.stopHeartbeats();
        return;
      }
      this.opts.logger?.warn({ group: this.groupId, err: brokerError(code, null, 'heartbeat').message }, 'heartbeat failed');
    } catch (err) {
      this.opts.logger?.warn({ group: this.groupId, err: (err as Error).message }, 'heartbeat failed');
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  /** Leaves the group (dynamic members only; a static member's seat is kept until its session expires). */
  async leave(reason = 'the consumer is closing'): Promise<void> {
    this.stopHeartbeats();
    const memberId = this.memberId;
    this.resetMember();
    this.requestRejoin(reason);
    if (memberId === '' || this.groupInstanceId !== null) return;
    const { res, version } = await this.coordinator.call(
      ApiKey.LeaveGroup,
      { groupId: this.groupId, memberId, members: [{ memberId, groupInstanceId: null, reason }] },
      { timeoutMs: 10000, errorCode: (r) => r.errorCode },
    );
    const code = res.errorCode !== ErrorCode.NONE ? res.errorCode : version >= 3 ? ((res.members as Message[])[0]?.errorCode ?? ErrorCode.NONE) : ErrorCode.NONE;
    if (code !== ErrorCode.NONE && code !== ErrorCode.UNKNOWN_MEMBER_ID) throw brokerError(code, null, `leave group '${this.groupId}'`);
  }
}
