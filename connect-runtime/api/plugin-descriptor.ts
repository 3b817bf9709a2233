/**
 * Plugin descriptors: how a package of connectors, converters, transformations and predicates introduces itself to
 * the runtime. Built-in plugins (connectors/*) and third-party packages found on `plugin.path` use the same format,
 * and the runtime's plugin registry reads nothing else: no import side effects, no global registry.
 *
 *   // connectors/file/index.ts
 *   export const plugin: PluginDescriptor = definePlugin({
 *     name: 'file',
 *     version: '1.0.0',
 *     connectors: [
 *       { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', ctor: FileStreamSourceConnector },
 *       { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', ctor: FileStreamSinkConnector },
 *     ],
 *   });
 *
 * A package on `plugin.path` exports a descriptor as its main module (`module.exports = descriptor`, or
 * `module.exports.default`), or a factory `(api) => descriptor` that receives the runtime's connector API, so that a
 * plain JavaScript plugin can extend the runtime's own SourceConnector, SourceTask, ... classes and build its
 * records and schemas with them.
 *
 * Class names are what configurations refer to (`connector.class`, `key.converter`, `transforms.<a>.type`, ...):
 * the full name, the simple name (after the last `.` or `$`) and, for connectors, the simple name without the
 * `Connector` suffix all resolve. `aliases` adds further names, e.g. a Kafka or Debezium class name the plugin
 * stands in for.
 */
import type { Connector } from './connector';
import type { Converter, HeaderConverter } from './converter';
import type { ConnectRecord } from './records';
import type { Predicate, Transformation } from './transformation';

export interface PluginClassEntry<C> {
  /** The full class name, e.g. `org.apache.kafka.connect.file.FileStreamSourceConnector`. */
  class: string;
  /** A constructor taking no arguments. */
  ctor: C;
  /** The version shown by `GET /connector-plugins`; by default the instance's version() or the descriptor's version. */
  version?: string;
  /** Further names that resolve to this class. */
  aliases?: readonly string[];
}

export type ConnectorClass = new () => Connector;
export type ConverterClass = new () => Converter;
export type HeaderConverterClass = new () => HeaderConverter;
/** Transformations and predicates apply to source and sink records alike, so their classes are generic. */
export type TransformationClass = new <R extends ConnectRecord<R>>() => Transformation<R>;
export type PredicateClass = new <R extends ConnectRecord<R>>() => Predicate<R>;

export interface ConnectorEntry extends PluginClassEntry<ConnectorClass> {
  /**
   * Source or sink. Derived from the class when it extends the runtime's SourceConnector or SinkConnector; required
   * otherwise.
   */
  type?: 'source' | 'sink';
}

export interface PluginDescriptor {
  /** A name unique among the loaded plugins, e.g. the package name. */
  name: string;
  /** The default version of every class in this plugin. */
  version?: string;
  connectors?: readonly ConnectorEntry[];
  converters?: readonly PluginClassEntry<ConverterClass>[];
  headerConverters?: readonly PluginClassEntry<HeaderConverterClass>[];
  transformations?: readonly PluginClassEntry<TransformationClass>[];
  predicates?: readonly PluginClassEntry<PredicateClass>[];
}

/** The other form a plugin package may export: a function of the runtime's connector API module. */
export type PluginDescriptorFactory = (api: Readonly<Record<string, unknown>>) => PluginDescriptor;

/** Identity function that type-checks a descriptor. */
export function definePlugin(descriptor: PluginDescriptor): PluginDescriptor {
  return descriptor;
}
