/**
 * The Single Message Transforms and predicates that ship with the runtime, as a plugin descriptor under Kafka's (and
 * Debezium's) class names, so that connector configs written for Kafka Connect work unchanged. Kafka's `$Key` and
 * `$Value` inner classes are registered under their full names; each also answers to `<Name>$Key` / `<Name>$Value`
 * (the bare simple names `Key` and `Value` are shared by many classes and so are ambiguous, as in Kafka).
 */
import { definePlugin, type PluginClassEntry, type PluginDescriptor, type TransformationClass } from '../api/plugin-descriptor';
import { SLUICE_VERSION } from '../api/version';
import * as T from '../transforms';
import type { BuiltinOptions } from './builtin-converters';
import type { LoadedPlugin, PluginRegistry } from './plugin-registry';

export const BUILTIN_TRANSFORMS_PLUGIN = 'builtin-transforms';

/** An entry, with the `Outer$Inner` alias for Kafka's inner classes. */
function entry(className: string, ctor: TransformationClass): PluginClassEntry<TransformationClass> {
  const simple = className.slice(className.lastIndexOf('.') + 1);
  return simple.includes('$') ? { class: className, ctor, aliases: [simple] } : { class: className, ctor };
}

export function builtinTransformsDescriptor(options: BuiltinOptions = {}): PluginDescriptor {
  return definePlugin({
    name: BUILTIN_TRANSFORMS_PLUGIN,
    version: options.version ?? SLUICE_VERSION,
    transformations: [
      entry(T.CAST_KEY_CLASS, T.CastKey),
      entry(T.CAST_VALUE_CLASS, T.CastValue),
      entry(T.DROP_HEADERS_CLASS, T.DropHeaders),
      entry(T.EXTRACT_FIELD_KEY_CLASS, T.ExtractFieldKey),
      entry(T.EXTRACT_FIELD_VALUE_CLASS, T.ExtractFieldValue),
      entry(T.FILTER_CLASS, T.Filter),
      entry(T.FLATTEN_KEY_CLASS, T.FlattenKey),
      entry(T.FLATTEN_VALUE_CLASS, T.FlattenValue),
      entry(T.HEADER_FROM_KEY_CLASS, T.HeaderFromKey),
      entry(T.HEADER_FROM_VALUE_CLASS, T.HeaderFromValue),
      entry(T.HOIST_FIELD_KEY_CLASS, T.HoistFieldKey),
      entry(T.HOIST_FIELD_VALUE_CLASS, T.HoistFieldValue),
      entry(T.INSERT_FIELD_KEY_CLASS, T.InsertFieldKey),
      entry(T.INSERT_FIELD_VALUE_CLASS, T.InsertFieldValue),
      entry(T.INSERT_HEADER_CLASS, T.InsertHeader),
      entry(T.MASK_FIELD_KEY_CLASS, T.MaskFieldKey),
      entry(T.MASK_FIELD_VALUE_CLASS, T.MaskFieldValue),
      entry(T.REGEX_ROUTER_CLASS, T.RegexRouter),
      entry(T.REPLACE_FIELD_KEY_CLASS, T.ReplaceFieldKey),
      entry(T.REPLACE_FIELD_VALUE_CLASS, T.ReplaceFieldValue),
      entry(T.SET_SCHEMA_METADATA_KEY_CLASS, T.SetSchemaMetadataKey),
      entry(T.SET_SCHEMA_METADATA_VALUE_CLASS, T.SetSchemaMetadataValue),
      entry(T.TIMESTAMP_CONVERTER_KEY_CLASS, T.TimestampConverterKey),
      entry(T.TIMESTAMP_CONVERTER_VALUE_CLASS, T.TimestampConverterValue),
      entry(T.TIMESTAMP_ROUTER_CLASS, T.TimestampRouter),
      entry(T.VALUE_TO_KEY_CLASS, T.ValueToKey),
      entry(T.EXTRACT_NEW_RECORD_STATE_CLASS, T.ExtractNewRecordState),
    ],
    predicates: [
      { class: T.HAS_HEADER_KEY_CLASS, ctor: T.HasHeaderKey },
      { class: T.RECORD_IS_TOMBSTONE_CLASS, ctor: T.RecordIsTombstone },
      { class: T.TOPIC_NAME_MATCHES_CLASS, ctor: T.TopicNameMatches },
    ],
  });
}

/** Registers the built-in transformations and predicates in `registry` (idempotent). */
export function registerBuiltinTransforms(registry: PluginRegistry, options: BuiltinOptions = {}): LoadedPlugin {
  return registry.registerPlugin(builtinTransformsDescriptor(options), 'builtin');
}
