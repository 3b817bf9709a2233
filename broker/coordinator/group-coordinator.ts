/**
 * The classic group coordinator (Kafka's GroupCoordinator for the "classic" protocol): members join,
 * the coordinator picks a protocol and a leader, the leader's assignment is handed out through
 * SyncGroup, heartbeats keep sessions alive, and any change of membership starts a new generation.
 * JoinGroup and SyncGroup answers are parked until the rebalance reaches the point that completes
 * them. Group metadata is written to __consumer_offsets when a generation becomes Stable or Empty,
 * so a restarted broker comes back with the same members and assignments.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { ErrorCode, errorCodeOf } from '../protocol/error-codes';
import { ClassicGroup } from './classic-group';
import type { CoordinatorConfig } from './coordinator-config';
import { GroupMember, type JoinResult, type MemberProtocol, type SyncResult } from './group-member';
import { groupRecord } from './group-records';
import type { OffsetsTopic } from './offsets-topic';

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a new member first gets its id with MEMBER_ID_REQUIRED (KIP-394). */
  requireKnownMemberId: boolean;
}

export interface SyncRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

/** The per-member outcome of a LeaveGroup. */
export interface LeaveResult extends MemberIdentity {
  errorCode: number;
}

const NO_MEMBER = '';

export class GroupCoordinator {
  readonly groups = new Map<string, ClassicGroup>();
  private closed = false;

  constructor(
    private readonly config: CoordinatorConfig,
    private readonly store: OffsetsTopic,
    private readonly logger: Logger,
  ) {}

  // ---- JoinGroup -----------------------------------------------------------------------------

  join(req: JoinRequest): Promise<JoinResult> {
    const failed = (errorCode: number, memberId = req.memberId): Promise<JoinResult> => Promise.resolve(joinError(errorCode, memberId));
    if (this.closed) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.groupId === '') return failed(ErrorCode.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return failed(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== NO_MEMBER) return failed(ErrorCode.UNKNOWN_MEMBER_ID);
      group = this.createGroup(req.groupId);
    }
    if (group.is('Dead')) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return failed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const metadataBytes = req.protocols.reduce((n, p) => n + p.metadata.length, 0);
    if (metadataBytes > this.maxMemberMetadataBytes()) {
      this.logger.warn({ groupId: req.groupId, memberId: req.memberId, metadataBytes }, 'JoinGroup refused: member metadata is larger than a __consumer_offsets record may be');
      return failed(ErrorCode.MESSAGE_TOO_LARGE);
    }
    return req.memberId === NO_MEMBER ? this.joinNewMember(group, req) : this.joinKnownMember(group, req);
  }

  private joinNewMember(group: ClassicGroup, req: JoinRequest): Promise<JoinResult> {
    const prefix = req.groupInstanceId ?? req.clientId;
    const memberId = `${prefix}-${crypto.randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const oldId = group.staticMemberId(req.groupInstanceId);
      if (oldId !== undefined) return this.rejoinStaticMember(group, req, oldId, memberId);
    }
    if (group.members.size >= this.config.maxGroupSize) return Promise.resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, NO_MEMBER));
    if (req.requireKnownMemberId && req.groupInstanceId === null) {
      // The id must survive the round trip to the client; it lapses after one session timeout.
      const expiry = setTimeout(() => this.expirePendingMember(group, memberId), req.sessionTimeoutMs).unref();
      group.pendingMembers.set(memberId, expiry);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, req, memberId);
  }

  private joinKnownMember(group: ClassicGroup, req: JoinRequest): Promise<JoinResult> {
    const pending = group.pendingMembers.get(req.memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req, req.memberId);
    }
    const invalid = validateMember(group, req);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(joinError(invalid, req.memberId));
    const member = group.get(req.memberId) as GroupMember;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req);
      case 'CompletingRebalance':
        // A lost JoinGroup response retried: answer it again unless the member changed.
        if (member.sameProtocols(req.protocols)) return Promise.resolve(this.joinResultFor(group, member));
        return this.updateMemberAndRebalance(group, member, req);
      case 'Stable':
        if (group.isLeader(member.memberId) || !member.sameProtocols(req.protocols)) return this.updateMemberAndRebalance(group, member, req);
        this.scheduleSessionExpiry(group, member);
        return Promise.resolve(this.joinResultFor(group, member, false));
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  /**
   * group.instance.id seen before: the restarted instance takes over the old member's place. In a
   * Stable group with unchanged protocols this needs no rebalance: the member gets the current
   * generation and, through SyncGroup, its previous assignment (KIP-345).
   */
  private rejoinStaticMember(group: ClassicGroup, req: JoinRequest, oldId: string, newId: string): Promise<JoinResult> {
    const old = group.get(oldId) as GroupMember;
    // The previous incarnation may still have a request parked: it is fenced now.
    old.replyJoin(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    old.replySync(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const unchanged = old.sameProtocols(req.protocols);
    const member = group.replaceStaticMember(oldId, newId);
    this.updateMember(member, req);
    this.logger.info({ groupId: group.groupId, groupInstanceId: req.groupInstanceId, oldMemberId: oldId, memberId: newId }, 'static member rejoined');
    if (group.is('Stable') && unchanged) {
      this.scheduleSessionExpiry(group, member);
      this.persistGroup(group, 'static member replaced');
      return Promise.resolve(this.joinResultFor(group, member, false));
    }
    return this.rebalanceWithMember(group, member, `static member ${req.groupInstanceId} rejoined`);
  }

  private addMemberAndRebalance(group: ClassicGroup, req: JoinRequest, memberId: string): Promise<JoinResult> {
    const member = new GroupMember({
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
    });
    member.isNew = true;
    group.add(member);
    if (group.initialDelay) group.initialDelay.joinedDuringDelay = true;
    return this.rebalanceWithMember(group, member, `member ${memberId} joined`);
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: GroupMember, req: JoinRequest): Promise<JoinResult> {
    this.updateMember(member, req);
    return this.rebalanceWithMember(group, member, `member ${member.memberId} rejoined`);
  }

  private updateMember(member: GroupMember, req: JoinRequest): void {
    member.protocols = req.protocols;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
  }

  /** Parks the member's JoinGroup and moves the group into (or on through) a rebalance. */
  private rebalanceWithMember(group: ClassicGroup, member: GroupMember, reason: string): Promise<JoinResult> {
    const answer = new Promise<JoinResult>((resolve) => {
      // A second JoinGroup from the same member replaces the first, which is told to rejoin.
      member.replyJoin(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.awaitingJoin = resolve;
    });
    member.stopSessionTimer();
    if (group.is('Stable', 'CompletingRebalance', 'Empty')) this.prepareRebalance(group, reason);
    else this.tryCompleteJoin(group);
    return answer;
  }

  // ---- Rebalance -------------------------------------------------------------------------------

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.abortSync(group, ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = null;
    const fromEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', Date.now());
    this.logger.info({ groupId: group.groupId, generationId: group.generationId, reason }, 'preparing to rebalance group');
    const rebalanceTimeoutMs = group.maxRebalanceTimeoutMs();
    if (fromEmpty && this.config.initialRebalanceDelayMs > 0) {
      // group.initial.rebalance.delay.ms: let the rest of a starting fleet join the first generation.
      const delay = Math.min(this.config.initialRebalanceDelayMs, rebalanceTimeoutMs);
      group.initialDelay = { remainingMs: Math.max(rebalanceTimeoutMs - delay, 0), joinedDuringDelay: false };
      this.setJoinTimer(group, delay, () => this.onInitialDelayExpired(group));
      return;
    }
    this.setJoinTimer(group, rebalanceTimeoutMs, () => this.completeJoin(group));
    this.tryCompleteJoin(group);
  }

  /** Each member that arrived during the delay extends it, within the rebalance timeout. */
  private onInitialDelayExpired(group: ClassicGroup): void {
    const delay = group.initialDelay;
    if (delay && delay.joinedDuringDelay && delay.remainingMs > 0) {
      const next = Math.min(this.config.initialRebalanceDelayMs, delay.remainingMs);
      group.initialDelay = { remainingMs: Math.max(delay.remainingMs - next, 0), joinedDuringDelay: false };
      this.setJoinTimer(group, next, () => this.onInitialDelayExpired(group));
      return;
    }
    group.initialDelay = null;
    this.completeJoin(group);
  }

  private setJoinTimer(group: ClassicGroup, ms: number, fire: () => void): void {
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = setTimeout(() => {
      group.joinTimer = null;
      fire();
    }, ms).unref();
  }

  private tryCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && group.initialDelay === null && group.allMembersJoined()) this.completeJoin(group);
  }

  /**
   * Ends the join phase: members that did not rejoin are dropped, the generation advances, the
   * protocol is chosen and every parked JoinGroup is answered (the leader with the member list).
   */
  private completeJoin(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = null;
    group.initialDelay = null;
    for (const member of [...group.members.values()]) {
      if (member.awaitingJoin === null) {
        group.remove(member.memberId);
        this.logger.info({ groupId: group.groupId, memberId: member.memberId }, 'removed member that did not rejoin in time');
      }
    }
    const now = Date.now();
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.transitionTo('Empty', now);
      this.logger.info({ groupId: group.groupId, generationId: group.generationId }, 'group is empty');
      this.persistGroup(group, 'group became empty');
      return;
    }
    if (group.leaderId === null || group.get(group.leaderId)?.awaitingJoin === null) {
      group.leaderId = [...group.members.keys()][0] ?? null;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo('CompletingRebalance', now);
    this.logger.info(
      { groupId: group.groupId, generationId: group.generationId, protocol: group.protocolName, leader: group.leaderId, members: group.members.size },
      'rebalance: join phase complete',
    );
    for (const member of group.members.values()) {
      member.isNew = false;
      member.assignment = Buffer.alloc(0);
      member.replyJoin(this.joinResultFor(group, member));
      this.scheduleSessionExpiry(group, member);
    }
    const generation = group.generationId;
    group.syncTimer = setTimeout(() => this.onSyncTimeout(group, generation), group.maxRebalanceTimeoutMs()).unref();
  }

  /** Members that never sent SyncGroup within the rebalance timeout are removed. */
  private onSyncTimeout(group: ClassicGroup, generation: number): void {
    group.syncTimer = null;
    if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
    const missing = [...group.members.values()].filter((m) => m.awaitingSync === null);
    for (const member of missing) group.remove(member.memberId);
    this.logger.info({ groupId: group.groupId, generationId: generation, removed: missing.map((m) => m.memberId) }, 'SyncGroup not received in time');
    this.prepareRebalance(group, 'members did not sync in time');
  }

  private joinResultFor(group: ClassicGroup, member: GroupMember, withMembers = true): JoinResult {
    const protocolName = group.protocolName as string;
    const isLeader = group.isLeader(member.memberId);
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members:
        isLeader && withMembers
          ? [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocolName) }))
          : [],
    };
  }

  // ---- SyncGroup -------------------------------------------------------------------------------

  sync(req: SyncRequest): Promise<SyncResult> {
    const group = this.groups.get(req.groupId);
    if (this.closed || group?.is('Dead')) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const invalid = validateMember(group, req);
    if (invalid !== ErrorCode.NONE) return Promise.resolve(syncError(invalid));
    const member = group.get(req.memberId) as GroupMember;
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.scheduleSessionExpiry(group, member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      case 'CompletingRebalance': {
        const answer = new Promise<SyncResult>((resolve) => {
          member.replySync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve;
        });
        this.scheduleSessionExpiry(group, member);
        if (group.isLeader(member.memberId)) this.completeSync(group, req.assignments);
        return answer;
      }
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** The leader's assignment: stored, persisted, then handed to every member; the group is Stable. */
  private completeSync(group: ClassicGroup, assignments: SyncRequest['assignments']): void {
    const generation = group.generationId;
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const member of group.members.values()) member.assignment = byMember.get(member.memberId) ?? Buffer.alloc(0);
    const stored = group.toStored();
    this.store.write(group.groupId, [groupRecord(group.groupId, stored)], Date.now()).then(
      () => {
        if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
        if (group.syncTimer) clearTimeout(group.syncTimer);
        group.syncTimer = null;
        group.transitionTo('Stable', Date.now());
        this.logger.info({ groupId: group.groupId, generationId: generation, members: group.members.size }, 'group is stable');
        for (const member of group.members.values()) {
          member.replySync({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
        }
      },
      (err: unknown) => {
        this.logger.error({ groupId: group.groupId, err }, 'storing the group assignment failed');
        if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
        this.abortSync(group, errorCodeOf(err) === ErrorCode.MESSAGE_TOO_LARGE ? ErrorCode.MESSAGE_TOO_LARGE : ErrorCode.UNKNOWN_SERVER_ERROR);
        this.prepareRebalance(group, 'storing the assignment failed');
      },
    );
  }

  /** Answers every parked SyncGroup with an error and forgets the half-made assignment. */
  private abortSync(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      member.assignment = Buffer.alloc(0);
      member.replySync(syncError(errorCode));
    }
  }

  // ---- Heartbeat and LeaveGroup ----------------------------------------------------------------

  heartbeat(req: { groupId: string; memberId: string; groupInstanceId: string | null; generationId: number }): number {
    const group = this.groups.get(req.groupId);
    if (this.closed || group?.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (!group || group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID;
    const invalid = validateMember(group, req);
    if (invalid !== ErrorCode.NONE) return invalid;
    const member = group.get(req.memberId) as GroupMember;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.scheduleSessionExpiry(group, member);
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes members (v3+: several, possibly named by group.instance.id only). */
  leave(groupId: string, members: MemberIdentity[]): { errorCode: number; members: LeaveResult[] } {
    const group = this.groups.get(groupId);
    if (this.closed || group?.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
    const results = members.map((identity): LeaveResult => {
      const result = (errorCode: number): LeaveResult => ({ ...identity, errorCode });
      if (group.pendingMembers.has(identity.memberId)) {
        clearTimeout(group.pendingMembers.get(identity.memberId));
        group.pendingMembers.delete(identity.memberId);
        this.tryCompleteJoin(group);
        return result(ErrorCode.NONE);
      }
      const memberId = identity.memberId === NO_MEMBER && identity.groupInstanceId !== null ? group.staticMemberId(identity.groupInstanceId) : identity.memberId;
      const member = memberId === undefined ? undefined : group.get(memberId);
      if (!member) return result(ErrorCode.UNKNOWN_MEMBER_ID);
      if (identity.groupInstanceId !== null && member.groupInstanceId !== identity.groupInstanceId) return result(ErrorCode.FENCED_INSTANCE_ID);
      this.removeMemberAndUpdateGroup(group, member, 'left the group');
      return result(ErrorCode.NONE);
    });
    return { errorCode: ErrorCode.NONE, members: results };
  }

  /**
   * Whether an OffsetCommit may write for this group (ClassicGroup.validateOffsetCommit). Commits
   * with generation -1 to a group without members are "simple" commits (tools, admin resets) and
   * create the group if needed. A member's commit also counts as a sign of life.
   */
  authorizeCommit(req: { groupId: string; memberId: string; groupInstanceId: string | null; generationId: number }): { errorCode: number; group: ClassicGroup | null } {
    const refuse = (errorCode: number): { errorCode: number; group: null } => ({ errorCode, group: null });
    if (this.closed) return refuse(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.groupId === '') return refuse(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(req.groupId);
    if (!group) return req.generationId < 0 ? { errorCode: ErrorCode.NONE, group: this.createGroup(req.groupId) } : refuse(ErrorCode.ILLEGAL_GENERATION);
    if (group.is('Dead')) return refuse(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.generationId < 0 && group.is('Empty')) return { errorCode: ErrorCode.NONE, group };
    const invalid = validateMember(group, req);
    if (invalid !== ErrorCode.NONE) return refuse(invalid);
    const member = group.get(req.memberId) as GroupMember;
    if (req.generationId !== group.generationId) return refuse(ErrorCode.ILLEGAL_GENERATION);
    if (group.is('CompletingRebalance')) return refuse(ErrorCode.REBALANCE_IN_PROGRESS);
    if (member.awaitingJoin === null) this.scheduleSessionExpiry(group, member);
    return { errorCode: ErrorCode.NONE, group };
  }

  // ---- Sessions --------------------------------------------------------------------------------

  /** (Re)starts the member's session timer: without a heartbeat (or join/sync) in time, it is removed. */
  private scheduleSessionExpiry(group: ClassicGroup, member: GroupMember): void {
    member.stopSessionTimer();
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.get(member.memberId) !== member) return;
      // A member whose JoinGroup is parked is waiting on the others, not silent.
      if (member.awaitingJoin !== null) return;
      this.removeMemberAndUpdateGroup(group, member, `session timeout of ${member.sessionTimeoutMs} ms expired`);
    }, member.sessionTimeoutMs).unref();
  }

  private expirePendingMember(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.logger.info({ groupId: group.groupId, memberId }, 'pending member id expired before it joined');
    this.tryCompleteJoin(group);
    this.dropIfUnused(group);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember, reason: string): void {
    member.replyJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.replySync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    this.logger.info({ groupId: group.groupId, memberId: member.memberId, clientId: member.clientId, reason }, 'member removed from group');
    if (group.is('Stable', 'CompletingRebalance')) this.prepareRebalance(group, `member ${member.memberId} ${reason}`);
    else if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  // ---- Groups ----------------------------------------------------------------------------------

  getOrCreateGroup(groupId: string): ClassicGroup {
    return this.groups.get(groupId) ?? this.createGroup(groupId);
  }

  private createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, Date.now());
    this.groups.set(groupId, group);
    return group;
  }

  /** An Empty group with no offsets and no pending joins holds nothing worth keeping in memory. */
  dropIfUnused(group: ClassicGroup): void {
    if (group.is('Empty') && group.members.size === 0 && group.pendingMembers.size === 0 && group.offsetCount() === 0 && group.generationId === 0) {
      this.groups.delete(group.groupId);
    }
  }

  /** Dead is terminal: the group is forgotten and its parked requests are told to find the coordinator again. */
  markDead(group: ClassicGroup): void {
    group.clearTimers();
    for (const member of group.members.values()) {
      member.replyJoin(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, member.memberId));
      member.replySync(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }
    group.transitionTo('Dead', Date.now());
    this.groups.delete(group.groupId);
  }

  /**
   * Brings back a group read from __consumer_offsets. Members return with their assignments and a
   * fresh session timer: if they are gone for good they expire and the group rebalances.
   */
  restoreGroup(group: ClassicGroup): void {
    this.groups.set(group.groupId, group);
    for (const member of group.members.values()) this.scheduleSessionExpiry(group, member);
  }

  private persistGroup(group: ClassicGroup, why: string): void {
    this.store.write(group.groupId, [groupRecord(group.groupId, group.toStored())], Date.now()).catch((err: unknown) => {
      this.logger.error({ groupId: group.groupId, err, why }, 'storing group metadata failed');
    });
  }

  /** A member's metadata must fit, with room to spare, into one __consumer_offsets record. */
  private maxMemberMetadataBytes(): number {
    return this.store.maxRecordBytes() - 1024;
  }

  /** Stops every timer and answers parked requests so that clients look for the coordinator again. */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      group.clearTimers();
      for (const member of group.members.values()) {
        member.replyJoin(joinError(ErrorCode.NOT_COORDINATOR, member.memberId));
        member.replySync(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/**
 * Whether a request comes from a current member. A request naming a group.instance.id is checked by
 * that first: one whose instance now has another member id comes from a fenced, older incarnation.
 */
function validateMember(group: ClassicGroup, req: { memberId: string; groupInstanceId: string | null }): number {
  if (req.groupInstanceId !== null) {
    const current = group.staticMemberId(req.groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (current !== req.memberId) return ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.get(req.memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

