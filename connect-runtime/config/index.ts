/** Worker configuration: properties files, the worker's config spec, config providers and `${...}` resolution. */
export { parseProperties, readPropertiesFile, readPropertiesFileSync, type Properties } from './properties';
export type { ConfigProvider, ConfigProviderClass, ConfigData } from './config-provider';
export {
  FileConfigProvider,
  DirectoryConfigProvider,
  EnvVarConfigProvider,
  BUILTIN_CONFIG_PROVIDERS,
  FILE_CONFIG_PROVIDER_CLASS,
  DIRECTORY_CONFIG_PROVIDER_CLASS,
  ENV_VAR_CONFIG_PROVIDER_CLASS,
  ALLOWED_PATHS_CONFIG,
  ALLOWLIST_PATTERN_CONFIG,
} from './builtin-config-providers';
export {
  ConfigTransformer,
  createConfigProviders,
  isConfigProviderKey,
  CONFIG_PROVIDERS_CONFIG,
  type ConfigTransformResult,
  type CreateConfigProvidersOptions,
} from './config-transformer';
export { parseRestListener, parseRestListeners, restUrl, type RestListener, type RestProtocol } from './rest-listeners';
export {
  commonWorkerConfigDef,
  standaloneConfigDef,
  distributedConfigDef,
  WorkerConfigKeys,
  WorkerConfigPrefixes,
  EMBEDDED_BOOTSTRAP,
  DEFAULT_LISTENER,
  DEFAULT_HEADER_CONVERTER,
} from './worker-config-def';
export {
  WorkerConfig,
  loadWorkerConfig,
  readWorkerConfigFile,
  type WorkerMode,
  type WorkerConfigOptions,
  type DistributedSettings,
  type LoadedWorkerConfig,
  type LoadWorkerConfigOptions,
} from './worker-config';
