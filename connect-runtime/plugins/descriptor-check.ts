/**
 * Runtime checks of plugin descriptors. Descriptors from third-party packages are plain JavaScript, so nothing
 * about their shape is taken on trust: every entry must name a valid class, give a constructor with the methods
 * its type requires, and (for connectors) say whether it is a source or a sink.
 */
import { Connector } from '../api/connector';
import { ConfigError } from '../api/errors';
import type { PluginDescriptor } from '../api/plugin-descriptor';
import { SinkConnector } from '../api/sink';
import { SourceConnector } from '../api/source';
import type { PluginConstructor, PluginType } from './plugin-types';

/** One class of a descriptor, checked. */
export interface CheckedEntry {
  readonly className: string;
  readonly type: PluginType;
  readonly ctor: PluginConstructor;
  readonly version: string | undefined;
  readonly aliases: readonly string[];
}

export interface CheckedDescriptor {
  readonly name: string;
  readonly version: string | undefined;
  readonly entries: readonly CheckedEntry[];
}

/** Java-like class names: dot-separated identifiers; `$` marks nested classes (`Cast$Value`). */
const CLASS_NAME = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

const CONNECTOR_METHODS = ['version', 'start', 'stop', 'taskClass', 'taskConfigs', 'config'];
/** Methods the runtime's Connector base class provides; a class that does not extend it must have them itself. */
const CONNECTOR_BASE_METHODS = ['initialize', 'validate'];

const LISTS: readonly { field: keyof PluginDescriptor; type: PluginType | 'connector'; methods: readonly string[] }[] = [
  { field: 'connectors', type: 'connector', methods: CONNECTOR_METHODS },
  { field: 'converters', type: 'converter', methods: ['configure', 'fromConnectData', 'toConnectData', 'config'] },
  { field: 'headerConverters', type: 'header_converter', methods: ['configure', 'toConnectHeader', 'fromConnectHeader', 'config'] },
  { field: 'transformations', type: 'transformation', methods: ['configure', 'apply', 'config', 'close'] },
  { field: 'predicates', type: 'predicate', methods: ['configure', 'test', 'config', 'close'] },
];

const KNOWN_FIELDS = new Set<string>(['name', 'version', ...LISTS.map((l) => l.field)]);

/**
 * The descriptor a module exports: the export itself, its `default` or `plugin` export (the latter is how the
 * built-in plugins export theirs), or what a factory export returns when given the connector API. Throws when the
 * factory throws.
 */
export function unwrapPluginExport(exported: unknown, api: Readonly<Record<string, unknown>>): unknown {
  let value = exported;
  if (isObject(value) && !('name' in value)) {
    if ('default' in value) value = value['default'];
    else if ('plugin' in value) value = value['plugin'];
  }
  if (typeof value === 'function' && !isClass(value)) value = (value as (api: Readonly<Record<string, unknown>>) => unknown)(api);
  return value;
}

/** Checks a descriptor's shape; throws a ConfigError naming the first problem. */
export function checkDescriptor(value: unknown): CheckedDescriptor {
  if (!isObject(value)) throw invalid(`the export is ${describe(value)}, not a plugin descriptor object`);
  const name = value['name'];
  if (typeof name !== 'string' || name.trim() === '') throw invalid('"name" must be a non-empty string');
  const version = optionalString(value['version'], 'version');
  const unknown = Object.keys(value).filter((k) => !KNOWN_FIELDS.has(k));
  if (unknown.length > 0) throw invalid(`unknown field(s) ${unknown.join(', ')}; expected ${[...KNOWN_FIELDS].join(', ')}`);

  const entries: CheckedEntry[] = [];
  for (const list of LISTS) {
    const items = value[list.field];
    if (items === undefined) continue;
    if (!Array.isArray(items)) throw invalid(`"${list.field}" must be an array`);
    items.forEach((item: unknown, i: number) => entries.push(checkEntry(item, `${list.field}[${i}]`, list.type, list.methods)));
  }
  if (entries.length === 0) throw invalid(`plugin ${name} declares no classes`);
  return { name, version, entries };
}

function checkEntry(item: unknown, where: string, listType: PluginType | 'connector', methods: readonly string[]): CheckedEntry {
  if (!isObject(item)) throw invalid(`${where} must be an object with "class" and "ctor"`);
  const className = item['class'];
  if (typeof className !== 'string' || !CLASS_NAME.test(className)) {
    throw invalid(`${where}.class must be a class name such as com.example.MyConnector, not ${describe(className)}`);
  }
  const ctor = item['ctor'];
  if (typeof ctor !== 'function' || !isObject(ctor.prototype)) throw invalid(`${where}.ctor (${className}) must be a class`);
  const missing = methods.filter((m) => !hasMethod(ctor, m));
  if (listType === 'connector' && !(ctor.prototype instanceof Connector)) {
    missing.push(...CONNECTOR_BASE_METHODS.filter((m) => !hasMethod(ctor, m)));
  }
  if (missing.length > 0) throw invalid(`${where} (${className}) lacks method(s) ${missing.join(', ')}`);
  const aliases = item['aliases'] ?? [];
  if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string' || !CLASS_NAME.test(a))) {
    throw invalid(`${where}.aliases must be an array of class names`);
  }
  const type = listType === 'connector' ? connectorType(item['type'], ctor, where, className) : listType;
  return { className, type, ctor: ctor as PluginConstructor, version: optionalString(item['version'], `${where}.version`), aliases };
}

function connectorType(declared: unknown, ctor: { prototype: object }, where: string, className: string): 'source' | 'sink' {
  const derived = ctor.prototype instanceof SourceConnector ? 'source' : ctor.prototype instanceof SinkConnector ? 'sink' : undefined;
  if (declared !== undefined && declared !== 'source' && declared !== 'sink') {
    throw invalid(`${where}.type (${className}) must be "source" or "sink", not ${describe(declared)}`);
  }
  if (declared !== undefined && derived !== undefined && declared !== derived) {
    throw invalid(`${where}.type (${className}) says ${declared} but the class extends ${derived === 'source' ? 'SourceConnector' : 'SinkConnector'}`);
  }
  const type = declared ?? derived;
  if (type === undefined) {
    throw invalid(`${where} (${className}) must say "type": "source" or "sink" (it does not extend SourceConnector or SinkConnector)`);
  }
  return type;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${where} must be a string`);
  return value;
}

function hasMethod(ctor: { prototype: object }, name: string): boolean {
  return typeof (ctor.prototype as Record<string, unknown>)[name] === 'function';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** ES classes (as opposed to plain functions, which are treated as descriptor factories). */
function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return `a ${typeof value}`;
}

function invalid(message: string): ConfigError {
  return new ConfigError(`Invalid plugin descriptor: ${message}`);
}
