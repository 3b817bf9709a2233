/**
 * The plugin registry: which connector, converter, header converter, transformation and predicate classes this
 * worker knows, under which names, and how to instantiate them. It is an explicit instance that the composition
 * root fills (built-in plugins, then `plugin.path`); nothing registers itself on import.
 *
 * Name resolution, for a class name as written in a configuration, among the classes of the requested types:
 *   1. the full class name (`org.apache.kafka.connect.file.FileStreamSourceConnector`);
 *   2. an explicit alias (a descriptor entry's `aliases`, or addAlias);
 *   3. the simple name (`FileStreamSourceConnector`; after the last `.` or `$`) or the simple name without the type's
 *      suffix (`FileStreamSource`, `Json` for JsonConverter), as Kafka Connect's PluginUtils aliases do.
 * A name matching several distinct classes at the same step is an error that lists them; the full name always works.
 */
import type { Connector } from '../api/connector';
import type { Converter, HeaderConverter } from '../api/converter';
import { AlreadyExistsError, ConfigError, ConnectError, NotFoundError } from '../api/errors';
import type { PluginDescriptor } from '../api/plugin-descriptor';
import type { ConnectRecord } from '../api/records';
import type { Predicate, Transformation } from '../api/transformation';
import { type CheckedEntry, checkDescriptor } from './descriptor-check';
import {
  PLUGIN_TYPES,
  PLUGIN_TYPE_NOUNS,
  type PluginConstructor,
  type PluginDesc,
  type PluginInfo,
  type PluginType,
  type PluginTypeFilter,
  prunedClassName,
  simpleClassName,
  toPluginInfo,
  typesOf,
} from './plugin-types';

/** Registers one class directly (descriptors are the usual way). */
export interface PluginRegistration {
  className: string;
  type: PluginType;
  ctor: PluginConstructor;
  version?: string;
  aliases?: readonly string[];
  /** Defaults to the class name. */
  plugin?: string;
  /** Defaults to `builtin`. */
  location?: string;
}

export type PluginLookup =
  | { readonly status: 'found'; readonly desc: PluginDesc }
  | { readonly status: 'not-found' }
  | { readonly status: 'ambiguous'; readonly candidates: readonly string[] };

/** A loaded plugin descriptor: its name, where it came from, and its classes. */
export interface LoadedPlugin {
  readonly name: string;
  readonly location: string;
  readonly classes: readonly PluginDesc[];
}

export class PluginRegistry {
  /** className → type → desc. */
  private readonly byClass = new Map<string, Map<PluginType, PluginDesc>>();
  /** alias → class names. */
  private readonly aliasTargets = new Map<string, Set<string>>();
  private readonly loaded = new Map<string, LoadedPlugin>();

  /**
   * Registers every class of a descriptor, or none: a descriptor with a bad entry, or one whose classes clash with
   * classes already registered from elsewhere, throws and changes nothing. Registering the same descriptor from the
   * same location again is a no-op.
   */
  registerPlugin(descriptor: PluginDescriptor, location: string): LoadedPlugin {
    const checked = checkDescriptor(descriptor);
    const previous = this.loaded.get(checked.name);
    if (previous !== undefined) {
      if (previous.location === location && sameEntries(previous.classes, checked.entries)) return previous;
      throw new AlreadyExistsError(`Plugin ${checked.name} from ${location} clashes with the plugin of the same name already loaded from ${previous.location}`);
    }
    const classes = checked.entries.map((entry) => this.toDesc(entry, checked.name, checked.version, location));
    const seen = new Set<string>();
    for (const desc of classes) {
      const key = `${desc.type} ${desc.className}`;
      if (seen.has(key)) throw new ConfigError(`Invalid plugin descriptor: plugin ${checked.name} lists ${PLUGIN_TYPE_NOUNS[desc.type]} ${desc.className} twice`);
      seen.add(key);
      this.checkNoClash(desc);
    }
    for (const desc of classes) this.add(desc);
    const plugin: LoadedPlugin = { name: checked.name, location, classes };
    this.loaded.set(plugin.name, plugin);
    return plugin;
  }

  /** Registers one class. Registering the same constructor under the same name and type again is a no-op. */
  register(registration: PluginRegistration): PluginDesc {
    const location = registration.location ?? 'builtin';
    const desc = this.toDesc(
      {
        className: registration.className,
        type: registration.type,
        ctor: registration.ctor,
        version: registration.version,
        aliases: [...(registration.aliases ?? [])],
      },
      registration.plugin ?? registration.className,
      undefined,
      location,
    );
    const existing = this.byClass.get(desc.className)?.get(desc.type);
    if (existing !== undefined && existing.ctor === desc.ctor) return existing;
    this.checkNoClash(desc);
    this.add(desc);
    return desc;
  }

  /** Makes `alias` resolve to a registered class, e.g. a Kafka or Debezium class name a built-in stands in for. */
  addAlias(alias: string, className: string): void {
    if (!this.byClass.has(className)) throw new NotFoundError(`Cannot alias ${alias} to ${className}: no such plugin class is registered`);
    let targets = this.aliasTargets.get(alias);
    if (targets === undefined) this.aliasTargets.set(alias, (targets = new Set()));
    targets.add(className);
  }

  /** Resolves a name without throwing (see the module comment for the rules). */
  lookup(name: string, filter?: PluginTypeFilter): PluginLookup {
    const types = typesOf(filter);
    const trimmed = name.trim();
    const exact = this.descOf(trimmed, types);
    if (exact !== undefined) return { status: 'found', desc: exact };

    const aliased = [...(this.aliasTargets.get(trimmed) ?? [])].filter((c) => this.descOf(c, types) !== undefined);
    if (aliased.length > 0) return this.pick(aliased, types);

    const matches = new Set<string>();
    for (const [className, byType] of this.byClass) {
      for (const desc of byType.values()) {
        if (!types.has(desc.type)) continue;
        if (simpleClassName(className) === trimmed || prunedClassName(className, desc.type) === trimmed) matches.add(className);
      }
    }
    if (matches.size === 0) return { status: 'not-found' };
    return this.pick([...matches], types);
  }

  /**
   * Resolves a name to a registered class. Throws NotFoundError (listing what is available) or, for an ambiguous
   * name, ConfigError listing the candidates.
   */
  resolve(name: string, filter?: PluginTypeFilter): PluginDesc {
    const found = this.lookup(name, filter);
    if (found.status === 'found') return found.desc;
    if (found.status === 'ambiguous') {
      throw new ConfigError(`Plugin name ${name} is ambiguous: it matches ${found.candidates.join(', ')}. Use the full class name.`);
    }
    const types = [...typesOf(filter)];
    const noun = types.length === 2 && types.includes('source') && types.includes('sink') ? 'Connector' : types.map((t) => PLUGIN_TYPE_NOUNS[t]).join(' or ');
    const available = this.descs(filter).map((d) => d.className);
    throw new NotFoundError(
      `Failed to find any class that implements ${noun} and which name matches ${name}, available classes are: ` +
        (available.length > 0 ? [...new Set(available)].join(', ') : 'none'),
    );
  }

  /** Whether a name resolves (unambiguously) among the given types. */
  has(name: string, filter?: PluginTypeFilter): boolean {
    return this.lookup(name, filter).status === 'found';
  }

  /** The registered classes of the given types, in `GET /connector-plugins` order (by type, then class name). */
  descs(filter?: PluginTypeFilter): PluginDesc[] {
    const types = typesOf(filter);
    const all: PluginDesc[] = [];
    for (const byType of this.byClass.values()) for (const desc of byType.values()) if (types.has(desc.type)) all.push(desc);
    return all.sort(
      (a, b) => PLUGIN_TYPES.indexOf(a.type) - PLUGIN_TYPES.indexOf(b.type) || compareStrings(a.className, b.className),
    );
  }

  /** `GET /connector-plugins`: `list('connector')` for connectorsOnly=true, `list()` for everything. */
  list(filter?: PluginTypeFilter): PluginInfo[] {
    return this.descs(filter).map(toPluginInfo);
  }

  /** The loaded descriptors, in load order. */
  plugins(): LoadedPlugin[] {
    return [...this.loaded.values()];
  }

  /** Whether a connector class name is a source or a sink connector. */
  connectorType(name: string): 'source' | 'sink' {
    return this.resolve(name, 'connector').type as 'source' | 'sink';
  }

  newConnector(name: string): Connector {
    return instantiate<Connector>(this.resolve(name, 'connector'));
  }

  newConverter(name: string): Converter {
    return instantiate<Converter>(this.resolve(name, 'converter'));
  }

  newHeaderConverter(name: string): HeaderConverter {
    return instantiate<HeaderConverter>(this.resolve(name, 'header_converter'));
  }

  newTransformation<R extends ConnectRecord<R>>(name: string): Transformation<R> {
    return instantiate<Transformation<R>>(this.resolve(name, 'transformation'));
  }

  newPredicate<R extends ConnectRecord<R>>(name: string): Predicate<R> {
    return instantiate<Predicate<R>>(this.resolve(name, 'predicate'));
  }

  private pick(classNames: string[], types: ReadonlySet<PluginType>): PluginLookup {
    if (classNames.length > 1) return { status: 'ambiguous', candidates: classNames.sort(compareStrings) };
    return { status: 'found', desc: this.descOf(classNames[0] as string, types) as PluginDesc };
  }

  /** The desc of a class among the given types (the first in listing order when the class has several types). */
  private descOf(className: string, types: ReadonlySet<PluginType>): PluginDesc | undefined {
    const byType = this.byClass.get(className);
    if (byType === undefined) return undefined;
    return PLUGIN_TYPES.filter((t) => types.has(t)).map((t) => byType.get(t)).find((d) => d !== undefined);
  }

  private toDesc(entry: CheckedEntry, plugin: string, pluginVersion: string | undefined, location: string): PluginDesc {
    return Object.freeze({
      className: entry.className,
      type: entry.type,
      version: entry.version ?? instanceVersion(entry) ?? pluginVersion,
      ctor: entry.ctor,
      aliases: Object.freeze([...entry.aliases]),
      plugin,
      location,
    });
  }

  private checkNoClash(desc: PluginDesc): void {
    const existing = this.byClass.get(desc.className)?.get(desc.type);
    if (existing !== undefined) {
      throw new AlreadyExistsError(
        `${PLUGIN_TYPE_NOUNS[desc.type]} ${desc.className} from plugin ${desc.plugin} (${desc.location}) is already registered by plugin ${existing.plugin} (${existing.location})`,
      );
    }
  }

  private add(desc: PluginDesc): void {
    let byType = this.byClass.get(desc.className);
    if (byType === undefined) this.byClass.set(desc.className, (byType = new Map()));
    byType.set(desc.type, desc);
    for (const alias of desc.aliases) this.addAlias(alias, desc.className);
  }
}

/** Kafka asks an instance for its version; classes without version() have none. */
function instanceVersion(entry: CheckedEntry): string | undefined {
  if (typeof (entry.ctor.prototype as { version?: unknown }).version !== 'function') return undefined;
  let version: unknown;
  try {
    version = (new entry.ctor() as { version(): unknown }).version();
  } catch (err) {
    throw new ConnectError(`Cannot read the version of ${entry.className}: ${messageOf(err)}`, { cause: err });
  }
  if (typeof version !== 'string') throw new ConnectError(`${entry.className}.version() returned ${typeof version}, not a string`);
  return version;
}

function instantiate<T>(desc: PluginDesc): T {
  try {
    return new desc.ctor() as T;
  } catch (err) {
    throw new ConnectError(`Failed to instantiate ${PLUGIN_TYPE_NOUNS[desc.type]} ${desc.className}: ${messageOf(err)}`, { cause: err });
  }
}

function sameEntries(descs: readonly PluginDesc[], entries: readonly CheckedEntry[]): boolean {
  return descs.length === entries.length && entries.every((e, i) => descs[i]?.className === e.className && descs[i]?.type === e.type && descs[i]?.ctor === e.ctor);
}

/** Java's String.compareTo order (UTF-16 code units), which Kafka's sorted plugin sets use. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
