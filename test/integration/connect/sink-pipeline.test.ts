/**
 * The sink loop overlaps a put with the fetch and conversion of the next batch. What a task must still be able to
 * rely on: puts one at a time and in offset order, nothing handed over from a partition it paused, a new offset it
 * set during a put honoured by the next batch, and commits that cover only puts that returned.
 */
import pino from 'pino';
import { SinkTask, type SinkRecord, type TopicPartition } from '../../../connect-runtime/api';
import { StringConverter } from '../../../connect-runtime/converters';
import { ErrorHandler } from '../../../connect-runtime/worker/error-handler';
import { SinkTaskRunner } from '../../../connect-runtime/worker/sink-task-runner';
import type { TaskStatusListener } from '../../../connect-runtime/worker/task-status';
import { TransformationChain } from '../../../connect-runtime/worker/transformation-chain';
import { TaskMetrics } from '../../../connect-runtime/worker/worker-metrics';
import { GroupConsumer } from '../../../broker/client/group-consumer';
import { KafkaAdmin } from '../../../broker/client/kafka-admin';
import { KafkaClient } from '../../../broker/client/kafka-client';
import { Producer } from '../../../broker/client/producer';
import { removeDir, startBroker, type InProcessBroker } from '../../helpers/broker-harness';

const logger = pino({ level: 'silent' });
const RECORDS_PER_PARTITION = 600;
/** Small fetches, so that each partition takes several polls and puts. */
const FETCH_BYTES = 16 * 1024;
const FILLER = 'x'.repeat(200);
let b: InProcessBroker;
let client: KafkaClient;

beforeAll(async () => {
  b = await startBroker({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '1' });
  client = await KafkaClient.connectEmbedded(b.broker);
});

afterAll(async () => {
  client.close();
  await b.stop();
  removeDir(b.logDir);
});

/** A topic of two partitions holding `p<partition>-<n>|<filler>` for n = 0 … RECORDS_PER_PARTITION - 1. */
async function fillTopic(topic: string): Promise<void> {
  await new KafkaAdmin(client).createTopics([{ name: topic, numPartitions: 2, replicationFactor: 1 }]);
  const producer = new Producer(client, { acks: -1 });
  for (let n = 0; n < RECORDS_PER_PARTITION; n++) {
    for (const partition of [0, 1]) await producer.send({ topic, partition, key: null, value: Buffer.from(`p${partition}-${n}|${FILLER}`), headers: [] });
  }
  await producer.flush();
  producer.close();
}

class Status implements TaskStatusListener {
  failure: Error | null = null;
  onRunning(): void {}
  onPaused(): void {}
  onFailure(_id: string, error: Error): void {
    this.failure = error;
  }
  onShutdown(): void {}
}

/** Records each put's values; `onPut` lets a test act from inside put (pause, rewind) before it returns. */
class SlowSink extends SinkTask {
  readonly puts: string[][] = [];
  active = 0;
  maxActive = 0;
  onPut: (task: SlowSink, records: SinkRecord[]) => void = () => undefined;
  version(): string {
    return 'test';
  }
  start(): void {}
  async put(records: SinkRecord[]): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.puts.push(records.map((r) => String(r.value).split('|')[0] as string));
    this.onPut(this, records);
    // Slow enough that the next poll and conversion finish while this put is still out.
    await new Promise((r) => setTimeout(r, 15));
    this.active--;
  }
  taskContext(): NonNullable<SinkTask['context']> {
    return this.context as NonNullable<SinkTask['context']>;
  }
  received(): string[] {
    return this.puts.flat();
  }
  stop(): void {}
}

async function runSink(topic: string, task: SlowSink, until: (task: SlowSink) => boolean, started: (runner: SinkTaskRunner) => void = () => undefined): Promise<{ status: Status; committed: (number | undefined)[] }> {
  const status = new Status();
  const converter = () => {
    const c = new StringConverter();
    c.configure({}, false);
    return c;
  };
  let runner: SinkTaskRunner | null = null;
  const groupId = `connect-${topic}`;
  const consumer = new GroupConsumer(client, {
    groupId, topics: [topic], autoCommit: false, autoOffsetReset: 'earliest', partitionMaxBytes: FETCH_BYTES,
    sessionTimeoutMs: 10000, heartbeatIntervalMs: 500,
    listener: {
      onPartitionsRevoked: (parts) => runner?.onPartitionsRevoked(parts),
      onPartitionsAssigned: (parts) => runner?.onPartitionsAssigned(parts),
    },
  });
  runner = new SinkTaskRunner({
    taskId: `${topic}-0`, task, config: {}, converters: { key: converter(), value: converter(), header: converter() }, consumer,
    offsetFlushIntervalMs: 50, listener: status, logger, metrics: new TaskMetrics(topic, 0, 'sink'),
    transforms: TransformationChain.empty<never>(), errors: new ErrorHandler({ config: {}, connector: topic, taskId: `${topic}-0`, logger }),
  });
  runner.start();
  started(runner);
  const deadline = Date.now() + 20000;
  while (!until(task) && status.failure === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await runner.stop();
  const group = b.broker.services.coordinator.groups.groups.get(groupId);
  return { status, committed: [0, 1].map((p) => group?.committed(topic, p)?.offset) };
}

const expected = (partition: number, from = 0) => Array.from({ length: RECORDS_PER_PARTITION - from }, (_, n) => `p${partition}-${n + from}`);
const ofPartition = (values: string[], partition: number) => values.filter((v) => v.startsWith(`p${partition}-`));
const all = (task: SlowSink) => task.received().length >= 2 * RECORDS_PER_PARTITION;

test('puts never overlap, every record arrives once in order, and the commit covers them all', async () => {
  await fillTopic('pipelined');
  const task = new SlowSink();
  const { status, committed } = await runSink('pipelined', task, all);
  expect(status.failure).toBeNull();
  expect(task.puts.length).toBeGreaterThan(4);
  expect(task.maxActive).toBe(1);
  expect(ofPartition(task.received(), 0)).toEqual(expected(0));
  expect(ofPartition(task.received(), 1)).toEqual(expected(1));
  expect(committed).toEqual([RECORDS_PER_PARTITION, RECORDS_PER_PARTITION]);
});

test('a partition paused during a put gets nothing more until resumed, then continues where it stopped', async () => {
  await fillTopic('paused');
  const task = new SlowSink();
  const p0: TopicPartition = { topic: 'paused', partition: 0 };
  let putsWhilePaused = -1;
  task.onPut = (t) => {
    if (t.puts.length === 1) {
      t.taskContext().pause(p0);
      putsWhilePaused = 0;
    } else if (putsWhilePaused >= 0 && putsWhilePaused < 1000) {
      // Every put after the pause, until partition 1 is done, must hold nothing of partition 0.
      expect(ofPartition(t.puts[t.puts.length - 1] as string[], 0)).toEqual([]);
      putsWhilePaused++;
      if (ofPartition(t.received(), 1).length === RECORDS_PER_PARTITION) {
        t.taskContext().resume(p0);
        putsWhilePaused = 1000;
      }
    }
  };
  const { status, committed } = await runSink('paused', task, all);
  expect(status.failure).toBeNull();
  expect(putsWhilePaused).toBe(1000);
  expect(ofPartition(task.received(), 0)).toEqual(expected(0));
  expect(ofPartition(task.received(), 1)).toEqual(expected(1));
  expect(committed).toEqual([RECORDS_PER_PARTITION, RECORDS_PER_PARTITION]);
});

test('an offset set during a put is where the partition continues: nothing fetched before it is handed over', async () => {
  await fillTopic('rewound');
  const task = new SlowSink();
  let rewoundAt = -1;
  task.onPut = (t) => {
    if (rewoundAt < 0 && ofPartition(t.received(), 1).length >= 100) {
      rewoundAt = ofPartition(t.received(), 1).length;
      t.taskContext().offset({ topic: 'rewound', partition: 1 }, 10);
    }
  };
  const { status } = await runSink('rewound', task, (t) => ofPartition(t.received(), 1).length >= rewoundAt + RECORDS_PER_PARTITION - 10 && ofPartition(t.received(), 0).length >= RECORDS_PER_PARTITION);
  expect(status.failure).toBeNull();
  const p1 = ofPartition(task.received(), 1);
  // What came before the rewind, then everything again from offset 10.
  expect(p1).toEqual([...expected(1).slice(0, rewoundAt), ...expected(1, 10)]);
  expect(ofPartition(task.received(), 0)).toEqual(expected(0));
});

test('a put that fails fails the task, and the offsets of its records are not committed', async () => {
  await fillTopic('failing');
  const task = new SlowSink();
  task.onPut = (t) => {
    if (t.puts.length === 3) throw new Error('the database refused the batch');
  };
  const { status, committed } = await runSink('failing', task, () => false);
  expect(status.failure?.message).toBe('the database refused the batch');
  const delivered = task.puts.slice(0, 2).flat();
  expect(committed[0] ?? 0).toBeLessThanOrEqual(ofPartition(delivered, 0).length);
  expect(committed[1] ?? 0).toBeLessThanOrEqual(ofPartition(delivered, 1).length);
});

test('a paused connector reads nothing while paused and loses nothing: after resuming, every record arrives once', async () => {
  await fillTopic('connector-paused');
  const task = new SlowSink();
  let runner: SinkTaskRunner | null = null;
  let putsAtPause = -1;
  let putsWhilePaused = 0;
  task.onPut = (t) => {
    if (putsAtPause < 0 && t.puts.length === 2) {
      putsAtPause = t.puts.length;
      runner?.setPaused(true);
      setTimeout(() => {
        putsWhilePaused = t.puts.length - putsAtPause;
        runner?.setPaused(false);
      }, 300);
    }
  };
  const { status, committed } = await runSink('connector-paused', task, all, (r) => {
    runner = r;
  });
  expect(status.failure).toBeNull();
  // The put of the batch already converted when the pause came may still go out; nothing after it.
  expect(putsWhilePaused).toBeLessThanOrEqual(1);
  expect(ofPartition(task.received(), 0)).toEqual(expected(0));
  expect(ofPartition(task.received(), 1)).toEqual(expected(1));
  expect(committed).toEqual([RECORDS_PER_PARTITION, RECORDS_PER_PARTITION]);
});
