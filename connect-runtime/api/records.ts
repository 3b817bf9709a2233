/**
 * Records flowing through Connect: ConnectRecord and its source and sink variants. Records are immutable apart from
 * their headers; transformations derive new records with newRecord().
 */
import { ConnectHeaders, type Header } from './headers';
import type { Schema } from './schema';

/** Primitive values allowed in source partition and offset maps. */
export type OffsetValue = string | number | bigint | boolean | null;
/** Identifies where a source record came from, e.g. `{ filename: '/tmp/in.txt' }`. */
export type SourcePartition = Readonly<Record<string, OffsetValue>>;
/** A position within a source partition, e.g. `{ position: 30 }`. */
export type SourceOffset = Readonly<Record<string, OffsetValue>>;

/** Kafka's TimestampType names. */
export const TimestampType = {
  NO_TIMESTAMP_TYPE: 'NoTimestampType',
  CREATE_TIME: 'CreateTime',
  LOG_APPEND_TIME: 'LogAppendTime',
} as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

export interface ConnectRecordInit {
  topic: string;
  /** The Kafka partition, or null to let the producer's partitioner choose. */
  kafkaPartition?: number | null;
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value?: unknown;
  /** Milliseconds since the epoch, or null. */
  timestamp?: number | null;
  headers?: Iterable<Header>;
}

export abstract class ConnectRecord<R extends ConnectRecord<R>> {
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly timestamp: number | null;
  readonly headers: ConnectHeaders;

  protected constructor(init: ConnectRecordInit) {
    this.topic = init.topic;
    this.kafkaPartition = init.kafkaPartition ?? null;
    this.keySchema = init.keySchema ?? null;
    this.key = init.key ?? null;
    this.valueSchema = init.valueSchema ?? null;
    this.value = init.value ?? null;
    this.timestamp = init.timestamp ?? null;
    this.headers = init.headers instanceof ConnectHeaders ? init.headers : new ConnectHeaders(init.headers);
  }

  /**
   * A copy of this record with some fields replaced. Fields not given keep their values; headers are copied
   * unless new ones are given. Subclass-specific fields (source partition/offset, Kafka offset, ...) are kept.
   */
  abstract newRecord(changes: Partial<ConnectRecordInit>): R;

  protected mergedInit(changes: Partial<ConnectRecordInit>): ConnectRecordInit {
    return {
      topic: changes.topic ?? this.topic,
      kafkaPartition: 'kafkaPartition' in changes ? changes.kafkaPartition : this.kafkaPartition,
      keySchema: 'keySchema' in changes ? changes.keySchema : this.keySchema,
      key: 'key' in changes ? changes.key : this.key,
      valueSchema: 'valueSchema' in changes ? changes.valueSchema : this.valueSchema,
      value: 'value' in changes ? changes.value : this.value,
      timestamp: 'timestamp' in changes ? changes.timestamp : this.timestamp,
      headers: changes.headers ?? this.headers.duplicate(),
    };
  }

  toString(): string {
    return `${this.constructor.name}{topic='${this.topic}', kafkaPartition=${this.kafkaPartition}, timestamp=${this.timestamp}}`;
  }
}

export interface SourceRecordInit extends ConnectRecordInit {
  sourcePartition: SourcePartition | null;
  sourceOffset: SourceOffset | null;
}

/** A record produced by a SourceTask, with the source partition and offset the runtime commits once it is acked. */
export class SourceRecord extends ConnectRecord<SourceRecord> {
  readonly sourcePartition: SourcePartition | null;
  readonly sourceOffset: SourceOffset | null;

  constructor(init: SourceRecordInit) {
    super(init);
    this.sourcePartition = init.sourcePartition;
    this.sourceOffset = init.sourceOffset;
  }

  newRecord(changes: Partial<ConnectRecordInit>): SourceRecord {
    // Fields are set on the merged object rather than spread into a new one: transformations call this per
    // record, and an object spread costs several microseconds on Node 20.
    const init = this.mergedInit(changes) as SourceRecordInit;
    init.sourcePartition = this.sourcePartition;
    init.sourceOffset = this.sourceOffset;
    return new SourceRecord(init);
  }
}

export interface SinkRecordInit extends ConnectRecordInit {
  kafkaPartition: number;
  kafkaOffset: number;
  timestampType?: TimestampType;
  /** Where the record was consumed from, before any transformation renamed or re-partitioned it. */
  originalTopic?: string;
  originalKafkaPartition?: number;
  originalKafkaOffset?: number;
}

/** A record consumed from Kafka and handed to a SinkTask. */
export class SinkRecord extends ConnectRecord<SinkRecord> {
  readonly kafkaOffset: number;
  readonly timestampType: TimestampType;
  readonly originalTopic: string;
  readonly originalKafkaPartition: number;
  readonly originalKafkaOffset: number;

  constructor(init: SinkRecordInit) {
    super(init);
    this.kafkaOffset = init.kafkaOffset;
    this.timestampType = init.timestampType ?? TimestampType.NO_TIMESTAMP_TYPE;
    this.originalTopic = init.originalTopic ?? init.topic;
    this.originalKafkaPartition = init.originalKafkaPartition ?? init.kafkaPartition;
    this.originalKafkaOffset = init.originalKafkaOffset ?? init.kafkaOffset;
  }

  newRecord(changes: Partial<ConnectRecordInit>): SinkRecord {
    // No object spread on this per-record path (see SourceRecord.newRecord).
    const init = this.mergedInit(changes) as SinkRecordInit;
    init.kafkaPartition ??= this.originalKafkaPartition;
    init.kafkaOffset = this.kafkaOffset;
    init.timestampType = this.timestampType;
    init.originalTopic = this.originalTopic;
    init.originalKafkaPartition = this.originalKafkaPartition;
    init.originalKafkaOffset = this.originalKafkaOffset;
    return new SinkRecord(init);
  }
}
