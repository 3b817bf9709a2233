/**
 * The converters that ship with the runtime, as a plugin descriptor under Kafka's class names. JsonConverter,
 * StringConverter and ByteArrayConverter are both converters and header converters, as in Kafka.
 */
import { definePlugin, type PluginDescriptor } from '../api/plugin-descriptor';
import { SLUICE_VERSION } from '../api/version';
import { BYTE_ARRAY_CONVERTER_CLASS, ByteArrayConverter } from '../converters/byte-array-converter';
import { JSON_CONVERTER_CLASS, JsonConverter } from '../converters/json-converter';
import { SIMPLE_HEADER_CONVERTER_CLASS, SimpleHeaderConverter } from '../converters/simple-header-converter';
import { STRING_CONVERTER_CLASS, StringConverter } from '../converters/string-converter';
import type { LoadedPlugin, PluginRegistry } from './plugin-registry';

export const BUILTIN_CONVERTERS_PLUGIN = 'builtin-converters';

export interface BuiltinOptions {
  /** The version shown for the built-in classes; by default the Sluice release (SLUICE_VERSION). */
  version?: string;
}

export function builtinConvertersDescriptor(options: BuiltinOptions = {}): PluginDescriptor {
  return definePlugin({
    name: BUILTIN_CONVERTERS_PLUGIN,
    version: options.version ?? SLUICE_VERSION,
    converters: [
      { class: JSON_CONVERTER_CLASS, ctor: JsonConverter },
      { class: STRING_CONVERTER_CLASS, ctor: StringConverter },
      { class: BYTE_ARRAY_CONVERTER_CLASS, ctor: ByteArrayConverter },
    ],
    headerConverters: [
      { class: SIMPLE_HEADER_CONVERTER_CLASS, ctor: SimpleHeaderConverter },
      { class: JSON_CONVERTER_CLASS, ctor: JsonConverter },
      { class: STRING_CONVERTER_CLASS, ctor: StringConverter },
      { class: BYTE_ARRAY_CONVERTER_CLASS, ctor: ByteArrayConverter },
    ],
  });
}

/** Registers the built-in converters in `registry` (idempotent). */
export function registerBuiltinConverters(registry: PluginRegistry, options: BuiltinOptions = {}): LoadedPlugin {
  return registry.registerPlugin(builtinConvertersDescriptor(options), 'builtin');
}
