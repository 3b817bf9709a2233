/**
 * Config pieces the transformations share: Kafka's NonEmptyListValidator and RegexValidator, and the
 * `replace.null.with.default` key (KIP-1040) that most field transformations take.
 */
import { AbstractConfig, ConfigDef, type ConfigKeyDefinition, ConfigError, type ConfigValidator, type JsonSchema } from '../api';
import { compileJavaRegex } from './java-regex';

export const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';

export const REPLACE_NULL_WITH_DEFAULT_DEFINITION: ConfigKeyDefinition = {
  name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
  type: 'BOOLEAN',
  default: true,
  importance: 'MEDIUM',
  documentation:
    'Whether a null field that has a default value in its schema is read as that default (true) or kept null (false).',
};

/**
 * A LIST that must have at least one element. A missing value is left to the required-key check, so that a missing
 * key gets one message rather than two.
 */
export class NonEmptyListValidator implements ConfigValidator {
  readonly complete = true;
  readonly acceptsNull = true;

  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) return;
    if (!Array.isArray(value) || value.length === 0) throw ConfigError.invalidValue(name, value, 'Empty list');
  }

  jsonSchema(): JsonSchema {
    return { minItems: 1 };
  }

  toString(): string {
    return 'non-empty list';
  }
}

/** A STRING that compiles as a (Java-compatible) regular expression. */
export class RegexValidator implements ConfigValidator {
  readonly complete = false;
  readonly acceptsNull = true;

  ensureValid(name: string, value: unknown): void {
    if (value === null || value === undefined) return;
    try {
      compileJavaRegex(String(value));
    } catch (err) {
      throw ConfigError.invalidValue(name, value, `Invalid regex: ${(err as Error).message}`);
    }
  }

  toString(): string {
    return 'valid regex';
  }
}

/** Parses a transformation's properties; throws a ConfigError naming every invalid key (Kafka's SimpleConfig). */
export function parseConfig(def: ConfigDef, props: Readonly<Record<string, unknown>>): AbstractConfig {
  return new AbstractConfig(def, props);
}

/** A ConfigDef from key definitions, in order. */
export function configDef(...keys: ConfigKeyDefinition[]): ConfigDef {
  const def = new ConfigDef();
  for (const key of keys) def.define(key);
  return def;
}
