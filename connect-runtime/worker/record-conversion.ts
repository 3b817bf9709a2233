/**
 * Between Connect records and Kafka records: a source record becomes key/value/header bytes through
 * the connector's converters; a consumed Kafka record becomes a SinkRecord the same way back.
 */
import { ConnectHeader, ConnectHeaders, SinkRecord, TimestampType, type Converter, type HeaderConverter, type SourceRecord } from '../api';
import type { OutgoingRecord } from '../../broker/client/producer';
import type { ConsumedRecord } from '../../broker/client/record-batch-reader';

export interface RecordConverters {
  key: Converter;
  value: Converter;
  header: HeaderConverter;
}

export function toOutgoing(record: SourceRecord, converters: RecordConverters): OutgoingRecord {
  const { topic } = record;
  const headers: [string, Buffer | null][] = [];
  for (const h of record.headers) headers.push([h.key, converters.header.fromConnectHeader(topic, h.key, h.schema, h.value)]);
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
  const headers = new ConnectHeaders();
  for (const [key, bytes] of consumed.headers) {
    const sv = converters.header.toConnectHeader(topic, key, bytes);
    headers.add(new ConnectHeader(key, sv.schema, sv.value));
  }
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
