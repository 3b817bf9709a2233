/**
 * Requests to a consumer group's coordinator. The coordinator is found with FindCoordinator (key
 * type 0; the batched form from v4) and remembered; when it answers NOT_COORDINATOR or
 * COORDINATOR_NOT_AVAILABLE, or the connection drops, it is looked up again and the request retried
 * within a small budget (a timed-out request too: it closed its connection). COORDINATOR_LOAD_IN_PROGRESS
 * is retried against the same broker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import type { BrokerConnection } from './connection';
import { ConnectionError, brokerError } from './errors';
import type { KafkaClient } from './kafka-client';
import type { BrokerNode } from './metadata';

const GROUP_KEY_TYPE = 0;

export interface CoordinatorCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The error code that decides whether to re-route (default: the response's top-level errorCode). */
  errorCode?: (res: Message) => number;
}

/** Errors after which the group's coordinator must be looked up again. */
export function isCoordinatorError(code: number): boolean {
  return code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE;
}

/** Sends FindCoordinator for a group to any broker; throws the broker's error. */
export async function findCoordinator(client: KafkaClient, groupId: string, signal?: AbortSignal): Promise<BrokerNode> {
  const conn = await client.anyConnection();
  const version = conn.version(ApiKey.FindCoordinator);
  const res = await conn.request(ApiKey.FindCoordinator, version, { key: groupId, keyType: GROUP_KEY_TYPE, coordinatorKeys: [groupId] }, { signal });
  const c: Message = version >= 4 ? ((res.coordinators as Message[]).find((x) => x.key === groupId) ?? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'no coordinator in the answer' }) : res;
  if (c.errorCode !== ErrorCode.NONE) throw brokerError(c.errorCode, c.errorMessage, `find coordinator of group '${groupId}'`);
  return { nodeId: c.nodeId, host: c.host, port: c.port, rack: null };
}

export interface CoordinatorClientOptions {
  /** Retries after coordinator moves and dropped connections. Default 10. */
  retries?: number;
  /** First back-off, doubled up to 1 s. Default 100 ms. */
  retryBackoffMs?: number;
  /**
   * Use a connection of its own rather than the client's pooled one (a group member must: its
   * parked JoinGroup would hold back the responses of everything else on a shared connection).
   */
  dedicatedConnection?: boolean;
}

export class CoordinatorClient {
  private node: BrokerNode | null = null;
  private own: Promise<BrokerConnection> | null = null;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly dedicated: boolean;

  constructor(
    readonly client: KafkaClient,
    readonly groupId: string,
    opts: CoordinatorClientOptions = {},
  ) {
    this.retries = opts.retries ?? 10;
    this.backoffMs = opts.retryBackoffMs ?? 100;
    this.dedicated = opts.dedicatedConnection ?? false;
  }

  /** The coordinator last found (null until the first request). */
  get coordinator(): BrokerNode | null {
    return this.node;
  }

  /** Forgets the coordinator, so that the next request looks it up again. */
  invalidate(): void {
    this.node = null;
    this.closeOwn();
  }

  async connection(signal?: AbortSignal): Promise<BrokerConnection> {
    this.node ??= await findCoordinator(this.client, this.groupId, signal);
    if (!this.dedicated) return this.client.connectionToAddress(this.node.host, this.node.port);
    const existing = this.own ? await this.own.catch(() => null) : null;
    if (existing && !existing.closed) return existing;
    const pending = this.client.openConnection(this.node.host, this.node.port, signal);
    this.own = pending;
    pending.catch(() => {
      if (this.own === pending) this.own = null;
    });
    return pending;
  }

  /** Closes the dedicated connection, if any. */
  close(): void {
    this.closeOwn();
  }

  private closeOwn(): void {
    const own = this.own;
    this.own = null;
    own?.then((c) => c.close(), () => undefined);
  }

  /** The version the coordinator's connection negotiated for an API. */
  async version(apiKey: number, signal?: AbortSignal): Promise<number> {
    return (await this.connection(signal)).version(apiKey);
  }

  /**
   * Sends a request to the coordinator at the negotiated version (`body` may depend on it) and
   * returns the answer; coordinator moves and dropped connections are retried.
   */
  async call(apiKey: number, body: Message | ((version: number) => Message), opts: CoordinatorCallOptions = {}): Promise<{ res: Message; version: number }> {
    const errorCode = opts.errorCode ?? ((res: Message) => (res.errorCode as number | undefined) ?? ErrorCode.NONE);
    for (let attempt = 0; ; attempt++) {
      let retriable: Error;
      try {
        const conn = await this.connection(opts.signal);
        const version = conn.version(apiKey);
        const res = await conn.request(apiKey, version, typeof body === 'function' ? body(version) : body, { timeoutMs: opts.timeoutMs, signal: opts.signal });
        const code = errorCode(res);
        if (!isCoordinatorError(code) && code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return { res, version };
        if (code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) this.invalidate();
        retriable = brokerError(code, null, `group '${this.groupId}'`);
      } catch (err) {
        const code = err instanceof KafkaError ? err.code : null;
        // A request that timed out closed its connection: like a dropped one, look up and retry.
        const transient = code !== null && (isCoordinatorError(code) || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || code === ErrorCode.REQUEST_TIMED_OUT);
        if (!(err instanceof ConnectionError) && !transient) throw err;
        this.invalidate();
        retriable = err as Error;
      }
      if (attempt >= this.retries || opts.signal?.aborted) throw retriable;
      await sleep(Math.min(1000, this.backoffMs * 2 ** attempt), undefined, { signal: opts.signal });
    }
  }
}
