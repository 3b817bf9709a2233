/**
 * The parsed settings of the CDC source, and the cross-key checks that a per-key spec cannot express. parse throws
 * one ConfigError naming every invalid key; problems() returns the same findings per key for validate().
 */
import { AbstractConfig, ConfigError, type ConfigValue, type Password } from '../../../connect-runtime/api';
import {
  columnFilterFrom,
  keyColumnsSelectorFrom,
  parsePgEventOptions,
  type PgEventOptions,
} from '../events';
import { type PublicationMode, type SkippableOperation, type SnapshotMode, SourceConfigKeys as K } from './config-keys';
import { SOURCE_CONFIG_DEF } from './source-config-def';
import { compileRegexList, stringFilterFrom, tableFilterFrom } from './table-filters';

export interface PostgresSourceConfig {
  connection: {
    host: string;
    port: number;
    user: string;
    password: string | undefined;
    database: string;
    sslmode: string;
    connectTimeoutMs: number;
    initialStatements: string[];
  };
  topicPrefix: string;
  slotName: string;
  slotDropOnStop: boolean;
  slotMaxRetries: number;
  slotRetryDelayMs: number;
  publicationName: string;
  publicationMode: PublicationMode;
  publishViaPartitionRoot: boolean;
  snapshotMode: SnapshotMode;
  snapshotFetchSize: number;
  /** Regexes over `<schema>.<table>` restricting which captured tables the initial snapshot reads. */
  snapshotIncludeCollectionList: string | null;
  skippedOperations: ReadonlySet<SkippableOperation>;
  provideTransactionMetadata: boolean;
  topicTransaction: string;
  extendedHeaders: boolean;
  heartbeatIntervalMs: number;
  heartbeatActionQuery: string | null;
  heartbeatTopicPrefix: string;
  statusUpdateIntervalMs: number;
  maxBatchSize: number;
  maxQueueSize: number;
  pollIntervalMs: number;
  signalDataCollection: string | null;
  incrementalChunkSize: number;
  tableFilter: { schemaIncludeList: string | null; schemaExcludeList: string | null; tableIncludeList: string | null; tableExcludeList: string | null };
  messagePrefixInclude: string | null;
  messagePrefixExclude: string | null;
  /** Type mapping, naming, column selection and tombstone settings, as the events folder reads them. */
  events: PgEventOptions;
}

function str(config: AbstractConfig, key: string): string | null {
  const value = config.getString(key);
  return value === null || value.trim() === '' ? null : value;
}

/** `database.initial.statements`: `;` separates statements, `;;` stands for a semicolon inside one. */
export function splitInitialStatements(text: string | null): string[] {
  if (text === null) return [];
  return text
    .replace(/;;/g, '\u0000')
    .split(';')
    .map((s) => s.replace(/\u0000/g, ';').trim())
    .filter((s) => s !== '');
}

/** Parses and checks the whole configuration (per-key and cross-key); throws a ConfigError listing every problem. */
export function parseSourceConfig(props: Readonly<Record<string, string>>): PostgresSourceConfig {
  const fieldErrors: Record<string, string[]> = {};
  for (const value of validateSourceConfig(props)) if (value.errorMessages.length > 0) fieldErrors[value.name] = [...value.errorMessages];
  const messages = Object.values(fieldErrors).flat();
  if (messages.length > 0) {
    throw new ConfigError(messages.length === 1 ? messages[0]! : `Invalid configuration:\n${messages.join('\n')}`, { fieldErrors });
  }
  const config = new AbstractConfig(SOURCE_CONFIG_DEF, props);
  const skipped = (config.getList(K.SKIPPED_OPERATIONS) ?? []).map((s) => s.trim().toLowerCase()).filter((s) => s !== '' && s !== 'none');
  const mode = (config.getString(K.SNAPSHOT_MODE) ?? 'initial').toLowerCase();
  return {
    connection: {
      host: config.getString(K.HOSTNAME)!,
      port: config.getInt(K.PORT)!,
      user: config.getString(K.USER)!,
      password: (config.getPassword(K.PASSWORD) as Password | null)?.value(),
      database: config.getString(K.DBNAME)!,
      sslmode: (config.getString(K.SSLMODE) ?? 'prefer').toLowerCase(),
      connectTimeoutMs: config.getInt(K.CONNECT_TIMEOUT_MS)!,
      initialStatements: splitInitialStatements(str(config, K.INITIAL_STATEMENTS)),
    },
    topicPrefix: config.getString(K.TOPIC_PREFIX)!,
    slotName: config.getString(K.SLOT_NAME)!,
    slotDropOnStop: config.getBoolean(K.SLOT_DROP_ON_STOP)!,
    slotMaxRetries: config.getInt(K.SLOT_MAX_RETRIES)!,
    slotRetryDelayMs: config.getLong(K.SLOT_RETRY_DELAY_MS)!,
    publicationName: config.getString(K.PUBLICATION_NAME)!,
    publicationMode: config.getString(K.PUBLICATION_AUTOCREATE_MODE)!.toLowerCase() as PublicationMode,
    publishViaPartitionRoot: config.getBoolean(K.PUBLISH_VIA_PARTITION_ROOT)!,
    snapshotMode: (mode === 'never' ? 'no_data' : mode) as SnapshotMode,
    snapshotFetchSize: config.getInt(K.SNAPSHOT_FETCH_SIZE)!,
    snapshotIncludeCollectionList: str(config, K.SNAPSHOT_INCLUDE_COLLECTION_LIST),
    skippedOperations: new Set(skipped as SkippableOperation[]),
    provideTransactionMetadata: config.getBoolean(K.PROVIDE_TRANSACTION_METADATA)!,
    topicTransaction: config.getString(K.TOPIC_TRANSACTION)!,
    extendedHeaders: config.getBoolean(K.EXTENDED_HEADERS_ENABLED)!,
    heartbeatIntervalMs: config.getInt(K.HEARTBEAT_INTERVAL_MS)!,
    heartbeatActionQuery: str(config, K.HEARTBEAT_ACTION_QUERY),
    heartbeatTopicPrefix: config.getString(K.TOPIC_HEARTBEAT_PREFIX)!,
    statusUpdateIntervalMs: config.getInt(K.STATUS_UPDATE_INTERVAL_MS)!,
    maxBatchSize: config.getInt(K.MAX_BATCH_SIZE)!,
    maxQueueSize: config.getInt(K.MAX_QUEUE_SIZE)!,
    pollIntervalMs: config.getLong(K.POLL_INTERVAL_MS)!,
    signalDataCollection: str(config, K.SIGNAL_DATA_COLLECTION),
    incrementalChunkSize: config.getInt(K.INCREMENTAL_SNAPSHOT_CHUNK_SIZE)!,
    tableFilter: {
      schemaIncludeList: str(config, K.SCHEMA_INCLUDE_LIST),
      schemaExcludeList: str(config, K.SCHEMA_EXCLUDE_LIST),
      tableIncludeList: str(config, K.TABLE_INCLUDE_LIST),
      tableExcludeList: str(config, K.TABLE_EXCLUDE_LIST),
    },
    messagePrefixInclude: str(config, K.MESSAGE_PREFIX_INCLUDE_LIST),
    messagePrefixExclude: str(config, K.MESSAGE_PREFIX_EXCLUDE_LIST),
    events: parsePgEventOptions(props),
  };
}

/**
 * Problems that involve several keys or need more than the key's validator: mutually exclusive lists, regex
 * syntax, message.key.columns syntax, queue vs batch size. Keyed by the config key the message is about.
 */
export function crossKeyProblems(props: Readonly<Record<string, unknown>>, parsed: Readonly<Record<string, unknown>>): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  const add = (key: string, message: string): void => {
    problems.set(key, [...(problems.get(key) ?? []), message]);
  };
  const capture = (fallbackKey: string, check: () => unknown): void => {
    try {
      check();
    } catch (err) {
      if (err instanceof ConfigError) {
        const keys = Object.keys(err.fieldErrors);
        if (keys.length === 0) add(fallbackKey, err.message);
        for (const key of keys) for (const message of err.fieldErrors[key] ?? []) add(key, message);
      } else {
        add(fallbackKey, (err as Error).message);
      }
    }
  };
  const text = (key: string): string | null => {
    const v = parsed[key];
    return typeof v === 'string' && v.trim() !== '' ? v : null;
  };
  capture(K.TABLE_INCLUDE_LIST, () =>
    tableFilterFrom({
      schemaIncludeList: text(K.SCHEMA_INCLUDE_LIST),
      schemaExcludeList: text(K.SCHEMA_EXCLUDE_LIST),
      tableIncludeList: text(K.TABLE_INCLUDE_LIST),
      tableExcludeList: text(K.TABLE_EXCLUDE_LIST),
    }),
  );
  capture(K.COLUMN_INCLUDE_LIST, () =>
    columnFilterFrom({ ...(text(K.COLUMN_INCLUDE_LIST) ? { columnIncludeList: text(K.COLUMN_INCLUDE_LIST)! } : {}), ...(text(K.COLUMN_EXCLUDE_LIST) ? { columnExcludeList: text(K.COLUMN_EXCLUDE_LIST)! } : {}) }),
  );
  capture(K.MESSAGE_KEY_COLUMNS, () => keyColumnsSelectorFrom(text(K.MESSAGE_KEY_COLUMNS) ?? undefined));
  capture(K.MESSAGE_PREFIX_INCLUDE_LIST, () =>
    stringFilterFrom(text(K.MESSAGE_PREFIX_INCLUDE_LIST), text(K.MESSAGE_PREFIX_EXCLUDE_LIST), [K.MESSAGE_PREFIX_INCLUDE_LIST, K.MESSAGE_PREFIX_EXCLUDE_LIST]),
  );
  const snapshotList = text(K.SNAPSHOT_INCLUDE_COLLECTION_LIST);
  if (snapshotList) capture(K.SNAPSHOT_INCLUDE_COLLECTION_LIST, () => compileRegexList(snapshotList, K.SNAPSHOT_INCLUDE_COLLECTION_LIST));
  capture(K.UNAVAILABLE_VALUE_PLACEHOLDER, () => {
    if (typeof props[K.TOPIC_PREFIX] === 'string' && String(props[K.TOPIC_PREFIX]).trim() !== '') parsePgEventOptions(props);
  });
  const batch = parsed[K.MAX_BATCH_SIZE];
  const queue = parsed[K.MAX_QUEUE_SIZE];
  if (typeof batch === 'number' && typeof queue === 'number' && queue <= batch) {
    add(K.MAX_QUEUE_SIZE, `Invalid value ${queue} for configuration ${K.MAX_QUEUE_SIZE}: must be larger than ${K.MAX_BATCH_SIZE} (${batch})`);
  }
  const signal = text(K.SIGNAL_DATA_COLLECTION);
  if (signal !== null && !/^[^.]+\.[^.]+$/.test(signal)) {
    add(K.SIGNAL_DATA_COLLECTION, `Invalid value ${signal} for configuration ${K.SIGNAL_DATA_COLLECTION}: expected <schema>.<table>`);
  }
  return problems;
}

/** The spec's per-key results with the cross-key findings added to the keys they concern (for validate()). */
export function validateSourceConfig(props: Readonly<Record<string, string>>): ConfigValue[] {
  const results = SOURCE_CONFIG_DEF.validateAll(props);
  const parsed: Record<string, unknown> = {};
  for (const [name, value] of results) parsed[name] = value.errorMessages.length === 0 ? value.value : null;
  for (const [key, messages] of crossKeyProblems(props, parsed)) {
    const target = results.get(key);
    if (target === undefined) continue;
    for (const message of messages) if (!target.errorMessages.includes(message)) target.addErrorMessage(message);
  }
  return [...results.values()];
}
