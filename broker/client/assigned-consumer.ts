/**
 * A consumer of explicitly assigned partitions of one topic, without a consumer group: it keeps a
 * position per partition, fetches from the leaders, decodes the records, and moves each position
 * past what it returned (the shared PartitionFetcher does the work). Used by the console and
 * perf-test consumers, and by anything that reads a topic from start to end.
 */
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type KafkaClient } from './kafka-client';
import { PartitionFetcher, type ResetPolicy } from './partition-fetcher';
import type { ConsumedRecord } from './record-batch-reader';

export type StartPosition = 'earliest' | 'latest' | number;

export interface AssignedConsumerOptions {
  topic: string;
  /** Default: every partition of the topic. */
  partitions?: readonly number[];
  /** Where to start: earliest, latest, or an offset (per partition with a Map). */
  start: StartPosition | ReadonlyMap<number, StartPosition>;
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

export interface PolledPartition {
  partition: number;
  records: ConsumedRecord[];
  highWatermark: number;
}

export class AssignedConsumer {
  private constructor(
    private readonly fetcher: PartitionFetcher,
    private readonly opts: AssignedConsumerOptions,
  ) {}

  static async create(client: KafkaClient, opts: AssignedConsumerOptions): Promise<AssignedConsumer> {
    const consumer = new AssignedConsumer(new PartitionFetcher(client, opts), opts);
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
        consumer.fetcher.seek(opts.topic, p, start);
        continue;
      }
      const ts = start === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
      byTimestamp.set(ts, [...(byTimestamp.get(ts) ?? []), p]);
    }
    for (const [ts, list] of byTimestamp) await consumer.fetcher.seekToTimestamp(list.map((partition) => ({ topic: opts.topic, partition })), ts, opts.signal);
    return consumer;
  }

  get topic(): string {
    return this.opts.topic;
  }

  /** Each partition's next offset to read. */
  get positions(): Map<number, number> {
    return new Map(this.fetcher.assigned().map((tp) => [tp.partition, this.fetcher.position(tp.topic, tp.partition) as number]));
  }

  /** Each partition's high watermark as of its last fetch. */
  get highWatermarks(): Map<number, number> {
    const out = new Map<number, number>();
    for (const tp of this.fetcher.assigned()) {
      const hw = this.fetcher.highWatermark(tp.topic, tp.partition);
      if (hw !== undefined) out.set(tp.partition, hw);
    }
    return out;
  }

  /** Moves a partition's position. */
  seek(partition: number, offset: number): void {
    this.fetcher.seek(this.opts.topic, partition, offset);
  }

  /** One fetch round over every assigned partition. */
  async poll(opts: { maxWaitMs?: number; signal?: AbortSignal } = {}): Promise<PolledPartition[]> {
    const fetched = await this.fetcher.poll(opts);
    return fetched.map((f) => ({ partition: f.partition, records: f.records, highWatermark: f.highWatermark }));
  }

  /** True when every position has reached its partition's last known high watermark. */
  caughtUp(): boolean {
    return this.fetcher.caughtUp();
  }
}
