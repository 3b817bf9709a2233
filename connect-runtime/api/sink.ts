/** Sink connectors and tasks (Kafka's SinkConnector, SinkTask, SinkTaskContext, ErrantRecordReporter). */
import { Connector, type ConnectorContext, type ConnectorProps, Task } from './connector';
import type { SinkRecord } from './records';
import type { OffsetAndMetadata, TopicPartition, TopicPartitionMap } from './topic-partition';

export const SINK_TOPICS_CONFIG = 'topics';
export const SINK_TOPICS_REGEX_CONFIG = 'topics.regex';

/** Sends a record that failed processing to the dead letter queue or the error log (per errors.* settings). */
export interface ErrantRecordReporter {
  /** Resolves once the report is durable; the runtime waits for outstanding reports before committing offsets. */
  report(record: SinkRecord, error: Error): Promise<void>;
}

export type SinkConnectorContext = ConnectorContext;

export interface SinkTaskContext {
  /** The task's current configuration. */
  configs(): ConnectorProps;
  /** Resets consumer positions: the next records delivered for these partitions start at the given offsets. */
  offset(partition: TopicPartition, offset: number): void;
  offset(offsets: Iterable<readonly [TopicPartition, number]>): void;
  /** After a RetriableError from put(), waits this long before redelivering the same records. */
  timeout(ms: number): void;
  /** The partitions currently assigned to this task. */
  assignment(): TopicPartition[];
  /** Stops fetching from these partitions until resumed (records already in flight may still arrive). */
  pause(...partitions: TopicPartition[]): void;
  resume(...partitions: TopicPartition[]): void;
  /** Asks for an offset commit (flush/preCommit) as soon as possible. */
  requestCommit(): void;
  /** The reporter for bad records, or null when the connector has no error reporting configured. */
  errantRecordReporter(): ErrantRecordReporter | null;
}

export abstract class SinkConnector extends Connector {
  static readonly TOPICS_CONFIG = SINK_TOPICS_CONFIG;

  /**
   * Called before the runtime alters or resets (null offset) the committed offsets of a stopped connector. Return
   * true when the connector also handled offsets it manages outside Kafka; throw to refuse the change.
   */
  alterOffsets(_props: ConnectorProps, _offsets: TopicPartitionMap<number | null>): boolean | Promise<boolean> {
    return false;
  }
}

export abstract class SinkTask extends Task {
  static readonly TOPICS_CONFIG = SINK_TOPICS_CONFIG;
  static readonly TOPICS_REGEX_CONFIG = SINK_TOPICS_REGEX_CONFIG;

  protected context: SinkTaskContext | undefined;

  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  /**
   * Delivers records. The task may write them now or buffer them until flush(). Throw a RetriableError to have
   * the same records delivered again after context.timeout(); any other error fails the task.
   */
  abstract put(records: SinkRecord[], signal?: AbortSignal): void | Promise<void>;

  /** Makes everything delivered so far durable. The offsets are those the runtime is about to commit. */
  flush(_currentOffsets: TopicPartitionMap<OffsetAndMetadata>): void | Promise<void> {}

  /**
   * Called before offsets are committed; returns the offsets that are safe to commit. The default flushes and
   * returns `currentOffsets`. Tasks that write asynchronously return the offsets they have actually persisted.
   */
  preCommit(
    currentOffsets: TopicPartitionMap<OffsetAndMetadata>,
  ): TopicPartitionMap<OffsetAndMetadata> | Promise<TopicPartitionMap<OffsetAndMetadata>> {
    const flushed = this.flush(currentOffsets);
    return flushed instanceof Promise ? flushed.then(() => currentOffsets) : currentOffsets;
  }

  /** Called when partitions are assigned (after a rebalance), before records from them are delivered. */
  open(_partitions: TopicPartition[]): void | Promise<void> {}

  /** Called when partitions are revoked; release their resources (offsets were committed before). */
  close(_partitions: TopicPartition[]): void | Promise<void> {}
}
