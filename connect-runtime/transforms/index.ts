/**
 * Kafka Connect's built-in Single Message Transforms and predicates, plus Debezium's ExtractNewRecordState, under
 * their Kafka/Debezium class names. plugins/builtin-transforms.ts lists them as a plugin descriptor.
 */
export { InsertField, InsertFieldKey, InsertFieldValue, INSERT_FIELD_KEY_CLASS, INSERT_FIELD_VALUE_CLASS } from './insert-field';
export { ReplaceField, ReplaceFieldKey, ReplaceFieldValue, REPLACE_FIELD_KEY_CLASS, REPLACE_FIELD_VALUE_CLASS } from './replace-field';
export { MaskField, MaskFieldKey, MaskFieldValue, MASK_FIELD_KEY_CLASS, MASK_FIELD_VALUE_CLASS } from './mask-field';
export { ValueToKey, VALUE_TO_KEY_CLASS } from './value-to-key';
export { ExtractField, ExtractFieldKey, ExtractFieldValue, EXTRACT_FIELD_KEY_CLASS, EXTRACT_FIELD_VALUE_CLASS } from './extract-field';
export { HoistField, HoistFieldKey, HoistFieldValue, HOIST_FIELD_KEY_CLASS, HOIST_FIELD_VALUE_CLASS } from './hoist-field';
export { Cast, CastKey, CastValue, CAST_KEY_CLASS, CAST_VALUE_CLASS } from './cast';
export { RegexRouter, REGEX_ROUTER_CLASS } from './regex-router';
export { TimestampRouter, TIMESTAMP_ROUTER_CLASS } from './timestamp-router';
export { Filter, FILTER_CLASS } from './filter';
export { Flatten, FlattenKey, FlattenValue, FLATTEN_KEY_CLASS, FLATTEN_VALUE_CLASS } from './flatten';
export {
  SetSchemaMetadata,
  SetSchemaMetadataKey,
  SetSchemaMetadataValue,
  SET_SCHEMA_METADATA_KEY_CLASS,
  SET_SCHEMA_METADATA_VALUE_CLASS,
} from './set-schema-metadata';
export {
  TimestampConverter,
  TimestampConverterKey,
  TimestampConverterValue,
  TIMESTAMP_CONVERTER_KEY_CLASS,
  TIMESTAMP_CONVERTER_VALUE_CLASS,
} from './timestamp-converter';
export { DropHeaders, DROP_HEADERS_CLASS } from './drop-headers';
export { InsertHeader, INSERT_HEADER_CLASS } from './insert-header';
export { HeaderFrom, HeaderFromKey, HeaderFromValue, HEADER_FROM_KEY_CLASS, HEADER_FROM_VALUE_CLASS } from './header-from';
export { ExtractNewRecordState, EXTRACT_NEW_RECORD_STATE_CLASS, DELETED_FIELD } from './extract-new-record-state';
export { TopicNameMatches, TOPIC_NAME_MATCHES_CLASS } from './topic-name-matches';
export { HasHeaderKey, HAS_HEADER_KEY_CLASS } from './has-header-key';
export { RecordIsTombstone, RECORD_IS_TOMBSTONE_CLASS } from './record-is-tombstone';
