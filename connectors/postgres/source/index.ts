/**
 * The PostgreSQL CDC source (Debezium-compatible): connector, task, config spec, and the pure pieces the tests and
 * tools use (offsets, snapshot markers, start-up planning, resume filtering).
 */
export { PostgresCdcSource, POSTGRES_CDC_SOURCE_CLASS, POSTGRES_CDC_SOURCE_ALIASES } from './postgres-cdc-source-connector';
export { PostgresCdcSourceTask, toConnectError, type PostgresCdcSourceTaskOptions } from './postgres-cdc-source-task';
export { SourceConfigKeys, SNAPSHOT_MODES, PUBLICATION_MODES, type SnapshotMode, type PublicationMode, type SkippableOperation } from './config-keys';
export { SOURCE_CONFIG_DEF } from './source-config-def';
export { parseSourceConfig, validateSourceConfig, crossKeyProblems, splitInitialStatements, type PostgresSourceConfig } from './source-config';
export {
  OffsetKeys,
  INITIAL_SNAPSHOT,
  sourcePartition,
  snapshotOffset,
  decodeOffset,
  flushableLsn,
  lsnValue,
  readLsn,
  type MessageType,
  type StoredOffset,
  type StoredStreamPosition,
  type SnapshotOffsetFields,
} from './source-offset';
export { StreamPosition } from './stream-position';
export { ResumeFilter, type TransactionDecision } from './resume-filter';
export { planStartup, StartupPlanError, type StartupPlan, type SlotAction, type PlanInputs } from './startup-plan';
export { snapshotMarker, type RecordPosition } from './snapshot-markers';
export { literalDefault, type DefaultTypeInfo } from './default-values';
export { tableFilterFrom, stringFilterFrom, compileRegexList, type TableFilter, type TableFilterSettings } from './table-filters';
export { RecordQueue } from './record-queue';
export { parseSignal, WINDOW_OPEN, WINDOW_CLOSE, type Signal, type SnapshotRequest } from './signals';
export { IncrementalSnapshot, IncrementalOffsetKeys } from './incremental-snapshot';
export type { SourceLogger } from './logger';
