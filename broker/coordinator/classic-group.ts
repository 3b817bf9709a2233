/**
 * The state of one classic group: its members, generation, chosen protocol, leader and committed
 * offsets, with the bookkeeping rules that do not depend on time or I/O (protocol compatibility and
 * selection, leader succession, the legal state transitions). The coordinator drives it.
 */
import { canTransition, IllegalStateTransition, type GroupState } from './group-state';
import type { GroupMember, MemberProtocol } from './group-member';
import type { CommittedOffset, StoredGroup } from './group-records';

export class ClassicGroup {
  readonly groupId: string;
  state: GroupState = 'Empty';
  /** Null until the first member joins; simple (commit-only) groups never get one. */
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** When the group last changed state (epoch ms): the start of offsets retention once Empty. */
  stateTimestamp: number;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out by MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** group.instance.id → current member id. */
  readonly staticMembers = new Map<string, string>();
  /** topic → partition → committed offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /** Ends the join phase (rebalance timeout or initial delay). */
  joinTimer: NodeJS.Timeout | null = null;
  /** Bounds the wait for SyncGroups after a join phase. */
  syncTimer: NodeJS.Timeout | null = null;
  /** Set during the initial-delay join phase of a group that was Empty. */
  initialDelay: { remainingMs: number; joinedDuringDelay: boolean } | null = null;

  constructor(groupId: string, now: number) {
    this.groupId = groupId;
    this.stateTimestamp = now;
  }

  is(...states: GroupState[]): boolean {
    return states.includes(this.state);
  }

  transitionTo(next: GroupState, now: number): void {
    if (!canTransition(this.state, next)) throw new IllegalStateTransition(this.groupId, this.state, next);
    this.state = next;
    this.stateTimestamp = now;
  }

  get(memberId: string): GroupMember | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
  }

  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    member.stopSessionTimer();
    this.members.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return member;
  }

  /** A static member rejoining under a new member id takes over the old member's place. */
  replaceStaticMember(oldId: string, newId: string): GroupMember {
    const member = this.members.get(oldId);
    if (!member) throw new Error(`group ${this.groupId} has no member ${oldId}`);
    this.members.delete(oldId);
    member.memberId = newId;
    this.members.set(newId, member);
    this.staticMembers.set(member.groupInstanceId as string, newId);
    if (this.leaderId === oldId) this.leaderId = newId;
    return member;
  }

  /** The member id a group.instance.id currently holds. */
  staticMemberId(groupInstanceId: string | null): string | undefined {
    return groupInstanceId === null ? undefined : this.staticMembers.get(groupInstanceId);
  }

  /**
   * Whether a member offering these protocols may join: same protocol type as the group, and at
   * least one protocol that every current member also supports.
   */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    const common = this.candidateProtocols();
    return protocols.some((p) => common.has(p.name));
  }

  /** The protocols every member supports. */
  candidateProtocols(): Set<string> {
    const members = [...this.members.values()];
    const [first, ...others] = members;
    if (!first) return new Set<string>();
    return new Set(first.protocols.map((p) => p.name).filter((name) => others.every((m) => m.protocols.some((p) => p.name === name))));
  }

  /** Each member votes for its first-listed candidate; the most votes win (ties: first seen). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.protocols.find((p) => candidates.has(p.name))?.name;
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | null = null;
    for (const [name, count] of votes) if (best === null || count > (votes.get(best) ?? 0)) best = name;
    if (best === null) throw new Error(`group ${this.groupId} has no protocol common to all members`);
    return best;
  }

  /** Every member has a JoinGroup parked and no handed-out member id is still to arrive. */
  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (member.awaitingJoin === null) return false;
    return true;
  }

  /** The longest rebalance timeout among the members: how long a join phase may last. */
  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  clearTimers(): void {
    if (this.joinTimer) clearTimeout(this.joinTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.joinTimer = this.syncTimer = null;
    for (const timer of this.pendingMembers.values()) clearTimeout(timer);
    for (const member of this.members.values()) member.stopSessionTimer();
  }

  offsetCount(): number {
    let n = 0;
    for (const partitions of this.offsets.values()) n += partitions.size;
    return n;
  }

  committed(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  setCommitted(topic: string, partition: number, value: CommittedOffset | null): void {
    let partitions = this.offsets.get(topic);
    if (value === null) {
      partitions?.delete(partition);
      if (partitions?.size === 0) this.offsets.delete(topic);
      return;
    }
    if (!partitions) this.offsets.set(topic, (partitions = new Map()));
    partitions.set(partition, value);
  }

  /** The membership as persisted in __consumer_offsets. */
  toStored(): StoredGroup {
    return {
      protocolType: this.protocolType ?? '',
      generationId: this.generationId,
      protocolName: this.protocolName,
      leaderId: this.leaderId,
      currentStateTimestamp: this.stateTimestamp,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: this.protocolName === null ? Buffer.alloc(0) : m.metadataFor(this.protocolName),
        assignment: m.assignment,
      })),
    };
  }
}
