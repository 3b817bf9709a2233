import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { LogManager } from '../../../../broker/log/log-manager';
import { ErrorCode } from '../../../../broker/protocol/error-codes';
import { batchesIn, produce, readAll, removeTempDirs, silentLogger, tempDir, values } from './log-test-utils';

afterEach(removeTempDirs);

function openManager(logDir: string, brokerProps: Record<string, string> = {}): Promise<LogManager> {
  return LogManager.open({ logDir, brokerProps: { 'node.id': '1', ...brokerProps }, logger: silentLogger });
}

test('topics, partitions, configs and data persist across a reopen; meta.properties keeps the cluster id', async () => {
  const logDir = tempDir();
  const m = await openManager(logDir);
  expect(m.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const created = await m.createTopic({ name: 'orders', partitions: 3, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '100000' } });
  expect(created.topicId.length).toBe(16);
  expect(created.internal).toBe(false);
  await m.createTopic({ name: '__consumer_offsets', partitions: 2, configs: {} });
  expect(m.getTopic('__consumer_offsets')?.internal).toBe(true);
  expect(m.partition('orders', 2)?.config.segmentBytes).toBe(100000);
  expect(m.partition('orders', 3)).toBeUndefined();
  produce(m.partition('orders', 1)!, values(4).map((r, i) => ({ ...r, key: `k${i}` })));
  expect(fs.existsSync(path.join(logDir, '__topics', 'orders.json'))).toBe(true);
  expect(fs.existsSync(path.join(logDir, 'orders-2'))).toBe(true);
  await m.close();
  expect(m.lastShutdownClean).toBe(false);

  const again = await openManager(logDir);
  expect(again.lastShutdownClean).toBe(true);
  expect(again.clusterId).toBe(m.clusterId);
  expect(again.listTopics().map((t) => t.name).sort()).toEqual(['__consumer_offsets', 'orders']);
  const orders = again.getTopic('orders')!;
  expect(orders.topicId.equals(created.topicId)).toBe(true);
  expect(again.getTopicById(created.topicId)?.name).toBe('orders');
  expect(orders.configs).toEqual({ 'cleanup.policy': 'compact', 'segment.bytes': '100000' });
  expect(again.partition('orders', 1)?.logEndOffset).toBe(4);
  expect(batchesIn(readAll(again.partition('orders', 1)!))).toEqual([[0, 3]]);
  expect(again.recoveryReports).toEqual([]);
  await again.close();
  await expect(openManager(logDir, { 'node.id': '2' })).rejects.toThrow(/node\.id=1/);
});

test('invalid names, partition counts and configs are refused with the right codes', async () => {
  const m = await openManager(tempDir());
  const code = (p: Promise<unknown>) => p.then(() => null, (err: { code: number }) => err.code);
  for (const name of ['', '.', '..', 'has space', 'slash/x', 'x'.repeat(250), 'ümlaut']) {
    expect(await code(m.createTopic({ name, partitions: 1, configs: {} }))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  }
  expect(await code(m.createTopic({ name: 'ok', partitions: 0, configs: {} }))).toBe(ErrorCode.INVALID_PARTITIONS);
  expect(await code(m.createTopic({ name: 'ok', partitions: 1, configs: { 'retention.ms': 'soon' } }))).toBe(ErrorCode.INVALID_CONFIG);
  expect(await code(m.createTopic({ name: 'ok', partitions: 1, configs: { 'bogus.config': '1' } }))).toBe(ErrorCode.INVALID_CONFIG);
  await m.createTopic({ name: 'a.b', partitions: 1, configs: {} });
  expect(await code(m.createTopic({ name: 'a.b', partitions: 1, configs: {} }))).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
  expect(await code(m.createTopic({ name: 'a_b', partitions: 1, configs: {} }))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  expect(await code(m.deleteTopic('nope'))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  expect(await code(m.createPartitions('nope', 3))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const validated = await m.createTopic({ name: 'dry', partitions: 2, configs: {}, validateOnly: true });
  expect(validated.partitions).toBe(2);
  expect(m.getTopic('dry')).toBeUndefined();
  expect(m.listTopics().map((t) => t.name)).toEqual(['a.b']);
  await m.close();
});

test('deleteTopic removes the metadata and the data; the name can be reused from scratch', async () => {
  const logDir = tempDir();
  const m = await openManager(logDir);
  await m.createTopic({ name: 'gone', partitions: 2, configs: {} });
  produce(m.partition('gone', 0)!, values(5));
  await m.deleteTopic('gone');
  expect(m.getTopic('gone')).toBeUndefined();
  expect(m.partition('gone', 0)).toBeUndefined();
  expect(fs.existsSync(path.join(logDir, '__topics', 'gone.json'))).toBe(false);
  expect(fs.existsSync(path.join(logDir, 'gone-0'))).toBe(false);
  await m.createTopic({ name: 'gone', partitions: 1, configs: {} });
  expect(m.partition('gone', 0)?.logEndOffset).toBe(0);
  await m.close();
  // Background removal finished before close() returned.
  expect(fs.readdirSync(logDir).filter((n) => n.endsWith('-delete'))).toEqual([]);
  const again = await openManager(logDir);
  expect(again.listTopics().map((t) => t.name)).toEqual(['gone']);
  expect(again.getTopic('gone')?.partitions).toBe(1);
  await again.close();
});

test('createPartitions only grows the count, and new partitions persist', async () => {
  const logDir = tempDir();
  const m = await openManager(logDir);
  await m.createTopic({ name: 'grow', partitions: 2, configs: {} });
  await expect(m.createPartitions('grow', 1)).rejects.toMatchObject({ code: ErrorCode.INVALID_PARTITIONS, message: expect.stringMatching(/higher than the requested 1/) });
  await expect(m.createPartitions('grow', 2)).rejects.toMatchObject({ code: ErrorCode.INVALID_PARTITIONS, message: expect.stringMatching(/already has 2/) });
  expect((await m.createPartitions('grow', 5, true)).partitions).toBe(5);
  expect(m.getTopic('grow')?.partitions).toBe(2);
  expect((await m.createPartitions('grow', 4)).partitions).toBe(4);
  expect(produce(m.partition('grow', 3)!, values(1)).baseOffset).toBe(0);
  await m.close();
  const again = await openManager(logDir);
  expect(again.getTopic('grow')?.partitions).toBe(4);
  expect(again.partition('grow', 3)?.logEndOffset).toBe(1);
  await again.close();
});

test('alterTopicConfigs: full replacement and incremental set/delete/append/subtract, applied live and persisted', async () => {
  const logDir = tempDir();
  const m = await openManager(logDir, { 'log.retention.hours': '48' });
  await m.createTopic({ name: 'cfg', partitions: 1, configs: { 'retention.ms': '1000', 'segment.bytes': '50000' } });
  await m.alterTopicConfigs('cfg', [{ name: 'max.message.bytes', op: 'set', value: '2000' }], { replaceAll: true });
  expect(m.getTopic('cfg')?.configs).toEqual({ 'max.message.bytes': '2000' });
  expect(m.partition('cfg', 0)?.config.retentionMs).toBe(48 * 3_600_000);
  expect(m.partition('cfg', 0)?.config.maxMessageBytes).toBe(2000);

  await m.alterTopicConfigs('cfg', [{ name: 'cleanup.policy', op: 'append', value: 'compact' }], { replaceAll: false });
  expect(m.getTopic('cfg')?.configs['cleanup.policy']).toBe('delete,compact');
  await m.alterTopicConfigs('cfg', [{ name: 'cleanup.policy', op: 'subtract', value: 'delete' }, { name: 'flush.messages', op: 'set', value: '1' }], { replaceAll: false });
  expect(m.partition('cfg', 0)?.config.cleanupPolicy).toEqual(['compact']);
  expect(m.partition('cfg', 0)?.config.flushMessages).toBe(1);
  await m.alterTopicConfigs('cfg', [{ name: 'max.message.bytes', op: 'delete', value: null }], { replaceAll: false });
  expect(m.getTopic('cfg')?.configs).toEqual({ 'cleanup.policy': 'compact', 'flush.messages': '1' });

  await expect(m.alterTopicConfigs('cfg', [{ name: 'segment.bytes', op: 'append', value: '1' }], { replaceAll: false })).rejects.toMatchObject({ code: ErrorCode.INVALID_CONFIG });
  await expect(m.alterTopicConfigs('cfg', [{ name: 'nope', op: 'set', value: '1' }], { replaceAll: false })).rejects.toMatchObject({ code: ErrorCode.INVALID_CONFIG });
  await expect(m.alterTopicConfigs('cfg', [{ name: 'segment.ms', op: 'set', value: '0' }], { replaceAll: false })).rejects.toMatchObject({ code: ErrorCode.INVALID_CONFIG });
  await expect(m.alterTopicConfigs('missing', [], { replaceAll: true })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
  await m.alterTopicConfigs('cfg', [{ name: 'segment.ms', op: 'set', value: '1000' }], { replaceAll: false, validateOnly: true });
  expect(m.getTopic('cfg')?.configs['segment.ms']).toBeUndefined();

  const described = new Map(m.describeTopicConfigs('cfg').map((c) => [c.name, c]));
  expect(described.get('cleanup.policy')).toMatchObject({ value: 'compact', source: 'TOPIC_CONFIG' });
  expect(described.get('retention.ms')).toMatchObject({ value: String(48 * 3_600_000), source: 'STATIC_BROKER_CONFIG' });
  expect(described.get('segment.bytes')).toMatchObject({ value: '1073741824', source: 'DEFAULT_CONFIG' });
  expect(m.brokerLogConfig().retentionMs).toBe(48 * 3_600_000);
  await m.close();

  const again = await openManager(logDir, { 'log.retention.hours': '48' });
  expect(again.getTopic('cfg')?.configs).toEqual({ 'cleanup.policy': 'compact', 'flush.messages': '1' });
  expect(again.partition('cfg', 0)?.config.flushMessages).toBe(1);
  await again.close();
});

test('retention runs over every partition; start() and close() manage the background tasks', async () => {
  const m = await openManager(tempDir(), { 'log.retention.check.interval.ms': '3600000' });
  m.start();
  await m.createTopic({ name: 'old', partitions: 2, configs: { 'retention.ms': '1000', 'segment.bytes': '300' } });
  const past = Date.now() - 60_000;
  for (let p = 0; p < 2; p++) for (let i = 0; i < 5; i++) produce(m.partition('old', p)!, values(3, 'x', past));
  const deleted = m.applyRetention(Date.now());
  expect(deleted).toBeGreaterThanOrEqual(2);
  expect(m.partition('old', 0)?.logStartOffset).toBe(15);
  expect(m.partition('old', 1)?.logStartOffset).toBe(15);
  await m.close();
  await expect(m.createTopic({ name: 'late', partitions: 1, configs: {} })).rejects.toMatchObject({ code: ErrorCode.KAFKA_STORAGE_ERROR });
});

test('the periodic flush check flushes partitions whose flush.ms elapsed', async () => {
  const m = await openManager(tempDir());
  await m.createTopic({ name: 'timed', partitions: 1, configs: { 'flush.ms': '1000' } });
  await m.createTopic({ name: 'lazy', partitions: 1, configs: {} });
  const timed = m.partition('timed', 0)!;
  const lazy = m.partition('lazy', 0)!;
  expect(produce(timed, values(3)).durable).toBeNull();
  produce(lazy, values(3));
  m.flushDue(timed.lastFlushMs + 1000);
  // The flush runs in the background: wait for its effect (bounded), without calling flush().
  for (let i = 0; i < 2000 && timed.recoveryPoint < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(timed.recoveryPoint).toBe(3);
  expect(lazy.recoveryPoint).toBe(0);
  expect(lazy.hasUnflushedData).toBe(true);
  await m.close();
});

test('the background cleaner compacts compacted topics every log.cleaner.backoff.ms and logs what it did', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const m = await LogManager.open({ logDir: tempDir(), brokerProps: { 'node.id': '1', 'log.cleaner.backoff.ms': '20' }, logger });
  await m.createTopic({ name: 'kv', partitions: 2, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '1000' } });
  await m.createTopic({ name: 'plain', partitions: 1, configs: { 'segment.bytes': '1000' } });
  for (let i = 0; i < 100; i++) {
    for (let p = 0; p < 2; p++) produce(m.partition('kv', p)!, [{ key: `k${i % 5}`, value: `v${i}` }]);
    produce(m.partition('plain', 0)!, [{ key: `k${i % 5}`, value: `v${i}` }]);
  }
  const sizes = [m.partition('kv', 0)!.size, m.partition('plain', 0)!.size];
  m.start();
  for (let i = 0; i < 500 && lines.filter((l) => l.recordsRemoved !== undefined).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  const cleaned = lines.filter((l) => l.recordsRemoved !== undefined);
  expect(cleaned.map((l) => `${l.topic as string}-${l.partition as number}`).sort()).toEqual(['kv-0', 'kv-1']);
  expect(cleaned[0]).toMatchObject({ level: 30, bytesRead: expect.any(Number), bytesWritten: expect.any(Number), durationMs: expect.any(Number) });
  expect(cleaned[0]?.msg).toMatch(/^cleaned kv-\d: .* MB\/s\), \d+ of \d+ records removed$/);
  expect(m.partition('kv', 0)!.size).toBeLessThan(sizes[0]!);
  expect(m.partition('plain', 0)!.size).toBe(sizes[1]);
  // A manual run right after has nothing left to do.
  expect(await m.cleanLogs()).toEqual([]);
  await m.close();
});

test('log.cleaner.enable=false keeps the cleaner off; bad cleaner settings fail at open', async () => {
  const m = await openManager(tempDir(), { 'log.cleaner.enable': 'false', 'log.cleaner.backoff.ms': '10' });
  await m.createTopic({ name: 'kv', partitions: 1, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '1000' } });
  for (let i = 0; i < 100; i++) produce(m.partition('kv', 0)!, [{ key: `k${i % 5}`, value: `v${i}` }]);
  const size = m.partition('kv', 0)!.size;
  m.start();
  await new Promise((r) => setTimeout(r, 100));
  expect(m.partition('kv', 0)!.size).toBe(size);
  // An explicit run still works.
  const stats = await m.cleanLogs();
  expect(stats).toHaveLength(1);
  expect(m.partition('kv', 0)!.size).toBeLessThan(size);
  await m.close();
  await expect(openManager(tempDir(), { 'log.cleaner.backoff.ms': 'soon' })).rejects.toThrow(/log\.cleaner\.backoff\.ms="soon"/);
});
