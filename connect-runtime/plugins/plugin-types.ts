/** The vocabulary of the plugin registry: plugin types, registered classes, and the REST PluginInfo shape. */

/** Kafka Connect's plugin types, in the order `GET /connector-plugins` lists them. */
export const PLUGIN_TYPES = ['sink', 'source', 'transformation', 'predicate', 'converter', 'header_converter'] as const;
export type PluginType = (typeof PLUGIN_TYPES)[number];

/** A filter for resolution and listing: one type, `connector` (source or sink), or several types. */
export type PluginTypeFilter = PluginType | 'connector' | readonly PluginType[];

/** A class that can be instantiated without arguments. */
export type PluginConstructor = new () => unknown;

/** One registered class under one type. A class that is both a converter and a header converter has two. */
export interface PluginDesc {
  /** The full class name. */
  readonly className: string;
  readonly type: PluginType;
  /** Undefined when neither the plugin nor its descriptor states one (Kafka's "undefined" version). */
  readonly version: string | undefined;
  readonly ctor: PluginConstructor;
  /** Extra names from the descriptor (beyond the simple and pruned names, which are always accepted). */
  readonly aliases: readonly string[];
  /** The name of the plugin descriptor that brought the class. */
  readonly plugin: string;
  /** Where the plugin came from: `builtin`, or the package directory. */
  readonly location: string;
}

/** `GET /connector-plugins` entries; `version` is left out when undefined, as Kafka Connect does. */
export interface PluginInfo {
  class: string;
  type: PluginType;
  version?: string;
}

/** What kind of class each type is, for messages (Kafka's PluginType.superClass simple names). */
export const PLUGIN_TYPE_NOUNS: Readonly<Record<PluginType, string>> = {
  sink: 'SinkConnector',
  source: 'SourceConnector',
  transformation: 'Transformation',
  predicate: 'Predicate',
  converter: 'Converter',
  header_converter: 'HeaderConverter',
};

/** The set of types a filter selects (all types when the filter is undefined). */
export function typesOf(filter: PluginTypeFilter | undefined): ReadonlySet<PluginType> {
  if (filter === undefined) return new Set(PLUGIN_TYPES);
  if (filter === 'connector') return new Set<PluginType>(['sink', 'source']);
  if (typeof filter === 'string') return new Set([filter as PluginType]);
  return new Set(filter as readonly PluginType[]);
}

/** The class's simple name: what follows the last `.` or `$` (Java's getSimpleName for nested classes). */
export function simpleClassName(className: string): string {
  const cut = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
  return className.slice(cut + 1);
}

/**
 * The simple name without the type's suffix (after Kafka's PluginUtils.prunedName): `FileStreamSourceConnector` →
 * `FileStreamSource`, `JsonConverter` → `Json`, `SimpleHeaderConverter` → `Simple`. Undefined when the simple name
 * does not end with the suffix or is nothing but the suffix.
 */
export function prunedClassName(className: string, type: PluginType): string | undefined {
  const suffix = type === 'sink' || type === 'source' ? 'Connector' : PRUNED_SUFFIXES[type];
  const simple = simpleClassName(className);
  return simple.length > suffix.length && simple.endsWith(suffix) ? simple.slice(0, -suffix.length) : undefined;
}

const PRUNED_SUFFIXES: Readonly<Record<Exclude<PluginType, 'sink' | 'source'>, string>> = {
  transformation: 'Transformation',
  predicate: 'Predicate',
  converter: 'Converter',
  header_converter: 'HeaderConverter',
};

/** The REST shape of a registered class. */
export function toPluginInfo(desc: PluginDesc): PluginInfo {
  return desc.version === undefined ? { class: desc.className, type: desc.type } : { class: desc.className, type: desc.type, version: desc.version };
}
