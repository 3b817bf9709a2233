/** What every record the source builds shares: partition, names, header settings, and the clock of processing time. */
import { ConnectHeaders, type SourceOffset, type SourcePartition, SourceRecord } from '../../../connect-runtime/api';
import type { ChangeRecord, ContextHeaders } from '../events';

export interface EventContext {
  partition: SourcePartition;
  topicPrefix: string;
  db: string;
  /** The __debezium.context.* headers, or undefined with extended.headers.enabled=false. */
  contextHeaders: ContextHeaders | undefined;
  tombstonesOnDelete: boolean;
}

const EPOCH_BASE_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Wall-clock nanoseconds since the epoch with sub-millisecond resolution (the envelope's ts_us and ts_ns). */
export function nowNs(): bigint {
  return EPOCH_BASE_NS + process.hrtime.bigint();
}

export function contextHeaders(headers: ContextHeaders | undefined): ConnectHeaders {
  const h = new ConnectHeaders();
  if (headers !== undefined) {
    h.addString('__debezium.context.connectorLogicalName', headers.connectorLogicalName);
    h.addString('__debezium.context.taskId', headers.taskId);
    h.addString('__debezium.context.connectorName', headers.connectorName);
  }
  return h;
}

/** A built record with its partition and offset. */
export function sourceRecord(record: ChangeRecord, partition: SourcePartition, offset: SourceOffset): SourceRecord {
  return new SourceRecord({
    topic: record.topic,
    keySchema: record.keySchema,
    key: record.key,
    valueSchema: record.valueSchema,
    value: record.value,
    headers: record.headers,
    sourcePartition: partition,
    sourceOffset: offset,
  });
}
