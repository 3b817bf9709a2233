/**
 * The public connector API: what connector, converter and transformation plugins implement and use. It depends on
 * nothing else in this repository, so plugins import only this module.
 */
export {
  ConnectErrorCode,
  RETRIABLE_BY_DEFAULT,
  ConnectError,
  RetriableError,
  DataError,
  SchemaBuilderError,
  ConfigError,
  NotFoundError,
  AlreadyExistsError,
  IllegalWorkerStateError,
  isRetriable,
  type ConnectErrorOptions,
} from './errors';

export {
  Schema,
  Field,
  SchemaType,
  PRIMITIVE_TYPES,
  DECIMAL_LOGICAL_NAME,
  DATE_LOGICAL_NAME,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
  valuesEqual,
  isPlainObject,
  type SchemaInit,
} from './schema';
export { SchemaBuilder, toSchema, type SchemaLike } from './schema-builder';
export { Struct, validateValue, describeValue, displayValue } from './struct';
export { SchemaAndValue } from './schema-and-value';
export { BigDecimal } from './big-decimal';
export { Decimal, ConnectDate, ConnectTime, ConnectTimestamp, bigIntToTwosComplement, twosComplementToBigInt } from './logical-types';
export { convertToString, parseString, inferSchema } from './values';
export { formatJavaDouble, formatJavaFloat } from './java-format';

export { ConnectHeader, ConnectHeaders, type Header, type HeaderTransform } from './headers';
export {
  ConnectRecord,
  SourceRecord,
  SinkRecord,
  TimestampType,
  type ConnectRecordInit,
  type SourceRecordInit,
  type SinkRecordInit,
  type OffsetValue,
  type SourcePartition,
  type SourceOffset,
} from './records';
export { TopicPartitionMap, topicPartition, topicPartitionString, type TopicPartition, type OffsetAndMetadata } from './topic-partition';

export { Connector, Task, type ConnectorContext, type ConnectorProps, type TaskClass, type Versioned } from './connector';
export {
  SourceConnector,
  SourceTask,
  ExactlyOnceSupport,
  ConnectorTransactionBoundaries,
  TransactionBoundary,
  type OffsetStorageReader,
  type SourceConnectorContext,
  type SourceTaskContext,
  type TransactionContext,
  type RecordMetadata,
} from './source';
export {
  SinkConnector,
  SinkTask,
  SINK_TOPICS_CONFIG,
  SINK_TOPICS_REGEX_CONFIG,
  type SinkConnectorContext,
  type SinkTaskContext,
  type ErrantRecordReporter,
} from './sink';
export {
  ConverterType,
  CONVERTER_TYPE_CONFIG,
  converterConfigDef,
  type Converter,
  type HeaderConverter,
  type ConverterConfigs,
} from './converter';
export type { Transformation, Predicate } from './transformation';

export {
  ConfigType,
  Importance,
  Width,
  NO_DEFAULT,
  ConfigValue,
  type NoDefault,
  type JsonSchema,
  type ConfigValidator,
  type ConfigRecommender,
  type ConfigKeyDefinition,
  type ConfigKey,
} from './config-types';
export {
  Range,
  ValidString,
  CaseInsensitiveValidString,
  ValidList,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  CompositeValidator,
  LambdaValidator,
  type LambdaValidatorOptions,
} from './config-validators';
export { ConfigDef, type RawConfig } from './config-def';
export { parseConfigValue, configValueToString } from './config-parse';
export { compileConfigSchema, type CompiledConfigSchema, type KeyViolation } from './config-ajv';
export {
  configKeyInfo,
  configKeyInfos,
  configValueInfo,
  configInfos,
  validateToConfigInfos,
  mergeConfigInfos,
  type ConfigKeyInfo,
  type ConfigValueInfo,
  type ConfigInfo,
  type ConfigInfos,
} from './config-infos';
export { AbstractConfig } from './abstract-config';
export { Password, HIDDEN } from './password';
export {
  connectorCommonConfigDef,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  uniqueAliasesValidator,
  ConnectorConfigKeys,
  ConnectorConfigGroups,
  ErrorRestartKeys,
  CLIENT_OVERRIDE_PREFIXES,
} from './connector-config';
export {
  definePlugin,
  type PluginDescriptor,
  type PluginDescriptorFactory,
  type PluginClassEntry,
  type ConnectorEntry,
  type ConnectorClass,
  type ConverterClass,
  type HeaderConverterClass,
  type TransformationClass,
  type PredicateClass,
} from './plugin-descriptor';
