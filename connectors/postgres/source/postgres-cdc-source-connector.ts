/**
 * PostgresCdcSource: Debezium-compatible change data capture from PostgreSQL through logical replication
 * (pgoutput). Accepts Debezium's io.debezium.connector.postgresql.PostgresConnector configs; runs one task, since a
 * replication slot has a single reader.
 */
import {
  type ConfigDef,
  type ConfigValue,
  type ConnectorProps,
  ExactlyOnceSupport,
  SourceConnector,
  type TaskClass,
} from '../../../connect-runtime/api';
import { SLUICE_VERSION } from '../../../connect-runtime/api/version';
import { parseSourceConfig, validateSourceConfig } from './source-config';
import { SOURCE_CONFIG_DEF } from './source-config-def';
import { PostgresCdcSourceTask } from './postgres-cdc-source-task';

export const POSTGRES_CDC_SOURCE_CLASS = 'io.sluice.connect.postgres.PostgresCdcSource';
export const POSTGRES_CDC_SOURCE_ALIASES: readonly string[] = ['io.debezium.connector.postgresql.PostgresConnector'];

export class PostgresCdcSource extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return SLUICE_VERSION;
  }

  start(props: ConnectorProps): void {
    parseSourceConfig(props);
    this.props = { ...props };
  }

  taskClass(): TaskClass {
    return PostgresCdcSourceTask;
  }

  /** One task whatever tasks.max says: a replication slot has one reader. */
  taskConfigs(_maxTasks: number): ConnectorProps[] {
    return [{ ...this.props }];
  }

  stop(): void {}

  config(): ConfigDef {
    return SOURCE_CONFIG_DEF;
  }

  /** Per-key checks plus the cross-key ones (exclusive lists, regexes, queue vs batch size, plugin.name). */
  override validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return validateSourceConfig(props);
  }

  /** At-least-once: after a crash, events after the last stored offset are sent again. */
  override exactlyOnceSupport(_props: ConnectorProps): ExactlyOnceSupport {
    return ExactlyOnceSupport.UNSUPPORTED;
  }
}
