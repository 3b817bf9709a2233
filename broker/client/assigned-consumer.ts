/**
 * A consumer of explicitly assigned partitions, without a consumer group: it keeps a position per
 * partition, fetches from the leaders, decodes the records, and moves each position past what it
 * returned (past control batches too, so that transaction markers never stall it). Used by the
 * console and perf-test consumers, and by anything that reads a topic from start to end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { isRoutingError } from './errors';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type KafkaClient } from './kafka-client';
import { nextOffsetAfter, readRecords, type ConsumedRecord } from './record-batch-reader';

export type StartPosition = 'earliest' | 'latest' | number;

export interface AssignedConsumerOptions {
  topic: string;
  /** Default: every partition of the topic. */
  partitions?: readonly number[];
  /** Where to start: earliest, latest, or an offset (per partition with a Map). */
  start: StartPosition | ReadonlyMap<number, StartPosition>;
  /** What to do when a position falls outside the log: move to earliest/latest, or fail. Default latest. */
  resetPolicy?: 'earliest' | 'latest' | 'none';
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

export interface PolledPartition {
  partition: number;
  records: ConsumedRecord[];
  highWatermark: number;
}

const MAX_PARTITION_FETCH = 64 * 1024 * 1024;

export class AssignedConsumer {
  readonly positions = new Map<number, number>();
  readonly highWatermarks = new Map<number, number>();
  private readonly fetchSizes = new Map<number, number>();

  private constructor(
    private readonly client: KafkaClient,
    private readonly opts: AssignedConsumerOptions,
  ) {}

  static async create(client: KafkaClient, opts: AssignedConsumerOptions): Promise<AssignedConsumer> {
    const consumer = new AssignedConsumer(client, opts);
    const topic = await client.topic(opts.topic, { signal: opts.signal });
    const partitions = opts.partitions ?? topic.partitions.map((p) => p.partition);
    for (const p of partitions) {
      if (!topic.partitions.some((x) => x.partition === p)) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${p} of topic '${opts.topic}' does not exist (it has ${topic.partitions.length})`);
      }
    }
    const byTimestamp = new Map<number, number[]>();
    for (const p of partitions) {
      const start = opts.start instanceof Map ? (opts.start.get(p) ?? 'latest') : (opts.start as StartPosition);
      if (typeof start === 'number' && start >= 0) {
        consumer.positions.set(p, start);
        continue;
      }
      const ts = start === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
      byTimestamp.set(ts, [...(byTimestamp.get(ts) ?? []), p]);
    }
    for (const [ts, list] of byTimestamp) {
      for (const o of await client.listOffsets(opts.topic, list, ts, { isolationLevel: opts.isolationLevel, signal: opts.signal })) consumer.positions.set(o.partition, o.offset);
    }
    return consumer;
  }

  get topic(): string {
    return this.opts.topic;
  }

  /** Moves a partition's position. */
  seek(partition: number, offset: number): void {
    this.positions.set(partition, offset);
  }

  /** One fetch round over every assigned partition. */
  async poll(opts: { maxWaitMs?: number; signal?: AbortSignal } = {}): Promise<PolledPartition[]> {
    const signal = opts.signal ?? this.opts.signal;
    const results = await this.client.fetch({
      partitions: [...this.positions].map(([partition, offset]) => ({ topic: this.opts.topic, partition, offset, maxBytes: this.fetchSizes.get(partition) ?? this.opts.partitionMaxBytes ?? 1048576 })),
      maxWaitMs: opts.maxWaitMs ?? this.opts.maxWaitMs ?? 500,
      minBytes: this.opts.minBytes ?? 1,
      isolationLevel: this.opts.isolationLevel,
      signal,
    });
    const out: PolledPartition[] = [];
    let routingErrors = 0;
    for (const r of results) {
      if (r.error) {
        if (r.error instanceof KafkaError && r.error.code === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.reset(r.partition, r.error, signal);
        } else if (isRoutingError(r.error)) {
          routingErrors++;
        } else {
          throw r.error;
        }
        continue;
      }
      this.highWatermarks.set(r.partition, r.highWatermark);
      const position = this.positions.get(r.partition) ?? r.fetchOffset;
      if (position !== r.fetchOffset) continue; // seeked while the fetch was out
      const records = r.records && r.records.length > 0 ? [...readRecords(r.records, { minOffset: position, verifyCrc: this.opts.verifyCrc })] : [];
      let next = position;
      const last = records[records.length - 1];
      if (last) next = last.offset + 1;
      if (r.records && r.records.length > 0) {
        const after = nextOffsetAfter(r.records);
        if (after > next) next = after;
        if (after < 0) this.growFetchSize(r.partition);
      }
      this.positions.set(r.partition, next);
      out.push({ partition: r.partition, records, highWatermark: r.highWatermark });
    }
    if (routingErrors > 0 && out.length === 0) await sleep(100, undefined, { signal });
    return out;
  }

  /** True when every position has reached its partition's last known high watermark. */
  caughtUp(): boolean {
    for (const [p, pos] of this.positions) {
      const hw = this.highWatermarks.get(p);
      if (hw === undefined || pos < hw) return false;
    }
    return true;
  }

  private async reset(partition: number, cause: Error, signal?: AbortSignal): Promise<void> {
    const policy = this.opts.resetPolicy ?? 'latest';
    if (policy === 'none') throw cause;
    const ts = policy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    const [o] = await this.client.listOffsets(this.opts.topic, [partition], ts, { isolationLevel: this.opts.isolationLevel, signal });
    if (o) this.positions.set(partition, o.offset);
  }

  /** A batch larger than the partition's fetch size came back truncated: ask for more next time. */
  private growFetchSize(partition: number): void {
    const current = this.fetchSizes.get(partition) ?? this.opts.partitionMaxBytes ?? 1048576;
    if (current >= MAX_PARTITION_FETCH) throw new Error(`a record batch in ${this.opts.topic}-${partition} is larger than ${MAX_PARTITION_FETCH} bytes`);
    this.fetchSizes.set(partition, current * 2);
  }
}
