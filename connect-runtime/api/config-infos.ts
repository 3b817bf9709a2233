/**
 * Kafka Connect's REST shapes for config specs and validation results:
 *   GET /connector-plugins/{plugin}/config            → ConfigKeyInfo[]
 *   PUT /connector-plugins/{plugin}/config/validate   → ConfigInfos
 * Property names and their order match Kafka's JSON exactly; passwords render as `[hidden]`.
 */
import type { ConfigDef } from './config-def';
import { configValueToString } from './config-parse';
import type { ConfigKey, ConfigValue } from './config-types';

export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string | null;
  group: string | null;
  order: number;
  width: string;
  display_name: string;
  dependents: string[];
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

export function configKeyInfo(key: ConfigKey): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: !key.hasDefault,
    default_value: key.hasDefault ? configValueToString(key.defaultValue, key.type) : null,
    importance: key.importance,
    documentation: key.documentation,
    group: key.group,
    order: key.orderInGroup,
    width: key.width,
    display_name: key.displayName,
    dependents: [...key.dependents],
  };
}

/** The `GET /connector-plugins/{plugin}/config` body for a spec, in definition order. */
export function configKeyInfos(def: ConfigDef): ConfigKeyInfo[] {
  return [...def.configKeys.values()].map(configKeyInfo);
}

export function configValueInfo(value: ConfigValue, key: ConfigKey | undefined): ConfigValueInfo {
  const type = key?.type;
  return {
    name: value.name,
    value: configValueToString(value.value, type),
    recommended_values: value.recommendedValues.map((v) => configValueToString(v, type === 'LIST' ? 'STRING' : type) ?? 'null'),
    errors: [...value.errorMessages],
    visible: value.visible,
  };
}

/**
 * ConfigInfos for a validation (Kafka's AbstractHerder.generateResult): first the values of names the spec does
 * not define (with a null definition), then every defined key in order with its definition and, when validated,
 * its value. `error_count` totals the error messages.
 */
export function configInfos(name: string, def: ConfigDef, values: Iterable<ConfigValue>): ConfigInfos {
  let errorCount = 0;
  const configs: ConfigInfo[] = [];
  const byName = new Map<string, ConfigValue>();
  for (const value of values) {
    byName.set(value.name, value);
    if (!def.has(value.name)) {
      configs.push({ definition: null, value: configValueInfo(value, undefined) });
      errorCount += value.errorMessages.length;
    }
  }
  for (const key of def.configKeys.values()) {
    const value = byName.get(key.name);
    if (value) errorCount += value.errorMessages.length;
    configs.push({ definition: configKeyInfo(key), value: value ? configValueInfo(value, key) : null });
  }
  return { name, error_count: errorCount, groups: [...def.groups], configs };
}

/** Validates `props` against `def` and returns the ConfigInfos in one step. */
export function validateToConfigInfos(name: string, def: ConfigDef, props: Readonly<Record<string, unknown>>): ConfigInfos {
  return configInfos(name, def, def.validate(props));
}

/** Concatenates several ConfigInfos (e.g. framework keys, then the connector's), as Kafka's mergeConfigInfos. */
export function mergeConfigInfos(name: string, ...parts: ReadonlyArray<ConfigInfos | null | undefined>): ConfigInfos {
  let errorCount = 0;
  const groups = new Set<string>();
  const configs: ConfigInfo[] = [];
  for (const part of parts) {
    if (!part) continue;
    errorCount += part.error_count;
    for (const g of part.groups) groups.add(g);
    configs.push(...part.configs);
  }
  return { name, error_count: errorCount, groups: [...groups], configs };
}
