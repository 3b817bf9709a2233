/** The worker configuration: defaults, validation messages, sub-maps, REST listeners, and loading with providers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { ConfigError } from '../../../../connect-runtime/api/errors';
import { loadWorkerConfig, readWorkerConfigFile, WorkerConfig } from '../../../../connect-runtime/config';
import { PluginRegistry, registerBuiltinConverters } from '../../../../connect-runtime/plugins';

const MINIMAL = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'offset.storage.file.filename': '/tmp/connect.offsets',
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

test("defaults: embedded broker, Kafka's timeouts, SimpleHeaderConverter, REST on 127.0.0.1:8083", () => {
  const config = new WorkerConfig(MINIMAL);
  expect(config.mode).toBe('standalone');
  expect(config.embeddedBroker).toBe(true);
  expect(config.bootstrapServers).toEqual([]);
  expect(config.keyConverter).toBe('org.apache.kafka.connect.json.JsonConverter');
  expect(config.headerConverter).toBe('org.apache.kafka.connect.storage.SimpleHeaderConverter');
  expect(config.offsetFlushIntervalMs).toBe(60000);
  expect(config.offsetFlushTimeoutMs).toBe(5000);
  expect(config.taskShutdownGracefulTimeoutMs).toBe(5000);
  expect(config.pluginPath).toEqual([]);
  expect(config.configProviders).toEqual([]);
  expect(config.listeners).toEqual([{ protocol: 'http', host: '127.0.0.1', port: 8083, url: 'http://127.0.0.1:8083' }]);
  expect(config.adminListeners).toBeNull();
  expect(config.restAdvertisedUrl()).toBe('http://127.0.0.1:8083/');
  expect(config.offsetStorageFileFilename).toBe('/tmp/connect.offsets');
  expect(config.connectorClientConfigOverridePolicy).toBe('All');
  expect([config.topicCreationEnable, config.topicTrackingEnable, config.topicTrackingAllowReset]).toEqual([true, true, true]);
  expect(config.distributed).toBeNull();
  expect(config.getList('bootstrap.servers')).toEqual(['embedded']);
});

test('bootstrap.servers: embedded when empty or "embedded", else a list of host:port', () => {
  expect(new WorkerConfig({ ...MINIMAL, 'bootstrap.servers': '' }).embeddedBroker).toBe(true);
  expect(new WorkerConfig({ ...MINIMAL, 'bootstrap.servers': ' embedded ' }).embeddedBroker).toBe(true);
  const remote = new WorkerConfig({ ...MINIMAL, 'bootstrap.servers': 'kafka-1:9092, 10.0.0.2:9093,[::1]:9094' });
  expect(remote.embeddedBroker).toBe(false);
  expect(remote.bootstrapServers).toEqual(['kafka-1:9092', '10.0.0.2:9093', '[::1]:9094']);
  expect(configError(() => new WorkerConfig({ ...MINIMAL, 'bootstrap.servers': 'kafka-1' })).message).toBe(
    'Invalid value [kafka-1] for configuration bootstrap.servers: Invalid url in bootstrap.servers: kafka-1 (expected host:port, or embedded)',
  );
  expect(configError(() => new WorkerConfig({ ...MINIMAL, 'bootstrap.servers': 'embedded,kafka:9092' })).message).toContain('embedded cannot be combined with other servers');
});

test('every invalid key is named, with Kafka wording', () => {
  const err = configError(
    () =>
      new WorkerConfig({
        'offset.flush.interval.ms': 'soon',
        'task.shutdown.graceful.timeout.ms': '-5',
        'connector.client.config.override.policy': 'Some',
        'rest.advertised.port': '70000',
        'rest.advertised.listener': 'ftp',
      }),
  );
  expect(err.fieldErrors['offset.flush.interval.ms']?.[0]).toBe('Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG');
  expect({ ...err.fieldErrors, 'offset.flush.interval.ms': undefined }).toEqual({
    'key.converter': ['Missing required configuration "key.converter" which has no default value.'],
    'value.converter': ['Missing required configuration "value.converter" which has no default value.'],
    'offset.flush.interval.ms': undefined,
    'task.shutdown.graceful.timeout.ms': ['Invalid value -5 for configuration task.shutdown.graceful.timeout.ms: Value must be at least 0'],
    'connector.client.config.override.policy': ['Invalid value Some for configuration connector.client.config.override.policy: String must be one of: All, None, Principal'],
    'rest.advertised.port': ['Invalid value 70000 for configuration rest.advertised.port: Value must be a port number between 1 and 65535'],
    'rest.advertised.listener': ['Invalid value ftp for configuration rest.advertised.listener: String must be one of: http, https'],
    'offset.storage.file.filename': ['Missing required configuration "offset.storage.file.filename" which has no default value.'],
  });
  expect(err.message.split('\n')[0]).toBe('Invalid configuration:');
});

test('prefixed settings become sub-maps without their prefix', () => {
  const config = new WorkerConfig({
    ...MINIMAL,
    'key.converter.schemas.enable': 'false',
    'value.converter.schemas.enable': 'true',
    'value.converter.decimal.format': 'NUMERIC',
    'header.converter.x': 'y',
    'producer.acks': 'all',
    'producer.linger.ms': '5',
    'consumer.max.poll.records': '100',
    'admin.request.timeout.ms': '1000',
    'admin.listeners': 'http://127.0.0.1:9999',
    'admin.listeners.https.ssl.keystore.location': '/ks',
    'broker.log.dirs': 'data/embedded',
    'broker.listeners': 'PLAINTEXT://127.0.0.1:19092',
    'listeners.https.ssl.protocol': 'TLSv1.3',
  });
  expect(config.keyConverterConfigs).toEqual({ 'schemas.enable': 'false' });
  expect(config.valueConverterConfigs).toEqual({ 'schemas.enable': 'true', 'decimal.format': 'NUMERIC' });
  expect(config.headerConverterConfigs).toEqual({ x: 'y' });
  expect(config.producerConfigs).toEqual({ acks: 'all', 'linger.ms': '5' });
  expect(config.consumerConfigs).toEqual({ 'max.poll.records': '100' });
  expect(config.adminConfigs).toEqual({ 'request.timeout.ms': '1000' });
  expect(config.brokerConfigs).toEqual({ 'log.dirs': 'data/embedded', listeners: 'PLAINTEXT://127.0.0.1:19092' });
  expect(config.listenersHttpsConfigs).toEqual({ 'ssl.protocol': 'TLSv1.3' });
  expect(config.adminListeners).toEqual([{ protocol: 'http', host: '127.0.0.1', port: 9999, url: 'http://127.0.0.1:9999' }]);
});

test('REST listeners and the advertised URL', () => {
  const all = new WorkerConfig({ ...MINIMAL, listeners: 'http://:8083, https://[::1]:8443,HTTP://0.0.0.0:0', 'admin.listeners': '' });
  expect(all.listeners).toEqual([
    { protocol: 'http', host: null, port: 8083, url: 'http://:8083' },
    { protocol: 'https', host: '::1', port: 8443, url: 'https://[::1]:8443' },
    { protocol: 'http', host: '0.0.0.0', port: 0, url: 'HTTP://0.0.0.0:0' },
  ]);
  expect(all.adminListeners).toEqual([]);
  expect(all.restAdvertisedUrl()).toBe(`http://${os.hostname()}:8083/`);
  expect(all.restAdvertisedUrl(18083)).toBe(`http://${os.hostname()}:18083/`);

  const advertised = new WorkerConfig({
    ...MINIMAL,
    listeners: 'http://:8083,https://[::1]:8443',
    'rest.advertised.host.name': 'worker-1.internal',
    'rest.advertised.port': '443',
    'rest.advertised.listener': 'https',
  });
  expect(advertised.restAdvertisedUrl(8083)).toBe('https://worker-1.internal:443/');
  expect(new WorkerConfig({ ...MINIMAL, listeners: 'https://[::1]:8443' }).restAdvertisedUrl()).toBe('https://[::1]:8443/');

  expect(configError(() => new WorkerConfig({ ...MINIMAL, listeners: 'localhost:8083' })).fieldErrors['listeners']).toEqual([
    'Invalid value localhost:8083 for configuration listeners: Could not parse listener URL localhost:8083; expected http://host:port or https://host:port',
  ]);
  expect(configError(() => new WorkerConfig({ ...MINIMAL, listeners: 'ws://:1' })).message).toBe(
    'Invalid value ws://:1 for configuration listeners: Listener protocol must be either "http" or "https", but is ws',
  );
  expect(configError(() => new WorkerConfig({ ...MINIMAL, listeners: '' })).message).toBe('Invalid value [] for configuration listeners: Empty listeners list');
  expect(configError(() => new WorkerConfig({ ...MINIMAL, listeners: 'http://:65536' })).message).toContain('Listener port must be between 0 and 65535');
});

test('plugin.path and config.providers are lists', () => {
  const config = new WorkerConfig({ ...MINIMAL, 'plugin.path': '/opt/sluice/plugins, ./plugins', 'config.providers': 'file,env' });
  expect(config.pluginPath).toEqual(['/opt/sluice/plugins', './plugins']);
  expect(config.configProviders).toEqual(['file', 'env']);
});

test('distributed workers need group.id and the internal topics; Kafka defaults for the rest', () => {
  const err = configError(() => new WorkerConfig({ 'key.converter': 'JsonConverter', 'value.converter': 'JsonConverter' }, 'distributed'));
  expect(Object.keys(err.fieldErrors)).toEqual(['group.id', 'config.storage.topic', 'offset.storage.topic', 'status.storage.topic']);

  const config = new WorkerConfig(
    {
      'key.converter': 'JsonConverter',
      'value.converter': 'JsonConverter',
      'group.id': 'connect-cluster',
      'config.storage.topic': 'connect-configs',
      'offset.storage.topic': 'connect-offsets',
      'status.storage.topic': 'connect-status',
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '-1',
    },
    'distributed',
  );
  expect(config.offsetStorageFileFilename).toBeNull();
  expect(config.distributed).toEqual({
    groupId: 'connect-cluster',
    configStorageTopic: 'connect-configs',
    configStorageReplicationFactor: 1,
    offsetStorageTopic: 'connect-offsets',
    offsetStoragePartitions: 25,
    offsetStorageReplicationFactor: -1,
    statusStorageTopic: 'connect-status',
    statusStoragePartitions: 5,
    statusStorageReplicationFactor: 3,
    sessionTimeoutMs: 10000,
    heartbeatIntervalMs: 3000,
    rebalanceTimeoutMs: 60000,
    scheduledRebalanceMaxDelayMs: 300000,
    workerSyncTimeoutMs: 3000,
  });
  const zero = configError(
    () =>
      new WorkerConfig(
        { 'key.converter': 'a.B', 'value.converter': 'a.B', 'group.id': 'g', 'config.storage.topic': 'c', 'offset.storage.topic': 'o', 'status.storage.topic': 's', 'status.storage.partitions': '0' },
        'distributed',
      ),
  );
  expect(zero.message).toBe('Invalid value 0 for configuration status.storage.partitions: Value must be -1 (use the broker default) or at least 1');
});

test('checkPlugins verifies the converter classes against the registry', () => {
  const registry = new PluginRegistry();
  registerBuiltinConverters(registry);
  new WorkerConfig({ ...MINIMAL, 'key.converter': 'StringConverter', 'header.converter': 'JsonConverter' }).checkPlugins(registry);
  const err = configError(() => new WorkerConfig({ ...MINIMAL, 'value.converter': 'io.confluent.connect.avro.AvroConverter', 'header.converter': 'Nope' }).checkPlugins(registry));
  expect(err.fieldErrors).toEqual({
    'value.converter': ['Invalid value io.confluent.connect.avro.AvroConverter for configuration value.converter: Class io.confluent.connect.avro.AvroConverter could not be found.'],
    'header.converter': ['Invalid value Nope for configuration header.converter: Class Nope could not be found.'],
  });
});

test('secrets are hidden when the configuration is logged', () => {
  const config = new WorkerConfig(
    { ...MINIMAL, 'producer.sasl.jaas.config': 'org.x.PlainLoginModule required password="pw";', 'consumer.ssl.key.password': 'kp', 'broker.log.dirs': 'd', 'db.url': 'resolved' },
    'standalone',
    { sensitiveKeys: ['db.url'] },
  );
  const shown = JSON.stringify(config) + inspect(config);
  expect(shown).not.toContain('PlainLoginModule');
  expect(shown).not.toContain('kp');
  expect(shown).not.toContain('resolved');
  expect(shown).toContain('"broker.log.dirs":"d"');
  expect(config.redactedOriginals()['producer.sasl.jaas.config']).toBe('[hidden]');
  expect(config.isSensitive('key.converter')).toBe(false);
  // The real values stay available to the runtime.
  expect(config.producerConfigs['sasl.jaas.config']).toContain('PlainLoginModule');
});

describe('loading with config providers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-worker-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env['SLUICE_TEST_OFFSETS_DIR'];
  });

  test('a worker properties file with ${file:...} and ${env:...} references', async () => {
    const secrets = path.join(dir, 'secrets.properties');
    fs.writeFileSync(secrets, 'sasl.password=hunter2\n');
    process.env['SLUICE_TEST_OFFSETS_DIR'] = dir;
    const file = path.join(dir, 'connect-standalone.properties');
    fs.writeFileSync(
      file,
      [
        'bootstrap.servers=embedded',
        'key.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        'key.converter.schemas.enable=true',
        'offset.storage.file.filename=${env:SLUICE_TEST_OFFSETS_DIR}/connect.offsets',
        'offset.flush.interval.ms=10000',
        'config.providers=file,env',
        'config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider',
        'config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider',
        `producer.sasl.password=\${file:${secrets}:sasl.password}`,
      ].join('\n'),
    );
    const { config, configTransformer } = await readWorkerConfigFile(file, 'standalone');
    expect(config.offsetStorageFileFilename).toBe(path.join(dir, 'connect.offsets'));
    expect(config.offsetFlushIntervalMs).toBe(10000);
    expect(config.keyConverterConfigs).toEqual({ 'schemas.enable': 'true' });
    expect(config.producerConfigs['sasl.password']).toBe('hunter2');
    expect(config.isSensitive('offset.storage.file.filename')).toBe(true);
    expect(JSON.stringify(config)).not.toContain('hunter2');
    // The same providers resolve connector configurations.
    expect((await configTransformer.transform({ 'connection.password': `\${file:${secrets}:sasl.password}` })).data).toEqual({ 'connection.password': 'hunter2' });
    await configTransformer.close();
  });

  test('unresolvable references and invalid values fail with the key named', async () => {
    await expect(loadWorkerConfig({ ...MINIMAL, 'producer.sasl.password': '${vault:db:pw}' }, 'standalone')).rejects.toThrow(
      'Configuration producer.sasl.password refers to config provider "vault" in ${vault:db:pw}, but no config providers are configured (config.providers)',
    );
    await expect(loadWorkerConfig({ ...MINIMAL, 'offset.flush.timeout.ms': 'x' }, 'standalone')).rejects.toThrow(
      'Invalid value x for configuration offset.flush.timeout.ms: Not a number of type LONG',
    );
  });
});
