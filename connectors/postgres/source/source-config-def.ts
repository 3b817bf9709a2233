/**
 * The config spec of the PostgreSQL CDC source: Debezium's keys with Debezium's defaults (reference §3). Values
 * that need more than a per-key check (regex lists, mutually exclusive keys, queue vs batch size) are checked by
 * sourceConfigProblems, which the connector's validate() adds to these results.
 */
import {
  CaseInsensitiveValidString,
  ConfigDef,
  ConfigError,
  ConfigType,
  Importance,
  LambdaValidator,
  NO_DEFAULT,
  NonEmptyString,
  Range,
} from '../../../connect-runtime/api';
import { PUBLICATION_MODES, SNAPSHOT_MODES, SourceConfigKeys as K, SUPPORTED_PLUGIN } from './config-keys';

const CONNECTION = 'Connection';
const REPLICATION = 'Replication';
const FILTERS = 'Filters';
const SNAPSHOT = 'Snapshot';
const EVENTS = 'Events';
const ADVANCED = 'Advanced';

/** `plugin.name`: only pgoutput is decoded; decoderbufs and wal2json get an explanation instead of a list. */
const pluginName = LambdaValidator.with(
  (name, value) => {
    if (value === null || value === undefined) return;
    if (String(value).toLowerCase() !== SUPPORTED_PLUGIN) {
      throw ConfigError.invalidValue(
        name,
        value,
        `only the pgoutput logical decoding plugin is supported (the one built into PostgreSQL 10+); set ${name}=pgoutput`,
      );
    }
  },
  { description: '[pgoutput]' },
);

const slotName = LambdaValidator.with(
  (name, value) => {
    if (typeof value === 'string' && !/^[a-z0-9_]{1,63}$/.test(value)) {
      throw ConfigError.invalidValue(name, value, 'a replication slot name is 1 to 63 lower-case letters, digits and underscores');
    }
  },
  { description: '[a-z0-9_]{1,63}', jsonSchema: { pattern: '^[a-z0-9_]{1,63}$' } },
);

const topicPrefix = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string') return;
    if (value === '') throw ConfigError.invalidValue(name, value, 'the topic prefix must not be empty');
    if (!/^[A-Za-z0-9._-]+$/.test(value)) {
      throw ConfigError.invalidValue(name, value, 'the topic prefix may contain only letters, digits, ".", "_" and "-"');
    }
  },
  { description: 'letters, digits, ".", "_", "-"', jsonSchema: { pattern: '^[A-Za-z0-9._-]+$' } },
);

const skippedOperations = LambdaValidator.with(
  (name, value) => {
    if (!Array.isArray(value)) return;
    const items = value.map((v) => String(v).trim().toLowerCase()).filter((v) => v !== '');
    if (items.includes('none') && items.length > 1) throw ConfigError.invalidValue(name, value.join(','), '"none" cannot be combined with operations');
    for (const item of items) {
      if (!['c', 'u', 'd', 't', 'none'].includes(item)) {
        throw ConfigError.invalidValue(name, value.join(','), `unknown operation "${item}": use c, u, d, t or none`);
      }
    }
  },
  { description: 'comma-separated c, u, d, t, or none' },
);

const choice = (...values: readonly string[]): CaseInsensitiveValidString => CaseInsensitiveValidString.in(...values);

export const SOURCE_CONFIG_DEF: ConfigDef = new ConfigDef()
  // ---- connection
  .define({ name: K.HOSTNAME, type: ConfigType.STRING, default: NO_DEFAULT, validator: new NonEmptyString(), importance: Importance.HIGH, group: CONNECTION, orderInGroup: 1,
    documentation: 'Host name or address of the PostgreSQL server.' })
  .define({ name: K.PORT, type: ConfigType.INT, default: 5432, validator: Range.between(1, 65535), importance: Importance.HIGH, group: CONNECTION, orderInGroup: 2,
    documentation: 'Port of the PostgreSQL server.' })
  .define({ name: K.USER, type: ConfigType.STRING, default: NO_DEFAULT, validator: new NonEmptyString(), importance: Importance.HIGH, group: CONNECTION, orderInGroup: 3,
    documentation: 'Role to connect as. It needs the REPLICATION attribute (or superuser) and SELECT on the captured tables.' })
  .define({ name: K.PASSWORD, type: ConfigType.PASSWORD, default: null, importance: Importance.HIGH, group: CONNECTION, orderInGroup: 4,
    documentation: 'Password of the role.' })
  .define({ name: K.DBNAME, type: ConfigType.STRING, default: NO_DEFAULT, validator: new NonEmptyString(), importance: Importance.HIGH, group: CONNECTION, orderInGroup: 5,
    documentation: 'The database to capture changes from (one database per connector); reported in source.db.' })
  .define({ name: K.SSLMODE, type: ConfigType.STRING, default: 'prefer', validator: choice('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'),
    importance: Importance.MEDIUM, group: CONNECTION, orderInGroup: 6,
    documentation: 'libpq sslmode. node-postgres has no opportunistic TLS, so allow and prefer connect without TLS.' })
  .define({ name: K.CONNECT_TIMEOUT_MS, type: ConfigType.INT, default: 30000, validator: Range.atLeast(1), importance: Importance.LOW, group: CONNECTION, orderInGroup: 7,
    documentation: 'How long to wait for a connection to be established.' })
  .define({ name: K.INITIAL_STATEMENTS, type: ConfigType.STRING, default: null, importance: Importance.LOW, group: CONNECTION, orderInGroup: 8,
    documentation: 'Semicolon-separated SQL run on each new non-replication connection (";;" stands for a literal semicolon).' })
  // ---- replication
  .define({ name: K.TOPIC_PREFIX, type: ConfigType.STRING, default: NO_DEFAULT, validator: topicPrefix, importance: Importance.HIGH, group: REPLICATION, orderInGroup: 1,
    documentation: 'Logical name of the server: the prefix of every topic and schema name, and the source partition {"server": prefix}.' })
  .define({ name: K.PLUGIN_NAME, type: ConfigType.STRING, default: SUPPORTED_PLUGIN, validator: pluginName, importance: Importance.MEDIUM, group: REPLICATION, orderInGroup: 2,
    documentation: 'Logical decoding output plugin. Only pgoutput is supported.' })
  .define({ name: K.SLOT_NAME, type: ConfigType.STRING, default: 'debezium', validator: slotName, importance: Importance.MEDIUM, group: REPLICATION, orderInGroup: 3,
    documentation: 'Name of the logical replication slot; one slot per connector.' })
  .define({ name: K.SLOT_DROP_ON_STOP, type: ConfigType.BOOLEAN, default: false, importance: Importance.MEDIUM, group: REPLICATION, orderInGroup: 4,
    documentation: 'Drop the slot when the task stops in an orderly way. Its position is then lost: for tests and throwaway setups.' })
  .define({ name: K.SLOT_MAX_RETRIES, type: ConfigType.INT, default: 6, validator: Range.atLeast(0), importance: Importance.LOW, group: REPLICATION, orderInGroup: 5,
    documentation: 'How many times to retry while the slot is in use by another connection before failing.' })
  .define({ name: K.SLOT_RETRY_DELAY_MS, type: ConfigType.LONG, default: 10000, validator: Range.atLeast(0), importance: Importance.LOW, group: REPLICATION, orderInGroup: 6,
    documentation: 'Delay between those retries.' })
  .define({ name: K.PUBLICATION_NAME, type: ConfigType.STRING, default: 'dbz_publication', validator: new NonEmptyString(), importance: Importance.MEDIUM, group: REPLICATION, orderInGroup: 7,
    documentation: 'The publication pgoutput filters by.' })
  .define({ name: K.PUBLICATION_AUTOCREATE_MODE, type: ConfigType.STRING, default: 'all_tables', validator: choice(...PUBLICATION_MODES), importance: Importance.MEDIUM,
    group: REPLICATION, orderInGroup: 8,
    documentation: 'all_tables: create the publication FOR ALL TABLES if missing (needs superuser); filtered: create or alter it to list exactly the captured tables (needs table ownership); disabled: it must exist. In every mode it must cover the captured tables.' })
  .define({ name: K.PUBLISH_VIA_PARTITION_ROOT, type: ConfigType.BOOLEAN, default: false, importance: Importance.LOW, group: REPLICATION, orderInGroup: 9,
    documentation: 'Create the publication with publish_via_partition_root.' })
  .define({ name: K.STATUS_UPDATE_INTERVAL_MS, type: ConfigType.INT, default: 10000, validator: Range.atLeast(1), importance: Importance.LOW, group: REPLICATION, orderInGroup: 10,
    documentation: 'Period of standby status updates on the replication connection; keep it below the server\'s wal_sender_timeout.' })
  .define({ name: K.HEARTBEAT_INTERVAL_MS, type: ConfigType.INT, default: 0, validator: Range.atLeast(0), importance: Importance.MEDIUM, group: REPLICATION, orderInGroup: 11,
    documentation: 'Emit a heartbeat record carrying the current offset this often (0 disables). Lets the slot advance while only uncaptured tables change.' })
  .define({ name: K.HEARTBEAT_ACTION_QUERY, type: ConfigType.STRING, default: null, importance: Importance.LOW, group: REPLICATION, orderInGroup: 12,
    documentation: 'SQL run on every heartbeat, e.g. an upsert into a captured heartbeat table.' })
  .define({ name: K.TOPIC_HEARTBEAT_PREFIX, type: ConfigType.STRING, default: '__debezium-heartbeat', validator: new NonEmptyString(), importance: Importance.LOW,
    group: REPLICATION, orderInGroup: 13, documentation: 'Heartbeat records go to <prefix>.<topic.prefix>.' })
  // ---- filters
  .define({ name: K.SCHEMA_INCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.MEDIUM, group: FILTERS, orderInGroup: 1,
    documentation: 'Comma-separated regexes of schema names to capture.' })
  .define({ name: K.SCHEMA_EXCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.MEDIUM, group: FILTERS, orderInGroup: 2,
    documentation: 'Comma-separated regexes of schema names not to capture.' })
  .define({ name: K.TABLE_INCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.MEDIUM, group: FILTERS, orderInGroup: 3,
    documentation: 'Comma-separated regexes of <schema>.<table> to capture.' })
  .define({ name: K.TABLE_EXCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.MEDIUM, group: FILTERS, orderInGroup: 4,
    documentation: 'Comma-separated regexes of <schema>.<table> not to capture.' })
  .define({ name: K.COLUMN_INCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.MEDIUM, group: FILTERS, orderInGroup: 5,
    documentation: 'Comma-separated regexes of <schema>.<table>.<column> to include in values (key columns are always kept).' })
  .define({ name: K.COLUMN_EXCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.MEDIUM, group: FILTERS, orderInGroup: 6,
    documentation: 'Comma-separated regexes of <schema>.<table>.<column> to leave out of values.' })
  .define({ name: K.MESSAGE_KEY_COLUMNS, type: ConfigType.STRING, default: null, importance: Importance.LOW, group: FILTERS, orderInGroup: 7,
    documentation: 'Key columns instead of the primary key: <table regex>:<col>,<col>;...' })
  .define({ name: K.MESSAGE_PREFIX_INCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.LOW, group: FILTERS, orderInGroup: 8,
    documentation: 'Comma-separated regexes of logical decoding message prefixes to emit.' })
  .define({ name: K.MESSAGE_PREFIX_EXCLUDE_LIST, type: ConfigType.STRING, default: null, importance: Importance.LOW, group: FILTERS, orderInGroup: 9,
    documentation: 'Comma-separated regexes of logical decoding message prefixes not to emit.' })
  // ---- snapshot
  .define({ name: K.SNAPSHOT_MODE, type: ConfigType.STRING, default: 'initial', validator: choice(...SNAPSHOT_MODES), importance: Importance.MEDIUM, group: SNAPSHOT, orderInGroup: 1,
    documentation: 'initial: snapshot when there is no completed snapshot in the offsets, then stream; initial_only: snapshot, then stop; no_data (alias never): stream only; always: snapshot on every start; when_needed: snapshot also when the stored position is no longer available.' })
  .define({ name: K.SNAPSHOT_FETCH_SIZE, type: ConfigType.INT, default: 10240, validator: Range.atLeast(1), importance: Importance.MEDIUM, group: SNAPSHOT, orderInGroup: 2,
    documentation: 'Rows fetched per round trip from the snapshot cursor.' })
  .define({ name: K.SNAPSHOT_INCLUDE_COLLECTION_LIST, type: ConfigType.STRING, default: null, importance: Importance.LOW, group: SNAPSHOT, orderInGroup: 3,
    documentation: 'Comma-separated regexes of <schema>.<table>: the captured tables to snapshot (default all of them).' })
  .define({ name: K.SIGNAL_DATA_COLLECTION, type: ConfigType.STRING, default: null, importance: Importance.LOW, group: SNAPSHOT, orderInGroup: 4,
    documentation: 'Signal table <schema>.<table> with columns (id, type, data): execute-snapshot rows start ad hoc incremental snapshots. It must be in the publication.' })
  .define({ name: K.INCREMENTAL_SNAPSHOT_CHUNK_SIZE, type: ConfigType.INT, default: 1024, validator: Range.atLeast(1), importance: Importance.LOW, group: SNAPSHOT, orderInGroup: 5,
    documentation: 'Rows read per incremental snapshot chunk.' })
  // ---- events
  .define({ name: K.DECIMAL_HANDLING_MODE, type: ConfigType.STRING, default: 'precise', validator: choice('precise', 'double', 'string'), importance: Importance.MEDIUM,
    group: EVENTS, orderInGroup: 1, documentation: 'NUMERIC/DECIMAL/MONEY as Connect Decimal (precise), double, or string.' })
  .define({ name: K.TIME_PRECISION_MODE, type: ConfigType.STRING, default: 'adaptive',
    validator: choice('adaptive', 'adaptive_time_microseconds', 'connect', 'microseconds', 'nanoseconds'), importance: Importance.MEDIUM, group: EVENTS, orderInGroup: 2,
    documentation: 'How temporal values are represented.' })
  .define({ name: K.BINARY_HANDLING_MODE, type: ConfigType.STRING, default: 'bytes', validator: choice('bytes', 'base64', 'base64-url-safe', 'hex'),
    importance: Importance.LOW, group: EVENTS, orderInGroup: 3, documentation: 'How bytea values are represented.' })
  .define({ name: K.INTERVAL_HANDLING_MODE, type: ConfigType.STRING, default: 'numeric', validator: choice('numeric', 'string'), importance: Importance.LOW,
    group: EVENTS, orderInGroup: 4, documentation: 'interval as microseconds (numeric) or ISO-8601 string.' })
  .define({ name: K.HSTORE_HANDLING_MODE, type: ConfigType.STRING, default: 'json', validator: choice('json', 'map'), importance: Importance.LOW, group: EVENTS,
    orderInGroup: 5, documentation: 'hstore as a JSON string or a map.' })
  .define({ name: K.MONEY_FRACTION_DIGITS, type: ConfigType.SHORT, default: 2, validator: Range.atLeast(0), importance: Importance.LOW, group: EVENTS, orderInGroup: 6,
    documentation: 'Scale of MONEY values in precise mode.' })
  .define({ name: K.INCLUDE_UNKNOWN_DATATYPES, type: ConfigType.BOOLEAN, default: false, importance: Importance.LOW, group: EVENTS, orderInGroup: 7,
    documentation: 'Keep columns of types without a mapping as raw text instead of leaving them out (with a warning).' })
  .define({ name: K.UNAVAILABLE_VALUE_PLACEHOLDER, type: ConfigType.STRING, default: '__debezium_unavailable_value', importance: Importance.LOW, group: EVENTS,
    orderInGroup: 8, documentation: 'Stands for unchanged TOASTed values the server did not send ("hex:" prefix for raw bytes).' })
  .define({ name: K.TOMBSTONES_ON_DELETE, type: ConfigType.BOOLEAN, default: true, importance: Importance.MEDIUM, group: EVENTS, orderInGroup: 9,
    documentation: 'Follow each delete with a tombstone (same key, null value).' })
  .define({ name: K.SKIPPED_OPERATIONS, type: ConfigType.LIST, default: 't', validator: skippedOperations, importance: Importance.LOW, group: EVENTS, orderInGroup: 10,
    documentation: 'Operations not to emit: c, u, d, t, or none.' })
  .define({ name: K.PROVIDE_TRANSACTION_METADATA, type: ConfigType.BOOLEAN, default: false, importance: Importance.LOW, group: EVENTS, orderInGroup: 11,
    documentation: 'Emit BEGIN/END records on <prefix>.<topic.transaction> and fill the transaction block of events.' })
  .define({ name: K.TOPIC_TRANSACTION, type: ConfigType.STRING, default: 'transaction', validator: new NonEmptyString(), importance: Importance.LOW, group: EVENTS,
    orderInGroup: 12, documentation: 'Suffix of the transaction metadata topic.' })
  .define({ name: K.EXTENDED_HEADERS_ENABLED, type: ConfigType.BOOLEAN, default: true, importance: Importance.LOW, group: EVENTS, orderInGroup: 13,
    documentation: 'Add the __debezium.context.* headers to every change record.' })
  // ---- advanced
  .define({ name: K.MAX_BATCH_SIZE, type: ConfigType.INT, default: 2048, validator: Range.atLeast(1), importance: Importance.LOW, group: ADVANCED, orderInGroup: 1,
    documentation: 'Most records returned by one poll.' })
  .define({ name: K.MAX_QUEUE_SIZE, type: ConfigType.INT, default: 8192, validator: Range.atLeast(1), importance: Importance.LOW, group: ADVANCED, orderInGroup: 2,
    documentation: 'Most records buffered between the database readers and poll; readers pause when it is full. Must exceed max.batch.size.' })
  .define({ name: K.POLL_INTERVAL_MS, type: ConfigType.LONG, default: 500, validator: Range.atLeast(1), importance: Importance.LOW, group: ADVANCED, orderInGroup: 3,
    documentation: 'How long poll waits for records before returning none.' });
