/**
 * Records of the transaction metadata topic (`provide.transaction.metadata=true`, topic `<prefix>.transaction`)
 * and of the heartbeat topic: Debezium's common schemas, the same for every connector.
 */
import { ConnectHeaders, Schema, SchemaBuilder, Struct } from '../../../connect-runtime/api';
import type { ChangeRecord } from './change-events';
import { int64 } from './debezium-schemas';
import { heartbeatTopicName, transactionTopicName } from './topic-names';

export const TRANSACTION_KEY_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.TransactionMetadataKey')
  .version(1)
  .field('id', Schema.STRING_SCHEMA)
  .build();

export const EVENT_COUNT_PER_COLLECTION_SCHEMA: Schema = SchemaBuilder.struct()
  .optional()
  .name('event.collection')
  .version(1)
  .field('data_collection', Schema.STRING_SCHEMA)
  .field('event_count', Schema.INT64_SCHEMA)
  .build();

export const TRANSACTION_VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.TransactionMetadataValue')
  .version(1)
  .field('status', Schema.STRING_SCHEMA)
  .field('id', Schema.STRING_SCHEMA)
  .field('event_count', Schema.OPTIONAL_INT64_SCHEMA)
  .field('data_collections', SchemaBuilder.array(EVENT_COUNT_PER_COLLECTION_SCHEMA).optional().build())
  .field('ts_ms', Schema.INT64_SCHEMA)
  .build();

export type TransactionEvent =
  | { status: 'BEGIN'; id: string; tsMs: bigint | number }
  | {
      status: 'END';
      id: string;
      tsMs: bigint | number;
      eventCount: bigint | number;
      /** Per table (`<schema>.<table>`), in the order the transaction first touched them. */
      dataCollections: ReadonlyArray<{ dataCollection: string; eventCount: bigint | number }>;
    };

/** A BEGIN or END record of the transaction metadata topic. */
export function transactionRecord(topicPrefix: string, event: TransactionEvent, topicSuffix = 'transaction'): ChangeRecord {
  const value = new Struct(TRANSACTION_VALUE_SCHEMA).put('status', event.status).put('id', event.id).put('ts_ms', int64(BigInt(event.tsMs)));
  if (event.status === 'END') {
    value.put('event_count', int64(BigInt(event.eventCount))).put(
      'data_collections',
      event.dataCollections.map((c) =>
        new Struct(EVENT_COUNT_PER_COLLECTION_SCHEMA).put('data_collection', c.dataCollection).put('event_count', int64(BigInt(c.eventCount))),
      ),
    );
  }
  return {
    topic: transactionTopicName(topicPrefix, topicSuffix),
    keySchema: TRANSACTION_KEY_SCHEMA,
    key: new Struct(TRANSACTION_KEY_SCHEMA).put('id', event.id),
    valueSchema: TRANSACTION_VALUE_SCHEMA,
    value,
    headers: new ConnectHeaders(),
  };
}

export const HEARTBEAT_KEY_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.ServerNameKey')
  .version(1)
  .field('serverName', Schema.STRING_SCHEMA)
  .build();

export const HEARTBEAT_VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.Heartbeat')
  .version(1)
  .field('ts_ms', Schema.INT64_SCHEMA)
  .build();

/** A heartbeat record; the caller attaches the connector's current source offset to it. */
export function heartbeatRecord(topicPrefix: string, tsMs: bigint | number, heartbeatPrefix = '__debezium-heartbeat'): ChangeRecord {
  return {
    topic: heartbeatTopicName(topicPrefix, heartbeatPrefix),
    keySchema: HEARTBEAT_KEY_SCHEMA,
    key: new Struct(HEARTBEAT_KEY_SCHEMA).put('serverName', topicPrefix),
    valueSchema: HEARTBEAT_VALUE_SCHEMA,
    value: new Struct(HEARTBEAT_VALUE_SCHEMA).put('ts_ms', int64(BigInt(tsMs))),
    headers: new ConnectHeaders(),
  };
}
