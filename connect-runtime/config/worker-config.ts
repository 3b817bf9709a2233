/**
 * A parsed, validated worker configuration with typed fields, and its loading from a properties file with
 * `${provider:...}` references resolved.
 *
 *   const { config, configTransformer } = await readWorkerConfigFile('config/connect-standalone.properties', 'standalone');
 *   config.embeddedBroker;          // bootstrap.servers absent or "embedded"
 *   config.valueConverterConfigs;   // value.converter.* without the prefix
 *   await configTransformer.transform(connectorConfig);   // same providers for connector configs
 */
import { hostname } from 'node:os';
import { inspect } from 'node:util';
import { AbstractConfig } from '../api/abstract-config';
import type { ConfigDef, RawConfig } from '../api/config-def';
import { ConfigError } from '../api/errors';
import { HIDDEN } from '../api/password';
import type { PluginRegistry } from '../plugins/plugin-registry';
import { ConfigTransformer, createConfigProviders, type CreateConfigProvidersOptions, isConfigProviderKey } from './config-transformer';
import { readPropertiesFile } from './properties';
import { parseRestListeners, type RestListener, restUrl } from './rest-listeners';
import {
  distributedConfigDef,
  EMBEDDED_BOOTSTRAP,
  standaloneConfigDef,
  WorkerConfigKeys as K,
  WorkerConfigPrefixes as P,
} from './worker-config-def';

export type WorkerMode = 'standalone' | 'distributed';

/** Settings only distributed workers have. */
export interface DistributedSettings {
  readonly groupId: string;
  readonly configStorageTopic: string;
  readonly configStorageReplicationFactor: number;
  readonly offsetStorageTopic: string;
  readonly offsetStoragePartitions: number;
  readonly offsetStorageReplicationFactor: number;
  readonly statusStorageTopic: string;
  readonly statusStoragePartitions: number;
  readonly statusStorageReplicationFactor: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly scheduledRebalanceMaxDelayMs: number;
  readonly workerSyncTimeoutMs: number;
}

export interface WorkerConfigOptions {
  /** Keys whose values came from config providers; with keys that look secret, they are hidden in logs. */
  sensitiveKeys?: Iterable<string>;
}

/** Key names whose values are hidden when the configuration is logged. */
const SECRET_KEY = /password|secret|jaas\.config|token|credential|api\.key|private\.key/i;

export class WorkerConfig extends AbstractConfig {
  readonly mode: WorkerMode;
  /** True when `bootstrap.servers` is absent, empty or `embedded`: the worker runs its own broker. */
  readonly embeddedBroker: boolean;
  /** The Kafka brokers to connect to; empty for the embedded broker. */
  readonly bootstrapServers: readonly string[];
  readonly keyConverter: string;
  readonly valueConverter: string;
  readonly headerConverter: string;
  readonly keyConverterConfigs: Readonly<Record<string, string>>;
  readonly valueConverterConfigs: Readonly<Record<string, string>>;
  readonly headerConverterConfigs: Readonly<Record<string, string>>;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly taskShutdownGracefulTimeoutMs: number;
  readonly pluginPath: readonly string[];
  readonly configProviders: readonly string[];
  readonly connectorClientConfigOverridePolicy: 'All' | 'None' | 'Principal';
  readonly topicCreationEnable: boolean;
  readonly topicTrackingEnable: boolean;
  readonly topicTrackingAllowReset: boolean;
  readonly listeners: readonly RestListener[];
  /** Null: /admin is served on `listeners`; empty: /admin is disabled. */
  readonly adminListeners: readonly RestListener[] | null;
  readonly restAdvertisedHostName: string | null;
  readonly restAdvertisedPort: number | null;
  readonly restAdvertisedListener: 'http' | 'https' | null;
  readonly accessControlAllowOrigin: string;
  readonly accessControlAllowMethods: string;
  /** `listeners.https.*` without the prefix (TLS settings of https listeners). */
  readonly listenersHttpsConfigs: Readonly<Record<string, string>>;
  /** Worker-level settings of source producers, sink consumers and admin clients (prefix removed). */
  readonly producerConfigs: Readonly<Record<string, string>>;
  readonly consumerConfigs: Readonly<Record<string, string>>;
  readonly adminConfigs: Readonly<Record<string, string>>;
  /** `broker.*` without the prefix: the embedded broker's own properties (log.dirs, listeners, ...). */
  readonly brokerConfigs: Readonly<Record<string, string>>;
  /** Standalone only: where source offsets are stored. */
  readonly offsetStorageFileFilename: string | null;
  /** Distributed only. */
  readonly distributed: DistributedSettings | null;
  private readonly sensitiveKeys: ReadonlySet<string>;

  /** The spec of a worker of the given mode. */
  static configDef(mode: WorkerMode): ConfigDef {
    return mode === 'standalone' ? standaloneConfigDef() : distributedConfigDef();
  }

  /** Parses and validates; throws a ConfigError naming every invalid key. */
  constructor(props: RawConfig, mode: WorkerMode = 'standalone', options: WorkerConfigOptions = {}) {
    super(WorkerConfig.configDef(mode), props);
    this.mode = mode;
    this.sensitiveKeys = new Set(options.sensitiveKeys ?? []);

    const servers = this.getList(K.BOOTSTRAP_SERVERS) ?? [];
    this.embeddedBroker = servers.length === 0 || (servers.length === 1 && servers[0] === EMBEDDED_BOOTSTRAP);
    this.bootstrapServers = Object.freeze(this.embeddedBroker ? [] : [...servers]);
    this.keyConverter = this.getClass(K.KEY_CONVERTER) as string;
    this.valueConverter = this.getClass(K.VALUE_CONVERTER) as string;
    this.headerConverter = this.getClass(K.HEADER_CONVERTER) as string;
    this.keyConverterConfigs = this.subMap(P.KEY_CONVERTER);
    this.valueConverterConfigs = this.subMap(P.VALUE_CONVERTER);
    this.headerConverterConfigs = this.subMap(P.HEADER_CONVERTER);
    this.offsetFlushIntervalMs = this.getLong(K.OFFSET_FLUSH_INTERVAL_MS) as number;
    this.offsetFlushTimeoutMs = this.getLong(K.OFFSET_FLUSH_TIMEOUT_MS) as number;
    this.taskShutdownGracefulTimeoutMs = this.getLong(K.TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS) as number;
    this.pluginPath = Object.freeze([...(this.getList(K.PLUGIN_PATH) ?? [])].filter((p) => p !== ''));
    this.configProviders = Object.freeze([...(this.getList(K.CONFIG_PROVIDERS) ?? [])]);
    this.connectorClientConfigOverridePolicy = this.getString(K.CONNECTOR_CLIENT_POLICY) as 'All' | 'None' | 'Principal';
    this.topicCreationEnable = this.getBoolean(K.TOPIC_CREATION_ENABLE) as boolean;
    this.topicTrackingEnable = this.getBoolean(K.TOPIC_TRACKING_ENABLE) as boolean;
    this.topicTrackingAllowReset = this.getBoolean(K.TOPIC_TRACKING_ALLOW_RESET) as boolean;
    this.listeners = Object.freeze(parseRestListeners(this.getList(K.LISTENERS) ?? [], K.LISTENERS));
    const admin = this.getList(K.ADMIN_LISTENERS);
    this.adminListeners = admin === null ? null : Object.freeze(parseRestListeners(admin, K.ADMIN_LISTENERS));
    this.restAdvertisedHostName = this.getString(K.REST_ADVERTISED_HOST_NAME);
    this.restAdvertisedPort = this.getInt(K.REST_ADVERTISED_PORT);
    this.restAdvertisedListener = this.getString(K.REST_ADVERTISED_LISTENER) as 'http' | 'https' | null;
    this.accessControlAllowOrigin = this.getString(K.ACCESS_CONTROL_ALLOW_ORIGIN) ?? '';
    this.accessControlAllowMethods = this.getString(K.ACCESS_CONTROL_ALLOW_METHODS) ?? '';
    this.listenersHttpsConfigs = this.subMap(P.LISTENERS_HTTPS);
    this.producerConfigs = this.subMap(P.PRODUCER);
    this.consumerConfigs = this.subMap(P.CONSUMER);
    // admin.listeners and admin.listeners.https.* configure the REST server, not admin clients.
    this.adminConfigs = this.subMap(P.ADMIN, (k) => k !== 'listeners' && !k.startsWith('listeners.'));
    this.brokerConfigs = this.subMap(P.BROKER);
    this.offsetStorageFileFilename = mode === 'standalone' ? this.getString(K.OFFSET_STORAGE_FILE_FILENAME) : null;
    this.distributed = mode === 'distributed' ? this.distributedSettings() : null;
  }

  /**
   * The URL other workers reach this one at, which is also its worker id (Kafka's RestServer.advertisedUrl):
   * the protocol of rest.advertised.listener or the first listener, rest.advertised.host.name or the listener's
   * host (the machine's host name when the listener binds every interface), and rest.advertised.port or the port
   * the listener is bound to.
   */
  restAdvertisedUrl(boundPort?: number): string {
    const protocol = this.restAdvertisedListener ?? (this.listeners[0] as RestListener).protocol;
    const listener = this.listeners.find((l) => l.protocol === protocol) ?? (this.listeners[0] as RestListener);
    const listenerHost = listener.host === null || listener.host === '0.0.0.0' || listener.host === '::' ? null : listener.host;
    const host = this.restAdvertisedHostName ?? listenerHost ?? hostname();
    const port = this.restAdvertisedPort ?? boundPort ?? listener.port;
    return restUrl(protocol, host, port);
  }

  /**
   * Checks that the converter classes resolve in the registry (call after plugin.path is loaded); throws a
   * ConfigError naming each key whose class is unknown or ambiguous.
   */
  checkPlugins(registry: PluginRegistry): void {
    const fieldErrors: Record<string, string[]> = {};
    const check = (key: string, className: string, type: 'converter' | 'header_converter'): void => {
      const found = registry.lookup(className, type);
      if (found.status === 'not-found') fieldErrors[key] = [ConfigError.invalidValue(key, className, `Class ${className} could not be found.`).message];
      if (found.status === 'ambiguous') {
        fieldErrors[key] = [ConfigError.invalidValue(key, className, `${className} is ambiguous, it matches ${found.candidates.join(', ')}`).message];
      }
    };
    check(K.KEY_CONVERTER, this.keyConverter, 'converter');
    check(K.VALUE_CONVERTER, this.valueConverter, 'converter');
    check(K.HEADER_CONVERTER, this.headerConverter, 'header_converter');
    const messages = Object.values(fieldErrors).flat();
    if (messages.length > 0) throw new ConfigError(messages.length === 1 ? (messages[0] as string) : `Invalid configuration:\n${messages.join('\n')}`, { fieldErrors });
  }

  /** The original properties with secret-looking and provider-resolved values replaced by `[hidden]`. */
  redactedOriginals(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originalsStrings())) out[k] = this.isSensitive(k) ? HIDDEN : v;
    return out;
  }

  /** Whether a key's value must not be shown (resolved from a config provider, or named like a secret). */
  isSensitive(key: string): boolean {
    return this.sensitiveKeys.has(key) || SECRET_KEY.test(key);
  }

  /** Logs and JSON show the mode and redacted properties only. */
  toJSON(): Record<string, unknown> {
    return { mode: this.mode, config: this.redactedOriginals() };
  }

  [inspect.custom](): string {
    return `WorkerConfig ${inspect(this.toJSON(), { depth: 3 })}`;
  }

  private subMap(prefix: string, keep: (key: string) => boolean = () => true): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originalsWithPrefix(prefix))) {
      if (keep(k) && v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : String(v);
    }
    return Object.freeze(out);
  }

  private distributedSettings(): DistributedSettings {
    return Object.freeze({
      groupId: this.getString(K.GROUP_ID) as string,
      configStorageTopic: this.getString(K.CONFIG_STORAGE_TOPIC) as string,
      configStorageReplicationFactor: this.getShort(K.CONFIG_STORAGE_REPLICATION_FACTOR) as number,
      offsetStorageTopic: this.getString(K.OFFSET_STORAGE_TOPIC) as string,
      offsetStoragePartitions: this.getInt(K.OFFSET_STORAGE_PARTITIONS) as number,
      offsetStorageReplicationFactor: this.getShort(K.OFFSET_STORAGE_REPLICATION_FACTOR) as number,
      statusStorageTopic: this.getString(K.STATUS_STORAGE_TOPIC) as string,
      statusStoragePartitions: this.getInt(K.STATUS_STORAGE_PARTITIONS) as number,
      statusStorageReplicationFactor: this.getShort(K.STATUS_STORAGE_REPLICATION_FACTOR) as number,
      sessionTimeoutMs: this.getInt(K.SESSION_TIMEOUT_MS) as number,
      heartbeatIntervalMs: this.getInt(K.HEARTBEAT_INTERVAL_MS) as number,
      rebalanceTimeoutMs: this.getInt(K.REBALANCE_TIMEOUT_MS) as number,
      scheduledRebalanceMaxDelayMs: this.getInt(K.SCHEDULED_REBALANCE_MAX_DELAY_MS) as number,
      workerSyncTimeoutMs: this.getInt(K.WORKER_SYNC_TIMEOUT_MS) as number,
    });
  }
}

export interface LoadedWorkerConfig {
  readonly config: WorkerConfig;
  /** The worker's config providers, for resolving connector configs too. Close it on shutdown. */
  readonly configTransformer: ConfigTransformer;
}

export type LoadWorkerConfigOptions = CreateConfigProvidersOptions;

/**
 * Builds the worker's config providers from `config.providers*`, resolves `${provider:...}` references in every
 * other property, then parses the result. Throws a ConfigError naming the offending keys.
 */
export async function loadWorkerConfig(props: Readonly<Record<string, string>>, mode: WorkerMode, options: LoadWorkerConfigOptions = {}): Promise<LoadedWorkerConfig> {
  const configTransformer = new ConfigTransformer(createConfigProviders(props, options));
  const transformable: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (!isConfigProviderKey(k)) transformable[k] = v;
  let resolved: Awaited<ReturnType<ConfigTransformer['transform']>>;
  try {
    resolved = await configTransformer.transform(transformable);
  } catch (err) {
    await configTransformer.close();
    throw err;
  }
  try {
    const config = new WorkerConfig({ ...props, ...resolved.data }, mode, { sensitiveKeys: resolved.resolvedKeys });
    return { config, configTransformer };
  } catch (err) {
    await configTransformer.close();
    throw err;
  }
}

/** Reads a worker properties file and loads it (see loadWorkerConfig). */
export async function readWorkerConfigFile(file: string, mode: WorkerMode, options: LoadWorkerConfigOptions = {}): Promise<LoadedWorkerConfig> {
  return loadWorkerConfig(await readPropertiesFile(file), mode, options);
}
