/**
 * A batching producer in the shape of Kafka's: records are appended to one open batch per partition
 * (written straight into the batch's buffer), a batch is sealed when it reaches `batchSize` or has
 * lingered `lingerMs`, and sealed batches are sent with up to `maxInFlight` Produce requests
 * outstanding, each carrying at most one batch per partition. Memory held by unacknowledged batches
 * is bounded by `bufferMemory`: `send` returns a promise to wait on only when that is exhausted.
 * The buffers of acknowledged batches are written again by later ones (see BatchBufferPool).
 * The first delivery error fails the producer: later sends and `flush` throw it.
 */
import type { KafkaClient } from './kafka-client';
import { BatchBufferPool, RecordBatchBuilder, type RecordInput } from './record-batch-builder';
import { StickyPartitioner, partitionForKey } from './partitioner';

export interface ProducerOptions {
  /** -1 (all), 0 or 1. Default -1. */
  acks?: number;
  /** Bytes after which a batch is sealed. Default 16384. */
  batchSize?: number;
  /** How long a partial batch may wait for more records. Default 5 ms. */
  lingerMs?: number;
  /** Codec number or name; load non-gzip codecs with loadCompression first. */
  compression?: number | string;
  /** Produce requests outstanding at once. Default 5. */
  maxInFlight?: number;
  /** Upper bound of one request's batches. Default 1 MB. */
  maxRequestSize?: number;
  /** Bytes buffered before `send` asks the caller to wait. Default 32 MB. */
  bufferMemory?: number;
  /**
   * Sealed batches waiting for a free request slot before `send` asks the caller to wait. Default
   * 4 x maxInFlight: enough to keep the pipe full while yielding to the event loop, which must run
   * for responses (and an in-process broker) to make progress.
   */
  maxQueuedBatches?: number;
  /** Broker-side ack timeout. Default 30 s. */
  timeoutMs?: number;
  /** Record the append time of each record, for latency figures in `onBatchAcked`. */
  trackLatency?: boolean;
  /** Observes every batch once the broker answered for it. */
  onBatchAcked?: (ack: BatchAck) => void;
}

export interface OutgoingRecord extends RecordInput {
  topic: string;
  /** Explicit partition; otherwise murmur2 of the key, or sticky for null keys. */
  partition?: number;
}

export interface BatchAck {
  topic: string;
  partition: number;
  baseOffset: number;
  recordCount: number;
  /** Size of the batch as sent (after compression). */
  bytes: number;
  /** Date.now() at each record's append (only with trackLatency). */
  appendTimes: number[] | null;
  error: Error | null;
}

interface OpenBatch {
  builder: RecordBatchBuilder;
  appendTimes: number[] | null;
  openedAt: number;
}

interface SealedBatch {
  topic: string;
  partition: number;
  buffer: Buffer;
  recordCount: number;
  appendTimes: number[] | null;
}

/** How far into the ready queue one request looks for batches of other partitions. */
const READY_SCAN_LIMIT = 128;

export class Producer {
  private readonly open = new Map<string, Map<number, OpenBatch>>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly sticky = new StickyPartitioner();
  private ready: SealedBatch[] = [];
  private inFlight = 0;
  private buffered = 0;
  private failure: Error | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private roomWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private readonly acks: number;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;
  private readonly maxRequestSize: number;
  private readonly bufferMemory: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private readonly bufferPool: BatchBufferPool | null;

  constructor(
    private readonly client: KafkaClient,
    private readonly opts: ProducerOptions = {},
  ) {
    this.acks = opts.acks ?? -1;
    this.batchSize = Math.max(1, opts.batchSize ?? 16384);
    this.lingerMs = Math.max(0, opts.lingerMs ?? 5);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 5);
    this.maxRequestSize = opts.maxRequestSize ?? 1048576;
    this.bufferMemory = opts.bufferMemory ?? 32 * 1024 * 1024;
    this.maxQueued = Math.max(1, opts.maxQueuedBatches ?? 4 * this.maxInFlight);
    this.timeoutMs = opts.timeoutMs ?? 30000;
    // Room for as many spare buffers as batches can wait for an answer at once, which a busy
    // producer keeps in use anyway. None with acks=0: a request is done once the socket took it,
    // while its bytes may still wait in the socket's buffer.
    this.bufferPool = this.acks === 0 ? null : new BatchBufferPool(this.maxQueued + this.maxInFlight);
  }

  /** The first delivery error, if any. */
  get error(): Error | null {
    return this.failure;
  }

  /**
   * Appends a record. Returns undefined when it was buffered at once, or a promise to await first
   * when the topic's metadata must be loaded or buffer memory is exhausted.
   */
  send(record: OutgoingRecord): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const count = this.partitionCounts.get(record.topic);
    if (count === undefined) return this.loadTopic(record.topic).then(() => this.send(record));
    this.append(record, count);
    if (this.full()) return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    return undefined;
  }

  /** Sends every buffered record and waits for all answers; throws the first delivery error. */
  async flush(): Promise<void> {
    this.sealAll(() => true);
    this.pump();
    while (this.inFlight > 0 || this.ready.length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** Partition count of a topic (asking the broker to auto-create it, as producers do). */
  async partitionsOf(topic: string): Promise<number> {
    await this.loadTopic(topic);
    return this.partitionCounts.get(topic) as number;
  }

  private loadTopic(topic: string): Promise<void> {
    let pending = this.loading.get(topic);
    if (!pending) {
      pending = this.client.partitionCount(topic, { allowAutoTopicCreation: true }).then(
        (n) => {
          this.partitionCounts.set(topic, n);
        },
        (err: Error) => {
          this.loading.delete(topic);
          throw err;
        },
      );
      this.loading.set(topic, pending);
    }
    return pending;
  }

  private append(record: OutgoingRecord, count: number): void {
    let partition = record.partition;
    if (partition === undefined) partition = record.key !== null ? partitionForKey(record.key, count) : this.sticky.partition(record.topic, count);
    else if (partition < 0 || partition >= count) throw new RangeError(`partition ${partition} of topic '${record.topic}' does not exist (it has ${count})`);
    let perTopic = this.open.get(record.topic);
    if (!perTopic) {
      perTopic = new Map();
      this.open.set(record.topic, perTopic);
    }
    let batch = perTopic.get(partition);
    if (!batch) {
      batch = {
        builder: new RecordBatchBuilder({ compression: this.opts.compression, initialCapacity: this.batchSize + 1024, bufferPool: this.bufferPool ?? undefined }),
        appendTimes: this.opts.trackLatency ? [] : null,
        openedAt: Date.now(),
      };
      perTopic.set(partition, batch);
    }
    if (batch.builder.count === 0) batch.openedAt = Date.now();
    const before = batch.builder.sizeInBytes;
    batch.builder.append(record);
    this.buffered += batch.builder.sizeInBytes - before;
    batch.appendTimes?.push(Date.now());
    if (batch.builder.sizeInBytes >= this.batchSize) {
      this.seal(record.topic, partition, batch, count);
      this.pump();
    } else {
      this.armLinger();
    }
  }

  private seal(topic: string, partition: number, batch: OpenBatch, count: number): void {
    const uncompressed = batch.builder.sizeInBytes;
    const recordCount = batch.builder.count;
    const buffer = batch.builder.build();
    this.buffered += buffer.length - uncompressed;
    this.ready.push({ topic, partition, buffer, recordCount, appendTimes: batch.appendTimes });
    batch.appendTimes = this.opts.trackLatency ? [] : null;
    this.sticky.nextBatch(topic, partition, count);
  }

  private sealAll(due: (b: OpenBatch) => boolean): void {
    for (const [topic, perTopic] of this.open) {
      for (const [partition, batch] of perTopic) {
        if (batch.builder.count > 0 && due(batch)) this.seal(topic, partition, batch, this.partitionCounts.get(topic) ?? 1);
      }
    }
  }

  private armLinger(): void {
    if (this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      const now = Date.now();
      this.sealAll((b) => now - b.openedAt >= this.lingerMs);
      this.pump();
      if (this.hasOpenRecords()) this.armLinger();
    }, this.lingerMs);
  }

  private hasOpenRecords(): boolean {
    for (const perTopic of this.open.values()) for (const b of perTopic.values()) if (b.builder.count > 0) return true;
    return false;
  }

  private full(): boolean {
    return this.buffered > this.bufferMemory || this.ready.length > this.maxQueued;
  }

  /** Starts requests while fewer than maxInFlight are outstanding. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.ready.length > 0 && !this.failure) {
      const take: SealedBatch[] = [];
      const seen = new Set<string>();
      let bytes = 0;
      const limit = Math.min(this.ready.length, READY_SCAN_LIMIT);
      const keep: SealedBatch[] = [];
      for (let i = 0; i < limit; i++) {
        const b = this.ready[i] as SealedBatch;
        const key = `${b.topic}\0${b.partition}`;
        // One batch per partition per request (the broker takes exactly one), oldest first.
        if (take.length === 0 || (!seen.has(key) && bytes + b.buffer.length <= this.maxRequestSize)) {
          take.push(b);
          seen.add(key);
          bytes += b.buffer.length;
        } else {
          keep.push(b);
        }
      }
      this.ready = keep.concat(this.ready.slice(limit));
      this.inFlight++;
      void this.dispatch(take, bytes);
    }
    if (this.failure && this.ready.length > 0) {
      for (const b of this.ready) this.buffered -= b.buffer.length;
      this.ready = [];
    }
    if (this.inFlight === 0 && this.ready.length === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }

  private async dispatch(batches: SealedBatch[], bytes: number): Promise<void> {
    try {
      const results = await this.client.produceBatches({
        batches: batches.map((b) => ({ topic: b.topic, partition: b.partition, batch: b.buffer })),
        acks: this.acks,
        timeoutMs: this.timeoutMs,
      });
      results.forEach((r, i) => {
        const b = batches[i] as SealedBatch;
        if (r.error) this.failure ??= r.error;
        this.opts.onBatchAcked?.({ topic: b.topic, partition: b.partition, baseOffset: r.baseOffset, recordCount: b.recordCount, bytes: b.buffer.length, appendTimes: b.appendTimes, error: r.error });
        // Acknowledged, so the broker has read the whole request: nothing holds the batch's memory now.
        if (!r.error) this.bufferPool?.release(b.buffer);
      });
    } catch (err) {
      this.failure ??= err as Error;
    } finally {
      this.inFlight--;
      this.buffered -= bytes;
      this.pump();
      if (!this.full() || this.failure) this.roomWaiters.splice(0).forEach((w) => w());
    }
  }

  /** Stops the linger timer; buffered records that were not flushed are dropped. */
  close(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
  }
}
