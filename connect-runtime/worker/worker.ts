/**
 * Runs connectors and tasks on this process (Kafka Connect's Worker): instantiates them through the
 * plugin registry, builds their converters, gives source tasks a producer (acks=all) and sink tasks
 * a consumer in group `connect-<connector>`, and reports lifecycle changes to the listener it is
 * given. It decides nothing about which connectors should run: that is the herder's job.
 */
import type { Logger } from 'pino';
import { SinkConnector, SinkTask, SourceTask, type Connector, type ConnectorProps, type Converter, type HeaderConverter, type SinkRecord, type SourceRecord } from '../api';
import type { KafkaClient } from '../../broker/client/kafka-client';
import { GroupConsumer } from '../../broker/client/group-consumer';
import { Producer } from '../../broker/client/producer';
import { loadCompression } from '../../broker/client/compression';
import type { WorkerConfig } from '../config';
import type { PluginRegistry } from '../plugins';
import type { OffsetStore } from '../storage/offset-store';
import { taskConsumerOptions, taskProducerOptions } from './client-settings';
import { ErrorHandler } from './error-handler';
import type { RecordConverters } from './record-conversion';
import { SinkOffsetsAdmin, type SinkPartitionOffset } from './sink-offsets';
import { offsetStorageReader } from './offset-reader';
import { SinkTaskRunner } from './sink-task-runner';
import { SourceTaskRunner } from './source-task-runner';
import type { TaskStatusListener } from './task-status';
import { TransformationChain } from './transformation-chain';
import { WorkerMetrics, type BrokerTraffic } from './worker-metrics';

export interface WorkerListener extends TaskStatusListener {
  onConnectorRunning(connector: string): void;
  onConnectorFailure(connector: string, error: Error): void;
  /** A task of the connector produced to or consumed from `topic` (only with topic.tracking.enable). */
  onTopicActive(connector: string, topic: string): void;
}

export interface WorkerOptions {
  client: KafkaClient;
  registry: PluginRegistry;
  config: WorkerConfig;
  offsets: OffsetStore;
  logger: Logger;
  /** The embedded broker's traffic, for the metrics; absent with an external cluster. */
  brokerTraffic?: () => BrokerTraffic;
}

/** Until a listener is attached, lifecycle reports go nowhere. */
const NO_LISTENER: WorkerListener = {
  onConnectorRunning: () => undefined,
  onConnectorFailure: () => undefined,
  onRunning: () => undefined,
  onPaused: () => undefined,
  onFailure: () => undefined,
  onShutdown: () => undefined,
  onTopicActive: () => undefined,
};

interface RunningTask {
  connector: string;
  runner: SourceTaskRunner | SinkTaskRunner;
  /** The source task's producer, or the sink task's dead letter queue producer. */
  producer: Producer | null;
}

const TASK_CLASS_CONFIG = 'task.class';
const SINK_PATTERN_REFRESH_MS = 30000;

export class Worker {
  private readonly connectors = new Map<string, Connector>();
  private readonly tasks = new Map<string, RunningTask>();
  private listener: WorkerListener = NO_LISTENER;
  private readonly metrics = new WorkerMetrics();
  private readonly sinkOffsets: SinkOffsetsAdmin;

  constructor(private readonly opts: WorkerOptions) {
    this.sinkOffsets = new SinkOffsetsAdmin(opts.client);
  }

  /** The worker's configuration (the herder reads topic tracking and other worker-wide settings here). */
  get config(): WorkerConfig {
    return this.opts.config;
  }

  /** The herder attaches itself here: the worker reports to it without depending on it. */
  attach(listener: WorkerListener): void {
    this.listener = listener;
  }

  /** Starts a connector instance; a failure is reported to the listener, not thrown. */
  async startConnector(name: string, config: ConnectorProps): Promise<boolean> {
    const { registry, logger } = this.opts;
    const listener = this.listener;
    try {
      const connector = registry.newConnector(config['connector.class'] ?? '');
      connector.initialize({
        requestTaskReconfiguration: () => logger.info({ connector: name }, 'task reconfiguration requested'),
        raiseError: (error) => listener.onConnectorFailure(name, error),
        offsetStorageReader: offsetStorageReader(this.opts.offsets, name),
      } as Parameters<Connector['initialize']>[0]);
      await connector.start(config);
      this.connectors.set(name, connector);
      listener.onConnectorRunning(name);
      return true;
    } catch (err) {
      logger.error({ err, connector: name }, 'connector failed to start');
      listener.onConnectorFailure(name, err as Error);
      return false;
    }
  }

  isRunning(name: string): boolean {
    return this.connectors.has(name);
  }

  /** The connector's task configs, with `task.class` added and, for sinks, the topics copied, as Kafka Connect does. */
  async taskConfigs(name: string, config: ConnectorProps): Promise<Record<string, string>[]> {
    const connector = this.connectors.get(name);
    if (!connector) return [];
    const maxTasks = Math.max(1, Number(config['tasks.max'] ?? '1'));
    const taskClass = this.taskClassName(config['connector.class'] ?? '', connector.taskClass().name);
    const configs = await connector.taskConfigs(maxTasks);
    if (configs.length > maxTasks) throw new Error(`connector ${name} generated ${configs.length} task configs, more than tasks.max=${maxTasks}`);
    return configs.map((c) => {
      const out: Record<string, string> = { ...c, [TASK_CLASS_CONFIG]: taskClass };
      if (connector instanceof SinkConnector) {
        for (const key of ['topics', 'topics.regex']) if (config[key] !== undefined) out[key] = config[key] as string;
      }
      return out;
    });
  }

  async stopConnector(name: string): Promise<void> {
    const connector = this.connectors.get(name);
    this.connectors.delete(name);
    if (!connector) return;
    try {
      await connector.stop();
    } catch (err) {
      this.opts.logger.warn({ err, connector: name }, 'connector failed to stop cleanly');
    }
  }

  /** Starts one task of a running connector; failures go to the listener. */
  async startTask(taskId: string, connectorName: string, connectorConfig: ConnectorProps, taskConfig: ConnectorProps, paused: boolean): Promise<void> {
    const { logger } = this.opts;
    const listener = this.listener;
    const connector = this.connectors.get(connectorName);
    try {
      if (!connector) throw new Error(`connector ${connectorName} is not running on this worker`);
      const task = new (connector.taskClass())();
      const converters = this.converters(connectorConfig);
      const interval = this.opts.config.offsetFlushIntervalMs;
      const taskNumber = Number(taskId.slice(connectorName.length + 1));
      const onTopic = this.opts.config.topicTrackingEnable ? (topic: string) => listener.onTopicActive(connectorName, topic) : undefined;
      const taskLogger = logger.child({ task: taskId });
      const producerOptions = taskProducerOptions(this.opts.config.producerConfigs, connectorConfig);
      if (typeof producerOptions.compression === 'string' && !['none', 'gzip'].includes(producerOptions.compression)) {
        await loadCompression(producerOptions.compression);
      }
      let running: RunningTask;
      if (task instanceof SourceTask) {
        const producer = new Producer(this.opts.client, producerOptions);
        const runner = new SourceTaskRunner({
          taskId, connector: connectorName, task, config: taskConfig, converters, producer,
          offsets: this.opts.offsets, offsetFlushIntervalMs: interval, offsetFlushTimeoutMs: this.opts.config.offsetFlushTimeoutMs,
          listener, onTopic, logger: taskLogger,
          metrics: this.metrics.task(connectorName, taskNumber, 'source'),
          transforms: TransformationChain.fromConfig<SourceRecord>(this.opts.registry, connectorConfig),
          errors: new ErrorHandler({ config: connectorConfig, connector: connectorName, taskId, logger: taskLogger }),
        });
        running = { connector: connectorName, runner, producer };
      } else if (task instanceof SinkTask) {
        const consumerOptions = taskConsumerOptions(this.opts.config.consumerConfigs, connectorConfig);
        const subscription = await this.sinkSubscription(taskConfig);
        let runner: SinkTaskRunner | null = null;
        const consumer = new GroupConsumer(this.opts.client, {
          ...consumerOptions,
          groupId: SinkOffsetsAdmin.groupId(connectorName),
          ...subscription,
          autoCommit: false,
          listener: {
            onPartitionsRevoked: (parts) => runner?.onPartitionsRevoked(parts),
            onPartitionsAssigned: (parts) => runner?.onPartitionsAssigned(parts),
          },
          logger: logger.child({ task: taskId }),
        });
        const deadLetters = await this.deadLetterProducer(connectorConfig, producerOptions);
        runner = new SinkTaskRunner({
          taskId, task, config: taskConfig, converters, consumer, offsetFlushIntervalMs: interval, listener, onTopic, logger: taskLogger,
          metrics: this.metrics.task(connectorName, taskNumber, 'sink'),
          transforms: TransformationChain.fromConfig<SinkRecord>(this.opts.registry, connectorConfig),
          errors: new ErrorHandler({ config: connectorConfig, connector: connectorName, taskId, logger: taskLogger, ...(deadLetters ? { deadLetters } : {}) }),
        });
        running = { connector: connectorName, runner, producer: deadLetters };
      } else {
        throw new Error(`task class ${task.constructor.name} of ${connectorName} is neither a SourceTask nor a SinkTask`);
      }
      running.runner.setPaused(paused);
      this.tasks.set(taskId, running);
      running.runner.start();
    } catch (err) {
      logger.error({ err, task: taskId }, 'task failed to start');
      listener.onFailure(taskId, err as Error);
    }
  }

  setPaused(connectorName: string, paused: boolean): void {
    for (const t of this.tasks.values()) if (t.connector === connectorName) t.runner.setPaused(paused);
  }

  /** Stops the given tasks within task.shutdown.graceful.timeout.ms (for all of them together). */
  async stopTasks(taskIds: readonly string[]): Promise<void> {
    const stopping = taskIds.flatMap((id) => {
      const t = this.tasks.get(id);
      this.tasks.delete(id);
      return t ? [t.runner.stop().finally(() => t.producer?.close())] : [];
    });
    const timeoutMs = this.opts.config.taskShutdownGracefulTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([Promise.allSettled(stopping), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.opts.logger.warn({ tasks: taskIds, timeoutMs }, 'tasks did not stop within task.shutdown.graceful.timeout.ms');
  }

  /** The Prometheus text for GET /metrics: task counters, task states, and the embedded broker's traffic. */
  renderMetrics(tasksByState: ReadonlyArray<{ connector: string; state: string; count: number }>): string {
    return this.metrics.render({ tasksByState, broker: this.opts.brokerTraffic?.() ?? null });
  }

  /** A deleted connector's task counters go with it. */
  forgetMetrics(connectorName: string): void {
    this.metrics.removeConnector(connectorName);
  }

  taskIdsOf(connectorName: string): string[] {
    return [...this.tasks].filter(([, t]) => t.connector === connectorName).map(([id]) => id);
  }

  /** The committed offsets of a sink connector's consumer group. */
  sinkConnectorOffsets(connectorName: string): Promise<SinkPartitionOffset[]> {
    return this.sinkOffsets.list(connectorName);
  }

  /** Commits the given offsets of a stopped sink connector's group and deletes those given as null. */
  alterSinkConnectorOffsets(connectorName: string, offsets: readonly SinkPartitionOffset[]): Promise<void> {
    return this.sinkOffsets.alter(connectorName, offsets);
  }

  /** Deletes a stopped sink connector's consumer group, and with it every committed offset. */
  resetSinkConnectorOffsets(connectorName: string): Promise<void> {
    return this.sinkOffsets.reset(connectorName);
  }

  /** Stops every task, then every connector. */
  async stop(): Promise<void> {
    await this.stopTasks([...this.tasks.keys()]);
    for (const name of [...this.connectors.keys()]) await this.stopConnector(name);
  }

  /** The connector's converters, falling back to the worker's, each configured with its `<prefix>.*` settings. */
  private converters(config: ConnectorProps): RecordConverters {
    const { registry, config: worker } = this.opts;
    const sub = (prefix: string): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(config)) if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
      return out;
    };
    const make = (kind: 'key' | 'value'): Converter => {
      const own = config[`${kind}.converter`];
      const converter = registry.newConverter(own ?? (kind === 'key' ? worker.keyConverter : worker.valueConverter));
      const workerConfigs = kind === 'key' ? worker.keyConverterConfigs : worker.valueConverterConfigs;
      converter.configure(own ? sub(`${kind}.converter`) : { ...workerConfigs }, kind === 'key');
      return converter;
    };
    const ownHeader = config['header.converter'];
    const header: HeaderConverter = registry.newHeaderConverter(ownHeader ?? worker.headerConverter);
    header.configure(ownHeader ? sub('header.converter') : { ...worker.headerConverterConfigs });
    return { key: make('key'), value: make('value'), header };
  }

  /**
   * Kafka shows the task class's full name in task configs; a JavaScript class has only its simple name, so it is
   * placed in the package of the connector's full class name (org.apache.kafka.connect.file.FileStreamSourceTask).
   */
  private taskClassName(connectorClass: string, taskClass: string): string {
    const lookup = this.opts.registry.lookup(connectorClass, 'connector');
    const full = lookup.status === 'found' ? lookup.desc.className : connectorClass;
    const dot = full.lastIndexOf('.');
    return dot > 0 && !taskClass.includes('.') ? `${full.slice(0, dot)}.${taskClass}` : taskClass;
  }

  /** A producer for the sink's dead letter queue topic (created if missing), or null when none is configured. */
  private async deadLetterProducer(connectorConfig: ConnectorProps, options: ReturnType<typeof taskProducerOptions>): Promise<Producer | null> {
    const topic = (connectorConfig['errors.deadletterqueue.topic.name'] ?? '').trim();
    if (topic === '') return null;
    await this.opts.client.topic(topic, { allowAutoTopicCreation: true });
    return new Producer(this.opts.client, options);
  }

  /**
   * `topics`, or a subscription to every topic matching `topics.regex`, re-evaluated every
   * `consumer.metadata.max.age.ms` (30 s by default here, where Kafka's consumer waits 5 min: CDC topics appear as
   * tables change, and a sink should not take minutes to notice them).
   */
  private async sinkSubscription(taskConfig: ConnectorProps): Promise<{ topics: string[]; topicPattern?: RegExp; metadataMaxAgeMs?: number }> {
    const listed = (taskConfig['topics'] ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    if (listed.length > 0) {
      // As the Java consumer does by default (allow.auto.create.topics): a sink may start before its source.
      for (const topic of listed) await this.opts.client.topic(topic, { allowAutoTopicCreation: true }).catch(() => undefined);
      return { topics: listed };
    }
    const regex = taskConfig['topics.regex'];
    if (!regex) throw new Error('Must configure one of topics or topics.regex');
    const maxAge = Number(this.opts.config.consumerConfigs['metadata.max.age.ms'] ?? SINK_PATTERN_REFRESH_MS);
    return { topics: [], topicPattern: new RegExp(`^(?:${regex})$`), metadataMaxAgeMs: Number.isFinite(maxAge) && maxAge > 0 ? maxAge : SINK_PATTERN_REFRESH_MS };
  }
}
