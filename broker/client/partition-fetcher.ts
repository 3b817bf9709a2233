/**
 * Position and fetch handling shared by the consumers (AssignedConsumer, GroupConsumer): a position
 * per topic-partition, one fetch round over all of them (one request per leader), decoding, and
 * moving each position past what it returned — past control batches too, so that transaction
 * markers never stall it. A batch larger than the fetch size doubles that partition's fetch size; a
 * position outside the log is reset by the policy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { isRoutingError } from './errors';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type KafkaClient } from './kafka-client';
import type { FetchPartitionRequest } from './partition-requests';
import { decodeRecords, nextOffsetAfter, type ConsumedRecord } from './record-batch-reader';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export type ResetPolicy = 'earliest' | 'latest' | 'none';

export interface FetcherOptions {
  /** What to do when a position falls outside the log: move to earliest/latest, or fail. Default latest. */
  resetPolicy?: ResetPolicy;
  /** How long the broker may wait for data. Default 500 ms. */
  maxWaitMs?: number;
  minBytes?: number;
  /** Per-partition fetch size; doubled while a single batch does not fit. Default 1 MB. */
  partitionMaxBytes?: number;
  /** 0 READ_UNCOMMITTED (default), 1 READ_COMMITTED. */
  isolationLevel?: number;
  /** Check batch CRCs (default true). */
  verifyCrc?: boolean;
  signal?: AbortSignal;
}

export interface FetchedRecords {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  highWatermark: number;
}

interface PartitionState {
  position: number;
  /** Left out of fetches until resumed (Kafka's consumer pause). */
  paused?: boolean;
  highWatermark?: number;
  fetchSize?: number;
}

const MAX_PARTITION_FETCH = 64 * 1024 * 1024;

export class PartitionFetcher {
  private readonly state = new Map<string, Map<number, PartitionState>>();
  /** Fetch rounds so far, for taking turns at the head of the request. */
  private rounds = 0;

  constructor(
    private readonly client: KafkaClient,
    private readonly opts: FetcherOptions = {},
  ) {}

  /** The partitions that have a position, topic by topic in insertion order. */
  assigned(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const [topic, parts] of this.state) for (const partition of parts.keys()) out.push({ topic, partition });
    return out;
  }

  get size(): number {
    let n = 0;
    for (const parts of this.state.values()) n += parts.size;
    return n;
  }

  position(topic: string, partition: number): number | undefined {
    return this.state.get(topic)?.get(partition)?.position;
  }

  highWatermark(topic: string, partition: number): number | undefined {
    return this.state.get(topic)?.get(partition)?.highWatermark;
  }

  /** Sets a partition's position (adding the partition when it had none). */
  seek(topic: string, partition: number, offset: number): void {
    let parts = this.state.get(topic);
    if (!parts) {
      parts = new Map();
      this.state.set(topic, parts);
    }
    const s = parts.get(partition);
    if (s) s.position = offset;
    else parts.set(partition, { position: offset });
  }

  /** Moves partitions to the offset for a timestamp (-2 earliest, -1 latest), one ListOffsets per topic. */
  async seekToTimestamp(partitions: readonly TopicPartition[], timestamp: number, signal = this.opts.signal): Promise<void> {
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    for (const [topic, list] of byTopic) {
      for (const o of await this.client.listOffsets(topic, list, timestamp, { isolationLevel: this.opts.isolationLevel, signal })) this.seek(topic, o.partition, o.offset);
    }
  }

  /** Forgets every partition not in `keep`. */
  retainOnly(keep: readonly TopicPartition[]): void {
    const wanted = new Set(keep.map((tp) => key(tp.topic, tp.partition)));
    for (const [topic, parts] of this.state) {
      for (const p of [...parts.keys()]) if (!wanted.has(key(topic, p))) parts.delete(p);
      if (parts.size === 0) this.state.delete(topic);
    }
  }

  clear(): void {
    this.state.clear();
  }

  /** Stops fetching a partition, keeping its position; a partition without a position is ignored. */
  pause(topic: string, partition: number): void {
    const s = this.state.get(topic)?.get(partition);
    if (s) s.paused = true;
  }

  resume(topic: string, partition: number): void {
    const s = this.state.get(topic)?.get(partition);
    if (s) s.paused = false;
  }

  isPaused(topic: string, partition: number): boolean {
    return this.state.get(topic)?.get(partition)?.paused === true;
  }

  /** One fetch round over every partition that has a position and is not paused. */
  async poll(opts: { maxWaitMs?: number; signal?: AbortSignal } = {}): Promise<FetchedRecords[]> {
    const signal = opts.signal ?? this.opts.signal;
    const requests: FetchPartitionRequest[] = [];
    for (const [topic, parts] of this.state) {
      for (const [partition, s] of parts) {
        if (!s.paused) requests.push({ topic, partition, offset: s.position, maxBytes: s.fetchSize ?? this.opts.partitionMaxBytes ?? 1048576 });
      }
    }
    if (requests.length === 0) {
      // All paused: wait as a fetch with nothing to return would, so that a polling loop does not spin.
      if (this.size > 0) await sleep(opts.maxWaitMs ?? this.opts.maxWaitMs ?? 500, undefined, { signal });
      return [];
    }
    // Only the first partition is sure to get a batch larger than its share (KIP-74): take turns at being first.
    rotate(requests, this.rounds++);
    const results = await this.client.fetch({
      partitions: requests,
      maxWaitMs: opts.maxWaitMs ?? this.opts.maxWaitMs ?? 500,
      minBytes: this.opts.minBytes ?? 1,
      isolationLevel: this.opts.isolationLevel,
      signal,
    });
    const out: FetchedRecords[] = [];
    let routingErrors = 0;
    for (const r of results) {
      const s = this.state.get(r.topic)?.get(r.partition);
      // Unassigned or seeked while the fetch was out: the answer is stale.
      if (!s || s.position !== r.fetchOffset) continue;
      if (r.error) {
        if (r.error instanceof KafkaError && r.error.code === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.reset(r.topic, r.partition, r.error, signal);
        } else if (isRoutingError(r.error)) {
          routingErrors++;
        } else {
          throw r.error;
        }
        continue;
      }
      s.highWatermark = r.highWatermark;
      const position = s.position;
      const records = decodeRecords(r.records, { minOffset: position, verifyCrc: this.opts.verifyCrc });
      let next = position;
      const last = records[records.length - 1];
      if (last) next = last.offset + 1;
      if (r.records && r.records.length > 0) {
        const after = nextOffsetAfter(r.records);
        if (after > next) next = after;
        if (after < 0) this.growFetchSize(r.topic, r.partition, s);
      }
      s.position = next;
      out.push({ topic: r.topic, partition: r.partition, records, highWatermark: r.highWatermark });
    }
    if (routingErrors > 0 && out.length === 0) await sleep(100, undefined, { signal });
    return out;
  }

  /** True when every position has reached its partition's last known high watermark. */
  caughtUp(): boolean {
    for (const parts of this.state.values()) {
      for (const s of parts.values()) if (s.highWatermark === undefined || s.position < s.highWatermark) return false;
    }
    return true;
  }

  private async reset(topic: string, partition: number, cause: Error, signal?: AbortSignal): Promise<void> {
    const policy = this.opts.resetPolicy ?? 'latest';
    if (policy === 'none') throw cause;
    await this.seekToTimestamp([{ topic, partition }], policy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP, signal);
  }

  /** A batch larger than the partition's fetch size came back truncated: ask for more next time. */
  private growFetchSize(topic: string, partition: number, s: PartitionState): void {
    const current = s.fetchSize ?? this.opts.partitionMaxBytes ?? 1048576;
    if (current >= MAX_PARTITION_FETCH) throw new Error(`a record batch in ${topic}-${partition} is larger than ${MAX_PARTITION_FETCH} bytes`);
    s.fetchSize = current * 2;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Moves the first `by % length` entries to the end, in place. */
function rotate<T>(list: T[], by: number): void {
  const n = by % list.length;
  if (n > 0) list.push(...list.splice(0, n));
}
