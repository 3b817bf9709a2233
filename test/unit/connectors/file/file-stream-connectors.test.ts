/** The FileStream connectors: config specs, task configs, offsets alteration, version and plugin descriptor. */
import fs from 'node:fs';
import path from 'node:path';
import {
  type ConfigValue,
  topicPartition,
  TopicPartitionMap,
  type SourceOffset,
  type SourcePartition,
} from '../../../../connect-runtime/api';
import {
  FileStreamSinkConnector,
  FileStreamSinkTask,
  FileStreamSourceConnector,
  FileStreamSourceTask,
  plugin,
} from '../../../../connectors/file';

function errorsByKey(results: ConfigValue[]): Record<string, string[]> {
  return Object.fromEntries(results.filter((r) => r.errorMessages.length > 0).map((r) => [r.name, r.errorMessages]));
}

describe('FileStreamSourceConnector', () => {
  test('declares file, topic and batch.size (default 2000)', () => {
    const def = new FileStreamSourceConnector().config();
    expect(def.names()).toEqual(['file', 'topic', 'batch.size']);
    expect(def.configKeys.get('batch.size')).toMatchObject({ type: 'INT', defaultValue: 2000, importance: 'LOW' });
    expect(def.configKeys.get('topic')).toMatchObject({ type: 'STRING', hasDefault: false, importance: 'HIGH' });
    expect(def.configKeys.get('file')).toMatchObject({ type: 'STRING', hasDefault: false });
  });

  test('validation names each bad key', async () => {
    const connector = new FileStreamSourceConnector();
    expect(errorsByKey(await connector.validate({ file: 'data/in.txt', topic: 't' }))).toEqual({});
    const bad = errorsByKey(await connector.validate({ file: '', topic: 'a,b', 'batch.size': '0' }));
    expect(bad['file']?.join()).toMatch(/non-empty/);
    expect(bad['topic']?.join()).toMatch(/requires definition of a single topic/);
    expect(bad['batch.size']?.join()).toMatch(/at least 1/);
    expect(errorsByKey(await connector.validate({ topic: 't' }))['file']).toEqual(['Missing required configuration "file" which has no default value.']);
  });

  test('runs exactly one task with the connector settings, whatever tasks.max is', async () => {
    const connector = new FileStreamSourceConnector();
    const props = { file: 'data/in.txt', topic: 't', 'batch.size': '10', 'tasks.max': '4' };
    await connector.start(props);
    expect(connector.taskClass()).toBe(FileStreamSourceTask);
    expect(await connector.taskConfigs(4)).toEqual([props]);
    expect(() => connector.start({ topic: 't' })).toThrow(/file/);
  });

  test('supports exactly-once delivery', () => {
    expect(new FileStreamSourceConnector().exactlyOnceSupport({ file: 'data/in.txt', topic: 't' })).toBe('SUPPORTED');
  });

  test('alterOffsets accepts tombstones and non-negative positions of file partitions only', () => {
    const connector = new FileStreamSourceConnector();
    const props = { file: 'data/in.txt', topic: 't' };
    const alter = (entries: [SourcePartition, SourceOffset | null][]): boolean => connector.alterOffsets(props, new Map(entries));
    expect(alter([[{ filename: 'data/in.txt' }, { position: 10 }], [{ anything: 1 }, null]])).toBe(true);
    expect(() => alter([[{ filename: 'data/in.txt' }, { pos: 1 }]])).toThrow(/contain the key 'position'/);
    expect(() => alter([[{ filename: 'data/in.txt' }, { position: '1' }]])).toThrow(/integer value/);
    expect(() => alter([[{ filename: 'data/in.txt' }, { position: -1 }]])).toThrow(/non-negative/);
    expect(() => alter([[{ file: 'data/in.txt' }, { position: 1 }]])).toThrow(/contain the key 'filename'/);
  });
});

describe('FileStreamSinkConnector', () => {
  test('declares file; topics come from the common sink settings', () => {
    const def = new FileStreamSinkConnector().config();
    expect(def.names()).toEqual(['file']);
    expect(errorsByKey(def.validate({}))['file']).toEqual(['Missing required configuration "file" which has no default value.']);
  });

  test('runs tasks.max identical tasks', async () => {
    const connector = new FileStreamSinkConnector();
    const props = { file: 'data/out.txt', topics: 'a,b' };
    await connector.start(props);
    expect(connector.taskClass()).toBe(FileStreamSinkTask);
    expect(await connector.taskConfigs(3)).toEqual([props, props, props]);
    expect(connector.alterOffsets(props, new TopicPartitionMap([[topicPartition('a', 0), 5]]))).toBe(true);
  });
});

test('every class reports the Sluice version from package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  for (const versioned of [new FileStreamSourceConnector(), new FileStreamSinkConnector(), new FileStreamSourceTask(), new FileStreamSinkTask()]) {
    expect(versioned.version()).toBe(pkg.version);
  }
});

test('the plugin descriptor lists both connectors under their Kafka class names', () => {
  expect(plugin.name).toBe('file');
  const connectors = plugin.connectors ?? [];
  expect(connectors.map((c) => [c.class, c.ctor])).toEqual([
    ['org.apache.kafka.connect.file.FileStreamSourceConnector', FileStreamSourceConnector],
    ['org.apache.kafka.connect.file.FileStreamSinkConnector', FileStreamSinkConnector],
  ]);
  for (const { ctor } of connectors) expect(new ctor().config().has('file')).toBe(true);
});
