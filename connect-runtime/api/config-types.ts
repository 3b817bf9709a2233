/** Vocabulary of configuration specs (Kafka's ConfigDef.Type, Importance, Width, Validator, Recommender, ConfigValue). */

export const ConfigType = {
  BOOLEAN: 'BOOLEAN',
  STRING: 'STRING',
  INT: 'INT',
  SHORT: 'SHORT',
  LONG: 'LONG',
  DOUBLE: 'DOUBLE',
  LIST: 'LIST',
  CLASS: 'CLASS',
  PASSWORD: 'PASSWORD',
} as const;
export type ConfigType = (typeof ConfigType)[keyof typeof ConfigType];

export const Importance = { HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW' } as const;
export type Importance = (typeof Importance)[keyof typeof Importance];

export const Width = { NONE: 'NONE', SHORT: 'SHORT', MEDIUM: 'MEDIUM', LONG: 'LONG' } as const;
export type Width = (typeof Width)[keyof typeof Width];

/** Marks a key without a default value, i.e. a required key (Kafka's ConfigDef.NO_DEFAULT_VALUE). */
export const NO_DEFAULT: unique symbol = Symbol('NO_DEFAULT');
export type NoDefault = typeof NO_DEFAULT;

/** A JSON Schema (draft-07) object. */
export type JsonSchema = Record<string, unknown>;

/**
 * Checks one parsed config value. ensureValid throws a ConfigError (use ConfigError.invalidValue for Kafka's
 * wording). Validators that can be expressed in JSON Schema say so through jsonSchema(), which the ConfigDef
 * compiles with ajv; `complete` tells whether that schema captures everything ensureValid checks.
 */
export interface ConfigValidator {
  ensureValid(name: string, value: unknown): void;
  /** Shown in generated documentation as the valid values, e.g. `[1,...]`. */
  toString(): string;
  /** Keywords constraining a non-null value, merged into the key's JSON Schema. */
  jsonSchema?(): JsonSchema;
  /** True when jsonSchema() alone enforces this validator. */
  readonly complete?: boolean;
  /** Whether null passes this validator (defaults to true). */
  readonly acceptsNull?: boolean;
}

/** Supplies `recommended_values` and `visible` for the validate endpoint (Kafka's ConfigDef.Recommender). */
export interface ConfigRecommender {
  validValues(name: string, parsedConfig: Readonly<Record<string, unknown>>): unknown[];
  visible(name: string, parsedConfig: Readonly<Record<string, unknown>>): boolean;
}

/** Everything ConfigDef.define accepts. `default` is required on purpose: use NO_DEFAULT for required keys. */
export interface ConfigKeyDefinition {
  name: string;
  type: ConfigType;
  /** The default, as a typed value or as the string a user would write; NO_DEFAULT makes the key required. */
  default: unknown;
  validator?: ConfigValidator;
  importance: Importance;
  documentation?: string | null;
  group?: string | null;
  /** Position within the group; -1 when unordered. */
  orderInGroup?: number;
  width?: Width;
  /** Defaults to the key name. */
  displayName?: string;
  dependents?: readonly string[];
  recommender?: ConfigRecommender;
}

/** A defined key with every optional attribute resolved and the default parsed to its type. */
export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly defaultValue: unknown;
  readonly hasDefault: boolean;
  readonly validator: ConfigValidator | undefined;
  readonly importance: Importance;
  readonly documentation: string | null;
  readonly group: string | null;
  readonly orderInGroup: number;
  readonly width: Width;
  readonly displayName: string;
  readonly dependents: readonly string[];
  readonly recommender: ConfigRecommender | undefined;
}

/** The result of validating one key (Kafka's ConfigValue). */
export class ConfigValue {
  value: unknown = null;
  recommendedValues: unknown[] = [];
  readonly errorMessages: string[] = [];
  visible = true;

  constructor(readonly name: string) {}

  addErrorMessage(message: string): void {
    this.errorMessages.push(message);
  }
}
