/**
 * A configuration spec (Kafka's ConfigDef). Each plugin declares its keys once; the spec then
 *   - parses raw properties into typed values (parse, or AbstractConfig),
 *   - validates them, with the JSON Schema from toJsonSchema() compiled by ajv plus the validators' own checks
 *     (validate → Kafka's ConfigValue list, which config-infos turns into the REST ConfigInfos shape),
 *   - describes itself for `GET /connector-plugins/{plugin}/config` and for generated documentation.
 */
import { compileConfigSchema, type CompiledConfigSchema, type KeyViolation } from './config-ajv';
import { parseConfigValue } from './config-parse';
import {
  type ConfigKey,
  type ConfigKeyDefinition,
  type ConfigRecommender,
  type ConfigType,
  ConfigValue,
  type ConfigValidator,
  type JsonSchema,
  NO_DEFAULT,
} from './config-types';
import { ConfigError } from './errors';
import { Password } from './password';

const BASE_JSON_TYPES: Record<ConfigType, JsonSchema> = {
  BOOLEAN: { type: 'boolean' },
  STRING: { type: 'string' },
  CLASS: { type: 'string' },
  PASSWORD: { type: 'string' },
  INT: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
  SHORT: { type: 'integer', minimum: -32768, maximum: 32767 },
  LONG: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
  DOUBLE: { type: 'number' },
  LIST: { type: 'array' },
};

const IMPORTANCE_ORDER = { HIGH: 0, MEDIUM: 1, LOW: 2 } as const;

export type RawConfig = Readonly<Record<string, unknown>>;

export class ConfigDef {
  private readonly keys = new Map<string, ConfigKey>();
  private readonly groupList: string[] = [];
  private compiled: CompiledConfigSchema | undefined;

  /** A new spec, optionally starting with a copy of another's keys. */
  constructor(base?: ConfigDef) {
    if (base) {
      for (const key of base.keys.values()) this.keys.set(key.name, key);
      this.groupList.push(...base.groupList);
    }
  }

  /** Adds a key. The default is parsed to the key's type and checked by the validator, as in Kafka. */
  define(definition: ConfigKeyDefinition): this {
    if (this.keys.has(definition.name)) throw new ConfigError(`Configuration ${definition.name} is defined twice.`);
    const hasDefault = definition.default !== NO_DEFAULT;
    const defaultValue = hasDefault ? parseConfigValue(definition.name, definition.default, definition.type) : NO_DEFAULT;
    if (hasDefault && definition.validator) definition.validator.ensureValid(definition.name, defaultValue);
    const key: ConfigKey = Object.freeze({
      name: definition.name,
      type: definition.type,
      defaultValue,
      hasDefault,
      validator: definition.validator,
      importance: definition.importance,
      documentation: definition.documentation ?? null,
      group: definition.group ?? null,
      orderInGroup: definition.orderInGroup ?? -1,
      width: definition.width ?? 'NONE',
      displayName: definition.displayName ?? definition.name,
      dependents: Object.freeze([...(definition.dependents ?? [])]),
      recommender: definition.recommender,
    });
    this.keys.set(key.name, key);
    if (key.group !== null && !this.groupList.includes(key.group)) this.groupList.push(key.group);
    this.compiled = undefined;
    return this;
  }

  /**
   * Adds every key of `child` under `keyPrefix` (Kafka's ConfigDef.embed, used for transformation and predicate
   * settings such as `transforms.<alias>.*`). Validator and recommender messages name the unprefixed key.
   */
  embed(keyPrefix: string, groupPrefix: string, startingOrder: number, child: ConfigDef): this {
    let order = startingOrder;
    for (const key of child.sortedKeys()) {
      this.define({
        name: keyPrefix + key.name,
        type: key.type,
        default: key.hasDefault ? key.defaultValue : NO_DEFAULT,
        validator: key.validator && prefixedValidator(keyPrefix, key.validator),
        importance: key.importance,
        documentation: key.documentation,
        group: groupPrefix + (key.group === null ? '' : `: ${key.group}`),
        orderInGroup: order++,
        width: key.width,
        displayName: key.displayName,
        dependents: key.dependents.map((d) => keyPrefix + d),
        recommender: key.recommender && prefixedRecommender(keyPrefix, key.recommender),
      });
    }
    return this;
  }

  /** The keys in definition order. */
  get configKeys(): ReadonlyMap<string, ConfigKey> {
    return this.keys;
  }

  /** Group names in order of first use. */
  get groups(): readonly string[] {
    return this.groupList;
  }

  names(): string[] {
    return [...this.keys.keys()];
  }

  has(name: string): boolean {
    return this.keys.has(name);
  }

  /** Keys sorted as Kafka's documentation lists them: required first, then by importance, then by name. */
  sortedKeys(): ConfigKey[] {
    return [...this.keys.values()].sort((a, b) => {
      if (a.hasDefault !== b.hasDefault) return a.hasDefault ? 1 : -1;
      const byImportance = IMPORTANCE_ORDER[a.importance] - IMPORTANCE_ORDER[b.importance];
      if (byImportance !== 0) return byImportance;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  }

  /**
   * The JSON Schema (draft-07) of a parsed configuration: one property per key with its type, the validator's
   * constraints, `default`, `title` (display name) and `description`; keys without a default are `required`.
   */
  toJsonSchema(): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const key of this.keys.values()) {
      properties[key.name] = keyJsonSchema(key);
      if (!key.hasDefault) required.push(key.name);
    }
    return {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties,
      required,
      additionalProperties: true,
    };
  }

  /**
   * Validates raw properties, returning one ConfigValue per defined key in definition order (plus entries for
   * dependents that are referenced but not defined). Errors never throw; they are collected per key.
   */
  validate(props: RawConfig): ConfigValue[] {
    return [...this.validateAll(props).values()];
  }

  validateAll(props: RawConfig): Map<string, ConfigValue> {
    const results = new Map<string, ConfigValue>();
    const parsed: Record<string, unknown> = {};
    const instance: Record<string, unknown> = {};
    const missing = new Set<string>();

    for (const key of this.keys.values()) {
      const result = new ConfigValue(key.name);
      results.set(key.name, result);
      const raw = Object.prototype.hasOwnProperty.call(props, key.name) ? props[key.name] : undefined;
      let value: unknown = null;
      if (raw !== undefined) {
        try {
          value = parseConfigValue(key.name, raw, key.type);
        } catch (err) {
          result.addErrorMessage(messageOf(err));
        }
      } else if (!key.hasDefault) {
        missing.add(key.name);
      } else {
        value = key.defaultValue;
      }
      result.value = value;
      parsed[key.name] = value;
      if (!missing.has(key.name)) instance[key.name] = forJsonSchema(value);
    }

    // ajv enforces presence, types and every constraint a validator can express in JSON Schema. Kafka's wording
    // comes from the validators themselves, so a flagged key is re-checked by its validator for the message.
    const flagged = new Map<string, KeyViolation[]>();
    for (const v of this.compiledSchema()(instance)) flagged.set(v.key, [...(flagged.get(v.key) ?? []), v]);

    for (const key of this.keys.values()) {
      const result = results.get(key.name) as ConfigValue;
      const violations = flagged.get(key.name) ?? [];
      const isMissing = violations.some((v) => v.keyword === 'required');
      if (isMissing) result.addErrorMessage(missingMessage(key.name));
      const validator = key.validator;
      if (violations.length === 0 && (validator === undefined || validator.complete === true)) continue;
      const before = result.errorMessages.length;
      if (validator) {
        try {
          validator.ensureValid(key.name, result.value);
        } catch (err) {
          result.addErrorMessage(messageOf(err));
        }
      }
      if (result.errorMessages.length === before && !isMissing) {
        // A violation the validator does not word itself, such as a typed value of the wrong type.
        for (const v of violations) result.addErrorMessage(ConfigError.invalidValue(key.name, result.value, v.message).message);
      }
    }

    for (const key of this.keys.values()) {
      if (!key.recommender) continue;
      const result = results.get(key.name) as ConfigValue;
      try {
        result.recommendedValues = key.recommender.validValues(key.name, parsed);
        result.visible = key.recommender.visible(key.name, parsed);
      } catch (err) {
        result.addErrorMessage(messageOf(err));
      }
    }

    for (const key of this.keys.values()) {
      for (const dependent of key.dependents) {
        if (this.keys.has(dependent) || results.has(dependent)) continue;
        const undefinedDependent = new ConfigValue(dependent);
        undefinedDependent.addErrorMessage(`${dependent} is referred in the dependents, but not defined.`);
        undefinedDependent.visible = false;
        results.set(dependent, undefinedDependent);
      }
    }
    return results;
  }

  /**
   * Parses and validates, returning the typed values of every defined key. Throws a ConfigError carrying the
   * messages of every invalid key.
   */
  parse(props: RawConfig): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    const fieldErrors: Record<string, string[]> = {};
    for (const result of this.validate(props)) {
      if (result.errorMessages.length > 0) fieldErrors[result.name] = [...result.errorMessages];
      values[result.name] = result.value;
    }
    const messages = Object.values(fieldErrors).flat();
    if (messages.length > 0) {
      const text = messages.length === 1 ? (messages[0] as string) : `Invalid configuration:\n${messages.join('\n')}`;
      throw new ConfigError(text, { fieldErrors });
    }
    return values;
  }

  private compiledSchema(): CompiledConfigSchema {
    this.compiled ??= compileConfigSchema(this.toJsonSchema());
    return this.compiled;
  }
}

function keyJsonSchema(key: ConfigKey): JsonSchema {
  const base = BASE_JSON_TYPES[key.type];
  const nullable = key.validator?.acceptsNull !== false;
  const schema: JsonSchema = { ...base, type: nullable ? [base['type'], 'null'] : base['type'] };
  if (key.type === 'LIST') schema['items'] = { type: 'string' };
  const constraints = key.validator?.jsonSchema?.();
  if (constraints && Object.keys(constraints).length > 0) schema['allOf'] = [constraints];
  schema['title'] = key.displayName;
  if (key.documentation !== null) schema['description'] = key.documentation;
  if (key.hasDefault && key.type !== 'PASSWORD') schema['default'] = forJsonSchema(key.defaultValue);
  schema['x-config-type'] = key.type;
  schema['x-importance'] = key.importance;
  if (key.group !== null) schema['x-group'] = key.group;
  schema['x-order-in-group'] = key.orderInGroup;
  schema['x-width'] = key.width;
  return schema;
}

/** The value as ajv sees it: passwords as their string, classes by name. */
function forJsonSchema(value: unknown): unknown {
  if (value instanceof Password) return value.value();
  if (typeof value === 'function') return value.name;
  return value;
}

function missingMessage(name: string): string {
  return `Missing required configuration "${name}" which has no default value.`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function prefixedValidator(prefix: string, validator: ConfigValidator): ConfigValidator {
  return {
    ensureValid: (name, value) => validator.ensureValid(name.startsWith(prefix) ? name.slice(prefix.length) : name, value),
    toString: () => validator.toString(),
    jsonSchema: validator.jsonSchema ? () => (validator.jsonSchema as () => JsonSchema)() : undefined,
    complete: validator.complete,
    acceptsNull: validator.acceptsNull,
  };
}

function prefixedRecommender(prefix: string, recommender: ConfigRecommender): ConfigRecommender {
  const strip = (parsed: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  };
  return {
    validValues: (name, parsed) => recommender.validValues(name.slice(prefix.length), strip(parsed)),
    visible: (name, parsed) => recommender.visible(name.slice(prefix.length), strip(parsed)),
  };
}
