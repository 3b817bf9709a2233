/**
 * Parsed, validated configuration with typed getters (Kafka's AbstractConfig). Construction throws a ConfigError
 * that lists every invalid key.
 *
 *   const config = new AbstractConfig(MyConnector.CONFIG_DEF, props);
 *   const topic = config.getString('topic');
 */
import type { ConfigDef, RawConfig } from './config-def';
import type { ConfigType } from './config-types';
import { ConfigError } from './errors';
import { Password } from './password';

export class AbstractConfig {
  readonly definition: ConfigDef;
  private readonly originalValues: Readonly<Record<string, unknown>>;
  private readonly parsed: Readonly<Record<string, unknown>>;

  constructor(definition: ConfigDef, originals: RawConfig) {
    this.definition = definition;
    this.originalValues = Object.freeze({ ...originals });
    this.parsed = Object.freeze(definition.parse(originals));
  }

  get(name: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.parsed, name)) throw new ConfigError(`Unknown configuration '${name}'`);
    return this.parsed[name];
  }

  getBoolean(name: string): boolean | null {
    return this.typed(name, 'BOOLEAN') as boolean | null;
  }

  getString(name: string): string | null {
    return this.typed(name, 'STRING') as string | null;
  }

  getInt(name: string): number | null {
    return this.typed(name, 'INT') as number | null;
  }

  getShort(name: string): number | null {
    return this.typed(name, 'SHORT') as number | null;
  }

  getLong(name: string): number | null {
    return this.typed(name, 'LONG') as number | null;
  }

  getDouble(name: string): number | null {
    return this.typed(name, 'DOUBLE') as number | null;
  }

  getList(name: string): string[] | null {
    return this.typed(name, 'LIST') as string[] | null;
  }

  /** A CLASS value: the class name or alias as configured (the runtime resolves it). */
  getClass(name: string): string | null {
    const v = this.typed(name, 'CLASS');
    return typeof v === 'function' ? v.name : (v as string | null);
  }

  getPassword(name: string): Password | null {
    return this.typed(name, 'PASSWORD') as Password | null;
  }

  /** The typed values of every defined key. */
  values(): Record<string, unknown> {
    return { ...this.parsed };
  }

  /** The properties as given, including keys the spec does not define. */
  originals(): Record<string, unknown> {
    return { ...this.originalValues };
  }

  /** String forms of the original properties (passwords stay hidden unless given as plain strings). */
  originalsStrings(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originalValues)) {
      if (v !== null && v !== undefined) out[k] = v instanceof Password ? v.value() : String(v);
    }
    return out;
  }

  /** Original properties whose keys start with `prefix`, with the prefix removed unless `strip` is false. */
  originalsWithPrefix(prefix: string, strip = true): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.originalValues)) {
      if (k.startsWith(prefix) && k.length > prefix.length) out[strip ? k.slice(prefix.length) : k] = v;
    }
    return out;
  }

  private typed(name: string, type: ConfigType): unknown {
    const key = this.definition.configKeys.get(name);
    if (key === undefined) throw new ConfigError(`Unknown configuration '${name}'`);
    if (key.type !== type) throw new ConfigError(`Configuration '${name}' is of type ${key.type}, not ${type}`);
    return this.parsed[name];
  }
}
