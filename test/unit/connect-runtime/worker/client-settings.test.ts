import { ConfigError } from '../../../../connect-runtime/api';
import { taskConsumerOptions, taskProducerOptions } from '../../../../connect-runtime/worker/client-settings';
import { validateClientOverrides } from '../../../../connect-runtime/herder/client-override-policy';

describe('taskConsumerOptions', () => {
  test('Connect reads from the earliest offset by default and maps the consumer keys it knows', () => {
    expect(taskConsumerOptions({}, {})).toEqual({ autoOffsetReset: 'earliest' });
    const options = taskConsumerOptions(
      {
        'session.timeout.ms': '20000',
        'max.poll.interval.ms': '60000',
        'heartbeat.interval.ms': '2000',
        'fetch.max.wait.ms': '100',
        'fetch.min.bytes': '1024',
        'max.partition.fetch.bytes': '8388608',
        'isolation.level': 'read_committed',
        'check.crcs': 'false',
        'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor, range',
        'client.rack': 'ignored: the client has no use for it',
      },
      {},
    );
    expect(options).toEqual({
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 20000,
      rebalanceTimeoutMs: 60000,
      heartbeatIntervalMs: 2000,
      maxWaitMs: 100,
      minBytes: 1024,
      partitionMaxBytes: 8388608,
      isolationLevel: 1,
      verifyCrc: false,
      assignors: ['roundrobin', 'range'],
    });
  });

  test("the connector's consumer.override.* wins over the worker's consumer.*; producer overrides do not apply", () => {
    const options = taskConsumerOptions(
      { 'auto.offset.reset': 'none', 'max.partition.fetch.bytes': '1000' },
      { 'consumer.override.auto.offset.reset': 'latest', 'producer.override.max.partition.fetch.bytes': '5', topics: 't' },
    );
    expect(options).toEqual({ autoOffsetReset: 'latest', partitionMaxBytes: 1000 });
  });

  test.each([
    [{ 'consumer.override.auto.offset.reset': 'sometimes' }, 'consumer.override.auto.offset.reset', 'earliest, latest, none'],
    [{ 'consumer.override.max.partition.fetch.bytes': 'lots' }, 'consumer.override.max.partition.fetch.bytes', 'non-negative integer'],
    [{ 'consumer.override.session.timeout.ms': '-1' }, 'consumer.override.session.timeout.ms', 'non-negative integer'],
    [{ 'consumer.override.isolation.level': 'serializable' }, 'consumer.override.isolation.level', 'read_committed'],
    [{ 'consumer.override.check.crcs': 'yes' }, 'consumer.override.check.crcs', 'true or false'],
    [{ 'consumer.override.partition.assignment.strategy': 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor' }, 'consumer.override.partition.assignment.strategy', 'CooperativeStickyAssignor'],
  ])('a bad value is a ConfigError naming the key as written: %j', (connectorConfig, key, hint) => {
    let error: unknown;
    try {
      taskConsumerOptions({}, connectorConfig);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`for configuration ${key}`);
    expect((error as Error).message).toContain(hint);
  });

  test("a bad worker setting names the worker's key", () => {
    expect(() => taskConsumerOptions({ 'fetch.min.bytes': '1.5' }, {})).toThrow('for configuration consumer.fetch.min.bytes');
  });
});

describe('taskProducerOptions', () => {
  test('acks=all always; overrides win over worker settings; errors name the key as written', () => {
    expect(taskProducerOptions({ 'linger.ms': '5', acks: '0' }, { 'producer.override.linger.ms': '20', 'producer.override.compression.type': ' gzip ' })).toMatchObject({
      acks: -1,
      lingerMs: 20,
      compression: 'gzip',
    });
    expect(() => taskProducerOptions({}, { 'producer.override.batch.size': 'big' })).toThrow('for configuration producer.override.batch.size');
    expect(() => taskProducerOptions({ 'batch.size': 'big' }, {})).toThrow('for configuration producer.batch.size');
  });
});

describe('validateClientOverrides', () => {
  const config = {
    'connector.class': 'FileStreamSink',
    'producer.override.linger.ms': '5',
    'consumer.override.sasl.mechanism': 'PLAIN',
    'admin.override.security.protocol': 'SASL_SSL',
    'linger.ms': 'not an override',
  };
  const errorsByKey = (policy: 'All' | 'None' | 'Principal'): Record<string, string[]> =>
    Object.fromEntries(validateClientOverrides('FileStreamSink', policy, config).configs.map((c) => [c.value?.name, c.value?.errors]));

  test('All allows every override', () => {
    expect(validateClientOverrides('FileStreamSink', 'All', config).error_count).toBe(0);
    expect(Object.keys(errorsByKey('All')).sort()).toEqual(['admin.override.security.protocol', 'consumer.override.sasl.mechanism', 'producer.override.linger.ms']);
  });

  test('None refuses each override, naming it', () => {
    expect(validateClientOverrides('FileStreamSink', 'None', config).error_count).toBe(3);
    expect(errorsByKey('None')['producer.override.linger.ms']).toEqual(["The 'None' policy does not allow 'producer.override.linger.ms' to be overridden in the connector configuration."]);
  });

  test('Principal allows only the client identity keys', () => {
    expect(errorsByKey('Principal')).toEqual({
      'producer.override.linger.ms': ["The 'Principal' policy does not allow 'producer.override.linger.ms' to be overridden in the connector configuration."],
      'consumer.override.sasl.mechanism': [],
      'admin.override.security.protocol': [],
    });
  });
});
