/** The plugin registry, the built-in converters, and plugin.path discovery. */
export {
  PluginRegistry,
  type PluginRegistration,
  type PluginLookup,
  type LoadedPlugin,
} from './plugin-registry';
export {
  PLUGIN_TYPES,
  PLUGIN_TYPE_NOUNS,
  simpleClassName,
  prunedClassName,
  toPluginInfo,
  type PluginType,
  type PluginTypeFilter,
  type PluginDesc,
  type PluginInfo,
  type PluginConstructor,
} from './plugin-types';
export { checkDescriptor, unwrapPluginExport, type CheckedDescriptor, type CheckedEntry } from './descriptor-check';
export { registerBuiltinConverters, builtinConvertersDescriptor, BUILTIN_CONVERTERS_PLUGIN, type BuiltinOptions } from './builtin-converters';
export {
  discoverPlugins,
  type PluginLogger,
  type PluginDiscoveryReport,
  type LoadedPluginReport,
  type SkippedPluginReport,
} from './plugin-discovery';
export { transformStages, enrichWithTransforms, type TransformStageSpec, type PredicateSpec } from './transform-stages';
export { registerBuiltinTransforms, builtinTransformsDescriptor, BUILTIN_TRANSFORMS_PLUGIN } from './builtin-transforms';
