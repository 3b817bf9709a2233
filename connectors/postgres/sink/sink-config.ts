/**
 * The Postgres sink's config spec. Key names follow Debezium's JDBC sink (`io.debezium.connector.jdbc.JdbcSinkConnector`)
 * wherever it has one, so its configs run unchanged against PostgreSQL; `connection.host`/`port`/`user`/`dbname` are
 * the alternative to a URL. Rules that involve several keys live in crossKeyErrors(), which both the connector's
 * validate() and the task's start() apply.
 */
import {
  AbstractConfig,
  CaseInsensitiveValidString,
  ConfigDef,
  ConfigError,
  ConfigType,
  Importance,
  LambdaValidator,
  NonEmptyString,
  Range,
  type RawConfig,
} from '../../../connect-runtime/api';
import { parseConnectionUrl } from './connection-config';
import { checkTableNameFormat } from './table-naming';

export const SinkConfigKeys = {
  CONNECTION_URL: 'connection.url',
  CONNECTION_HOST: 'connection.host',
  CONNECTION_PORT: 'connection.port',
  CONNECTION_DBNAME: 'connection.dbname',
  CONNECTION_USER: 'connection.user',
  CONNECTION_USERNAME: 'connection.username',
  CONNECTION_PASSWORD: 'connection.password',
  CONNECTION_SSLMODE: 'connection.sslmode',
  INSERT_MODE: 'insert.mode',
  DELETE_ENABLED: 'delete.enabled',
  TRUNCATE_ENABLED: 'truncate.enabled',
  PRIMARY_KEY_MODE: 'primary.key.mode',
  PRIMARY_KEY_FIELDS: 'primary.key.fields',
  TABLE_NAME_FORMAT: 'table.name.format',
  SCHEMA_EVOLUTION: 'schema.evolution',
  QUOTE_IDENTIFIERS: 'quote.identifiers',
  BATCH_SIZE: 'batch.size',
  FLUSH_MAX_RETRIES: 'flush.max.retries',
  FLUSH_RETRY_DELAY_MS: 'flush.retry.delay.ms',
  UNAVAILABLE_VALUE_PLACEHOLDER: 'unavailable.value.placeholder',
} as const;

/** The framework key that decides whether bad records are reported and skipped. */
export const ERRORS_TOLERANCE_CONFIG = 'errors.tolerance';

export type InsertMode = 'insert' | 'upsert' | 'update';
export type PrimaryKeyMode = 'none' | 'kafka' | 'record_key' | 'record_value';
export type SchemaEvolution = 'none' | 'basic';

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER = '__debezium_unavailable_value';

const K = SinkConfigKeys;
const CONNECTION = 'Connection';
const WRITES = 'Writes';
const MAPPING = 'Data mapping';

const connectionUrlValidator = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string' || value === '') return;
    try {
      parseConnectionUrl(value);
    } catch (err) {
      throw ConfigError.invalidValue(name, redactUrl(value), (err as Error).message);
    }
  },
  { description: 'postgres://user@host:port/db or jdbc:postgresql://host:port/db' },
);

const tableNameFormatValidator = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string') return;
    const problem = checkTableNameFormat(value);
    if (problem !== null) throw ConfigError.invalidValue(name, value, problem);
  },
  { description: 'a name with ${topic} and ${source.<field>} placeholders', acceptsNull: false },
);

/** The spec, built once; `next` numbers the keys within their groups in definition order. */
function buildConfigDef(): ConfigDef {
  let order = 0;
  const next = (): number => ++order;
  return new ConfigDef()
    .define({
      name: K.CONNECTION_URL, type: ConfigType.STRING, default: null, validator: connectionUrlValidator, importance: Importance.HIGH,
      group: CONNECTION, orderInGroup: next(), width: 'LONG', displayName: 'Connection URL',
      documentation:
        'Where to connect: a PostgreSQL URL (postgres://user@host:5432/db?sslmode=require) or a JDBC URL as Debezium\'s JDBC ' +
        'sink takes it (jdbc:postgresql://host:5432/db). Set either this or connection.host. Prefer connection.password to ' +
        'a password inside the URL: the URL is not a secret setting.',
    })
    .define({
      name: K.CONNECTION_HOST, type: ConfigType.STRING, default: null, validator: new NonEmptyString(), importance: Importance.HIGH,
      group: CONNECTION, orderInGroup: next(), width: 'MEDIUM', displayName: 'Host',
      documentation: 'Host name or address of the PostgreSQL server; the alternative to connection.url.',
    })
    .define({
      name: K.CONNECTION_PORT, type: ConfigType.INT, default: 5432, validator: Range.between(1, 65535), importance: Importance.MEDIUM,
      group: CONNECTION, orderInGroup: next(), width: 'SHORT', displayName: 'Port',
      documentation: 'Port of the PostgreSQL server, used with connection.host.',
    })
    .define({
      name: K.CONNECTION_DBNAME, type: ConfigType.STRING, default: null, validator: new NonEmptyString(), importance: Importance.HIGH,
      group: CONNECTION, orderInGroup: next(), width: 'MEDIUM', displayName: 'Database',
      documentation: 'Database to write to, used with connection.host (defaults to the user name, as libpq does).',
    })
    .define({
      name: K.CONNECTION_USER, type: ConfigType.STRING, default: null, validator: new NonEmptyString(), importance: Importance.HIGH,
      group: CONNECTION, orderInGroup: next(), width: 'MEDIUM', displayName: 'User',
      documentation: 'Database user. Overrides a user given in connection.url.',
    })
    .define({
      name: K.CONNECTION_USERNAME, type: ConfigType.STRING, default: null, validator: new NonEmptyString(), importance: Importance.LOW,
      group: CONNECTION, orderInGroup: next(), width: 'MEDIUM', displayName: 'User (Debezium name)',
      documentation: 'Debezium JDBC sink\'s name for connection.user; give one of the two.',
    })
    .define({
      name: K.CONNECTION_PASSWORD, type: ConfigType.PASSWORD, default: null, importance: Importance.HIGH,
      group: CONNECTION, orderInGroup: next(), width: 'MEDIUM', displayName: 'Password',
      documentation: 'Password of the database user. Overrides a password given in connection.url.',
    })
    .define({
      name: K.CONNECTION_SSLMODE, type: ConfigType.STRING, default: 'prefer',
      validator: CaseInsensitiveValidString.in('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'),
      importance: Importance.MEDIUM, group: CONNECTION, orderInGroup: next(), width: 'SHORT', displayName: 'SSL mode',
      documentation:
        'TLS for the connection, as libpq\'s sslmode. node-postgres does not negotiate TLS opportunistically, so allow and ' +
        'prefer connect without TLS; require encrypts without checking the certificate; verify-ca and verify-full check ' +
        'it against the system CAs. An sslmode in connection.url wins over this setting.',
    })
    .define({
      name: K.INSERT_MODE, type: ConfigType.STRING, default: 'insert', validator: CaseInsensitiveValidString.in('insert', 'upsert', 'update'),
      importance: Importance.HIGH, group: WRITES, orderInGroup: next(), width: 'SHORT', displayName: 'Insert mode',
      documentation:
        "How created and changed rows are written. 'insert': plain INSERT (a redelivered record fails on the primary key); " +
        "'upsert': INSERT ... ON CONFLICT (primary key) DO UPDATE, idempotent, needs a primary.key.mode other than none; " +
        "'update': UPDATE by primary key only, rows that do not exist are not created.",
    })
    .define({
      name: K.DELETE_ENABLED, type: ConfigType.BOOLEAN, default: false, importance: Importance.MEDIUM,
      group: WRITES, orderInGroup: next(), width: 'SHORT', displayName: 'Delete enabled',
      documentation:
        'Whether tombstones (null values) and Debezium delete events (op d) delete the row with the record\'s key. Requires ' +
        'primary.key.mode=record_key. When false they are skipped.',
    })
    .define({
      name: K.TRUNCATE_ENABLED, type: ConfigType.BOOLEAN, default: false, importance: Importance.LOW,
      group: WRITES, orderInGroup: next(), width: 'SHORT', displayName: 'Truncate enabled',
      documentation: 'Whether Debezium truncate events (op t) truncate the target table. When false they are skipped.',
    })
    .define({
      name: K.PRIMARY_KEY_MODE, type: ConfigType.STRING, default: 'none',
      validator: CaseInsensitiveValidString.in('none', 'kafka', 'record_key', 'record_value'),
      importance: Importance.HIGH, group: WRITES, orderInGroup: next(), width: 'SHORT', displayName: 'Primary key mode',
      documentation:
        "Where the primary key comes from. 'none': no key (insert only); 'kafka': the record's coordinates, in columns " +
        "__connect_topic, __connect_partition and __connect_offset; 'record_key': the record key (all fields of a struct " +
        "key, or those named by primary.key.fields; a primitive key needs one name in primary.key.fields); " +
        "'record_value': the value fields named by primary.key.fields.",
    })
    .define({
      name: K.PRIMARY_KEY_FIELDS, type: ConfigType.LIST, default: '', importance: Importance.MEDIUM,
      group: WRITES, orderInGroup: next(), width: 'LONG', displayName: 'Primary key fields',
      documentation: 'Comma-separated field names for the primary key; their meaning depends on primary.key.mode.',
    })
    .define({
      name: K.BATCH_SIZE, type: ConfigType.INT, default: DEFAULT_BATCH_SIZE, validator: Range.atLeast(1), importance: Importance.MEDIUM,
      group: WRITES, orderInGroup: next(), width: 'SHORT', displayName: 'Batch size',
      documentation:
        'Most rows written by one statement. Every batch the runtime delivers is written in one transaction, whatever its ' +
        'size; this only splits the statements inside it (the server also caps a statement at 65535 parameters).',
    })
    .define({
      name: K.FLUSH_MAX_RETRIES, type: ConfigType.INT, default: 5, validator: Range.atLeast(0), importance: Importance.LOW,
      group: WRITES, orderInGroup: next(), width: 'SHORT', displayName: 'Max retries',
      documentation: 'How many times in a row a batch is retried after a lost connection or another transient error before the task fails.',
    })
    .define({
      name: K.FLUSH_RETRY_DELAY_MS, type: ConfigType.LONG, default: 1000, validator: Range.atLeast(0), importance: Importance.LOW,
      group: WRITES, orderInGroup: next(), width: 'SHORT', displayName: 'Retry delay',
      documentation: 'Milliseconds to wait before a batch that failed with a transient error is written again.',
    })
    .define({
      name: K.TABLE_NAME_FORMAT, type: ConfigType.STRING, default: '${topic}', validator: tableNameFormatValidator,
      importance: Importance.MEDIUM, group: MAPPING, orderInGroup: next(), width: 'LONG', displayName: 'Table name format',
      documentation:
        'Target table of a record. ${topic} is the topic name with every dot replaced by an underscore, as Debezium\'s JDBC ' +
        'sink does (server.public.orders becomes server_public_orders); ${source.<field>} is a field of a Debezium ' +
        'envelope\'s source block, e.g. ${source.schema}.${source.table} writes each change to the table of the same name. ' +
        'A dot in the format itself separates the schema from the table.',
    })
    .define({
      name: K.SCHEMA_EVOLUTION, type: ConfigType.STRING, default: 'none', validator: CaseInsensitiveValidString.in('none', 'basic'),
      importance: Importance.MEDIUM, group: MAPPING, orderInGroup: next(), width: 'SHORT', displayName: 'Schema evolution',
      documentation:
        "'none': tables and columns must exist. 'basic': a missing table is created from the record's schema (with its " +
        'primary key), and fields without a column are added as nullable columns. Columns are never dropped or retyped.',
    })
    .define({
      name: K.QUOTE_IDENTIFIERS, type: ConfigType.BOOLEAN, default: false, importance: Importance.LOW,
      group: MAPPING, orderInGroup: next(), width: 'SHORT', displayName: 'Keep identifier case',
      documentation:
        'When false (Debezium\'s default), table and column names are folded to lower case, as PostgreSQL does with unquoted ' +
        'names. When true they are used exactly as given. Statements always quote identifiers, so any name is safe.',
    })
    .define({
      name: K.UNAVAILABLE_VALUE_PLACEHOLDER, type: ConfigType.STRING, default: DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER,
      validator: new NonEmptyString(), importance: Importance.LOW, group: MAPPING, orderInGroup: next(), width: 'MEDIUM',
      displayName: 'Unavailable value placeholder',
      documentation:
        'The value a Debezium source puts in unchanged TOASTed columns (its unavailable.value.placeholder, `hex:` form ' +
        'included). A column holding it is left out of the write, so the row keeps its current value.',
    });
}

export const POSTGRES_SINK_CONFIG_DEF = buildConfigDef();

/** The settings a task works with, checked and typed. */
export interface PostgresSinkConfig {
  readonly raw: AbstractConfig;
  readonly insertMode: InsertMode;
  readonly deleteEnabled: boolean;
  readonly truncateEnabled: boolean;
  readonly primaryKeyMode: PrimaryKeyMode;
  readonly primaryKeyFields: readonly string[];
  readonly tableNameFormat: string;
  readonly schemaEvolution: SchemaEvolution;
  readonly keepIdentifierCase: boolean;
  readonly batchSize: number;
  readonly flushMaxRetries: number;
  readonly flushRetryDelayMs: number;
  readonly unavailablePlaceholder: string;
  /** errors.tolerance=all: bad records go to the errant record reporter instead of failing the task. */
  readonly toleratesErrors: boolean;
}

/** Parses and checks settings; throws a ConfigError listing every problem, per key. */
export function parseSinkConfig(props: RawConfig): PostgresSinkConfig {
  const raw = new AbstractConfig(POSTGRES_SINK_CONFIG_DEF, props);
  const crossErrors = crossKeyErrors(raw.values());
  const messages = Object.values(crossErrors).flat();
  if (messages.length > 0) {
    throw new ConfigError(messages.length === 1 ? (messages[0] as string) : `Invalid configuration:\n${messages.join('\n')}`, {
      fieldErrors: crossErrors,
    });
  }
  const lower = (key: string): string => (raw.getString(key) ?? '').toLowerCase();
  return {
    raw,
    insertMode: lower(K.INSERT_MODE) as InsertMode,
    deleteEnabled: raw.getBoolean(K.DELETE_ENABLED) === true,
    truncateEnabled: raw.getBoolean(K.TRUNCATE_ENABLED) === true,
    primaryKeyMode: lower(K.PRIMARY_KEY_MODE) as PrimaryKeyMode,
    primaryKeyFields: (raw.getList(K.PRIMARY_KEY_FIELDS) ?? []).filter((f) => f !== ''),
    tableNameFormat: raw.getString(K.TABLE_NAME_FORMAT) ?? '${topic}',
    schemaEvolution: lower(K.SCHEMA_EVOLUTION) as SchemaEvolution,
    keepIdentifierCase: raw.getBoolean(K.QUOTE_IDENTIFIERS) === true,
    batchSize: raw.getInt(K.BATCH_SIZE) ?? DEFAULT_BATCH_SIZE,
    flushMaxRetries: raw.getInt(K.FLUSH_MAX_RETRIES) ?? 5,
    flushRetryDelayMs: raw.getLong(K.FLUSH_RETRY_DELAY_MS) ?? 1000,
    unavailablePlaceholder: raw.getString(K.UNAVAILABLE_VALUE_PLACEHOLDER) ?? DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER,
    toleratesErrors: String(props[ERRORS_TOLERANCE_CONFIG] ?? 'none').toLowerCase() === 'all',
  };
}

/**
 * Rules spanning several keys, as messages per key (Kafka's wording: `Invalid value ... for configuration ...`).
 * `values` are the typed values ConfigDef.parse/validate produce.
 */
export function crossKeyErrors(values: Readonly<Record<string, unknown>>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, value: unknown, message: string): void => {
    (errors[key] ??= []).push(ConfigError.invalidValue(key, value, message).message);
  };
  const str = (key: string): string | null => {
    const v = values[key];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const url = str(K.CONNECTION_URL);
  const host = str(K.CONNECTION_HOST);
  if (url === null && host === null) {
    add(K.CONNECTION_URL, null, `Either ${K.CONNECTION_URL} or ${K.CONNECTION_HOST} must be set`);
  } else if (url !== null && host !== null) {
    add(K.CONNECTION_HOST, host, `Set either ${K.CONNECTION_URL} or ${K.CONNECTION_HOST}, not both`);
  }
  const user = str(K.CONNECTION_USER);
  const username = str(K.CONNECTION_USERNAME);
  if (user !== null && username !== null && user !== username) {
    add(K.CONNECTION_USERNAME, username, `${K.CONNECTION_USER} is set to a different user; give only one of the two`);
  }

  const insertMode = (str(K.INSERT_MODE) ?? 'insert').toLowerCase();
  const keyMode = (str(K.PRIMARY_KEY_MODE) ?? 'none').toLowerCase();
  const keyFields = Array.isArray(values[K.PRIMARY_KEY_FIELDS]) ? (values[K.PRIMARY_KEY_FIELDS] as string[]).filter((f) => f !== '') : [];
  if ((insertMode === 'upsert' || insertMode === 'update') && keyMode === 'none') {
    add(K.PRIMARY_KEY_MODE, keyMode, `${K.INSERT_MODE}=${insertMode} needs a primary key: set ${K.PRIMARY_KEY_MODE} to record_key, record_value or kafka`);
  }
  if (keyMode === 'record_value' && keyFields.length === 0) {
    add(K.PRIMARY_KEY_FIELDS, keyFields, `${K.PRIMARY_KEY_MODE}=record_value needs the names of the key fields in ${K.PRIMARY_KEY_FIELDS}`);
  }
  if (values[K.DELETE_ENABLED] === true && keyMode !== 'record_key') {
    add(K.DELETE_ENABLED, true, `Deletes find rows by the record key: ${K.PRIMARY_KEY_MODE} must be record_key, not ${keyMode}`);
  }
  return errors;
}

/** A URL with any password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/?#@]*:)[^@/?#]*@/, '$1[hidden]@').replace(/([?&]password=)[^&]*/i, '$1[hidden]');
}
