/**
 * The `transforms` and `predicates` settings of a connector, read as Kafka Connect reads them: each alias in
 * `transforms` has `transforms.<alias>.type` (the Transformation class), optionally `.predicate` (an alias in
 * `predicates`) and `.negate`, and passes every `transforms.<alias>.*` key on to the transformation. Also the
 * ConfigDef enrichment that makes validation report these keys, and each plugin's own keys, under their prefixes.
 */
import { ConfigDef, ConfigError, LambdaValidator, NO_DEFAULT } from '../api';
import type { PluginRegistry } from './plugin-registry';

export interface TransformStageSpec {
  alias: string;
  type: string;
  /** Every `transforms.<alias>.*` key without the prefix, except predicate and negate (as Kafka passes them). */
  configs: Record<string, string>;
  predicate: string | null;
  negate: boolean;
}

export interface PredicateSpec {
  alias: string;
  type: string;
  configs: Record<string, string>;
}

function aliases(value: string | undefined): string[] {
  return (value ?? '').split(',').map((a) => a.trim()).filter(Boolean);
}

function withPrefix(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}

/** The transformation stages and predicates a connector config asks for; throws ConfigError naming a missing key. */
export function transformStages(config: Readonly<Record<string, string>>): { stages: TransformStageSpec[]; predicates: Map<string, PredicateSpec> } {
  const predicates = new Map<string, PredicateSpec>();
  for (const alias of aliases(config['predicates'])) {
    const configs = withPrefix(config, `predicates.${alias}.`);
    if (!configs['type']) throw new ConfigError(`Missing required configuration "predicates.${alias}.type" which has no default value.`);
    predicates.set(alias, { alias, type: configs['type'], configs });
  }
  const stages = aliases(config['transforms']).map((alias): TransformStageSpec => {
    const configs = withPrefix(config, `transforms.${alias}.`);
    if (!configs['type']) throw new ConfigError(`Missing required configuration "transforms.${alias}.type" which has no default value.`);
    const predicate = configs['predicate']?.trim() || null;
    const negate = (configs['negate'] ?? 'false').trim().toLowerCase() === 'true';
    delete configs['predicate'];
    delete configs['negate'];
    if (predicate !== null && !predicates.has(predicate)) {
      throw ConfigError.invalidValue(`transforms.${alias}.predicate`, predicate, `Unknown predicate alias "${predicate}": it is not listed in predicates.`);
    }
    return { alias, type: configs['type'], configs, predicate, negate };
  });
  return { stages, predicates };
}

/**
 * `base` plus, per alias, the `type`/`predicate`/`negate` keys and the plugin's own ConfigDef embedded under
 * its prefix (Kafka's EnrichedConnectorConfig), so that validation checks and reports them like any other key.
 */
export function enrichWithTransforms(registry: PluginRegistry, base: ConfigDef, config: Readonly<Record<string, string>>): ConfigDef {
  const def = new ConfigDef(base);
  const classValidator = (kind: 'transformation' | 'predicate', noun: string): LambdaValidator =>
    LambdaValidator.with(
      (name, value) => {
        if (typeof value !== 'string' || value === '') return;
        if (registry.lookup(value, kind).status !== 'found') throw ConfigError.invalidValue(name, value, `Class ${value} could not be found or is not a ${noun}.`);
      },
      { description: `a ${noun} class` },
    );
  const embedPlugin = (kind: 'transformation' | 'predicate', type: string | undefined, prefix: string, group: string): void => {
    if (!type || registry.lookup(type, kind).status !== 'found') return;
    const plugin = (kind === 'transformation' ? registry.newTransformation(type) : registry.newPredicate(type)) as { config(): ConfigDef };
    def.embed(prefix, group, 3, plugin.config());
  };
  for (const alias of aliases(config['transforms'])) {
    const prefix = `transforms.${alias}.`;
    const group = `Transforms: ${alias}`;
    def
      .define({ name: `${prefix}type`, type: 'CLASS', default: NO_DEFAULT, validator: classValidator('transformation', 'Transformation'), importance: 'HIGH', documentation: 'Class for the transformation.', group, orderInGroup: 0, displayName: 'Transformation type for ' + alias })
      .define({ name: `${prefix}negate`, type: 'BOOLEAN', default: false, importance: 'MEDIUM', documentation: 'Whether the configured predicate is negated.', group, orderInGroup: 1, displayName: 'Negate' })
      .define({ name: `${prefix}predicate`, type: 'STRING', default: null, importance: 'MEDIUM', documentation: 'The alias of a predicate that decides whether the transformation applies.', group, orderInGroup: 2, displayName: 'Predicate' });
    embedPlugin('transformation', config[`${prefix}type`], prefix, group);
  }
  for (const alias of aliases(config['predicates'])) {
    const prefix = `predicates.${alias}.`;
    const group = `Predicates: ${alias}`;
    def.define({ name: `${prefix}type`, type: 'CLASS', default: NO_DEFAULT, validator: classValidator('predicate', 'Predicate'), importance: 'HIGH', documentation: 'Class for the predicate.', group, orderInGroup: 0, displayName: 'Predicate type for ' + alias });
    embedPlugin('predicate', config[`${prefix}type`], prefix, group);
  }
  return def;
}
