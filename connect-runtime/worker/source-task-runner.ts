/**
 * Runs one source task (Kafka Connect's WorkerSourceTask): poll, convert, produce with acks=all,
 * and every offset.flush.interval.ms commit the source offsets of everything sent — only after the
 * producer has flushed, so that a stored offset never covers a record the broker has not
 * acknowledged (at-least-once). Offsets are also committed on a clean stop.
 */
import { SourceTask, topicPartitionString, type SourceRecord } from '../api';
import type { OutgoingRecord, Producer } from '../../broker/client/producer';
import { offsetKey, type OffsetStore, type SourceOffset, type SourcePartition } from '../storage/offset-store';
import { offsetStorageReader } from './offset-reader';
import { SKIPPED, type ErrorHandler } from './error-handler';
import { failedSourceStage, toOutgoing } from './record-conversion';
import type { TaskRunnerBase } from './task-status';
import type { TransformationChain } from './transformation-chain';
import { sleep } from './sleep';

export interface SourceTaskRunnerOptions extends TaskRunnerBase {
  connector: string;
  task: SourceTask;
  producer: Producer;
  offsets: OffsetStore;
  transforms: TransformationChain<SourceRecord>;
  errors: ErrorHandler;
  /** How long an offset commit waits for the producer to flush (offset.flush.timeout.ms). */
  offsetFlushTimeoutMs: number;
}

const PAUSED_WAIT_MS = 100;

export class SourceTaskRunner {
  private readonly abort = new AbortController();
  private paused = false;
  /** Offsets of records handed to the producer since the last commit, by partition key. */
  private pending = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
  private pendingRecords: SourceRecord[] = [];
  private done: Promise<void> | null = null;
  private readonly callsCommitRecord: boolean;

  constructor(private readonly opts: SourceTaskRunnerOptions) {
    this.callsCommitRecord = opts.task.commitRecord !== SourceTask.prototype.commitRecord;
  }

  start(): void {
    this.done = this.run();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /** Stops polling, commits what was acknowledged, stops the task; resolves when the loop ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    const { task, listener, taskId } = this.opts;
    try {
      task.initialize({ configs: () => this.opts.config, offsetStorageReader: offsetStorageReader(this.opts.offsets, this.opts.connector), transactionContext: null });
      await task.start(this.opts.config, this.abort.signal);
      listener.onRunning(taskId);
      await this.loop().catch((err: unknown) => {
        // A poll interrupted by stop() may throw; anything else is the task failing.
        if (!this.abort.signal.aborted) throw err;
      });
      await this.commitOffsets();
    } catch (err) {
      this.opts.logger.error({ err, task: taskId }, 'source task failed');
      this.opts.metrics.errors++;
      listener.onFailure(taskId, err as Error);
      await this.stopTask();
      return;
    }
    await this.stopTask();
    listener.onShutdown(taskId);
  }

  private async loop(): Promise<void> {
    const { task, producer, offsetFlushIntervalMs, listener, taskId } = this.opts;
    let lastCommit = Date.now();
    let reportedPause = false;
    while (!this.abort.signal.aborted) {
      if (this.paused) {
        if (!reportedPause) listener.onPaused(taskId);
        reportedPause = true;
        await sleep(PAUSED_WAIT_MS, this.abort.signal);
        continue;
      }
      if (reportedPause) listener.onRunning(taskId);
      reportedPause = false;
      const records = await task.poll(this.abort.signal);
      if (records) {
        this.opts.metrics.recordsIn += records.length;
        this.opts.metrics.uncommitted += records.length;
      }
      let lastTopic: string | null = null;
      for (const record of records ?? []) {
        let outgoing: OutgoingRecord | null;
        try {
          outgoing = this.toKafka(record);
        } catch (err) {
          outgoing = await this.recover(err, record);
        }
        // A record dropped by a transformation or skipped by errors.tolerance still has its offset committed.
        this.track(record);
        if (outgoing === null) continue;
        const sent = producer.send(outgoing);
        if (outgoing.topic !== lastTopic) {
          lastTopic = outgoing.topic;
          this.opts.onTopic?.(outgoing.topic);
        }
        if (sent) await sent; // the producer's buffer is full: wait for room
      }
      if (Date.now() - lastCommit >= offsetFlushIntervalMs) {
        await this.commitOffsets();
        lastCommit = Date.now();
      }
    }
  }

  /** Transforms and converts one record; null when a transformation dropped it. */
  private toKafka(record: SourceRecord): OutgoingRecord | null {
    const { transforms, converters } = this.opts;
    if (transforms.isEmpty) return toOutgoing(record, converters);
    const transformed = transforms.apply(record);
    return transformed === null ? null : toOutgoing(transformed, converters);
  }

  private async recover(error: unknown, record: SourceRecord): Promise<OutgoingRecord | null> {
    const { errors, transforms, converters } = this.opts;
    const stage = failedSourceStage(record, (r) => transforms.apply(r), converters);
    const where = record.kafkaPartition === null ? record.topic : topicPartitionString({ topic: record.topic, partition: record.kafkaPartition });
    const result = await errors.recover(error, { stage, record: `source record for ${where} at ${JSON.stringify(record.sourceOffset)}`, details: () => record.toString() }, () => this.toKafka(record));
    if (result === SKIPPED) {
      this.opts.metrics.errors++;
      return null;
    }
    return result;
  }

  private track(record: SourceRecord): void {
    if (record.sourcePartition && record.sourceOffset) {
      const partition = record.sourcePartition as SourcePartition;
      this.pending.set(offsetKey(this.opts.connector, partition), { partition, offset: record.sourceOffset as SourceOffset });
    }
    if (this.callsCommitRecord) this.pendingRecords.push(record);
  }

  /**
   * Flush the producer (every record acknowledged), then store the offsets and tell the task. Polling stops while
   * this waits, so the wait always ends once the broker has acknowledged what was sent. Kafka abandons a commit
   * after offset.flush.timeout.ms and retries it later; here that would only leave more to redeliver after a
   * crash (the next attempt has even more to flush), so a slow flush is reported and waited for instead.
   */
  private async commitOffsets(): Promise<void> {
    const offsets = [...this.pending.values()];
    const records = this.pendingRecords;
    const sent = this.opts.metrics.uncommitted;
    this.pending = new Map();
    this.pendingRecords = [];
    await this.flushReportingDelay(this.opts.offsetFlushTimeoutMs);
    this.opts.metrics.recordsOut += sent;
    if (offsets.length > 0) await this.opts.offsets.set(this.opts.connector, offsets);
    for (const record of records) await this.opts.task.commitRecord(record, null);
    await this.opts.task.commit();
    this.opts.metrics.uncommitted -= sent;
    this.opts.metrics.lastCommitMs = Date.now();
  }

  private async flushReportingDelay(timeoutMs: number): Promise<void> {
    const started = Date.now();
    const timer = setTimeout(() => {
      this.opts.logger.error({ task: this.opts.taskId, timeoutMs }, 'records not acknowledged within offset.flush.timeout.ms; offsets are committed once they are');
    }, timeoutMs);
    try {
      await this.opts.producer.flush();
    } finally {
      clearTimeout(timer);
      const tookMs = Date.now() - started;
      if (tookMs > timeoutMs) this.opts.logger.warn({ task: this.opts.taskId, tookMs }, 'slow offset flush completed');
    }
  }

  private async stopTask(): Promise<void> {
    try {
      await this.opts.task.stop();
      this.opts.transforms.close();
    } catch (err) {
      this.opts.logger.warn({ err, task: this.opts.taskId }, 'source task failed to stop cleanly');
    }
  }
}
