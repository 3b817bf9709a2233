/**
 * Kafka's three config providers, under Kafka's class names:
 *   FileConfigProvider       `${file:/path/to/file.properties:key}`  a key of a properties file
 *   DirectoryConfigProvider  `${directory:/path/to/dir:file}`        the contents of a file in a directory
 *   EnvVarConfigProvider     `${env:VAR}`                            an environment variable
 * File and directory providers accept `allowed.paths` (absolute paths; when set, only files under them are read);
 * the environment provider accepts `allowlist.pattern` (a regular expression the whole variable name must match).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../api/errors';
import type { ConfigData, ConfigProvider, ConfigProviderClass } from './config-provider';
import { readPropertiesFile } from './properties';

export const FILE_CONFIG_PROVIDER_CLASS = 'org.apache.kafka.common.config.provider.FileConfigProvider';
export const DIRECTORY_CONFIG_PROVIDER_CLASS = 'org.apache.kafka.common.config.provider.DirectoryConfigProvider';
export const ENV_VAR_CONFIG_PROVIDER_CLASS = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';

export const ALLOWED_PATHS_CONFIG = 'allowed.paths';
export const ALLOWLIST_PATTERN_CONFIG = 'allowlist.pattern';

/** Restricts file access to a set of directories (Kafka's AllowedPaths). */
class AllowedPaths {
  private readonly roots: string[] = [];

  configure(configs: Readonly<Record<string, string>>, provider: string): void {
    const raw = configs[ALLOWED_PATHS_CONFIG];
    this.roots.length = 0;
    if (raw === undefined || raw.trim() === '') return;
    for (const entry of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
      if (!path.isAbsolute(entry)) throw new ConfigError(`${provider}: ${ALLOWED_PATHS_CONFIG} entries must be absolute paths, not ${entry}`);
      this.roots.push(path.normalize(entry));
    }
  }

  /** The normalised path; throws when it lies outside every allowed root. */
  check(target: string, provider: string): string {
    const normalised = path.normalize(target);
    if (this.roots.length === 0) return normalised;
    const allowed = this.roots.some((root) => normalised === root || normalised.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
    if (!allowed) throw new ConfigError(`${provider}: path ${target} is not allowed to be accessed (see ${ALLOWED_PATHS_CONFIG})`);
    return normalised;
  }
}

export class FileConfigProvider implements ConfigProvider {
  private readonly allowed = new AllowedPaths();

  configure(configs: Readonly<Record<string, string>>): void {
    this.allowed.configure(configs, 'FileConfigProvider');
  }

  async get(file: string, keys?: readonly string[]): Promise<ConfigData> {
    if (file === '') return { data: {} };
    const props = await readPropertiesFile(this.allowed.check(file, 'FileConfigProvider'));
    return { data: pick(props, keys) };
  }
}

export class DirectoryConfigProvider implements ConfigProvider {
  private readonly allowed = new AllowedPaths();

  configure(configs: Readonly<Record<string, string>>): void {
    this.allowed.configure(configs, 'DirectoryConfigProvider');
  }

  async get(dir: string, keys?: readonly string[]): Promise<ConfigData> {
    if (dir === '') return { data: {} };
    const root = this.allowed.check(dir, 'DirectoryConfigProvider');
    let names: string[];
    try {
      names = keys === undefined ? await readdir(root) : [...keys];
    } catch (err) {
      throw new ConfigError(`DirectoryConfigProvider: cannot list ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const data: Record<string, string> = {};
    for (const name of names) {
      // Only plain file names: a key may not reach outside the directory.
      if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes(path.sep)) continue;
      const file = path.join(root, name);
      const isFile = await stat(file).then((s) => s.isFile(), () => false);
      if (isFile) data[name] = await readFile(file, 'utf8');
    }
    return { data };
  }
}

export class EnvVarConfigProvider implements ConfigProvider {
  private allowlist: RegExp | undefined;

  configure(configs: Readonly<Record<string, string>>): void {
    const pattern = configs[ALLOWLIST_PATTERN_CONFIG];
    this.allowlist = undefined;
    if (pattern === undefined || pattern === '') return;
    try {
      this.allowlist = new RegExp(`^(?:${pattern})$`);
    } catch (err) {
      throw new ConfigError(`EnvVarConfigProvider: invalid ${ALLOWLIST_PATTERN_CONFIG} ${pattern}: ${(err as Error).message}`);
    }
  }

  get(varPath: string, keys?: readonly string[]): ConfigData {
    if (varPath !== '') throw new ConfigError(`Path is not supported for EnvVarConfigProvider, invalid value '${varPath}'`);
    const visible: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && (this.allowlist === undefined || this.allowlist.test(name))) visible[name] = value;
    }
    return { data: pick(visible, keys) };
  }
}

/** The built-in providers by full class name; simple names (`FileConfigProvider`) resolve too. */
export const BUILTIN_CONFIG_PROVIDERS: Readonly<Record<string, ConfigProviderClass>> = {
  [FILE_CONFIG_PROVIDER_CLASS]: FileConfigProvider,
  [DIRECTORY_CONFIG_PROVIDER_CLASS]: DirectoryConfigProvider,
  [ENV_VAR_CONFIG_PROVIDER_CLASS]: EnvVarConfigProvider,
};

function pick(all: Readonly<Record<string, string>>, keys: readonly string[] | undefined): Record<string, string> {
  if (keys === undefined) return { ...all };
  const out: Record<string, string> = {};
  for (const key of keys) if (Object.prototype.hasOwnProperty.call(all, key)) out[key] = all[key] as string;
  return out;
}
