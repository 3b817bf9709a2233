/**
 * The Postgres sink connector: its classes, config spec and the class names it answers to. The plugin descriptor
 * that registers it lives in connectors/postgres/index.ts.
 */
export { PostgresSinkConnector } from './postgres-sink-connector';
export { PostgresSinkTask, type PostgresSinkTaskOptions } from './postgres-sink-task';
export {
  POSTGRES_SINK_CONFIG_DEF,
  SinkConfigKeys as PostgresSinkConfigKeys,
  DEFAULT_BATCH_SIZE,
  DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER,
  parseSinkConfig,
  crossKeyErrors,
  type PostgresSinkConfig,
  type InsertMode,
  type PrimaryKeyMode,
  type SchemaEvolution,
} from './sink-config';
export type { PostgresSinkLogger } from './logger';
export { KAFKA_KEY_COLUMNS } from './change-event';

/** The class name to register the connector under. */
export const POSTGRES_SINK_CLASS = 'io.sluice.connect.postgres.PostgresSinkConnector';

/**
 * Further names that should resolve to it: Debezium's JDBC sink, whose configs it accepts. (`PostgresSink` and
 * `PostgresSinkConnector` already resolve from the class name by the registry's simple-name rules.)
 */
export const POSTGRES_SINK_ALIASES: readonly string[] = ['io.debezium.connector.jdbc.JdbcSinkConnector'];
