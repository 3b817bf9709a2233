/**
 * Debezium-compatible change events for the PostgreSQL CDC source, without I/O: type mapping of pgoutput text
 * values to Connect schemas and values, and the key, value, envelope, source, transaction, truncate and logical
 * message records built from them.
 */
export { PgOid, builtinTypeName, builtinArrayElement, builtinArrayOf } from './pg-type-oids';
export {
  UNCHANGED_TOAST,
  typeLookupFrom,
  type UnchangedToast,
  type PgColumn,
  type PgColumnValue,
  type PgRow,
  type PgRelation,
  type PgTypeDescriptor,
  type PgTypeLookup,
} from './pg-column';
export { columnLength, columnScale, UNKNOWN_LENGTH, VARIABLE_NUMERIC_LENGTH } from './pg-typmod';
export {
  parsePgEventOptions,
  parsePlaceholder,
  PgEventConfigKeys,
  DEFAULT_VALUE_MAPPING,
  DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER,
  type PgEventOptions,
  type ValueMappingOptions,
  type EventNamingOptions,
  type DecimalHandlingMode,
  type TimePrecisionMode,
  type BinaryHandlingMode,
  type IntervalHandlingMode,
  type HstoreHandlingMode,
} from './events-options';
export { DebeziumNames, DebeziumSchemas, DECIMAL_PRECISION_PARAMETER, int64 } from './debezium-schemas';
export { resolveCodec, type CodecResolution, type ResolveCodecArgs } from './codec-resolver';
export { binaryValue, type ValueCodec, type ToastShape } from './value-codec';
export { mapColumn, type ColumnConverter, type ColumnMapping, type DroppedColumn, type MapColumnOptions } from './column-converter';
export { toastPlaceholder, nameUuidFromBytes } from './toast-placeholder';
export {
  DATE_POSITIVE_INFINITY_DAYS,
  DATE_NEGATIVE_INFINITY_DAYS,
  TIMESTAMP_POSITIVE_INFINITY_MICROS,
  TIMESTAMP_NEGATIVE_INFINITY_MICROS,
} from './codecs-temporal';
export { parseArrayLiteral, parseFlatArrayLiteral, type PgArrayElement } from './text-array-literal';
export {
  parsePgDate,
  parsePgTime,
  parsePgTimestamp,
  parsePgTimestamptz,
  pgTimetzToZonedTime,
  formatZonedTimestamp,
  daysFromCivil,
  civilFromDays,
  type PgInfinity,
} from './text-datetime';
export { parsePgInterval, intervalToMicroDuration, intervalToIsoString, type IntervalParts } from './text-interval';
export { parsePgNumeric, parsePgMoney, stripTrailingZeros, setScaleHalfUp, type NumericSpecial } from './text-numeric';
export { parsePgBytea, parsePgBits, parsePgBit, parsePgBool, parsePgPoint, pointWkb } from './text-scalars';
export { parseHstore, hstoreToJson, javaHashMapOrder, jacksonQuote, type HstoreEntries } from './text-hstore';
export { sanitizeTopicName, dataTopicName, messageTopicName, transactionTopicName, heartbeatTopicName } from './topic-names';
export { columnFilterFrom, keyColumnsSelectorFrom, splitRegexList, type ColumnFilter, type KeyColumnsSelector } from './column-filters';
export {
  POSTGRES_SOURCE_SCHEMA,
  SOURCE_SCHEMA_NAME,
  CONNECTOR_NAME,
  DEFAULT_DEBEZIUM_VERSION,
  SNAPSHOT_MARKERS,
  sourceStruct,
  sourceSequence,
  timestampFields,
  epochNanosFromPgTimestamp,
  type SnapshotMarker,
  type SourceInfo,
} from './source-info';
export {
  Envelope,
  Operation,
  ENVELOPE_SCHEMA_VERSION,
  TRANSACTION_BLOCK_SCHEMA,
  TRANSACTION_BLOCK_SCHEMA_NAME,
  transactionStruct,
  type TransactionBlock,
  type EnvelopeParts,
} from './envelope';
export { TableSchema, buildTableSchema, type TableSchemaOptions } from './table-schema';
export { TableSchemaCache } from './schema-cache';
export {
  changeRecords,
  tombstoneFor,
  toSourceRecord,
  PK_UPDATE_NEWKEY_HEADER,
  PK_UPDATE_OLDKEY_HEADER,
  type ChangeRecord,
  type RowChange,
  type ChangeContext,
  type ContextHeaders,
} from './change-events';
export {
  logicalMessageRecord,
  messageSchemas,
  MESSAGE_KEY_SCHEMA,
  MESSAGE_KEY_SCHEMA_NAME,
  MESSAGE_VALUE_SCHEMA_NAME,
  MESSAGE_BLOCK_SCHEMA_NAME,
  type LogicalMessage,
  type LogicalMessageContext,
  type MessageSchemas,
} from './logical-message';
export {
  transactionRecord,
  heartbeatRecord,
  TRANSACTION_KEY_SCHEMA,
  TRANSACTION_VALUE_SCHEMA,
  EVENT_COUNT_PER_COLLECTION_SCHEMA,
  HEARTBEAT_KEY_SCHEMA,
  HEARTBEAT_VALUE_SCHEMA,
  type TransactionEvent,
} from './transaction-metadata';
