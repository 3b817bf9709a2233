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

const POLL_WAIT_MS = 500;

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
    await this.commit().catch((err: unknown) => this.opts.logger.warn({ err, task: this.opts.taskId }, 'committing offsets of revoked partitions failed'));
    const tps = partitions.map((p) => topicPartition(p.topic, p.partition));
    for (const tp of tps) this.current.delete(tp);
    await this.opts.task.close(tps);
  }

  async onPartitionsAssigned(partitions: { topic: string; partition: number }[]): Promise<void> {
    await this.opts.task.open(partitions.map((p) => topicPartition(p.topic, p.partition)));
  }

  private async run(): Promise<void> {
    const { task, listener, taskId } = this.opts;
    try {
      task.initialize(this.context());
      await task.start(this.opts.config, this.abort.signal);
      listener.onRunning(taskId);
      await this.loop().catch((err: unknown) => {
        // A poll interrupted by stop() may throw; anything else is the task failing.
        if (!this.abort.signal.aborted) throw err;
      });
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

  private async loop(): Promise<void> {
    const { consumer, offsetFlushIntervalMs, listener, taskId } = this.opts;
    let lastCommit = Date.now();
    let reportedPause = false;
    while (!this.abort.signal.aborted) {
      if (this.paused !== reportedPause) {
        if (this.paused) listener.onPaused(taskId);
        else listener.onRunning(taskId);
        reportedPause = this.paused;
      }
      if (this.paused) {
        // Keep the membership alive (poll heartbeats) while handing nothing to the task.
        await consumer.poll({ maxWaitMs: 0, signal: this.abort.signal }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, POLL_WAIT_MS));
        continue;
      }
      const fetched = (await consumer.poll({ maxWaitMs: POLL_WAIT_MS, signal: this.abort.signal })).filter((part) => {
        const tp = topicPartition(part.topic, part.partition);
        if (!this.pausedPartitions.has(tp)) return true;
        // Paused by the task: read these again once it resumes the partition.
        const first = part.records[0];
        if (first) consumer.seek(part.topic, part.partition, first.offset);
        return false;
      });
      const batch: SinkRecord[] = [];
      for (const part of fetched) {
        for (const record of part.records) {
          let sinkRecord: SinkRecord | null;
          try {
            sinkRecord = this.toConnect(part.topic, part.partition, record);
          } catch (err) {
            sinkRecord = await this.recover(err, part.topic, part.partition, record);
          }
          if (sinkRecord !== null) batch.push(sinkRecord);
        }
      }
      if (batch.length > 0) {
        for (const part of fetched) if (part.records.length > 0) this.opts.onTopic?.(part.topic);
        this.opts.metrics.recordsIn += batch.length;
        await this.put(batch);
        this.opts.metrics.recordsOut += batch.length;
        this.opts.metrics.uncommitted += batch.length;
      }
      for (const part of fetched) {
        const last = part.records[part.records.length - 1];
        if (last) this.current.set(topicPartition(part.topic, part.partition), { offset: last.offset + 1 });
      }
      if (this.commitRequested || Date.now() - lastCommit >= offsetFlushIntervalMs) {
        this.commitRequested = false;
        await this.commit();
        lastCommit = Date.now();
      }
    }
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
        for (const [tp, o] of entries) consumer.seek(tp.topic, tp.partition, o);
      },
      timeout: (ms: number) => {
        this.retryAfterMs = Math.max(0, ms);
      },
      assignment: () => consumer.assignment().map((p) => topicPartition(p.topic, p.partition)),
      pause: (...partitions: TopicPartition[]) => {
        for (const tp of partitions) this.pausedPartitions.set(tp, true);
      },
      resume: (...partitions: TopicPartition[]) => {
        for (const tp of partitions) this.pausedPartitions.delete(tp);
      },
      requestCommit: () => {
        this.commitRequested = true;
      },
      errantRecordReporter: () => this.errantRecordReporter(),
    } as Parameters<SinkTask['initialize']>[0];
  }
}
