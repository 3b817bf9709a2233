/**
 * PostgresSinkConnector: writes topics to PostgreSQL tables, from flat records or Debezium change events. Accepts
 * the configs of Debezium's JDBC sink (io.debezium.connector.jdbc.JdbcSinkConnector) for the keys both share.
 * `topics`/`topics.regex` are the runtime's common sink settings.
 */
import {
  type ConfigDef,
  type ConfigValue,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
  type TopicPartitionMap,
} from '../../../connect-runtime/api';
import { SLUICE_VERSION } from '../../../connect-runtime/api/version';
import { PostgresSinkTask } from './postgres-sink-task';
import { crossKeyErrors, parseSinkConfig, POSTGRES_SINK_CONFIG_DEF } from './sink-config';

export class PostgresSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return SLUICE_VERSION;
  }

  start(props: ConnectorProps): void {
    parseSinkConfig(props);
    this.props = { ...props };
  }

  taskClass(): TaskClass {
    return PostgresSinkTask;
  }

  /** tasks.max identical tasks: the consumer group spreads the partitions, and each task has its own connection. */
  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  config(): ConfigDef {
    return POSTGRES_SINK_CONFIG_DEF;
  }

  /** The per-key checks of the spec, plus the rules that involve several keys, reported on the key they concern. */
  override validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    const results = this.config().validate(props);
    const values = Object.fromEntries(results.map((r) => [r.name, r.value]));
    const extra = crossKeyErrors(values);
    for (const result of results) {
      if (result.errorMessages.length > 0) continue;
      for (const message of extra[result.name] ?? []) result.addErrorMessage(message);
    }
    return results;
  }

  /** Consumer offsets are all the state there is, so any change is fine. */
  override alterOffsets(_props: ConnectorProps, _offsets: TopicPartitionMap<number | null>): boolean {
    return true;
  }
}
