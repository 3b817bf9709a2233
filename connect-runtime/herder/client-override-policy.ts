/**
 * connector.client.config.override.policy: which `producer.override.*`, `consumer.override.*` and `admin.override.*`
 * keys a connector config may carry (Kafka's KIP-458 policies). `All` allows any, `None` none, `Principal` only the
 * keys that choose the client's identity. Every key the policy refuses is an error on that key in the validation
 * answer, so that creating or updating such a connector is a 400 naming it.
 */
import { CLIENT_OVERRIDE_PREFIXES, type ConfigInfos } from '../api';

export type ClientOverridePolicy = 'All' | 'None' | 'Principal';

/** What the Principal policy lets a connector set: the SASL identity and how the client authenticates. */
const PRINCIPAL_KEYS: ReadonlySet<string> = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

function allows(policy: ClientOverridePolicy, clientKey: string): boolean {
  if (policy === 'All') return true;
  if (policy === 'None') return false;
  return PRINCIPAL_KEYS.has(clientKey);
}

/** The connector's client override keys, each with an error when the policy refuses it. */
export function validateClientOverrides(connectorClass: string, policy: ClientOverridePolicy, config: Readonly<Record<string, string>>): ConfigInfos {
  const configs: ConfigInfos['configs'] = [];
  let errorCount = 0;
  for (const [name, value] of Object.entries(config)) {
    const prefix = CLIENT_OVERRIDE_PREFIXES.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    const errors = allows(policy, name.slice(prefix.length)) ? [] : [`The '${policy}' policy does not allow '${name}' to be overridden in the connector configuration.`];
    errorCount += errors.length;
    configs.push({ definition: null, value: { name, value, recommended_values: [], errors, visible: true } });
  }
  return { name: connectorClass, error_count: errorCount, groups: [], configs };
}
