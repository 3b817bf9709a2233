/** Source connectors and tasks (Kafka's SourceConnector, SourceTask, SourceTaskContext, OffsetStorageReader). */
import { Connector, type ConnectorContext, type ConnectorProps, Task } from './connector';
import type { SourceOffset, SourcePartition, SourceRecord } from './records';

/** Reads the offsets the runtime has committed for this connector's source partitions. */
export interface OffsetStorageReader {
  /** The last committed offset of a partition, or null when there is none. */
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
  /** Offsets of several partitions; the result is keyed by the same partition objects that were passed in. */
  offsets(partitions: Iterable<SourcePartition>): Promise<Map<SourcePartition, SourceOffset | null>>;
}

export interface SourceConnectorContext extends ConnectorContext {
  readonly offsetStorageReader: OffsetStorageReader;
}

/** Controls producer transactions when transaction.boundary=connector (exactly-once source support). */
export interface TransactionContext {
  commitTransaction(record?: SourceRecord): void;
  abortTransaction(record?: SourceRecord): void;
}

export interface SourceTaskContext {
  /** The task's current configuration. */
  configs(): ConnectorProps;
  readonly offsetStorageReader: OffsetStorageReader;
  /** Non-null only when the connector defines transaction boundaries. */
  readonly transactionContext: TransactionContext | null;
}

/** Where a record was written, reported to commitRecord() once the broker acknowledged it. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

export const ExactlyOnceSupport = { SUPPORTED: 'SUPPORTED', UNSUPPORTED: 'UNSUPPORTED' } as const;
export type ExactlyOnceSupport = (typeof ExactlyOnceSupport)[keyof typeof ExactlyOnceSupport];

export const ConnectorTransactionBoundaries = { SUPPORTED: 'SUPPORTED', UNSUPPORTED: 'UNSUPPORTED' } as const;
export type ConnectorTransactionBoundaries = (typeof ConnectorTransactionBoundaries)[keyof typeof ConnectorTransactionBoundaries];

export const TransactionBoundary = { POLL: 'poll', INTERVAL: 'interval', CONNECTOR: 'connector' } as const;
export type TransactionBoundary = (typeof TransactionBoundary)[keyof typeof TransactionBoundary];

export abstract class SourceConnector extends Connector {
  protected declare context: SourceConnectorContext | undefined;

  override initialize(context: SourceConnectorContext): void {
    this.context = context;
  }

  /** Whether the connector can provide exactly-once delivery with this config; null when it cannot tell. */
  exactlyOnceSupport(_props: ConnectorProps): ExactlyOnceSupport | null {
    return null;
  }

  canDefineTransactionBoundaries(_props: ConnectorProps): ConnectorTransactionBoundaries {
    return ConnectorTransactionBoundaries.UNSUPPORTED;
  }

  /**
   * Called before the runtime alters or resets (null offset) committed offsets of a stopped connector. Return
   * true when the connector also handled offsets it manages outside the framework; throw to refuse the change.
   */
  alterOffsets(_props: ConnectorProps, _offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): boolean | Promise<boolean> {
    return false;
  }
}

export abstract class SourceTask extends Task {
  protected context: SourceTaskContext | undefined;

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  /**
   * The next records, or null when there are none right now. May wait for data, but should return promptly once
   * `signal` aborts (the task is stopping).
   */
  abstract poll(signal?: AbortSignal): Promise<SourceRecord[] | null>;

  /** Called after the offsets of all records returned so far were committed. */
  commit(): void | Promise<void> {}

  /**
   * Called once per record after the broker acknowledged it (metadata set), or after it was dropped by a
   * transformation or skipped under errors.tolerance=all (metadata null).
   */
  commitRecord(_record: SourceRecord, _metadata: RecordMetadata | null): void | Promise<void> {}
}
