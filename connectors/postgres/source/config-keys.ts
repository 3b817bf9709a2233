/**
 * The configuration keys of the PostgreSQL CDC source, spelled as Debezium's PostgresConnector spells them, so that
 * a Debezium JSON config runs unchanged.
 */
import { PgEventConfigKeys } from '../events';

export const SourceConfigKeys = {
  // The keys that shape events (topic prefix, type mapping modes, column filters) are the event builder's own.
  ...PgEventConfigKeys,
  HOSTNAME: 'database.hostname',
  PORT: 'database.port',
  USER: 'database.user',
  PASSWORD: 'database.password',
  DBNAME: 'database.dbname',
  SSLMODE: 'database.sslmode',
  CONNECT_TIMEOUT_MS: 'database.connect.timeout.ms',
  INITIAL_STATEMENTS: 'database.initial.statements',
  PLUGIN_NAME: 'plugin.name',
  SLOT_NAME: 'slot.name',
  SLOT_DROP_ON_STOP: 'slot.drop.on.stop',
  SLOT_MAX_RETRIES: 'slot.max.retries',
  SLOT_RETRY_DELAY_MS: 'slot.retry.delay.ms',
  PUBLICATION_NAME: 'publication.name',
  PUBLICATION_AUTOCREATE_MODE: 'publication.autocreate.mode',
  PUBLISH_VIA_PARTITION_ROOT: 'publish.via.partition.root',
  SCHEMA_INCLUDE_LIST: 'schema.include.list',
  SCHEMA_EXCLUDE_LIST: 'schema.exclude.list',
  TABLE_INCLUDE_LIST: 'table.include.list',
  TABLE_EXCLUDE_LIST: 'table.exclude.list',
  MESSAGE_PREFIX_INCLUDE_LIST: 'message.prefix.include.list',
  MESSAGE_PREFIX_EXCLUDE_LIST: 'message.prefix.exclude.list',
  SNAPSHOT_MODE: 'snapshot.mode',
  SNAPSHOT_FETCH_SIZE: 'snapshot.fetch.size',
  SNAPSHOT_INCLUDE_COLLECTION_LIST: 'snapshot.include.collection.list',
  SKIPPED_OPERATIONS: 'skipped.operations',
  PROVIDE_TRANSACTION_METADATA: 'provide.transaction.metadata',
  EXTENDED_HEADERS_ENABLED: 'extended.headers.enabled',
  HEARTBEAT_INTERVAL_MS: 'heartbeat.interval.ms',
  HEARTBEAT_ACTION_QUERY: 'heartbeat.action.query',
  TOPIC_HEARTBEAT_PREFIX: 'topic.heartbeat.prefix',
  TOPIC_TRANSACTION: 'topic.transaction',
  STATUS_UPDATE_INTERVAL_MS: 'status.update.interval.ms',
  MAX_BATCH_SIZE: 'max.batch.size',
  MAX_QUEUE_SIZE: 'max.queue.size',
  POLL_INTERVAL_MS: 'poll.interval.ms',
  SIGNAL_DATA_COLLECTION: 'signal.data.collection',
  INCREMENTAL_SNAPSHOT_CHUNK_SIZE: 'incremental.snapshot.chunk.size',
} as const;

export type SnapshotMode = 'initial' | 'initial_only' | 'no_data' | 'always' | 'when_needed';
export type PublicationMode = 'all_tables' | 'filtered' | 'disabled';
/** Debezium's skippable operations: c(reate), u(pdate), d(elete), t(runcate). */
export type SkippableOperation = 'c' | 'u' | 'd' | 't';

/** `snapshot.mode` values, with Debezium's removed `never` accepted as the old name of `no_data`. */
export const SNAPSHOT_MODES: readonly string[] = ['initial', 'initial_only', 'no_data', 'never', 'always', 'when_needed'];
export const PUBLICATION_MODES: readonly PublicationMode[] = ['all_tables', 'filtered', 'disabled'];
export const SUPPORTED_PLUGIN = 'pgoutput';
