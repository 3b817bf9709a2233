import { ErrorCode, KafkaError } from '../../../../broker/protocol/error-codes';
import {
  LOG_CONFIG_DEFS,
  describeBrokerLogConfigs,
  describeLogConfigs,
  resolveLogConfig,
  validateTopicConfigs,
} from '../../../../broker/log/log-config';

test('Kafka defaults apply when nothing is set', () => {
  const c = resolveLogConfig({ brokerProps: {}, topicOverrides: {} });
  expect(c).toMatchObject({
    segmentBytes: 1073741824,
    segmentMs: 604800000,
    retentionMs: 604800000,
    retentionBytes: -1,
    maxMessageBytes: 1048588,
    indexIntervalBytes: 4096,
    segmentIndexBytes: 10485760,
    messageTimestampType: 'CreateTime',
    cleanupPolicy: ['delete'],
    compressionType: 'producer',
    deleteRetentionMs: 86400000,
    minCleanableDirtyRatio: 0.5,
    minCompactionLagMs: 0,
    minInsyncReplicas: 1,
    fileDeleteDelayMs: 60000,
  });
  expect(c.flushMessages).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
  expect(c.flushMs).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
});

test('topic override beats broker synonym beats default; hour and minute synonyms are converted', () => {
  const brokerProps = { 'log.retention.hours': '24', 'log.roll.hours': '1', 'log.segment.bytes': '5000', 'message.max.bytes': '2000000' };
  const c = resolveLogConfig({ brokerProps, topicOverrides: { 'segment.bytes': '7000' } });
  expect(c.retentionMs).toBe(24 * 3_600_000);
  expect(c.segmentMs).toBe(3_600_000);
  expect(c.segmentBytes).toBe(7000);
  expect(c.maxMessageBytes).toBe(2_000_000);
  // log.retention.ms takes precedence over minutes, which takes precedence over hours.
  expect(resolveLogConfig({ brokerProps: { 'log.retention.hours': '1', 'log.retention.minutes': '2' }, topicOverrides: {} }).retentionMs).toBe(120_000);
  expect(resolveLogConfig({ brokerProps: { 'log.retention.minutes': '2', 'log.retention.ms': '5' }, topicOverrides: {} }).retentionMs).toBe(5);
  expect(resolveLogConfig({ brokerProps: {}, topicOverrides: { 'cleanup.policy': 'compact,delete' } }).cleanupPolicy).toEqual(['compact', 'delete']);
});

test('describe lists every config with its value and source', () => {
  const list = describeLogConfigs({ brokerProps: { 'log.retention.hours': '24' }, topicOverrides: { 'cleanup.policy': 'compact' } });
  expect(list).toHaveLength(LOG_CONFIG_DEFS.length);
  const byName = new Map(list.map((c) => [c.name, c]));
  expect(byName.get('cleanup.policy')).toMatchObject({ value: 'compact', source: 'TOPIC_CONFIG', type: 'LIST', readOnly: false, isSensitive: false });
  expect(byName.get('retention.ms')).toMatchObject({ value: '86400000', source: 'STATIC_BROKER_CONFIG', type: 'LONG' });
  expect(byName.get('retention.ms')?.synonyms).toEqual([
    { name: 'log.retention.hours', value: '86400000', source: 'STATIC_BROKER_CONFIG' },
    { name: 'log.retention.ms', value: '604800000', source: 'DEFAULT_CONFIG' },
  ]);
  expect(byName.get('flush.messages')).toMatchObject({ value: '9223372036854775807', source: 'DEFAULT_CONFIG' });
  expect(byName.get('segment.bytes')?.doc).toMatch(/roll/);
  const broker = describeBrokerLogConfigs({ 'log.segment.bytes': '5000' });
  expect(broker.find((c) => c.name === 'log.segment.bytes')).toMatchObject({ value: '5000', source: 'STATIC_BROKER_CONFIG' });
  expect(broker.find((c) => c.name === 'log.retention.ms')).toMatchObject({ value: '604800000', source: 'DEFAULT_CONFIG' });
});

function invalid(configs: Record<string, string>): KafkaError {
  try {
    validateTopicConfigs(configs);
  } catch (err) {
    expect(err).toBeInstanceOf(KafkaError);
    expect((err as KafkaError).code).toBe(ErrorCode.INVALID_CONFIG);
    return err as KafkaError;
  }
  throw new Error(`expected ${JSON.stringify(configs)} to be refused`);
}

test('unknown names and bad values are INVALID_CONFIG with a message naming them', () => {
  expect(invalid({ 'no.such.config': '1' }).message).toMatch(/no\.such\.config/);
  expect(invalid({ 'segment.bytes': 'abc' }).message).toMatch(/"abc" for configuration segment\.bytes/);
  expect(invalid({ 'segment.bytes': '10' }).message).toMatch(/at least 14/);
  expect(invalid({ 'segment.bytes': '4294967296' }).message).toMatch(/out of range/);
  expect(invalid({ 'cleanup.policy': 'compact,shred' }).message).toMatch(/shred/);
  expect(invalid({ 'message.timestamp.type': 'WallClock' }).message).toMatch(/CreateTime, LogAppendTime/);
  expect(invalid({ 'min.cleanable.dirty.ratio': '1.5' }).message).toMatch(/between 0 and 1/);
  expect(invalid({ 'preallocate': 'yes' }).message).toMatch(/true or false/);
  expect(invalid({ 'retention.ms': '-2' }).message).toMatch(/retention\.ms/);
  expect(() => validateTopicConfigs({ 'retention.ms': '-1', 'cleanup.policy': 'compact,delete', 'flush.messages': '9223372036854775807' })).not.toThrow();
  expect(() => resolveLogConfig({ brokerProps: { 'log.segment.bytes': 'huge' }, topicOverrides: {} })).toThrow(/log\.segment\.bytes/);
});
