/**
 * The partition-addressed requests (Produce, Fetch, ListOffsets) for one leader: building the
 * request body from a group of partitions and mapping the answer back to each partition, with
 * error codes turned into KafkaErrors. Routing (which leader, retries) is the caller's.
 */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import type { BrokerConnection } from './connection';
import { brokerError } from './errors';

export interface PartitionBatch {
  topic: string;
  partition: number;
  /** One RecordBatch v2 (see RecordBatchBuilder). */
  batch: Buffer;
}

export interface ProduceOptions extends PartitionBatch {
  /** -1 (all), 0 (no response) or 1 (leader). Default -1. */
  acks?: number;
  /** How long the broker may wait for the acks. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ProduceResult {
  /** Offset of the batch's first record; -1 with acks=0. */
  baseOffset: number;
  /** Broker time for LogAppendTime topics, else -1. */
  logAppendTime: number;
  logStartOffset: number;
}

export interface ProducedPartition extends ProduceResult {
  topic: string;
  partition: number;
  error: Error | null;
}

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  offset: number;
  /** Default 1 MB (max.partition.fetch.bytes). */
  maxBytes?: number;
}

export interface FetchOptions {
  partitions: readonly FetchPartitionRequest[];
  /** How long the broker may wait for minBytes. Default 500 ms. */
  maxWaitMs?: number;
  /** Default 1. */
  minBytes?: number;
  /** Default 50 MB (fetch.max.bytes). */
  maxBytes?: number;
  /** 0 READ_UNCOMMITTED (default), 1 READ_COMMITTED. */
  isolationLevel?: number;
  signal?: AbortSignal;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  fetchOffset: number;
  error: Error | null;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** The raw record set (read it with readRecords); null when there is none. */
  records: Buffer | null;
}

export interface ListedOffset {
  partition: number;
  offset: number;
  timestamp: number;
}

/** What request routing needs from the client. */
export interface LeaderRouter {
  leaderOf(topic: string, partition: number): Promise<number>;
  connectionTo(nodeId: number): Promise<BrokerConnection>;
}

/** Groups items by the node leading their partition; lookups that fail are returned per item. */
export async function groupByLeader<T>(
  router: LeaderRouter,
  items: readonly T[],
  tp: (item: T) => { topic: string; partition: number },
): Promise<{ groups: Map<number, T[]>; failed: Map<T, Error> }> {
  const groups = new Map<number, T[]>();
  const failed = new Map<T, Error>();
  // All lookups at once, not one await per item: concurrent calls then finish in the order they
  // started whatever their item counts, so a producer's requests reach the connection in the order
  // it dispatched them and batches of one partition are not reordered.
  const leaders = await Promise.all(
    items.map((item) => {
      const { topic, partition } = tp(item);
      return router.leaderOf(topic, partition).catch((err: unknown) => err as Error);
    }),
  );
  items.forEach((item, i) => {
    const leader = leaders[i] as number | Error;
    if (leader instanceof Error) {
      failed.set(item, leader);
      return;
    }
    const list = groups.get(leader);
    if (list) list.push(item);
    else groups.set(leader, [item]);
  });
  return { groups, failed };
}

/** Items grouped by topic, preserving order (a request lists each topic once). */
function byTopic<T extends { topic: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.topic);
    if (list) list.push(item);
    else out.set(item.topic, [item]);
  }
  return out;
}

export async function produceToLeader(
  router: LeaderRouter,
  nodeId: number,
  group: readonly PartitionBatch[],
  opts: { acks: number; timeoutMs: number; signal?: AbortSignal },
): Promise<Map<PartitionBatch, ProducedPartition>> {
  const out = new Map<PartitionBatch, ProducedPartition>();
  const fail = (b: PartitionBatch, error: Error): void => {
    out.set(b, { topic: b.topic, partition: b.partition, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, error });
  };
  const topics = byTopic(group);
  const body: Message = {
    transactionalId: null,
    acks: opts.acks,
    timeoutMs: opts.timeoutMs,
    topicData: [...topics].map(([name, list]) => ({ name, partitionData: list.map((b) => ({ index: b.partition, records: b.batch })) })),
  };
  let res: Message;
  try {
    const conn = await router.connectionTo(nodeId);
    const version = conn.version(ApiKey.Produce);
    if (opts.acks === 0) {
      await conn.sendWithoutResponse(ApiKey.Produce, version, body);
      for (const b of group) out.set(b, { topic: b.topic, partition: b.partition, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, error: null });
      return out;
    }
    res = await conn.request(ApiKey.Produce, version, body, { timeoutMs: Math.max(conn.requestTimeoutMs, opts.timeoutMs + 5000), signal: opts.signal });
  } catch (err) {
    for (const b of group) fail(b, err as Error);
    return out;
  }
  for (const t of res.responses as Message[]) {
    const list = topics.get(t.name) ?? [];
    for (const p of t.partitionResponses as Message[]) {
      const b = list.find((x) => x.partition === p.index);
      if (!b) continue;
      const error = p.errorCode === ErrorCode.NONE ? null : brokerError(p.errorCode, p.errorMessage, `produce to ${b.topic}-${b.partition}`);
      out.set(b, { topic: b.topic, partition: b.partition, baseOffset: p.baseOffset, logAppendTime: p.logAppendTimeMs, logStartOffset: p.logStartOffset, error });
    }
  }
  for (const b of group) {
    if (!out.has(b)) fail(b, new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `produce to ${b.topic}-${b.partition}: the broker's response did not mention the partition`));
  }
  return out;
}

export async function fetchFromLeader(
  router: LeaderRouter,
  nodeId: number,
  group: readonly FetchPartitionRequest[],
  opts: FetchOptions,
): Promise<FetchedPartition[]> {
  const failAll = (error: Error): FetchedPartition[] =>
    group.map((p) => ({ topic: p.topic, partition: p.partition, fetchOffset: p.offset, error, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null }));
  const maxWaitMs = opts.maxWaitMs ?? 500;
  const topics = byTopic(group);
  const body: Message = {
    replicaId: -1,
    maxWaitMs,
    minBytes: opts.minBytes ?? 1,
    maxBytes: opts.maxBytes ?? 52428800,
    isolationLevel: opts.isolationLevel ?? 0,
    // Session 0 / epoch -1: a full fetch without a fetch session (KIP-227).
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...topics].map(([topic, list]) => ({
      topic,
      partitions: list.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: p.maxBytes ?? 1048576 })),
    })),
    forgottenTopicsData: [],
    rackId: '',
  };
  let res: Message;
  try {
    const conn = await router.connectionTo(nodeId);
    res = await conn.call(ApiKey.Fetch, body, { timeoutMs: conn.requestTimeoutMs + maxWaitMs, signal: opts.signal });
  } catch (err) {
    return failAll(err as Error);
  }
  if (res.errorCode) return failAll(brokerError(res.errorCode, null, 'fetch'));
  const out: FetchedPartition[] = [];
  for (const t of res.responses as Message[]) {
    const list = topics.get(t.topic) ?? [];
    for (const p of t.partitions as Message[]) {
      const req = list.find((x) => x.partition === p.partitionIndex);
      if (!req) continue;
      out.push({
        topic: req.topic,
        partition: req.partition,
        fetchOffset: req.offset,
        error: p.errorCode === ErrorCode.NONE ? null : brokerError(p.errorCode, null, `fetch from ${req.topic}-${req.partition} at offset ${req.offset}`),
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset,
        logStartOffset: p.logStartOffset,
        records: p.records ?? null,
      });
    }
  }
  return out;
}

export async function listOffsetsFromLeader(
  router: LeaderRouter,
  nodeId: number,
  topic: string,
  partitions: readonly number[],
  timestamp: number,
  opts: { isolationLevel?: number; signal?: AbortSignal },
): Promise<ListedOffset[]> {
  const conn = await router.connectionTo(nodeId);
  const body: Message = {
    replicaId: -1,
    isolationLevel: opts.isolationLevel ?? 0,
    topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
  };
  const res = await conn.call(ApiKey.ListOffsets, body, { signal: opts.signal });
  const out: ListedOffset[] = [];
  for (const t of res.topics as Message[]) {
    for (const p of t.partitions as Message[]) {
      if (p.errorCode !== ErrorCode.NONE) throw brokerError(p.errorCode, null, `list offsets of ${topic}-${p.partitionIndex}`);
      // v0 answers with a list of offsets; later versions with one offset and its timestamp.
      const offset = Array.isArray(p.oldStyleOffsets) && p.oldStyleOffsets.length > 0 ? p.oldStyleOffsets[0] : p.offset;
      out.push({ partition: p.partitionIndex, offset, timestamp: p.timestamp });
    }
  }
  return out;
}
