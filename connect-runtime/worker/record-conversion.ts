/**
 * Between Connect records and Kafka records: a source record becomes key/value/header bytes through
 * the connector's converters; a consumed Kafka record becomes a SinkRecord the same way back.
 */
import { ConnectHeader, ConnectHeaders, SinkRecord, TimestampType, type Converter, type HeaderConverter, type SourceRecord } from '../api';
import type { OutgoingRecord } from '../../broker/client/producer';
import type { ConsumedRecord } from '../../broker/client/record-batch-reader';
import type { ErrorStage } from './error-handler';

export interface RecordConverters {
  key: Converter;
  value: Converter;
  header: HeaderConverter;
}

/** Shared by every record without headers, the common case, so that none allocates an empty list. */
const NO_HEADERS: readonly [string, Buffer | null][] = Object.freeze([]);

export function toOutgoing(record: SourceRecord, converters: RecordConverters): OutgoingRecord {
  const { topic } = record;
  let headers = NO_HEADERS;
  if (!record.headers.isEmpty()) {
    const converted: [string, Buffer | null][] = [];
    for (const h of record.headers) converted.push([h.key, converters.header.fromConnectHeader(topic, h.key, h.schema, h.value)]);
    headers = converted;
  }
  const out: OutgoingRecord = {
    topic,
    key: converters.key.fromConnectData(topic, record.headers, record.keySchema, record.key),
    value: converters.value.fromConnectData(topic, record.headers, record.valueSchema, record.value),
    headers,
  };
  if (record.kafkaPartition !== null) out.partition = record.kafkaPartition;
  if (record.timestamp !== null) out.timestamp = record.timestamp;
  return out;
}

export function toSinkRecord(topic: string, partition: number, consumed: ConsumedRecord, converters: RecordConverters): SinkRecord {
  const headers = toConnectHeaders(topic, consumed, converters.header);
  const key = converters.key.toConnectData(topic, headers, consumed.key);
  const value = converters.value.toConnectData(topic, headers, consumed.value);
  return new SinkRecord({
    topic,
    kafkaPartition: partition,
    kafkaOffset: consumed.offset,
    keySchema: key.schema,
    key: key.value,
    valueSchema: value.schema,
    value: value.value,
    timestamp: consumed.timestamp,
    timestampType: consumed.timestampType === 'LogAppendTime' ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
    headers,
  });
}

/** A consumed record's headers as Connect headers; throws when the converter fails or gives a value its schema refuses. */
function toConnectHeaders(topic: string, consumed: ConsumedRecord, converter: HeaderConverter): ConnectHeaders {
  const headers = new ConnectHeaders();
  for (const [key, bytes] of consumed.headers) {
    const sv = converter.toConnectHeader(topic, key, bytes);
    headers.add(new ConnectHeader(key, sv.schema, sv.value));
  }
  return headers;
}

/**
 * Which step of turning a source record into Kafka bytes throws, for error reports. Runs only after a failure,
 * so the hot path converts in one go and pays nothing for the bookkeeping.
 */
export function failedSourceStage(record: SourceRecord, transform: (r: SourceRecord) => SourceRecord | null, converters: RecordConverters): ErrorStage {
  let transformed: SourceRecord | null;
  try {
    transformed = transform(record);
  } catch {
    return 'TRANSFORMATION';
  }
  if (transformed === null) return 'TRANSFORMATION';
  const { topic } = transformed;
  if (throws(() => converters.key.fromConnectData(topic, transformed.headers, transformed.keySchema, transformed.key))) return 'KEY_CONVERTER';
  if (throws(() => converters.value.fromConnectData(topic, transformed.headers, transformed.valueSchema, transformed.value))) return 'VALUE_CONVERTER';
  return 'HEADER_CONVERTER';
}

/** Which step of turning consumed bytes into a transformed SinkRecord throws (see failedSourceStage). */
export function failedSinkStage(topic: string, consumed: ConsumedRecord, converters: RecordConverters): ErrorStage {
  let headers = new ConnectHeaders();
  if (throws(() => (headers = toConnectHeaders(topic, consumed, converters.header)))) return 'HEADER_CONVERTER';
  if (throws(() => converters.key.toConnectData(topic, headers, consumed.key))) return 'KEY_CONVERTER';
  if (throws(() => converters.value.toConnectData(topic, headers, consumed.value))) return 'VALUE_CONVERTER';
  return 'TRANSFORMATION';
}

function throws(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}
