/**
 * The Debezium connector settings that shape event schemas and values, with Debezium's names and defaults, and
 * their parsed form. Only the keys this folder acts on are read; the connector's full config spec lives with the
 * connector.
 */
import { ConfigError } from '../../../connect-runtime/api';

export type DecimalHandlingMode = 'precise' | 'double' | 'string';
export type TimePrecisionMode = 'adaptive' | 'adaptive_time_microseconds' | 'connect' | 'microseconds' | 'nanoseconds';
export type BinaryHandlingMode = 'bytes' | 'base64' | 'base64-url-safe' | 'hex';
export type IntervalHandlingMode = 'numeric' | 'string';
export type HstoreHandlingMode = 'json' | 'map';

/** Settings that decide how column values become Connect schemas and values. */
export interface ValueMappingOptions {
  decimalHandlingMode: DecimalHandlingMode;
  timePrecisionMode: TimePrecisionMode;
  binaryHandlingMode: BinaryHandlingMode;
  intervalHandlingMode: IntervalHandlingMode;
  hstoreHandlingMode: HstoreHandlingMode;
  /** Scale of the Decimal that money becomes in precise mode. */
  moneyFractionDigits: number;
  /** Keep columns of unknown types as raw text (bytes or string per binary mode) instead of dropping them. */
  includeUnknownDatatypes: boolean;
  /** The bytes that stand for an unchanged TOAST value (`unavailable.value.placeholder`, `hex:` decoded). */
  unavailableValuePlaceholder: Buffer;
}

/** Settings that decide names and the shape of the records around the values. */
export interface EventNamingOptions {
  /** `topic.prefix`: the logical server name. */
  topicPrefix: string;
  /** `database.dbname`, reported in `source.db`. */
  databaseName: string;
  /** `tombstones.on.delete`. */
  tombstonesOnDelete: boolean;
  /** `column.include.list` / `column.exclude.list` (at most one), regexes on `<schema>.<table>.<column>`. */
  columnIncludeList?: string;
  columnExcludeList?: string;
  /** `message.key.columns`, e.g. `inventory.customers:pk1,pk2;(.*).orders:id`. */
  messageKeyColumns?: string;
}

export type PgEventOptions = ValueMappingOptions & EventNamingOptions;

export const DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER = '__debezium_unavailable_value';

export const DEFAULT_VALUE_MAPPING: Readonly<ValueMappingOptions> = Object.freeze({
  decimalHandlingMode: 'precise',
  timePrecisionMode: 'adaptive',
  binaryHandlingMode: 'bytes',
  intervalHandlingMode: 'numeric',
  hstoreHandlingMode: 'json',
  moneyFractionDigits: 2,
  includeUnknownDatatypes: false,
  unavailableValuePlaceholder: Buffer.from(DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER, 'utf8'),
});

/** The config keys read by parsePgEventOptions. */
export const PgEventConfigKeys = {
  TOPIC_PREFIX: 'topic.prefix',
  DATABASE_NAME: 'database.dbname',
  DECIMAL_HANDLING_MODE: 'decimal.handling.mode',
  TIME_PRECISION_MODE: 'time.precision.mode',
  BINARY_HANDLING_MODE: 'binary.handling.mode',
  INTERVAL_HANDLING_MODE: 'interval.handling.mode',
  HSTORE_HANDLING_MODE: 'hstore.handling.mode',
  MONEY_FRACTION_DIGITS: 'money.fraction.digits',
  INCLUDE_UNKNOWN_DATATYPES: 'include.unknown.datatypes',
  UNAVAILABLE_VALUE_PLACEHOLDER: 'unavailable.value.placeholder',
  TOMBSTONES_ON_DELETE: 'tombstones.on.delete',
  COLUMN_INCLUDE_LIST: 'column.include.list',
  COLUMN_EXCLUDE_LIST: 'column.exclude.list',
  MESSAGE_KEY_COLUMNS: 'message.key.columns',
} as const;

type RawConfig = Readonly<Record<string, unknown>>;

function text(config: RawConfig, key: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** One of `allowed`, matched case-insensitively as Debezium does; the default when absent. */
function choice<T extends string>(config: RawConfig, key: string, allowed: readonly T[], fallback: T): T {
  const raw = text(config, key);
  if (raw === undefined) return fallback;
  const found = allowed.find((a) => a === raw.toLowerCase());
  if (found === undefined) throw ConfigError.invalidValue(key, raw, `Value must be one of ${allowed.join(', ')}`);
  return found;
}

function bool(config: RawConfig, key: string, fallback: boolean): boolean {
  const raw = config[key];
  if (typeof raw === 'boolean') return raw;
  const s = text(config, key)?.toLowerCase();
  if (s === undefined) return fallback;
  if (s === 'true' || s === 'false') return s === 'true';
  throw ConfigError.invalidValue(key, raw, 'Expected value to be either true or false');
}

/** `hex:` followed by hex digits gives raw bytes; anything else is taken as UTF-8 text. */
export function parsePlaceholder(value: string): Buffer {
  if (!value.startsWith('hex:')) return Buffer.from(value, 'utf8');
  const hex = value.slice(4);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) {
    throw ConfigError.invalidValue(PgEventConfigKeys.UNAVAILABLE_VALUE_PLACEHOLDER, value, 'hex: must be followed by pairs of hex digits');
  }
  return Buffer.from(hex, 'hex');
}

/** Reads the settings from a connector config (string values, as in a Kafka Connect JSON config). */
export function parsePgEventOptions(config: RawConfig): PgEventOptions {
  const K = PgEventConfigKeys;
  const topicPrefix = text(config, K.TOPIC_PREFIX);
  if (topicPrefix === undefined) throw ConfigError.invalidValue(K.TOPIC_PREFIX, config[K.TOPIC_PREFIX], 'A value is required');
  const digitsRaw = text(config, K.MONEY_FRACTION_DIGITS);
  const moneyFractionDigits = digitsRaw === undefined ? 2 : Number(digitsRaw);
  if (!Number.isInteger(moneyFractionDigits) || moneyFractionDigits < 0 || moneyFractionDigits > 32767) {
    throw ConfigError.invalidValue(K.MONEY_FRACTION_DIGITS, digitsRaw, 'Value must be a non-negative short integer');
  }
  const columnIncludeList = text(config, K.COLUMN_INCLUDE_LIST);
  const columnExcludeList = text(config, K.COLUMN_EXCLUDE_LIST);
  if (columnIncludeList !== undefined && columnExcludeList !== undefined) {
    throw ConfigError.invalidValue(K.COLUMN_EXCLUDE_LIST, columnExcludeList, `"${K.COLUMN_INCLUDE_LIST}" is already specified`);
  }
  const placeholder = text(config, K.UNAVAILABLE_VALUE_PLACEHOLDER) ?? DEFAULT_UNAVAILABLE_VALUE_PLACEHOLDER;
  return {
    topicPrefix,
    databaseName: text(config, K.DATABASE_NAME) ?? '',
    decimalHandlingMode: choice(config, K.DECIMAL_HANDLING_MODE, ['precise', 'double', 'string'], 'precise'),
    timePrecisionMode: choice(
      config,
      K.TIME_PRECISION_MODE,
      ['adaptive', 'adaptive_time_microseconds', 'connect', 'microseconds', 'nanoseconds'],
      'adaptive',
    ),
    binaryHandlingMode: choice(config, K.BINARY_HANDLING_MODE, ['bytes', 'base64', 'base64-url-safe', 'hex'], 'bytes'),
    intervalHandlingMode: choice(config, K.INTERVAL_HANDLING_MODE, ['numeric', 'string'], 'numeric'),
    hstoreHandlingMode: choice(config, K.HSTORE_HANDLING_MODE, ['json', 'map'], 'json'),
    moneyFractionDigits,
    includeUnknownDatatypes: bool(config, K.INCLUDE_UNKNOWN_DATATYPES, false),
    unavailableValuePlaceholder: parsePlaceholder(placeholder),
    tombstonesOnDelete: bool(config, K.TOMBSTONES_ON_DELETE, true),
    ...(columnIncludeList === undefined ? {} : { columnIncludeList }),
    ...(columnExcludeList === undefined ? {} : { columnExcludeList }),
    ...(text(config, K.MESSAGE_KEY_COLUMNS) === undefined ? {} : { messageKeyColumns: text(config, K.MESSAGE_KEY_COLUMNS) }),
  };
}
