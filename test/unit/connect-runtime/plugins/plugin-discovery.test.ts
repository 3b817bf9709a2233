/** plugin.path discovery with real packages written to a temporary directory: good ones load, bad ones are skipped. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { SourceConnector } from '../../../../connect-runtime/api/source';
import { SourceRecord } from '../../../../connect-runtime/api/records';
import { discoverPlugins, PluginRegistry, registerBuiltinConverters } from '../../../../connect-runtime/plugins';

const TRIVIAL_SOURCE = `
'use strict';
// A factory export: the runtime hands over its connector API, so the classes below extend the runtime's own.
module.exports = ({ SourceConnector, SourceTask, SourceRecord, ConfigDef, NO_DEFAULT, Schema }) => {
  class TrivialTask extends SourceTask {
    version() { return '1.2.3'; }
    start(props) { this.topic = props.topic; }
    stop() {}
    async poll() {
      return [new SourceRecord({ sourcePartition: null, sourceOffset: null, topic: this.topic, valueSchema: Schema.STRING_SCHEMA, value: 'hello' })];
    }
  }
  class TrivialSourceConnector extends SourceConnector {
    version() { return '1.2.3'; }
    start(props) { this.props = props; }
    stop() {}
    taskClass() { return TrivialTask; }
    taskConfigs() { return [this.props]; }
    config() { return new ConfigDef().define({ name: 'topic', type: 'STRING', default: NO_DEFAULT, importance: 'HIGH' }); }
  }
  return { name: 'trivial-source', connectors: [{ class: 'com.example.TrivialSourceConnector', ctor: TrivialSourceConnector }] };
};
`;

const PLAIN_SINK = `
'use strict';
// A plain descriptor object as the default export, with a connector that does not extend the API classes.
class PlainSinkConnector {
  version() { return '0.9.0'; }
  initialize(context) { this.context = context; }
  validate() { return []; }
  start() {}
  stop() {}
  taskClass() { return class {}; }
  taskConfigs(max) { return Array.from({ length: max }, () => ({})); }
  config() { return null; }
}
exports.default = { name: '@acme/plain-sink', connectors: [{ class: 'com.acme.PlainSinkConnector', type: 'sink', ctor: PlainSinkConnector }] };
`;

const SMT_PACK = `
'use strict';
// Compiled-TypeScript style: a named \`plugin\` export (as the built-in plugins have), here a factory.
Object.defineProperty(exports, '__esModule', { value: true });
exports.plugin = ({ ConfigDef }) => {
  class Uppercase {
    configure() {}
    apply(record) { return record.newRecord({ value: String(record.value).toUpperCase() }); }
    config() { return new ConfigDef(); }
    close() {}
  }
  class IsEmpty {
    configure() {}
    test(record) { return record.value === ''; }
    config() { return new ConfigDef(); }
    close() {}
  }
  return {
    name: 'smt-pack',
    version: '4.5.6',
    transformations: [{ class: 'com.example.smt.Uppercase$Value', ctor: Uppercase }],
    predicates: [{ class: 'com.example.smt.IsEmpty', ctor: IsEmpty }],
  };
};
`;

let root: string;
let lines: Record<string, unknown>[];
let logger: pino.Logger;

function writePackage(dir: string, pkg: unknown, files: Record<string, string> = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

const marker = { sluice: { plugin: true } };

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-plugins-'));
  lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  logger = pino({ level: 'debug' }, sink);

  const plugins = path.join(root, 'plugins');
  writePackage(path.join(plugins, 'trivial-source'), { name: 'trivial-source', main: 'lib/index.js', ...marker }, { 'lib/index.js': TRIVIAL_SOURCE });
  writePackage(path.join(plugins, '@acme', 'plain-sink'), { name: '@acme/plain-sink', main: 'index.js', ...marker }, { 'index.js': PLAIN_SINK });
  writePackage(path.join(plugins, 'smt-pack'), { name: 'smt-pack', main: 'dist/index.js', ...marker }, { 'dist/index.js': SMT_PACK });
  writePackage(path.join(plugins, 'broken'), { name: 'broken', main: 'index.js', ...marker }, { 'index.js': "throw new Error('cannot open libfoo.so');\n" });
  writePackage(path.join(plugins, 'bad-export'), { name: 'bad-export', main: 'index.js', ...marker }, { 'index.js': "module.exports = { hello: 'world' };\n" });
  writePackage(path.join(plugins, 'no-main'), { name: 'no-main', ...marker }, { 'index.js': 'module.exports = {};\n' });
  writePackage(path.join(plugins, 'missing-main'), { name: 'missing-main', main: 'dist/nope.js', ...marker });
  writePackage(path.join(plugins, 'bad-json'), '{ "name": ');
  writePackage(path.join(plugins, 'unmarked'), { name: 'unmarked', main: 'index.js' }, { 'index.js': "throw new Error('must never be loaded');\n" });
  writePackage(
    path.join(plugins, 'clash'),
    { name: 'clash', main: 'index.js', ...marker },
    {
      'index.js': `
class FakeJson { configure() {} fromConnectData() { return null; } toConnectData() { return null; } config() { return null; } }
module.exports = { name: 'clash', converters: [{ class: 'org.apache.kafka.connect.json.JsonConverter', ctor: FakeJson }] };
`,
    },
  );
  fs.mkdirSync(path.join(plugins, 'just-a-directory'));
  fs.writeFileSync(path.join(plugins, 'README.txt'), 'not a plugin');
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('loads the good packages, skips every bad one with its reason, and never fails', async () => {
  const registry = new PluginRegistry();
  registerBuiltinConverters(registry);
  const plugins = path.join(root, 'plugins');
  const missing = path.join(root, 'does-not-exist');
  // The trivial plugin is listed twice (through its directory and directly): it is loaded once.
  const report = await discoverPlugins([plugins, missing, path.join(plugins, 'trivial-source'), ''], registry, logger);

  expect(report.loaded).toEqual([
    { name: '@acme/plain-sink', location: path.join(plugins, '@acme', 'plain-sink'), classes: [{ class: 'com.acme.PlainSinkConnector', type: 'sink', version: '0.9.0' }] },
    {
      name: 'smt-pack',
      location: path.join(plugins, 'smt-pack'),
      classes: [
        { class: 'com.example.smt.Uppercase$Value', type: 'transformation', version: '4.5.6' },
        { class: 'com.example.smt.IsEmpty', type: 'predicate', version: '4.5.6' },
      ],
    },
    { name: 'trivial-source', location: path.join(plugins, 'trivial-source'), classes: [{ class: 'com.example.TrivialSourceConnector', type: 'source', version: '1.2.3' }] },
  ]);
  const reasons = Object.fromEntries(report.skipped.map((s) => [path.relative(root, s.location), s.reason]));
  expect(reasons).toEqual({
    'plugins/bad-export': 'Invalid plugin descriptor: "name" must be a non-empty string',
    'plugins/bad-json': expect.stringMatching(/^cannot read package\.json: .*JSON/),
    'plugins/broken': 'loading index.js failed: cannot open libfoo.so',
    'plugins/clash': expect.stringContaining('Converter org.apache.kafka.connect.json.JsonConverter from plugin clash'),
    'plugins/missing-main': 'main module dist/nope.js does not exist',
    'plugins/no-main': 'package.json has no "main" module',
    'plugins/unmarked': 'not a Sluice plugin (package.json lacks "sluice": {"plugin": true})',
    'does-not-exist': 'plugin.path entry is unusable: no such file or directory',
  });

  // Every skip is logged with its reason; broken plugins as warnings.
  const warnings = lines.filter((l) => l['level'] === 40).map((l) => l['msg'] as string);
  expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('cannot open libfoo.so'), expect.stringContaining('has no "main" module')]));
  expect(lines.some((l) => l['level'] === 30 && String(l['msg']).startsWith('Loaded plugin trivial-source'))).toBe(true);
  expect(lines.some((l) => String(l['msg']).includes('unmarked') && l['level'] === 30)).toBe(true);

  // The loaded classes are usable, and a factory plugin's classes are the runtime's own.
  expect(registry.resolve('TrivialSource').className).toBe('com.example.TrivialSourceConnector');
  expect(registry.connectorType('PlainSink')).toBe('sink');
  const connector = registry.newConnector('com.example.TrivialSourceConnector');
  expect(connector).toBeInstanceOf(SourceConnector);
  connector.start({ topic: 'greetings' });
  const taskConfigs = await connector.taskConfigs(1);
  const Task = connector.taskClass() as unknown as new () => { start(p: unknown): void; poll(): Promise<SourceRecord[]> };
  const task = new Task();
  task.start(taskConfigs[0]);
  const [record] = await task.poll();
  expect(record).toBeInstanceOf(SourceRecord);
  expect(record?.topic).toBe('greetings');
  expect(connector.config().names()).toEqual(['topic']);
  const upper = registry.newTransformation<SourceRecord>('com.example.smt.Uppercase$Value');
  expect(upper.apply(record as SourceRecord)?.value).toBe('HELLO');
  expect(registry.newPredicate<SourceRecord>('IsEmpty').test(record as SourceRecord)).toBe(false);
  // The clashing plugin did not replace the built-in JsonConverter.
  expect(registry.resolve('JsonConverter', 'converter').location).toBe('builtin');
});

test('a plugin.path entry may be a package itself; an empty plugin.path loads nothing', async () => {
  const registry = new PluginRegistry();
  const report = await discoverPlugins([path.join(root, 'plugins', '@acme', 'plain-sink')], registry, logger);
  expect(report.loaded.map((p) => p.name)).toEqual(['@acme/plain-sink']);
  expect(report.skipped).toEqual([]);
  expect(await discoverPlugins([], new PluginRegistry(), logger)).toEqual({ loaded: [], skipped: [] });
});

test('a file on plugin.path is reported as unusable', async () => {
  const file = path.join(root, 'plugins', 'README.txt');
  const report = await discoverPlugins([file], new PluginRegistry(), logger);
  expect(report.skipped).toEqual([{ location: file, reason: `plugin.path entry is unusable: ${file} is not a directory` }]);
});
