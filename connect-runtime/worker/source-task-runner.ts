/**
 * Runs one source task (Kafka Connect's WorkerSourceTask): poll, convert, produce with acks=all,
 * and every offset.flush.interval.ms commit the source offsets of everything sent — only after the
 * producer has flushed, so that a stored offset never covers a record the broker has not
 * acknowledged (at-least-once). Offsets are also committed on a clean stop.
 */
import { SourceTask, type SourceRecord } from '../api';
import type { Producer } from '../../broker/client/producer';
import { offsetKey, type OffsetStore, type SourceOffset, type SourcePartition } from '../storage/offset-store';
import { offsetStorageReader } from './offset-reader';
import { toOutgoing } from './record-conversion';
import type { TaskRunnerBase } from './task-status';

export interface SourceTaskRunnerOptions extends TaskRunnerBase {
  connector: string;
  task: SourceTask;
  producer: Producer;
  offsets: OffsetStore;
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
        const sent = producer.send(toOutgoing(record, this.opts.converters));
        this.track(record);
        if (record.topic !== lastTopic) {
          lastTopic = record.topic;
          this.opts.onTopic?.(record.topic);
        }
        if (sent) await sent; // the producer's buffer is full: wait for room
      }
      if (Date.now() - lastCommit >= offsetFlushIntervalMs) {
        await this.commitOffsets();
        lastCommit = Date.now();
      }
    }
  }

  private track(record: SourceRecord): void {
    if (record.sourcePartition && record.sourceOffset) {
      const partition = record.sourcePartition as SourcePartition;
      this.pending.set(offsetKey(this.opts.connector, partition), { partition, offset: record.sourceOffset as SourceOffset });
    }
    if (this.callsCommitRecord) this.pendingRecords.push(record);
  }

  /** Flush the producer (every record acknowledged), then store the offsets and tell the task. */
  private async commitOffsets(): Promise<void> {
    const offsets = [...this.pending.values()];
    const records = this.pendingRecords;
    const sent = this.opts.metrics.uncommitted;
    this.pending = new Map();
    this.pendingRecords = [];
    await this.opts.producer.flush();
    this.opts.metrics.recordsOut += sent;
    if (offsets.length > 0) await this.opts.offsets.set(this.opts.connector, offsets);
    for (const record of records) await this.opts.task.commitRecord(record, null);
    await this.opts.task.commit();
    this.opts.metrics.uncommitted -= sent;
    this.opts.metrics.lastCommitMs = Date.now();
  }

  private async stopTask(): Promise<void> {
    try {
      await this.opts.task.stop();
    } catch (err) {
      this.opts.logger.warn({ err, task: this.opts.taskId }, 'source task failed to stop cleanly');
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
