/**
 * Resolution, validation and DescribeConfigs listings for the topic-level log configs declared in
 * log-config-table.ts. Precedence: topic override > broker property (first synonym present) > Kafka
 * default.
 */
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import {
  LOG_CONFIG_DEFS,
  type ConfigType,
  type ConfigValue,
  type LogConfig,
  type LogConfigDef,
} from './log-config-table';

export { LOG_CONFIG_DEFS, LONG_MAX } from './log-config-table';
export type { ConfigType, LogConfig, LogConfigDef, LogConfigKey } from './log-config-table';

export type ConfigSource = 'TOPIC_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG';

/** DescribeConfigs `config_source` numbers (DescribeConfigsResponse.json). */
export const CONFIG_SOURCE_CODE: Record<ConfigSource, number> = {
  TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
};

/** DescribeConfigs `config_type` numbers (KIP-569). */
export const CONFIG_TYPE_CODE: Record<ConfigType, number> = {
  BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9,
};

export interface ConfigSynonym {
  name: string;
  value: string;
  source: ConfigSource;
}

export interface ConfigDescription {
  name: string;
  value: string;
  source: ConfigSource;
  readOnly: boolean;
  isSensitive: boolean;
  type: ConfigType;
  doc: string;
  /** The value's origins in precedence order, for DescribeConfigs with include_synonyms. */
  synonyms: ConfigSynonym[];
}

export interface ResolveOptions {
  brokerProps: Record<string, string>;
  topicOverrides: Record<string, string>;
}

const DEFS_BY_NAME = new Map<string, LogConfigDef>(LOG_CONFIG_DEFS.map((def) => [def.name, def]));
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function logConfigDef(name: string): LogConfigDef | undefined {
  return DEFS_BY_NAME.get(name);
}

/** Parses a raw string for `def`, or returns a description of what is wrong with it. */
function parse(def: LogConfigDef, raw: string): { value: ConfigValue } | { problem: string } {
  const text = raw.trim();
  switch (def.type) {
    case 'BOOLEAN': {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return { problem: 'expected true or false' };
      return { value: lower === 'true' };
    }
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      if (!/^-?\d+$/.test(text)) return { problem: 'expected a whole number' };
      const big = BigInt(text);
      const [min, max] = def.type === 'LONG' ? [INT64_MIN, INT64_MAX] : def.type === 'INT' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-32768n, 32767n];
      if (big < min || big > max) return { problem: `out of range for ${def.type}` };
      return { value: Number(big) };
    }
    case 'DOUBLE': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) return { problem: 'expected a number' };
      return { value: n };
    }
    case 'LIST':
      return { value: text.split(',').map((s) => s.trim()).filter((s) => s.length > 0) };
    default:
      return { value: text };
  }
}

function parseChecked(def: LogConfigDef, raw: string, origin: string): ConfigValue {
  const parsed = parse(def, raw);
  const problem = 'problem' in parsed ? parsed.problem : (def.check?.(parsed.value) ?? null);
  if (problem !== null) {
    throw new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${JSON.stringify(raw)} for configuration ${origin}: ${problem}`);
  }
  return (parsed as { value: ConfigValue }).value;
}

/** Renders a scaled broker value (hours, minutes) in the topic config's unit, exactly. */
function scaled(raw: string, scale: number | undefined): string {
  if (scale === undefined) return raw.trim();
  if (!/^-?\d+$/.test(raw.trim())) return raw.trim();
  return (BigInt(raw.trim()) * BigInt(scale)).toString();
}

/** The broker-level value for `def`: the first synonym present, converted to the topic unit. */
function brokerValue(def: LogConfigDef, brokerProps: Record<string, string>): { name: string; raw: string } | null {
  for (const syn of def.synonyms) {
    const raw = brokerProps[syn.name];
    if (raw !== undefined) return { name: syn.name, raw: scaled(raw, syn.scale) };
  }
  return null;
}

interface Resolved {
  def: LogConfigDef;
  raw: string;
  source: ConfigSource;
  synonyms: ConfigSynonym[];
}

function resolveOne(def: LogConfigDef, opts: ResolveOptions): Resolved {
  const synonyms: ConfigSynonym[] = [];
  const override = opts.topicOverrides[def.name];
  if (override !== undefined) synonyms.push({ name: def.name, value: override, source: 'TOPIC_CONFIG' });
  for (const syn of def.synonyms) {
    const raw = opts.brokerProps[syn.name];
    if (raw !== undefined) synonyms.push({ name: syn.name, value: scaled(raw, syn.scale), source: 'STATIC_BROKER_CONFIG' });
  }
  synonyms.push({ name: def.synonyms[0]?.name ?? def.name, value: def.default, source: 'DEFAULT_CONFIG' });
  const first = synonyms[0] as ConfigSynonym;
  return { def, raw: first.value, source: first.source, synonyms };
}

/** Resolves every topic config; throws KafkaError(INVALID_CONFIG) naming the config and value on bad input. */
export function resolveLogConfig(opts: ResolveOptions): LogConfig {
  validateTopicConfigs(opts.topicOverrides);
  const out: Record<string, ConfigValue> = {};
  for (const def of LOG_CONFIG_DEFS) {
    const broker = opts.topicOverrides[def.name] === undefined ? brokerValue(def, opts.brokerProps) : null;
    const raw = opts.topicOverrides[def.name] ?? broker?.raw ?? def.default;
    out[def.key] = parseChecked(def, raw, broker ? `${broker.name} (broker)` : def.name);
  }
  return out as LogConfig;
}

/** Validates topic-level overrides (CreateTopics, AlterConfigs): unknown names and bad values are INVALID_CONFIG. */
export function validateTopicConfigs(configs: Record<string, string>): void {
  for (const [name, raw] of Object.entries(configs)) {
    const def = DEFS_BY_NAME.get(name);
    if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
    if (typeof raw !== 'string') throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic config ${name}`);
    parseChecked(def, raw, name);
  }
}

/** Every topic config with its effective value and where it came from, sorted by name (DescribeConfigs). */
export function describeLogConfigs(opts: ResolveOptions): ConfigDescription[] {
  return LOG_CONFIG_DEFS.map((def) => {
    const r = resolveOne(def, opts);
    return {
      name: def.name,
      value: r.raw,
      source: r.source,
      readOnly: false,
      isSensitive: false,
      type: def.type,
      doc: def.doc,
      synonyms: r.synonyms,
    };
  });
}

/**
 * The broker-level log properties (log.segment.bytes, log.retention.ms, ...) as a broker's
 * DescribeConfigs shows them: the primary synonym of each topic config, with its broker value or
 * the Kafka default.
 */
export function describeBrokerLogConfigs(brokerProps: Record<string, string>): ConfigDescription[] {
  const out: ConfigDescription[] = [];
  for (const def of LOG_CONFIG_DEFS) {
    const primary = def.synonyms[0];
    if (!primary) continue;
    const broker = brokerValue(def, brokerProps);
    const value = broker ? broker.raw : def.default;
    const source: ConfigSource = broker ? 'STATIC_BROKER_CONFIG' : 'DEFAULT_CONFIG';
    out.push({
      name: primary.name,
      value,
      source,
      readOnly: true,
      isSensitive: false,
      type: def.type,
      doc: def.doc,
      synonyms: [{ name: primary.name, value, source }],
    });
  }
  return out;
}

/** One AlterConfigs entry (replaceAll) or IncrementalAlterConfigs operation. */
export interface ConfigChange {
  name: string;
  op: 'set' | 'delete' | 'append' | 'subtract';
  value: string | null;
}

function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The topic overrides after `changes`. With `replaceAll` (AlterConfigs) the set entries become the
 * whole override set and null values are dropped; otherwise (IncrementalAlterConfigs) set/delete
 * act per key and append/subtract edit LIST configs, starting from the effective value. Unknown
 * names and list operations on non-list configs are INVALID_CONFIG; values are validated by the caller.
 */
export function applyConfigChanges(current: ResolveOptions, changes: readonly ConfigChange[], replaceAll: boolean): Record<string, string> {
  const configs: Record<string, string> = replaceAll ? {} : { ...current.topicOverrides };
  for (const change of changes) {
    const def = DEFS_BY_NAME.get(change.name);
    if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${change.name}`);
    if (change.op === 'delete' || (replaceAll && change.value === null)) {
      delete configs[change.name];
      continue;
    }
    if (change.value === null) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for ${change.op} of ${change.name}`);
    if (change.op === 'set') {
      configs[change.name] = change.value;
      continue;
    }
    if (def.type !== 'LIST') {
      throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value ${change.op} is not allowed for config key ${change.name} since it is not a list type (${def.type})`);
    }
    const list = splitList(configs[change.name] ?? resolveOne(def, { brokerProps: current.brokerProps, topicOverrides: configs }).raw);
    const items = splitList(change.value);
    const next = change.op === 'append' ? [...list, ...items.filter((v) => !list.includes(v))] : list.filter((v) => !items.includes(v));
    configs[change.name] = next.join(',');
  }
  return configs;
}

/** True when a LONG "never" value (Long.MAX_VALUE and the like) is set: no periodic work is needed. */
export function isNever(value: number): boolean {
  return value >= Number.MAX_SAFE_INTEGER;
}

/** Clamps a config-supplied count to what an int32 field (index positions, relative offsets) can hold. */
export function clampInt32(value: number): number {
  return Math.min(value, INT32_MAX);
}
