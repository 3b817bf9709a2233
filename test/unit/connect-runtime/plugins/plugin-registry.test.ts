/** The plugin registry: descriptors, name resolution (full, simple, pruned, aliases), listing and instantiation. */
import { ConfigDef } from '../../../../connect-runtime/api/config-def';
import { AlreadyExistsError, ConfigError, ConnectError, NotFoundError } from '../../../../connect-runtime/api/errors';
import { definePlugin, type PluginDescriptor } from '../../../../connect-runtime/api/plugin-descriptor';
import type { ConnectRecord } from '../../../../connect-runtime/api/records';
import { SinkConnector, SinkTask } from '../../../../connect-runtime/api/sink';
import { SourceConnector, SourceTask } from '../../../../connect-runtime/api/source';
import type { Predicate, Transformation } from '../../../../connect-runtime/api/transformation';
import { SLUICE_VERSION } from '../../../../connect-runtime/api/version';
import { JsonConverter } from '../../../../connect-runtime/converters/json-converter';
import { PluginRegistry, registerBuiltinConverters } from '../../../../connect-runtime/plugins';
import { plugin as fileStreamPlugin } from '../../../../connectors/file';

class NoopSourceTask extends SourceTask {
  version(): string {
    return '1.0';
  }
  start(): void {}
  stop(): void {}
  async poll(): Promise<null> {
    return null;
  }
}

class NoopSinkTask extends SinkTask {
  version(): string {
    return '1.0';
  }
  start(): void {}
  stop(): void {}
  put(): void {}
}

function sourceConnector(version: string): new () => SourceConnector {
  return class extends SourceConnector {
    version(): string {
      return version;
    }
    start(): void {}
    stop(): void {}
    taskClass(): typeof NoopSourceTask {
      return NoopSourceTask;
    }
    taskConfigs(): Record<string, string>[] {
      return [{}];
    }
    config(): ConfigDef {
      return new ConfigDef();
    }
  };
}

class FileSinkConnector extends SinkConnector {
  version(): string {
    return '2.0';
  }
  start(): void {}
  stop(): void {}
  taskClass(): typeof NoopSinkTask {
    return NoopSinkTask;
  }
  taskConfigs(): Record<string, string>[] {
    return [{}];
  }
  config(): ConfigDef {
    return new ConfigDef();
  }
}

class Drop<R extends ConnectRecord<R>> implements Transformation<R> {
  configure(): void {}
  apply(): R | null {
    return null;
  }
  config(): ConfigDef {
    return new ConfigDef();
  }
  close(): void {}
}

class Always<R extends ConnectRecord<R>> implements Predicate<R> {
  configure(): void {}
  test(): boolean {
    return true;
  }
  config(): ConfigDef {
    return new ConfigDef();
  }
  close(): void {}
}

const FileStreamSource = sourceConnector('3.9.0');

const filePlugin: PluginDescriptor = definePlugin({
  name: 'file',
  connectors: [
    { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', ctor: FileStreamSource },
    { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', ctor: FileSinkConnector },
  ],
});

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  registerBuiltinConverters(r, { version: '0.1.0' });
  r.registerPlugin(filePlugin, 'builtin');
  return r;
}

describe('resolution', () => {
  test('a connector resolves by full name, simple name and simple name without "Connector"', () => {
    const r = registry();
    for (const name of ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'FileStreamSourceConnector', 'FileStreamSource']) {
      expect(r.resolve(name, 'connector').className).toBe('org.apache.kafka.connect.file.FileStreamSourceConnector');
    }
    expect(r.resolve('FileStreamSink').type).toBe('sink');
    expect(r.connectorType('FileStreamSource')).toBe('source');
    expect(r.connectorType('FileStreamSinkConnector')).toBe('sink');
  });

  test("converters resolve by Kafka's class names and by simple names", () => {
    const r = registry();
    expect(r.resolve('org.apache.kafka.connect.json.JsonConverter', 'converter').ctor).toBe(JsonConverter);
    expect(r.resolve('JsonConverter', 'converter').className).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(r.resolve('Json', 'converter').className).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(r.resolve('StringConverter', 'converter').className).toBe('org.apache.kafka.connect.storage.StringConverter');
    expect(r.resolve('org.apache.kafka.connect.converters.ByteArrayConverter', 'converter').type).toBe('converter');
    expect(r.resolve('org.apache.kafka.connect.storage.SimpleHeaderConverter', 'header_converter').type).toBe('header_converter');
    expect(r.resolve('JsonConverter', 'header_converter').type).toBe('header_converter');
    expect(r.newConverter('JsonConverter')).toBeInstanceOf(JsonConverter);
    expect(r.newHeaderConverter('SimpleHeaderConverter').toConnectHeader('t', 'h', Buffer.from('42')).value).toBe(42);
  });

  test('resolution is limited to the requested types', () => {
    const r = registry();
    expect(() => r.resolve('JsonConverter', 'connector')).toThrow(NotFoundError);
    expect(() => r.resolve('SimpleHeaderConverter', 'converter')).toThrow(NotFoundError);
    expect(r.has('FileStreamSource', ['transformation', 'predicate'])).toBe(false);
    expect(r.lookup('NoSuchThing')).toEqual({ status: 'not-found' });
  });

  test('an unknown name is a NotFoundError that lists what is available', () => {
    const r = registry();
    expect(() => r.resolve('FileStream', 'connector')).toThrow(
      'Failed to find any class that implements Connector and which name matches FileStream, available classes are: ' +
        'org.apache.kafka.connect.file.FileStreamSinkConnector, org.apache.kafka.connect.file.FileStreamSourceConnector',
    );
  });

  test('an ambiguous simple name is an error naming the candidates; full names still work', () => {
    const r = registry();
    r.registerPlugin({ name: 'a', connectors: [{ class: 'com.a.DupConnector', ctor: sourceConnector('1') }] }, '/plugins/a');
    r.registerPlugin({ name: 'b', connectors: [{ class: 'com.b.DupConnector', ctor: sourceConnector('2') }] }, '/plugins/b');
    expect(r.lookup('Dup', 'connector')).toEqual({ status: 'ambiguous', candidates: ['com.a.DupConnector', 'com.b.DupConnector'] });
    expect(() => r.resolve('DupConnector')).toThrow(ConfigError);
    expect(() => r.resolve('DupConnector')).toThrow('Plugin name DupConnector is ambiguous: it matches com.a.DupConnector, com.b.DupConnector. Use the full class name.');
    expect(r.resolve('com.b.DupConnector').version).toBe('2');
  });

  test('aliases from descriptors and addAlias resolve; nested class names resolve by the part after $', () => {
    const r = registry();
    r.registerPlugin(
      {
        name: 'postgres',
        connectors: [{ class: 'dev.sluice.postgres.PostgresCdcSourceConnector', ctor: sourceConnector('1'), aliases: ['io.debezium.connector.postgresql.PostgresConnector'] }],
        transformations: [{ class: 'org.apache.kafka.connect.transforms.Filter$Value', ctor: Drop }],
        predicates: [{ class: 'org.apache.kafka.connect.transforms.predicates.Always', ctor: Always }],
      },
      'builtin',
    );
    expect(r.resolve('io.debezium.connector.postgresql.PostgresConnector').className).toBe('dev.sluice.postgres.PostgresCdcSourceConnector');
    expect(r.resolve('PostgresCdcSource').className).toBe('dev.sluice.postgres.PostgresCdcSourceConnector');
    r.addAlias('Pg', 'dev.sluice.postgres.PostgresCdcSourceConnector');
    expect(r.resolve('Pg', 'connector').className).toBe('dev.sluice.postgres.PostgresCdcSourceConnector');
    expect(() => r.addAlias('X', 'com.nowhere.X')).toThrow(NotFoundError);
    expect(r.resolve('Value', 'transformation').className).toBe('org.apache.kafka.connect.transforms.Filter$Value');
    expect(r.newTransformation('org.apache.kafka.connect.transforms.Filter$Value')).toBeInstanceOf(Drop);
    expect(r.newPredicate('Always')).toBeInstanceOf(Always);
  });
});

describe('listing', () => {
  test("list() follows Kafka Connect's order and shape; version is omitted when unknown", () => {
    const r = registry();
    r.registerPlugin({ name: 'smt', transformations: [{ class: 'com.x.Drop', ctor: Drop }], predicates: [{ class: 'com.x.Always', ctor: Always, version: '5' }] }, 'builtin');
    expect(r.list()).toEqual([
      { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '2.0' },
      { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '3.9.0' },
      { class: 'com.x.Drop', type: 'transformation' },
      { class: 'com.x.Always', type: 'predicate', version: '5' },
      { class: 'org.apache.kafka.connect.converters.ByteArrayConverter', type: 'converter', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.storage.StringConverter', type: 'converter', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.converters.ByteArrayConverter', type: 'header_converter', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'header_converter', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', type: 'header_converter', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.storage.StringConverter', type: 'header_converter', version: '0.1.0' },
    ]);
    expect(r.list('connector').map((p) => p.type)).toEqual(['sink', 'source']);
    expect(r.list('converter')).toHaveLength(3);
  });

  test('built-in converters report the Sluice version by default; registering them twice is a no-op', () => {
    const r = new PluginRegistry();
    registerBuiltinConverters(r);
    registerBuiltinConverters(r);
    expect(r.list('converter')[0]).toEqual({ class: 'org.apache.kafka.connect.converters.ByteArrayConverter', type: 'converter', version: SLUICE_VERSION });
    expect(r.list()).toHaveLength(7);
    expect(r.plugins().map((p) => [p.name, p.location])).toEqual([['builtin-converters', 'builtin']]);
  });
});

describe('registration', () => {
  test('a descriptor whose class is already registered elsewhere is refused as a whole', () => {
    const r = registry();
    const clash = definePlugin({
      name: 'third-party',
      connectors: [{ class: 'com.other.OtherSinkConnector', ctor: FileSinkConnector }],
      converters: [{ class: 'org.apache.kafka.connect.json.JsonConverter', ctor: class extends JsonConverter {} }],
    });
    expect(() => r.registerPlugin(clash, '/plugins/third-party')).toThrow(AlreadyExistsError);
    expect(() => r.registerPlugin(clash, '/plugins/third-party')).toThrow(
      'Converter org.apache.kafka.connect.json.JsonConverter from plugin third-party (/plugins/third-party) is already registered by plugin builtin-converters (builtin)',
    );
    expect(r.has('OtherSink')).toBe(false);
  });

  test('a plugin name may be loaded once', () => {
    const r = registry();
    expect(() => r.registerPlugin({ name: 'file', connectors: [{ class: 'x.YConnector', ctor: FileSinkConnector }] }, '/elsewhere')).toThrow(
      'Plugin file from /elsewhere clashes with the plugin of the same name already loaded from builtin',
    );
    expect(r.registerPlugin(filePlugin, 'builtin').classes).toHaveLength(2);
  });

  test('register() adds a single class', () => {
    const r = new PluginRegistry();
    const desc = r.register({ className: 'com.x.Drop', type: 'transformation', ctor: Drop, aliases: ['Dropper'] });
    expect(desc).toMatchObject({ className: 'com.x.Drop', plugin: 'com.x.Drop', location: 'builtin', version: undefined });
    expect(r.register({ className: 'com.x.Drop', type: 'transformation', ctor: Drop })).toBe(desc);
    expect(r.resolve('Dropper').className).toBe('com.x.Drop');
  });

  test.each<[string, unknown, string]>([
    ['not an object', 42, 'the export is a number, not a plugin descriptor object'],
    ['no name', { connectors: [] }, '"name" must be a non-empty string'],
    ['no classes', { name: 'x' }, 'plugin x declares no classes'],
    ['unknown field', { name: 'x', sources: [] }, 'unknown field(s) sources'],
    ['list not an array', { name: 'x', converters: {} }, '"converters" must be an array'],
    ['bad class name', { name: 'x', converters: [{ class: 'not a class', ctor: JsonConverter }] }, 'converters[0].class must be a class name'],
    ['ctor not a class', { name: 'x', converters: [{ class: 'a.B', ctor: 'JsonConverter' }] }, 'converters[0].ctor (a.B) must be a class'],
    ['missing methods', { name: 'x', predicates: [{ class: 'a.P', ctor: Drop }] }, 'predicates[0] (a.P) lacks method(s) test'],
    ['connector of unknown kind', { name: 'x', connectors: [{ class: 'a.BConnector', ctor: plainConnector() }] }, 'connectors[0] (a.BConnector) must say "type": "source" or "sink"'],
    ['connector type contradicts class', { name: 'x', connectors: [{ class: 'a.B', ctor: FileSinkConnector, type: 'source' }] }, 'connectors[0].type (a.B) says source but the class extends SinkConnector'],
    ['bad aliases', { name: 'x', converters: [{ class: 'a.B', ctor: JsonConverter, aliases: 'B' }] }, 'converters[0].aliases must be an array of class names'],
    ['duplicate class', { name: 'x', converters: [{ class: 'a.B', ctor: JsonConverter }, { class: 'a.B', ctor: JsonConverter }] }, 'plugin x lists Converter a.B twice'],
  ])('an invalid descriptor is refused: %s', (_what, descriptor, message) => {
    const r = new PluginRegistry();
    expect(() => r.registerPlugin(descriptor as PluginDescriptor, 'test')).toThrow(ConfigError);
    expect(() => r.registerPlugin(descriptor as PluginDescriptor, 'test')).toThrow(message);
    expect(r.list()).toEqual([]);
  });

  test('a connector that does not extend the API classes needs a declared type and the full contract', () => {
    const r = new PluginRegistry();
    r.registerPlugin({ name: 'plain', connectors: [{ class: 'a.PlainConnector', ctor: plainConnector(), type: 'sink' }] }, 'test');
    expect(r.list()).toEqual([{ class: 'a.PlainConnector', type: 'sink', version: '0.0.1' }]);
    const partial = class {
      version(): string {
        return '1';
      }
    };
    expect(() => r.registerPlugin({ name: 'partial', connectors: [{ class: 'a.Partial', ctor: partial as never, type: 'source' }] }, 'test')).toThrow(
      'lacks method(s) start, stop, taskClass, taskConfigs, config, initialize, validate',
    );
  });

  test('instantiation failures and failing version() are ConnectErrors naming the class', () => {
    const r = new PluginRegistry();
    class Exploding extends JsonConverter {
      constructor() {
        super();
        throw new Error('boom');
      }
    }
    r.registerPlugin({ name: 'x', converters: [{ class: 'a.ExplodingConverter', ctor: Exploding }] }, 'test');
    expect(() => r.newConverter('Exploding')).toThrow(ConnectError);
    expect(() => r.newConverter('Exploding')).toThrow('Failed to instantiate Converter a.ExplodingConverter: boom');

    const Broken = class extends FileSinkConnector {
      override version(): string {
        throw new Error('no version');
      }
    };
    expect(() => r.registerPlugin({ name: 'y', connectors: [{ class: 'a.BrokenConnector', ctor: Broken }] }, 'test')).toThrow(
      'Cannot read the version of a.BrokenConnector: no version',
    );
  });
});

/** A connector written without the API's base classes, as a plain JavaScript plugin might be. */
function plainConnector(): new () => never {
  return class {
    version(): string {
      return '0.0.1';
    }
    initialize(): void {}
    validate(): unknown[] {
      return [];
    }
    start(): void {}
    stop(): void {}
    taskClass(): unknown {
      return NoopSinkTask;
    }
    taskConfigs(): unknown[] {
      return [];
    }
    config(): ConfigDef {
      return new ConfigDef();
    }
  } as unknown as new () => never;
}

describe('the built-in FileStream plugin', () => {
  test("its descriptor registers under Kafka's names and every alias form resolves", () => {
    const r = new PluginRegistry();
    registerBuiltinConverters(r);
    r.registerPlugin(fileStreamPlugin, 'builtin');
    for (const name of ['FileStreamSource', 'FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSourceConnector']) {
      expect(r.resolve(name, 'connector')).toMatchObject({ className: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: SLUICE_VERSION });
    }
    expect(r.connectorType('FileStreamSink')).toBe('sink');
    expect(r.list('connector').map((p) => p.class)).toEqual([
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
    ]);
  });
});
