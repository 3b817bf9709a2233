/**
 * The network client: bootstraps from `bootstrap.servers`, keeps cluster metadata, and sends each
 * partition's requests to that partition's leader. Connections are pooled per broker address and
 * shared by everything the client does, so concurrent calls pipeline on one socket. When a broker
 * says it no longer leads a partition (or does not know it), or a connection drops, the metadata is
 * refreshed and the request retried within a small budget.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { BrokerConnection } from './connection';
import { ConnectionError, brokerError, isRoutingError } from './errors';
import { parseBootstrapServers, parseMetadataResponse, type ClusterMetadata, type TopicMetadata } from './metadata';
import { groupByLeader, fetchFromLeader, listOffsetsFromLeader, produceToLeader } from './partition-requests';
import type { FetchedPartition, FetchOptions, ListedOffset, PartitionBatch, ProducedPartition, ProduceOptions, ProduceResult } from './partition-requests';
import { embeddedClientOptions, type EmbeddedBroker, type Transport } from './transport';

export interface KafkaClientOptions {
  /** Comma-separated host:port list (or an array of them). */
  bootstrapServers: string | readonly string[];
  clientId?: string;
  /** Default 30 s. */
  requestTimeoutMs?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Retries after routing errors (leader moved, unknown partition, dropped connection). Default 5. */
  retries?: number;
  /** First back-off between retries, doubled each time up to 1 s. Default 100 ms. */
  retryBackoffMs?: number;
  /** Topic metadata older than this is refreshed before use. Default 5 min. */
  metadataMaxAgeMs?: number;
  signal?: AbortSignal;
  /** How connections reach brokers; default TCP. `inProcessTransport(broker)` makes an embedded client. */
  transport?: Transport;
}

export interface TopicLookupOptions {
  /** Ask the broker to create the topic when auto.create.topics.enable is on (what producers do). */
  allowAutoTopicCreation?: boolean;
  /** Ignore the cached entry. */
  refresh?: boolean;
  signal?: AbortSignal;
}

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export class KafkaClient {
  private readonly connections = new Map<string, Promise<BrokerConnection>>();
  private readonly cluster: ClusterMetadata = { clusterId: null, controllerId: -1, brokers: new Map(), topics: new Map() };
  private readonly fetchedAt = new Map<string, number>();
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxAgeMs: number;
  private closed = false;

  private constructor(
    private readonly opts: KafkaClientOptions,
    private readonly bootstrap: Array<{ host: string; port: number }>,
  ) {
    this.retries = opts.retries ?? 5;
    this.backoffMs = opts.retryBackoffMs ?? 100;
    this.maxAgeMs = opts.metadataMaxAgeMs ?? 300000;
  }

  /** Connects to the first reachable bootstrap server and reads the cluster's brokers. */
  static async connect(opts: KafkaClientOptions): Promise<KafkaClient> {
    const client = new KafkaClient(opts, parseBootstrapServers(opts.bootstrapServers));
    const errors: string[] = [];
    for (const server of client.bootstrap) {
      try {
        await client.connectTo(server.host, server.port);
        await client.metadata([], { signal: opts.signal });
        return client;
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        errors.push((err as Error).message);
      }
    }
    client.close();
    throw new ConnectionError(errors.length === 1 ? (errors[0] as string) : `cannot connect to any bootstrap server: ${errors.join('; ')}`, 'NO_BROKER');
  }

  /**
   * The embedded client: connected to a broker running in this process through in-memory pipes,
   * with no network hop. Everything built on it (Producer, consumers, admin) works unchanged.
   */
  static connectEmbedded(broker: EmbeddedBroker, opts: Omit<KafkaClientOptions, 'bootstrapServers' | 'transport'> = {}): Promise<KafkaClient> {
    return KafkaClient.connect({ ...opts, ...embeddedClientOptions(broker) });
  }

  get clusterId(): string | null {
    return this.cluster.clusterId;
  }

  get controllerId(): number {
    return this.cluster.controllerId;
  }

  /** The cached cluster view (brokers, and the topics looked up so far). */
  get clusterMetadata(): ClusterMetadata {
    return this.cluster;
  }

  /** Sends Metadata for `topics` (null: all topics; []: brokers only) and merges the answer into the cache. */
  async metadata(topics: readonly string[] | null, opts: { allowAutoTopicCreation?: boolean; signal?: AbortSignal } = {}): Promise<ClusterMetadata> {
    const conn = await this.anyConnection();
    const version = conn.version(ApiKey.Metadata);
    const request: Message = {
      // Metadata v0 has no null array: there an empty list means "all topics".
      topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name, topicId: Buffer.alloc(16) })),
      allowAutoTopicCreation: opts.allowAutoTopicCreation ?? false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
    const res = parseMetadataResponse(await conn.request(ApiKey.Metadata, version, request, { signal: opts.signal }));
    this.cluster.clusterId = res.clusterId;
    this.cluster.controllerId = res.controllerId;
    this.cluster.brokers = new Map(res.brokers.map((b) => [b.nodeId, b]));
    if (topics === null) this.cluster.topics.clear();
    const now = Date.now();
    for (const t of res.topics) {
      this.cluster.topics.set(t.name, t);
      this.fetchedAt.set(t.name, now);
    }
    return this.cluster;
  }

  /**
   * A topic's metadata, from the cache when fresh. Waits (within the retry budget) for a topic that
   * exists but has partitions without a leader yet, as right after creation.
   */
  async topic(name: string, opts: TopicLookupOptions = {}): Promise<TopicMetadata> {
    const cached = this.cluster.topics.get(name);
    if (!opts.refresh && cached && cached.errorCode === ErrorCode.NONE && Date.now() - (this.fetchedAt.get(name) ?? 0) < this.maxAgeMs) return cached;
    for (let attempt = 0; ; attempt++) {
      await this.metadata([name], { allowAutoTopicCreation: opts.allowAutoTopicCreation, signal: opts.signal });
      const t = this.cluster.topics.get(name);
      const code = t ? t.errorCode : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const leaderless = t !== undefined && code === ErrorCode.NONE && t.partitions.some((p) => p.leader < 0);
      if (t && code === ErrorCode.NONE && !leaderless) return t;
      const waitable = leaderless || code === ErrorCode.LEADER_NOT_AVAILABLE || (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && opts.allowAutoTopicCreation === true);
      if (!waitable || attempt >= this.retries) {
        this.cluster.topics.delete(name);
        if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new KafkaError(code, `UNKNOWN_TOPIC_OR_PARTITION: topic '${name}' does not exist`);
        throw brokerError(leaderless ? ErrorCode.LEADER_NOT_AVAILABLE : code, null, `topic '${name}'`);
      }
      await sleep(this.backoff(attempt), undefined, { signal: opts.signal });
    }
  }

  /** Partition count of a topic. */
  async partitionCount(topic: string, opts: TopicLookupOptions = {}): Promise<number> {
    return (await this.topic(topic, opts)).partitions.length;
  }

  /** Forgets cached metadata of these topics, so that the next use refreshes it. */
  invalidate(topics: Iterable<string>): void {
    for (const t of topics) this.fetchedAt.delete(t);
  }

  /** The node id leading a partition; throws when the partition does not exist or has no leader. */
  async leaderOf(topic: string, partition: number, opts: TopicLookupOptions = {}): Promise<number> {
    const t = await this.topic(topic, opts);
    const p = t.partitions[partition];
    if (!p || p.partition !== partition) {
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `UNKNOWN_TOPIC_OR_PARTITION: partition ${partition} of topic '${topic}' does not exist (it has ${t.partitions.length})`);
    }
    if (p.leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `LEADER_NOT_AVAILABLE: partition ${topic}-${partition} has no leader`);
    return p.leader;
  }

  /** A connection to a broker by node id (from metadata). */
  async connectionTo(nodeId: number): Promise<BrokerConnection> {
    let node = this.cluster.brokers.get(nodeId);
    if (!node) {
      await this.metadata([]);
      node = this.cluster.brokers.get(nodeId);
      if (!node) throw new ConnectionError(`broker ${nodeId} is not in the cluster metadata`, 'UNKNOWN_BROKER');
    }
    return this.connectTo(node.host, node.port);
  }

  /** A pooled connection to a broker by address (e.g. a group coordinator from FindCoordinator). */
  connectionToAddress(host: string, port: number): Promise<BrokerConnection> {
    return this.connectTo(host, port);
  }

  /**
   * A connection of its own (not pooled, closed by the caller) with this client's settings: for
   * requests that park on the broker, such as JoinGroup, which would hold back every response
   * behind them on a shared connection.
   */
  openConnection(host: string, port: number, signal?: AbortSignal): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new ConnectionError('the client is closed', 'CLIENT_CLOSED'));
    return BrokerConnection.connect({
      host,
      port,
      clientId: this.opts.clientId,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      requestTimeoutMs: this.opts.requestTimeoutMs,
      signal: signal ?? this.opts.signal,
      transport: this.opts.transport,
    });
  }

  /** A connection to the controller (where admin requests go), or to any broker if none is known. */
  async controllerConnection(): Promise<BrokerConnection> {
    if (this.cluster.controllerId < 0) await this.metadata([]);
    return this.cluster.controllerId >= 0 ? this.connectionTo(this.cluster.controllerId) : this.anyConnection();
  }

  /** Any open connection; otherwise a new one to a known broker or a bootstrap server. */
  async anyConnection(): Promise<BrokerConnection> {
    for (const pending of this.connections.values()) {
      const conn = await pending.catch(() => null);
      if (conn && !conn.closed) return conn;
    }
    const candidates = [...this.cluster.brokers.values(), ...this.bootstrap];
    let last: unknown = new ConnectionError('no broker address known', 'NO_BROKER');
    for (const c of candidates) {
      try {
        return await this.connectTo(c.host, c.port);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  private connectTo(host: string, port: number): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new ConnectionError('the client is closed', 'CLIENT_CLOSED'));
    const key = `${host}:${port}`;
    const existing = this.connections.get(key);
    if (existing) {
      return existing.then((conn) => {
        if (!conn.closed) return conn;
        if (this.connections.get(key) === existing) this.connections.delete(key);
        return this.connectTo(host, port);
      });
    }
    const pending = BrokerConnection.connect({
      host,
      port,
      clientId: this.opts.clientId,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      requestTimeoutMs: this.opts.requestTimeoutMs,
      signal: this.opts.signal,
      transport: this.opts.transport,
    });
    this.connections.set(key, pending);
    pending.catch(() => {
      if (this.connections.get(key) === pending) this.connections.delete(key);
    });
    return pending;
  }

  private backoff(attempt: number): number {
    return Math.min(1000, this.backoffMs * 2 ** attempt);
  }

  /** Runs `fn`, refreshing the topics' metadata and retrying after routing errors. */
  async withRetries<T>(topics: readonly string[], fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isRoutingError(err) || attempt >= this.retries || signal?.aborted) throw err;
        this.invalidate(topics);
        await sleep(this.backoff(attempt), undefined, { signal });
      }
    }
  }

  /** Appends one record batch to a partition; resolves with the base offset assigned (-1 with acks=0). */
  async produce(opts: ProduceOptions): Promise<ProduceResult> {
    const [result] = await this.produceBatches({ ...opts, batches: [{ topic: opts.topic, partition: opts.partition, batch: opts.batch }] });
    if (!result) throw new Error('no produce result');
    if (result.error) throw result.error;
    return result;
  }

  /**
   * Appends batches to several partitions: one Produce request per leader, sent concurrently.
   * Partitions that failed with a routing error are retried after a metadata refresh; other errors
   * are reported per partition, never thrown.
   */
  async produceBatches(opts: { batches: readonly PartitionBatch[]; acks?: number; timeoutMs?: number; signal?: AbortSignal }): Promise<ProducedPartition[]> {
    const acks = opts.acks ?? -1;
    const timeoutMs = opts.timeoutMs ?? 30000;
    const results = new Map<PartitionBatch, ProducedPartition>();
    let pending: readonly PartitionBatch[] = opts.batches;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const retry: PartitionBatch[] = [];
      const { groups, failed } = await groupByLeader(this, pending, (b) => b);
      for (const [b, err] of failed) {
        results.set(b, { topic: b.topic, partition: b.partition, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, error: err });
        if (isRoutingError(err)) retry.push(b);
      }
      await Promise.all(
        [...groups].map(async ([nodeId, group]) => {
          const answers = await produceToLeader(this, nodeId, group, { acks, timeoutMs, signal: opts.signal });
          for (const [b, r] of answers) {
            results.set(b, r);
            if (r.error && isRoutingError(r.error)) retry.push(b);
          }
        }),
      );
      if (retry.length === 0 || attempt >= this.retries || opts.signal?.aborted) break;
      this.invalidate(new Set(retry.map((b) => b.topic)));
      await sleep(this.backoff(attempt), undefined, { signal: opts.signal });
      pending = retry;
    }
    return opts.batches.map((b) => results.get(b) as ProducedPartition);
  }

  /**
   * Fetches from several partitions (one request per leader, concurrently). Errors are reported per
   * partition; routing errors also mark the topic's metadata stale so the next call re-routes.
   */
  async fetch(opts: FetchOptions): Promise<FetchedPartition[]> {
    const out: FetchedPartition[] = [];
    const { groups, failed } = await groupByLeader(this, opts.partitions, (p) => p);
    for (const [p, err] of failed) out.push({ topic: p.topic, partition: p.partition, fetchOffset: p.offset, error: err, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null });
    const answers = await Promise.all([...groups].map(([nodeId, group]) => fetchFromLeader(this, nodeId, group, opts)));
    for (const list of answers) out.push(...list);
    const stale = out.filter((r) => r.error && isRoutingError(r.error)).map((r) => r.topic);
    if (stale.length > 0) this.invalidate(stale);
    return out;
  }

  /** The offset for `timestamp` in each partition (-1: latest, -2: earliest), in partition order. */
  async listOffsets(topic: string, partitions: readonly number[], timestamp: number, opts: { isolationLevel?: number; signal?: AbortSignal } = {}): Promise<ListedOffset[]> {
    return this.withRetries(
      [topic],
      async () => {
        const items = partitions.map((partition) => ({ topic, partition }));
        const { groups, failed } = await groupByLeader(this, items, (i) => i);
        const firstError = [...failed.values()][0];
        if (firstError) throw firstError;
        const answers = await Promise.all([...groups].map(([nodeId, group]) => listOffsetsFromLeader(this, nodeId, topic, group.map((g) => g.partition), timestamp, opts)));
        return answers.flat().sort((a, b) => a.partition - b.partition);
      },
      opts.signal,
    );
  }

  /** Closes every connection; outstanding requests fail. */
  close(): void {
    this.closed = true;
    for (const pending of this.connections.values()) pending.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }
}
