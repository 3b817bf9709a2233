/**
 * Connector config validation as Kafka Connect's AbstractHerder does it: the framework keys (source or
 * sink ConnectorConfig) and the connector's own ConfigDef, merged into one ConfigInfos; the error text
 * of a refused create/update; and the checks of `PUT /connector-plugins/{plugin}/config/validate`.
 */
import {
  ConnectError,
  ConnectErrorCode,
  HIDDEN,
  NotFoundError,
  configInfos as buildConfigInfos,
  configKeyInfos,
  mergeConfigInfos,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
  validateToConfigInfos,
  type ConfigDef,
  type ConfigInfos,
  type ConfigKeyInfo,
} from '../api';
import { enrichWithTransforms, type PluginRegistry } from '../plugins';
import { validateClientOverrides, type ClientOverridePolicy } from './client-override-policy';


/** Framework keys (source or sink), client overrides as the policy allows them, and the connector's own keys, with their values and errors. */
export async function validateConnectorConfig(registry: PluginRegistry, config: Record<string, string>, overridePolicy: ClientOverridePolicy): Promise<ConfigInfos> {
  const className = config['connector.class'] ?? '';
  const lookup = registry.lookup(className, 'connector');
  if (lookup.status !== 'found') {
    const framework = validateToConfigInfos(className, sourceConnectorConfigDef(), config);
    const failed = framework.configs.find((c) => c.value?.name === 'connector.class');
    if (failed?.value) failed.value.errors.push(`Failed to find any class that implements Connector and which name matches ${className}`);
    return { ...framework, error_count: framework.error_count + 1 };
  }
  const isSink = lookup.desc.type === 'sink';
  const frameworkDef = enrichWithTransforms(registry, isSink ? sinkConnectorConfigDef() : sourceConnectorConfigDef(), config);
  const framework = validateToConfigInfos(className, frameworkDef, config);
  const connector = registry.newConnector(className);
  const own = buildConfigInfos(className, connector.config(), await connector.validate(config));
  return mergeConfigInfos(className, framework, validateClientOverrides(className, overridePolicy, config), own);
}

/** Throws Kafka's 400 answer, listing every error, unless the config is valid. */
export async function requireValidConfig(registry: PluginRegistry, config: Record<string, string>, overridePolicy: ClientOverridePolicy): Promise<void> {
  const result = await validateConnectorConfig(registry, config, overridePolicy);
  if (result.error_count === 0) return;
  // One line per error message, as Kafka's AbstractHerder writes it (the messages name their keys).
  const messages = result.configs.flatMap((c) => c.value?.errors ?? []);
  throw new ConnectError(
    `Connector configuration is invalid and contains the following ${messages.length} error(s):\n${messages.join('\n')}\n` +
      'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
    { code: ConnectErrorCode.CONFIG_INVALID },
  );
}

/** Kafka's ConnectorPluginsResource checks: a connector.class is present and names the plugin of the URL. */
export function checkValidateRequest(config: Record<string, string>, pluginFromPath: string | undefined): void {
  const className = config['connector.class'];
  if (pluginFromPath !== undefined && className !== undefined) {
    const strip = (s: string): string => (s.endsWith('Connector') && s.length > 'Connector'.length ? s.slice(0, -'Connector'.length) : s);
    const simple = (s: string): string => s.split(/[.$]/).pop() ?? s;
    // Kafka: the class, without a Connector suffix, ends with the plugin name (also without it). A short
    // connector.class for a full plugin name is accepted too, since either resolves to the same class.
    if (!strip(className).endsWith(strip(pluginFromPath)) && strip(simple(className)) !== strip(simple(pluginFromPath))) {
      throw new ConnectError(`Included connector type ${className} does not match request type ${pluginFromPath}`, { code: ConnectErrorCode.BAD_REQUEST });
    }
  }
  if (className === undefined || className.trim() === '') {
    throw new ConnectError(`Connector config ${javaMapString(config)} contains no connector type`, { code: ConnectErrorCode.BAD_REQUEST });
  }
}

/** `GET /connector-plugins/{plugin}/config`: the plugin's keys, then (for connectors) the framework's. */
export function pluginConfigKeys(registry: PluginRegistry, plugin: string): ConfigKeyInfo[] {
  const lookup = registry.lookup(plugin);
  if (lookup.status !== 'found') throw new NotFoundError(`Unknown plugin ${plugin}.`);
  const desc = lookup.desc;
  const instance = new desc.ctor() as { config?: () => ConfigDef };
  const own = typeof instance.config === 'function' ? configKeyInfos(instance.config()) : [];
  if (desc.type === 'source' || desc.type === 'sink') {
    return [...own, ...configKeyInfos(desc.type === 'sink' ? sinkConnectorConfigDef() : sourceConnectorConfigDef())];
  }
  return own;
}

/**
 * `config` with the values of the connector's PASSWORD keys replaced by `[hidden]` (beyond Kafka Connect,
 * which shows connector configs as stored). Unknown connector classes leave the config as it is.
 */
export function hidePasswords(registry: PluginRegistry, connectorClass: string, config: Record<string, string>): Record<string, string> {
  const out = { ...config };
  if (registry.lookup(connectorClass, 'connector').status !== 'found') return out;
  for (const key of registry.newConnector(connectorClass).config().configKeys.values()) {
    if (key.type === 'PASSWORD' && out[key.name] !== undefined) out[key.name] = HIDDEN;
  }
  return out;
}

/** A string map as Java's AbstractMap.toString prints it: `{k1=v1, k2=v2}`. */
function javaMapString(map: Record<string, string>): string {
  return `{${Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}}`;
}
