/**
 * Config providers (Kafka's org.apache.kafka.common.config.provider.ConfigProvider): sources of configuration values
 * that configurations refer to as `${provider:[path:]key}`, so that secrets stay out of worker and connector
 * configs. Workers configure them with
 *
 *   config.providers=file,env
 *   config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
 *   config.providers.file.param.allowed.paths=/etc/secrets
 *   config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
 *
 * and `${file:/etc/secrets/db.properties:password}` or `${env:DB_PASSWORD}` anywhere in a value.
 */

/** What a provider returns for one path: the values of the keys it found, and how long they stay valid. */
export interface ConfigData {
  readonly data: Readonly<Record<string, string>>;
  /** Milliseconds until the values may change, or undefined when they do not expire. */
  readonly ttl?: number;
}

export interface ConfigProvider {
  /** Receives the `config.providers.<name>.param.*` settings, with that prefix removed. */
  configure(configs: Readonly<Record<string, string>>): void;
  /**
   * The values at `path` ("" when the reference has none), restricted to `keys` when given. Keys the provider does
   * not have are left out of the result rather than reported.
   */
  get(path: string, keys?: readonly string[]): ConfigData | Promise<ConfigData>;
  close?(): void | Promise<void>;
}

export type ConfigProviderClass = new () => ConfigProvider;
