/**
 * Resolves `${provider:[path:]key}` references in configuration values (Kafka's ConfigTransformer), for worker
 * configs at start-up and connector configs whenever they are started. Resolution is one pass: a resolved value is
 * not searched for further references.
 *
 * Unlike Kafka, which leaves unresolvable references in place, a reference to a provider that is not configured,
 * or to a key the provider does not have, is an error that names the configuration key; a value half-resolved into
 * a password or URL is worse than a clear failure. Error messages name keys, providers, paths and referenced keys,
 * never values, since resolved values are typically secrets.
 */
import { ConfigError } from '../api/errors';
import { BUILTIN_CONFIG_PROVIDERS } from './builtin-config-providers';
import type { ConfigProvider, ConfigProviderClass } from './config-provider';

/** Kafka's ConfigTransformer.DEFAULT_PATTERN. */
const REFERENCE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export const CONFIG_PROVIDERS_CONFIG = 'config.providers';

export interface ConfigTransformResult {
  /** The configuration with every reference replaced. */
  readonly data: Record<string, string>;
  /** The smallest TTL each provider path reported, for reloading (`config.action.reload`). */
  readonly ttls: Readonly<Record<string, number>>;
  /** Keys whose values held references: treat their resolved values as secrets. */
  readonly resolvedKeys: readonly string[];
}

interface Reference {
  readonly text: string;
  readonly provider: string;
  readonly path: string;
  readonly key: string;
}

export class ConfigTransformer {
  private readonly providers: ReadonlyMap<string, ConfigProvider>;

  constructor(providers: ReadonlyMap<string, ConfigProvider> = new Map()) {
    this.providers = providers;
  }

  /** The configured provider names. */
  providerNames(): string[] {
    return [...this.providers.keys()];
  }

  /** Whether a value contains a `${provider:...}` reference. */
  static hasReference(value: string): boolean {
    return new RegExp(REFERENCE.source).test(value);
  }

  /** Resolves every reference in `configs`; throws a ConfigError naming each key that could not be resolved. */
  async transform(configs: Readonly<Record<string, string>>): Promise<ConfigTransformResult> {
    const refsByKey = new Map<string, Reference[]>();
    const wanted = new Map<string, Map<string, Set<string>>>();
    const fieldErrors: Record<string, string[]> = {};
    const fail = (key: string, message: string): void => {
      (fieldErrors[key] ??= []).push(message);
    };

    for (const [configKey, value] of Object.entries(configs)) {
      if (typeof value !== 'string') continue;
      const refs = [...value.matchAll(REFERENCE)].map((m) => ({ text: m[0], provider: m[1] as string, path: m[2] ?? '', key: m[3] as string }));
      if (refs.length === 0) continue;
      refsByKey.set(configKey, refs);
      for (const ref of refs) {
        if (!this.providers.has(ref.provider)) {
          fail(configKey, `Configuration ${configKey} refers to config provider "${ref.provider}" in ${ref.text}, but ${this.configuredText()}`);
          continue;
        }
        let paths = wanted.get(ref.provider);
        if (paths === undefined) wanted.set(ref.provider, (paths = new Map()));
        let keys = paths.get(ref.path);
        if (keys === undefined) paths.set(ref.path, (keys = new Set()));
        keys.add(ref.key);
      }
    }

    const resolved = new Map<string, Map<string, Readonly<Record<string, string>> | Error>>();
    const ttls: Record<string, number> = {};
    for (const [providerName, paths] of wanted) {
      const provider = this.providers.get(providerName) as ConfigProvider;
      const byPath = new Map<string, Readonly<Record<string, string>> | Error>();
      resolved.set(providerName, byPath);
      for (const [path, keys] of paths) {
        try {
          const result = await provider.get(path, [...keys]);
          byPath.set(path, result.data);
          if (result.ttl !== undefined && result.ttl >= 0) ttls[path] = Math.min(ttls[path] ?? Infinity, result.ttl);
        } catch (err) {
          const message = (err as { message?: unknown } | null)?.message;
          byPath.set(path, new Error(typeof message === 'string' ? message : String(err)));
        }
      }
    }

    const data: Record<string, string> = { ...configs };
    for (const [configKey, refs] of refsByKey) {
      let ok = true;
      const values = new Map<string, string>();
      for (const ref of refs) {
        const found = resolved.get(ref.provider)?.get(ref.path);
        if (found === undefined) {
          ok = false; // unknown provider, already reported
        } else if (found instanceof Error) {
          ok = false;
          fail(configKey, `Configuration ${configKey}: config provider "${ref.provider}" could not read ${describePath(ref.path)}: ${found.message}`);
        } else if (!Object.prototype.hasOwnProperty.call(found, ref.key)) {
          ok = false;
          fail(configKey, `Configuration ${configKey} refers to ${ref.text}, but config provider "${ref.provider}" has no key "${ref.key}" at ${describePath(ref.path)}`);
        } else {
          values.set(ref.text, found[ref.key] as string);
        }
      }
      if (ok) data[configKey] = (configs[configKey] as string).replace(REFERENCE, (text) => values.get(text) as string);
    }

    const messages = Object.values(fieldErrors).flat();
    if (messages.length > 0) {
      throw new ConfigError(messages.length === 1 ? (messages[0] as string) : `Cannot resolve config provider references:\n${messages.join('\n')}`, { fieldErrors });
    }
    return { data, ttls, resolvedKeys: [...refsByKey.keys()] };
  }

  /** Closes every provider (errors are ignored: closing happens on shutdown). */
  async close(): Promise<void> {
    for (const provider of this.providers.values()) {
      try {
        await provider.close?.();
      } catch {
        // nothing useful to do on shutdown
      }
    }
  }

  private configuredText(): string {
    const names = this.providerNames();
    return names.length === 0 ? `no config providers are configured (${CONFIG_PROVIDERS_CONFIG})` : `only ${names.join(', ')} are configured (${CONFIG_PROVIDERS_CONFIG})`;
  }
}

export interface CreateConfigProvidersOptions {
  /** Provider classes beyond the built-in ones, by class name. */
  classes?: Readonly<Record<string, ConfigProviderClass>>;
}

/**
 * Instantiates and configures the providers a worker configuration declares: `config.providers` lists names, and
 * for each name `config.providers.<name>.class` gives the class (full or simple name) and
 * `config.providers.<name>.param.<setting>` its settings.
 */
export function createConfigProviders(props: Readonly<Record<string, string>>, options: CreateConfigProvidersOptions = {}): Map<string, ConfigProvider> {
  const names = (props[CONFIG_PROVIDERS_CONFIG] ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const classes: Record<string, ConfigProviderClass> = { ...BUILTIN_CONFIG_PROVIDERS, ...(options.classes ?? {}) };
  const providers = new Map<string, ConfigProvider>();
  for (const name of names) {
    const classKey = `${CONFIG_PROVIDERS_CONFIG}.${name}.class`;
    const className = props[classKey]?.trim();
    if (className === undefined || className === '') {
      throw new ConfigError(`Missing required configuration "${classKey}" for config provider ${name} listed in ${CONFIG_PROVIDERS_CONFIG}`, {
        fieldErrors: { [classKey]: [`Missing required configuration "${classKey}" which has no default value.`] },
      });
    }
    const ctor = classes[className] ?? Object.entries(classes).find(([full]) => full.slice(full.lastIndexOf('.') + 1) === className)?.[1];
    if (ctor === undefined) {
      const message = `Invalid value ${className} for configuration ${classKey}: unknown config provider class; known: ${Object.keys(classes).join(', ')}`;
      throw new ConfigError(message, { fieldErrors: { [classKey]: [message] } });
    }
    const paramPrefix = `${CONFIG_PROVIDERS_CONFIG}.${name}.param.`;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (k.startsWith(paramPrefix)) params[k.slice(paramPrefix.length)] = v;
    const provider = new ctor();
    provider.configure(params);
    providers.set(name, provider);
  }
  return providers;
}

/** Keys that configure the providers themselves and are never transformed. */
export function isConfigProviderKey(key: string): boolean {
  return key === CONFIG_PROVIDERS_CONFIG || key.startsWith(`${CONFIG_PROVIDERS_CONFIG}.`);
}

function describePath(path: string): string {
  return path === '' ? 'the empty path' : `path "${path}"`;
}
