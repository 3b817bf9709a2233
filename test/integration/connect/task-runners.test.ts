/**
 * The worker's task loops against an embedded broker: a source task's records reach the topic and
 * its offsets are stored only after the producer flushed; a restarted task resumes from them. A
 * sink task receives every record once, and its committed offsets cover only what it flushed.
 */
import path from 'node:path';
import pino from 'pino';
import { Schema, SinkRecord, SinkTask, SourceRecord, SourceTask, type ConnectorProps, type OffsetAndMetadata, type TopicPartitionMap } from '../../../connect-runtime/api';
import { StringConverter } from '../../../connect-runtime/converters';
import { FileOffsetStore } from '../../../connect-runtime/storage/file-offset-store';
import { ErrorHandler } from '../../../connect-runtime/worker/error-handler';
import { SinkTaskRunner } from '../../../connect-runtime/worker/sink-task-runner';
import { SourceTaskRunner } from '../../../connect-runtime/worker/source-task-runner';
import type { TaskStatusListener } from '../../../connect-runtime/worker/task-status';
import { TransformationChain } from '../../../connect-runtime/worker/transformation-chain';
import { TaskMetrics } from '../../../connect-runtime/worker/worker-metrics';
import { AssignedConsumer } from '../../../broker/client/assigned-consumer';
import { GroupConsumer } from '../../../broker/client/group-consumer';
import { KafkaClient } from '../../../broker/client/kafka-client';
import { Producer } from '../../../broker/client/producer';
import { removeDir, startBroker, tempDir, type InProcessBroker } from '../../helpers/broker-harness';

const logger = pino({ level: 'silent' });
let b: InProcessBroker;
let client: KafkaClient;
let dir: string;

beforeAll(async () => {
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '2' });
  client = await KafkaClient.connectEmbedded(b.broker);
  dir = tempDir('sluice-runners-');
});

afterAll(async () => {
  client.close();
  await b.stop();
  removeDir(dir);
  removeDir(b.logDir);
});

function converters() {
  const key = new StringConverter();
  key.configure({}, true);
  const value = new StringConverter();
  value.configure({}, false);
  const header = new StringConverter();
  header.configure({});
  return { key, value, header };
}

/** No transformations and Kafka's default error handling (fail on the first error). */
function plainStages(connector: string, taskId: string) {
  return { transforms: TransformationChain.empty<never>(), errors: new ErrorHandler({ config: {}, connector, taskId, logger }), offsetFlushTimeoutMs: 5000 };
}

class StatusLog implements TaskStatusListener {
  readonly events: string[] = [];
  failure: Error | null = null;
  onRunning(): void {
    this.events.push('running');
  }
  onPaused(): void {
    this.events.push('paused');
  }
  onFailure(_id: string, error: Error): void {
    this.failure = error;
    this.events.push('failed');
  }
  onShutdown(): void {
    this.events.push('shutdown');
  }
}

/** Counts from the stored position up to `limit`, one record per poll call batch of 100. */
class CountingSource extends SourceTask {
  next = 0;
  limit = 0;
  version(): string {
    return 'test';
  }
  async start(props: ConnectorProps): Promise<void> {
    this.limit = Number(props['limit']);
    const stored = await this.context?.offsetStorageReader.offset({ counter: 'c' });
    this.next = stored ? Number(stored['next']) : 0;
  }
  async poll(signal?: AbortSignal): Promise<SourceRecord[] | null> {
    if (this.next >= this.limit) {
      await new Promise((r) => setTimeout(r, 20));
      return signal?.aborted ? null : [];
    }
    const out: SourceRecord[] = [];
    for (let i = 0; i < 100 && this.next < this.limit; i++, this.next++) {
      out.push(new SourceRecord({ topic: 'counted', sourcePartition: { counter: 'c' }, sourceOffset: { next: this.next + 1 }, valueSchema: Schema.STRING_SCHEMA, value: `n${this.next}` }));
    }
    return out;
  }
  stop(): void {}
}

async function runSource(limit: number, offsets: FileOffsetStore): Promise<TaskMetrics> {
  const status = new StatusLog();
  const metrics = new TaskMetrics('counter', 0, 'source');
  const producer = new Producer(client, { acks: -1 });
  const runner = new SourceTaskRunner({
    taskId: 'counter-0', connector: 'counter', task: new CountingSource(), config: { limit: String(limit) },
    converters: converters(), producer, offsets, offsetFlushIntervalMs: 50, listener: status, logger, metrics, ...plainStages('counter', 'counter-0'),
  });
  runner.start();
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const stored = await offsets.get('counter', [{ counter: 'c' }]);
    if ([...stored.values()][0]?.['next'] === limit) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await runner.stop();
  producer.close();
  expect(status.failure).toBeNull();
  expect(status.events).toEqual(['running', 'shutdown']);
  return metrics;
}

async function readTopic(topic: string): Promise<string[]> {
  const consumer = await AssignedConsumer.create(client, { topic, start: 'earliest' });
  const values: string[] = [];
  for (let i = 0; i < 20; i++) {
    for (const p of await consumer.poll({ maxWaitMs: 50 })) for (const r of p.records) values.push(String(r.value));
  }
  return values;
}

test('a source task produces its records and resumes from the offsets stored after they were acknowledged', async () => {
  const file = path.join(dir, 'source.offsets');
  const first = await runSource(1000, await FileOffsetStore.open(file));
  expect([first.recordsIn, first.recordsOut, first.uncommitted]).toEqual([1000, 1000, 0]);
  // A new run (a restarted worker) continues from the stored offset: nothing is produced twice.
  const second = await runSource(1500, await FileOffsetStore.open(file));
  expect([second.recordsIn, second.recordsOut]).toEqual([500, 500]);
  expect(await readTopic('counted')).toEqual(Array.from({ length: 1500 }, (_, i) => `n${i}`));
});

class CollectingSink extends SinkTask {
  static received: string[] = [];
  static flushed = 0;
  private unflushed = 0;
  version(): string {
    return 'test';
  }
  start(): void {}
  put(records: SinkRecord[]): void {
    for (const r of records) CollectingSink.received.push(String(r.value));
    this.unflushed += records.length;
  }
  override flush(_offsets: TopicPartitionMap<OffsetAndMetadata>): void {
    CollectingSink.flushed += this.unflushed;
    this.unflushed = 0;
  }
  stop(): void {}
}

test('a sink task gets every record once and commits only what it flushed', async () => {
  const status = new StatusLog();
  const sinkMetrics = new TaskMetrics('collector', 0, 'sink');
  let runner: SinkTaskRunner | null = null;
  const consumer = new GroupConsumer(client, {
    groupId: 'connect-collector', topics: ['counted'], autoCommit: false, autoOffsetReset: 'earliest',
    sessionTimeoutMs: 10000, heartbeatIntervalMs: 500,
    listener: {
      onPartitionsRevoked: (parts) => runner?.onPartitionsRevoked(parts),
      onPartitionsAssigned: (parts) => runner?.onPartitionsAssigned(parts),
    },
  });
  runner = new SinkTaskRunner({
    taskId: 'collector-0', task: new CollectingSink(), config: {}, converters: converters(), consumer,
    offsetFlushIntervalMs: 100, listener: status, logger, metrics: sinkMetrics, ...plainStages('collector', 'collector-0'),
  });
  runner.start();
  const deadline = Date.now() + 15000;
  while (CollectingSink.received.length < 1500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await runner.stop();
  expect(status.failure).toBeNull();
  expect(CollectingSink.received).toEqual(Array.from({ length: 1500 }, (_, i) => `n${i}`));
  expect(CollectingSink.flushed).toBe(1500);
  const committed = b.broker.services.coordinator.groups.groups.get('connect-collector')?.committed('counted', 0)?.offset;
  expect(committed).toBe(1500);
  expect([sinkMetrics.recordsIn, sinkMetrics.recordsOut, sinkMetrics.uncommitted]).toEqual([1500, 1500, 0]);
});

test('a task that throws is reported as failed with its error, and stopped', async () => {
  class Broken extends SourceTask {
    stopped = false;
    version(): string {
      return 'test';
    }
    start(): void {}
    poll(): Promise<SourceRecord[] | null> {
      return Promise.reject(new Error('the source went away'));
    }
    stop(): void {
      this.stopped = true;
    }
  }
  const status = new StatusLog();
  const brokenMetrics = new TaskMetrics('broken', 0, 'source');
  const task = new Broken();
  const producer = new Producer(client);
  const offsets = await FileOffsetStore.open(path.join(dir, 'broken.offsets'));
  const runner = new SourceTaskRunner({
    taskId: 'broken-0', connector: 'broken', task, config: {}, converters: converters(), producer, offsets,
    offsetFlushIntervalMs: 1000, listener: status, logger, metrics: brokenMetrics, ...plainStages('broken', 'broken-0'),
  });
  runner.start();
  const deadline = Date.now() + 5000;
  while (status.failure === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await runner.stop();
  producer.close();
  expect(status.failure?.message).toBe('the source went away');
  expect(status.events).toEqual(['running', 'failed']);
  expect(task.stopped).toBe(true);
  expect(brokenMetrics.errors).toBe(1);
});
