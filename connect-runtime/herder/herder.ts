/**
 * What the REST API and the CLI may ask of a worker (DESIGN §4: they call only the herder). The
 * standalone and distributed herders implement it; the entity shapes are Kafka Connect's REST
 * entities, field for field, so that handlers can return them as they are.
 */
import type { ConfigInfos, ConfigKeyInfo } from '../api/config-infos';

export type { ConfigInfos, ConfigKeyInfo };
export type ConnectorType = 'source' | 'sink' | 'unknown';
/** Persisted intent for a connector; RUNNING in requests is STARTED here, as in Kafka Connect. */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';
export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';
export type InstanceState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface ConnectorTaskId {
  connector: string;
  task: number;
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

export interface InstanceStatus {
  state: InstanceState;
  worker_id: string;
  /** The stack trace of a FAILED instance; absent otherwise. */
  trace?: string;
}

export interface TaskStatus extends InstanceStatus {
  id: number;
}

export interface ConnectorStateInfo {
  name: string;
  connector: InstanceStatus;
  tasks: TaskStatus[];
  type: ConnectorType;
}

export interface TaskInfo {
  id: ConnectorTaskId;
  config: Record<string, string>;
}

export interface ServerInfo {
  version: string;
  commit: string;
  kafka_cluster_id: string;
}

export interface HealthInfo {
  status: 'healthy' | 'starting' | 'unhealthy';
  message: string;
}

export interface PluginInfo {
  class: string;
  type: 'source' | 'sink' | 'transformation' | 'predicate' | 'converter' | 'header_converter';
  version?: string;
}

export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

export interface RestartRequest {
  includeTasks: boolean;
  onlyFailed: boolean;
}

export interface LoggerLevel {
  level: string;
  last_modified: number | null;
}

/** topic.tracking.enable and topic.tracking.allow.reset: the topics endpoints answer 403 when these are off. */
export interface TopicTrackingSettings {
  enabled: boolean;
  allowReset: boolean;
}

export interface Herder {
  serverInfo(): ServerInfo;
  health(): HealthInfo;

  connectors(): string[];
  connectorInfo(name: string): Promise<ConnectorInfo>;
  connectorConfig(name: string): Promise<Record<string, string>>;
  connectorStatus(name: string): ConnectorStateInfo;
  taskConfigs(name: string): Promise<TaskInfo[]>;
  taskStatus(name: string, task: number): TaskStatus;

  /** Creates (or, with allowReplace, updates) a connector. `created` tells 201 from 200. */
  putConnectorConfig(name: string, config: Record<string, string>, opts: { allowReplace: boolean; initialState?: InitialState }): Promise<{ created: boolean; info: ConnectorInfo }>;
  /** Merges `patch` into the current config; null values delete keys. */
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  /** Null when nothing but the connector was restarted (204), else the status with RESTARTING instances (202). */
  restartConnector(name: string, req: RestartRequest): Promise<ConnectorStateInfo | null>;
  restartTask(name: string, task: number): Promise<void>;

  topicTracking(): TopicTrackingSettings;
  /** The topics the connector's tasks produced to or consumed from since creation or the last reset. */
  connectorTopics(name: string): string[];
  resetConnectorTopics(name: string): void;

  connectorOffsets(name: string): Promise<ConnectorOffset[]>;
  /** Returns the message for the 200 answer. */
  alterConnectorOffsets(name: string, offsets: ConnectorOffset[]): Promise<string>;
  resetConnectorOffsets(name: string): Promise<string>;

  plugins(connectorsOnly: boolean): PluginInfo[];
  pluginConfig(plugin: string): ConfigKeyInfo[];
  /** Validates a connector config; `pluginFromPath` is the `{plugin}` of the validate URL, checked against connector.class. */
  validateConnectorConfig(config: Record<string, string>, pluginFromPath?: string): Promise<ConfigInfos>;

  loggers(): Record<string, LoggerLevel>;
  logger(name: string): LoggerLevel;
  /** Returns the names of the loggers whose level changed. */
  setLoggerLevel(name: string, level: string): string[];
  /** `?scope=cluster`: sets the level on every worker of the cluster (in standalone mode, this one). */
  setClusterLoggerLevel(name: string, level: string): void;

  /** Prometheus text exposition of the worker's metrics. */
  metrics(): string;
}
