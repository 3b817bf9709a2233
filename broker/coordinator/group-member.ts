/** One member of a classic group, with the responses the coordinator is holding back for it. */
export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  /** Only the leader gets the members and their metadata for the chosen protocol. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export class GroupMember {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  /** What the leader assigned in the current generation; empty until then. */
  assignment: Buffer = Buffer.alloc(0);
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  awaitingJoin: ((result: JoinResult) => void) | null = null;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  awaitingSync: ((result: SyncResult) => void) | null = null;
  /** Joined during the current rebalance (not yet part of a completed generation). */
  isNew = false;
  sessionTimer: NodeJS.Timeout | null = null;

  constructor(init: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    rebalanceTimeoutMs: number;
    sessionTimeoutMs: number;
    protocolType: string;
    protocols: MemberProtocol[];
  }) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocolType = init.protocolType;
    this.protocols = init.protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  /** The member's metadata for a protocol it offered. */
  metadataFor(protocolName: string): Buffer {
    const found = this.protocols.find((p) => p.name === protocolName);
    if (!found) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return found.metadata;
  }

  /** Same protocols, same order, same metadata: a rejoin that need not trigger a rebalance. */
  sameProtocols(protocols: readonly MemberProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]?.name && p.metadata.equals(this.protocols[i]?.metadata ?? Buffer.alloc(0)))
    );
  }

  /** Answers the parked JoinGroup, if any. */
  replyJoin(response: JoinResult): void {
    const reply = this.awaitingJoin;
    this.awaitingJoin = null;
    reply?.(response);
  }

  /** Answers the parked SyncGroup, if any. */
  replySync(response: SyncResult): void {
    const reply = this.awaitingSync;
    this.awaitingSync = null;
    reply?.(response);
  }

  stopSessionTimer(): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = null;
  }
}
