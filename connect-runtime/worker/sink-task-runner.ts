/**
 * Runs one sink task (Kafka Connect's WorkerSinkTask): consume in group `connect-<connector>`,
 * convert, `put`, and every offset.flush.interval.ms ask the task what is safe to commit
 * (`preCommit`, which flushes by default) and commit exactly that. Offsets never run ahead of what
 * the task has flushed, so a crash redelivers at most the records since the last commit.
 */
import {
  RetriableError,
  TopicPartitionMap,
  topicPartition,
  type ErrantRecordReporter,
  type OffsetAndMetadata,
  type SinkRecord,
  type SinkTask,
  type TopicPartition,
} from '../api';
import type { GroupConsumer } from '../../broker/client/group-consumer';
import type { FetchedRecords } from '../../broker/client/partition-fetcher';
import type { ConsumedRecord } from '../../broker/client/record-batch-reader';
import { SKIPPED, type ConsumedCoordinates, type ErrorHandler } from './error-handler';
import { failedSinkStage, toSinkRecord } from './record-conversion';
import type { TaskRunnerBase } from './task-status';
import type { TransformationChain } from './transformation-chain';

export interface SinkTaskRunnerOptions extends TaskRunnerBase {
  task: SinkTask;
  /** Built with a rebalance listener that calls onPartitionsRevoked/Assigned below. */
  consumer: GroupConsumer;
  transforms: TransformationChain<SinkRecord>;
  errors: ErrorHandler;
}

/** How often a paused task polls, to keep its group membership alive. */
const PAUSED_POLL_INTERVAL_MS = 500;

/** Records ready for put(), with the positions a commit may store once it returned. */
interface PutBatch {
  records: SinkRecord[];
  positions: [TopicPartition, number][];
  topics: Set<string>;
}

export class SinkTaskRunner {
  private readonly abort = new AbortController();
  private paused = false;
  private commitRequested = false;
  private retryAfterMs = 0;
  /** Next offset to consume per partition: what a commit may cover once the task flushed it. */
  private readonly current = new TopicPartitionMap<OffsetAndMetadata>();
  /** Partitions the task paused through its context. */
  private readonly pausedPartitions = new TopicPartitionMap<true>();
  private done: Promise<void> | null = null;
  /** The consumed bytes behind each record of the current batch, kept only when a dead letter queue needs them. */
  private consumedOf: WeakMap<SinkRecord, ConsumedCoordinates> | null;
  /** An errant record the task reported that errors.tolerance=none does not allow: the task fails after put. */
  private reportedFailure: Error | null = null;
  /** The put under way, resolving to its error (or null); never rejects, so nothing is left unhandled. */
  private putInFlight: Promise<Error | null> | null = null;
  /** context.offset calls so far, and the count at each partition's latest one. */
  private seekCount = 0;
  private readonly lastSeekOf = new TopicPartitionMap<number>();

  constructor(private readonly opts: SinkTaskRunnerOptions) {
    this.consumedOf = opts.errors.deadLetterTopic !== '' ? new WeakMap() : null;
  }

  start(): void {
    this.done = this.run();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  /**
   * Rebalance listener: commit what the task flushed for the partitions going away, then close them. A
   * failed commit is logged, not thrown: the consumer must still give the partitions up (and, when
   * closing, leave the group) whatever the task did.
   */
  async onPartitionsRevoked(partitions: { topic: string; partition: number }[]): Promise<void> {
    if (partitions.length === 0) return;
    // The put under way must end first: its offsets are part of what is committed, and close() may not overlap it.
    await this.putInFlight;
    await this.commit().catch((err: unknown) => this.opts.logger.warn({ err, task: this.opts.taskId }, 'committing offsets of revoked partitions failed'));
    const tps = partitions.map((p) => topicPartition(p.topic, p.partition));
    for (const tp of tps) this.current.delete(tp);
    await this.opts.task.close(tps);
  }

  async onPartitionsAssigned(partitions: { topic: string; partition: number }[]): Promise<void> {
    // The consumer forgets pauses in a rebalance; the task's and the connector's still hold.
    this.applyPauses();
    await this.opts.task.open(partitions.map((p) => topicPartition(p.topic, p.partition)));
  }

  /**
   * Makes the consumer fetch exactly what may be handed over: nothing while the connector is paused, else every
   * assigned partition but those the task paused. Records of a paused partition then stay in the log, unread.
   */
  private applyPauses(): void {
    const { consumer } = this.opts;
    const assigned = consumer.assignment();
    const held = (tp: { topic: string; partition: number }) => this.paused || this.pausedPartitions.has(topicPartition(tp.topic, tp.partition));
    consumer.pause(assigned.filter(held));
    consumer.resume(assigned.filter((tp) => !held(tp)));
  }

  private async run(): Promise<void> {
    const { task, listener, taskId } = this.opts;
    try {
      task.initialize(this.context());
      await task.start(this.opts.config, this.abort.signal);
      listener.onRunning(taskId);
      // A poll or put interrupted by stop() may throw; anything else is the task failing.
      const unlessStopping = (err: unknown): void => {
        if (!this.abort.signal.aborted) throw err;
      };
      await this.loop().catch(unlessStopping);
      await this.settle().catch(unlessStopping);
      await this.commit();
    } catch (err) {
      this.opts.logger.error({ err, task: taskId }, 'sink task failed');
      this.opts.metrics.errors++;
      listener.onFailure(taskId, err as Error);
      await this.shutdown(false);
      return;
    }
    await this.shutdown(true);
  }

  /**
   * Poll, convert, put. The put of one batch overlaps the poll and conversion of the next (the database works while
   * this thread decodes), but puts never overlap one another and the task sees them in order. Whatever the task
   * asked for during a put (pause, a new offset) is applied to the next batch before it is handed over.
   */
  private async loop(): Promise<void> {
    const { consumer, offsetFlushIntervalMs, listener, taskId } = this.opts;
    let lastCommit = Date.now();
    let reportedPause = false;
    while (!this.abort.signal.aborted) {
      if (this.paused !== reportedPause) {
        await this.settle();
        reportedPause = this.paused;
        this.applyPauses();
        if (this.paused) listener.onPaused(taskId);
        else listener.onRunning(taskId);
      }
      if (this.paused) {
        // Keep the membership alive (poll heartbeats) while handing nothing to the task.
        await consumer.poll({ maxWaitMs: 0, signal: this.abort.signal }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, PAUSED_POLL_INTERVAL_MS));
        continue;
      }
      // While a put is out, a poll that finds nothing need not wait long: the put's end may bring a commit.
      // Otherwise the consumer's own fetch.max.wait.ms applies.
      const fetched = await consumer.poll({ maxWaitMs: this.putInFlight ? 0 : undefined, signal: this.abort.signal });
      const seeksAtFetch = this.seekCount;
      const converted = await this.convert(fetched);
      await this.settle();
      const ready = this.handOverable(fetched, converted, seeksAtFetch);
      if (ready.records.length > 0) this.startPut(ready);
      else this.advance(ready.positions);
      if (this.commitRequested || Date.now() - lastCommit >= offsetFlushIntervalMs) {
        await this.settle();
        this.commitRequested = false;
        await this.commit();
        lastCommit = Date.now();
      }
    }
    await this.settle();
  }

  /** Converts every fetched record; the result keeps each partition's records apart. */
  private async convert(fetched: FetchedRecords[]): Promise<SinkRecord[][]> {
    const out: SinkRecord[][] = [];
    for (const part of fetched) {
      const records: SinkRecord[] = [];
      for (const record of part.records) {
        let sinkRecord: SinkRecord | null;
        try {
          sinkRecord = this.toConnect(part.topic, part.partition, record);
        } catch (err) {
          sinkRecord = await this.recover(err, part.topic, part.partition, record);
        }
        if (sinkRecord !== null) records.push(sinkRecord);
      }
      out.push(records);
    }
    return out;
  }

  /**
   * The converted records the task may have now, and the next position of each partition they came from. A partition
   * the task paused since is seeked back to its first fetched record (read again once resumed); one the task gave a
   * new offset since the fetch (context.offset) is dropped, the consumer already being at that offset.
   */
  private handOverable(fetched: FetchedRecords[], converted: SinkRecord[][], seeksAtFetch: number): PutBatch {
    const records: SinkRecord[] = [];
    const positions: [TopicPartition, number][] = [];
    const topics = new Set<string>();
    const reseeked = this.seekCount !== seeksAtFetch ? this.seekedSince(seeksAtFetch) : null;
    fetched.forEach((part, i) => {
      const first = part.records[0];
      const last = part.records[part.records.length - 1];
      if (!first || !last) return;
      const tp = topicPartition(part.topic, part.partition);
      if (reseeked?.has(tp)) return;
      if (this.pausedPartitions.has(tp)) {
        this.opts.consumer.seek(part.topic, part.partition, first.offset);
        return;
      }
      topics.add(part.topic);
      for (const r of converted[i] as SinkRecord[]) records.push(r);
      positions.push([tp, last.offset + 1]);
    });
    return { records, positions, topics };
  }

  /** Partitions given a new offset by the task after the `since`-th seek. */
  private seekedSince(since: number): TopicPartitionMap<true> {
    const out = new TopicPartitionMap<true>();
    for (const [tp, at] of this.lastSeekOf) if (at > since) out.set(tp, true);
    return out;
  }

  /** Hands a batch to the task; its offsets become committable when put returns. settle() awaits it. */
  private startPut(batch: PutBatch): void {
    for (const topic of batch.topics) this.opts.onTopic?.(topic);
    this.opts.metrics.recordsIn += batch.records.length;
    this.putInFlight = this.put(batch.records).then(
      () => {
        this.opts.metrics.recordsOut += batch.records.length;
        this.opts.metrics.uncommitted += batch.records.length;
        this.advance(batch.positions);
        return null;
      },
      (err: unknown) => err as Error,
    );
  }

  private advance(positions: [TopicPartition, number][]): void {
    for (const [tp, offset] of positions) this.current.set(tp, { offset });
  }

  /** Waits for the put in flight, if any; throws what it threw. */
  private async settle(): Promise<void> {
    const inFlight = this.putInFlight;
    if (inFlight === null) return;
    const failure = await inFlight;
    this.putInFlight = null;
    if (failure) throw failure;
  }

  /** Converts and transforms one consumed record; null when a transformation dropped it. Throws what a stage threw. */
  private toConnect(topic: string, partition: number, consumed: ConsumedRecord): SinkRecord | null {
    const { converters, transforms } = this.opts;
    const record = toSinkRecord(topic, partition, consumed, converters);
    const transformed = transforms.isEmpty ? record : transforms.apply(record);
    if (transformed !== null) this.consumedOf?.set(transformed, { topic, partition, ...consumed });
    return transformed;
  }

  /** A stage failed: retry, skip (errors.tolerance=all, counted as an error) or fail the task. */
  private async recover(error: unknown, topic: string, partition: number, consumed: ConsumedRecord): Promise<SinkRecord | null> {
    const stage = failedSinkStage(topic, consumed, this.opts.converters);
    const context = { stage, record: `${topic}-${partition}@${consumed.offset}`, consumed: { topic, partition, ...consumed } };
    const result = await this.opts.errors.recover(error, context, () => this.toConnect(topic, partition, consumed));
    if (result !== SKIPPED) return result;
    this.opts.metrics.errors++;
    return null;
  }

  /** put() with Kafka Connect's retry rule: a RetriableError redelivers the same batch after context.timeout(). */
  private async put(batch: Parameters<SinkTask['put']>[0]): Promise<void> {
    for (;;) {
      try {
        await this.opts.task.put(batch, this.abort.signal);
        if (this.reportedFailure) throw this.reportedFailure;
        return;
      } catch (err) {
        if (!(err instanceof RetriableError) || this.abort.signal.aborted) throw err;
        const wait = this.retryAfterMs;
        this.opts.logger.warn({ task: this.opts.taskId, err: err.message, retryInMs: wait }, 'sink task asked for a retry');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Commits what preCommit allows: by default everything put, once the task flushed it. */
  private async commit(): Promise<void> {
    if (this.current.size === 0) return;
    const committable = await this.opts.task.preCommit(new TopicPartitionMap(this.current));
    // Records sent to the dead letter queue must be there before offsets past them are committed.
    await this.opts.errors.flush();
    const offsets = [...committable].map(([tp, o]) => ({ topic: tp.topic, partition: tp.partition, offset: o.offset, metadata: o.metadata ?? null }));
    if (offsets.length > 0) await this.opts.consumer.commitSync(offsets);
    // When preCommit held partitions back, their records stay counted as uncommitted.
    if (offsets.length === this.current.size) this.opts.metrics.committed();
    else this.opts.metrics.lastCommitMs = Date.now();
  }

  /**
   * As Kafka's WorkerSinkTask: the partitions are closed (commit, task.close) and the group left while the
   * task can still flush, then the task is stopped. Stopping it first made the revocation's flush fail,
   * which left the consumer in the group until its session expired.
   */
  private async shutdown(clean: boolean): Promise<void> {
    await this.opts.consumer.close().catch((err: unknown) => this.opts.logger.warn({ err, task: this.opts.taskId }, 'closing the sink consumer failed'));
    try {
      await this.opts.task.stop();
      this.opts.transforms.close();
    } catch (err) {
      this.opts.logger.warn({ err, task: this.opts.taskId }, 'sink task failed to stop cleanly');
    }
    if (clean) this.opts.listener.onShutdown(this.opts.taskId);
  }

  /**
   * KIP-610: the task hands over a record it cannot write. With errors.tolerance=all it is logged and
   * dead-lettered and the task goes on; otherwise the report fails, and so does the task once put returns.
   */
  private errantRecordReporter(): ErrantRecordReporter {
    return {
      report: async (record: SinkRecord, error: Error) => {
        const consumed = this.consumedOf?.get(record);
        const where = `${record.topic}-${record.kafkaPartition ?? -1}@${record.kafkaOffset}`;
        try {
          await this.opts.errors.tolerate(error, { stage: 'TASK_PUT', record: where, ...(consumed ? { consumed } : {}) });
          this.opts.metrics.errors++;
        } catch (err) {
          this.reportedFailure ??= err as Error;
          throw err;
        }
      },
    };
  }

  private context(): Parameters<SinkTask['initialize']>[0] {
    const consumer = this.opts.consumer;
    return {
      configs: () => this.opts.config,
      offset: (first: TopicPartition | Iterable<readonly [TopicPartition, number]>, offset?: number) => {
        const entries = offset === undefined ? [...(first as Iterable<readonly [TopicPartition, number]>)] : [[first as TopicPartition, offset] as const];
        for (const [tp, o] of entries) {
          consumer.seek(tp.topic, tp.partition, o);
          this.lastSeekOf.set(tp, ++this.seekCount);
        }
      },
      timeout: (ms: number) => {
        this.retryAfterMs = Math.max(0, ms);
      },
      assignment: () => consumer.assignment().map((p) => topicPartition(p.topic, p.partition)),
      pause: (...partitions: TopicPartition[]) => {
        for (const tp of partitions) this.pausedPartitions.set(tp, true);
        this.applyPauses();
      },
      resume: (...partitions: TopicPartition[]) => {
        for (const tp of partitions) this.pausedPartitions.delete(tp);
        this.applyPauses();
      },
      requestCommit: () => {
        this.commitRequested = true;
      },
      errantRecordReporter: () => this.errantRecordReporter(),
    } as Parameters<SinkTask['initialize']>[0];
  }
}
