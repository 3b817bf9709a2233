/**
 * Hostile and broken clients: each gets the right error or a closed connection, the broker stays up,
 * and a well-behaved client on another connection is not disturbed.
 */
import { randomBytes } from 'node:crypto';
import { ApiKey } from '../../broker/protocol/apis';
import { ErrorCode } from '../../broker/protocol/error-codes';
import { RawKafka } from '../helpers/raw-kafka';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';
import { buildBatch } from '../helpers/batch-builder';

let b: InProcessBroker;
let healthy: RawKafka;

beforeAll(async () => {
  b = await startBroker({ 'socket.request.max.bytes': '1048576' });
  healthy = await RawKafka.connect(b.broker.port);
});

afterAll(async () => {
  healthy.close();
  await b.stop();
  removeDir(b.logDir);
});

afterEach(async () => {
  // The well-behaved client still gets answers after every attack.
  const res = await healthy.request(ApiKey.Metadata, 4, { topics: null, allowAutoTopicCreation: false });
  expect(res.brokers).toHaveLength(1);
});

async function expectClosed(bytes: Buffer): Promise<void> {
  const c = await RawKafka.connect(b.broker.port);
  c.writeRaw(bytes);
  expect(await c.waitClosed()).toBe(true);
}

test('random bytes close the connection', async () => {
  for (let i = 0; i < 20; i++) {
    const junk = randomBytes(64);
    junk.writeInt32BE(60, 0); // a plausible size so the junk is parsed as a request
    await expectClosed(junk);
  }
});

test('a huge declared size is refused without allocating it', async () => {
  const frame = Buffer.alloc(8);
  frame.writeInt32BE(0x7fffffff, 0);
  await expectClosed(frame);
  frame.writeInt32BE(-5, 0);
  await expectClosed(frame);
});

test('a truncated frame gets no answer and does not block other connections', async () => {
  const c = await RawKafka.connect(b.broker.port);
  const full = c.encodeRequest(ApiKey.Metadata, 4, { topics: null, allowAutoTopicCreation: false });
  c.writeRaw(full.subarray(0, full.length - 3));
  await expect(c.nextFrame(300)).rejects.toThrow('no response');
  c.close();
});

test('a frame whose body is cut short closes the connection', async () => {
  const c = await RawKafka.connect(b.broker.port);
  const full = c.encodeRequest(ApiKey.Metadata, 4, { topics: [{ name: 'abc' }], allowAutoTopicCreation: false });
  const cut = Buffer.from(full.subarray(0, full.length - 4));
  cut.writeInt32BE(cut.length - 4, 0);
  await expectClosed(cut);
});

test('an unknown API key closes the connection; an unknown ApiVersions version gets UNSUPPORTED_VERSION', async () => {
  const c = await RawKafka.connect(b.broker.port);
  const unknown = c.encodeRequest(ApiKey.ApiVersions, 0, {});
  unknown.writeInt16BE(999, 4);
  await expectClosed(unknown);

  const v = await RawKafka.connect(b.broker.port);
  const req = v.encodeRequest(ApiKey.ApiVersions, 0, {});
  req.writeInt16BE(42, 6);
  v.writeRaw(req);
  const frame = await v.nextFrame();
  expect(frame.readInt16BE(4)).toBe(ErrorCode.UNSUPPORTED_VERSION);
  expect(frame.readInt32BE(6)).toBe(1);
  expect([frame.readInt16BE(10), frame.readInt16BE(12), frame.readInt16BE(14)]).toEqual([ApiKey.ApiVersions, 0, 3]);
  v.close();
});

test('a batch with a wrong CRC is refused with CORRUPT_MESSAGE and nothing is stored', async () => {
  await b.broker.services.logs.createTopic({ name: 'crc', partitions: 1, configs: {} });
  const batch = buildBatch([{ key: null, value: Buffer.from('hello') }]);
  batch.writeUInt8(batch.readUInt8(batch.length - 1) ^ 0xff, batch.length - 1);
  const res = await healthy.request(ApiKey.Produce, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'crc', partitionData: [{ index: 0, records: batch }] }] });
  expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
  expect(b.broker.services.logs.partition('crc', 0)?.logEndOffset).toBe(0);
});

test('a batch whose record count disagrees with lastOffsetDelta is INVALID_RECORD; legacy magic is refused', async () => {
  const batch = buildBatch([{ key: null, value: Buffer.from('a') }, { key: null, value: Buffer.from('b') }]);
  batch.writeInt32BE(5, 57);
  const { crc32c } = await import('@node-rs/crc32');
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  const produce = (records: Buffer) =>
    healthy.request(ApiKey.Produce, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'crc', partitionData: [{ index: 0, records }] }] });
  expect((await produce(batch)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_RECORD);
  const legacy = Buffer.from(buildBatch([{ key: null, value: Buffer.from('a') }]));
  legacy.writeInt8(1, 16);
  expect((await produce(legacy)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
});

test('invalid topic names are refused with INVALID_TOPIC_EXCEPTION', async () => {
  const names = ['bad name', '..', '.', 'x'.repeat(250), 'slash/topic', ''];
  const res = await healthy.request(ApiKey.CreateTopics, 4, {
    topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
    timeoutMs: 1000,
    validateOnly: false,
  });
  for (const t of res.topics) expect(t.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  const meta = await healthy.request(ApiKey.Metadata, 4, { topics: [{ name: 'bad name' }], allowAutoTopicCreation: true });
  expect(meta.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
});

test('invalid acks and unknown partitions get their error codes', async () => {
  const batch = buildBatch([{ key: null, value: Buffer.from('x') }]);
  const res = await healthy.request(ApiKey.Produce, 7, { transactionalId: null, acks: 2, timeoutMs: 1000, topicData: [{ name: 'crc', partitionData: [{ index: 0, records: batch }] }] });
  expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
  const res2 = await healthy.request(ApiKey.Produce, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'crc', partitionData: [{ index: 9, records: batch }] }] });
  expect(res2.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
});

test('a replication factor above one is refused with a message', async () => {
  const res = await healthy.request(ApiKey.CreateTopics, 4, {
    topics: [{ name: 'rf', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  expect(res.topics[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: expect.stringMatching(/larger than available brokers: 1/) });
});
