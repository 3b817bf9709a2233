/**
 * Events for pg_logical_emit_message() (pgoutput 'M', op `m`), on topic `<topic.prefix>.message`, keyed by the
 * message prefix. The value is io.debezium.connector.postgresql.MessageValue: op, ts_ms (processing time; this
 * value has no ts_us/ts_ns), source, transaction and the `message` block with prefix and content.
 */
import { ConnectHeaders, Schema, SchemaBuilder, Struct } from '../../../connect-runtime/api';
import type { ChangeRecord } from './change-events';
import { int64 } from './debezium-schemas';
import { Operation, TRANSACTION_BLOCK_SCHEMA, type TransactionBlock, transactionStruct } from './envelope';
import type { BinaryHandlingMode } from './events-options';
import { POSTGRES_SOURCE_SCHEMA, type SourceInfo, sourceStruct } from './source-info';
import { messageTopicName } from './topic-names';
import { binaryValue } from './value-codec';

export const MESSAGE_KEY_SCHEMA_NAME = 'io.debezium.connector.postgresql.MessageKey';
export const MESSAGE_VALUE_SCHEMA_NAME = 'io.debezium.connector.postgresql.MessageValue';
export const MESSAGE_BLOCK_SCHEMA_NAME = 'io.debezium.connector.postgresql.Message';

export const MESSAGE_KEY_SCHEMA: Schema = SchemaBuilder.struct()
  .name(MESSAGE_KEY_SCHEMA_NAME)
  .version(1)
  .field('prefix', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

export interface MessageSchemas {
  keySchema: Schema;
  blockSchema: Schema;
  valueSchema: Schema;
}

const SCHEMAS = new Map<BinaryHandlingMode, MessageSchemas>();

/** The message schemas; `content` is bytes, or a string in the base64/hex binary modes. */
export function messageSchemas(binaryMode: BinaryHandlingMode): MessageSchemas {
  let schemas = SCHEMAS.get(binaryMode);
  if (schemas === undefined) {
    const content = binaryMode === 'bytes' ? Schema.OPTIONAL_BYTES_SCHEMA : Schema.OPTIONAL_STRING_SCHEMA;
    const blockSchema = SchemaBuilder.struct()
      .name(MESSAGE_BLOCK_SCHEMA_NAME)
      .version(1)
      .field('prefix', Schema.OPTIONAL_STRING_SCHEMA)
      .field('content', content)
      .build();
    const valueSchema = SchemaBuilder.struct()
      .name(MESSAGE_VALUE_SCHEMA_NAME)
      .version(1)
      .field('op', Schema.STRING_SCHEMA)
      .field('ts_ms', Schema.OPTIONAL_INT64_SCHEMA)
      .field('source', POSTGRES_SOURCE_SCHEMA)
      .field('transaction', TRANSACTION_BLOCK_SCHEMA)
      .field('message', blockSchema)
      .build();
    schemas = { keySchema: MESSAGE_KEY_SCHEMA, blockSchema, valueSchema };
    SCHEMAS.set(binaryMode, schemas);
  }
  return schemas;
}

export interface LogicalMessage {
  prefix: string;
  content: Uint8Array;
}

export interface LogicalMessageContext {
  topicPrefix: string;
  binaryHandlingMode: BinaryHandlingMode;
  /**
   * The source block; `schema` and `table` are empty strings for messages, and txId is null for non-transactional
   * messages.
   */
  source: SourceInfo;
  /** Processing time in milliseconds since the epoch (the value's ts_ms). */
  processedAtMs: bigint | number;
  transaction?: TransactionBlock | null;
}

/** The record of one logical decoding message. */
export function logicalMessageRecord(message: LogicalMessage, context: LogicalMessageContext): ChangeRecord {
  const { keySchema, blockSchema, valueSchema } = messageSchemas(context.binaryHandlingMode);
  const content = Buffer.from(message.content.buffer, message.content.byteOffset, message.content.byteLength);
  const block = new Struct(blockSchema).put('prefix', message.prefix).put('content', binaryValue(content, context.binaryHandlingMode));
  const value = new Struct(valueSchema)
    .put('op', Operation.MESSAGE)
    .put('ts_ms', int64(BigInt(context.processedAtMs)))
    .put('source', sourceStruct(context.source))
    .put('transaction', context.transaction ? transactionStruct(context.transaction) : null)
    .put('message', block);
  return {
    topic: messageTopicName(context.topicPrefix),
    keySchema,
    key: new Struct(keySchema).put('prefix', message.prefix),
    valueSchema,
    value,
    headers: new ConnectHeaders(),
  };
}
