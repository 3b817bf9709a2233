/**
 * APIs that neither kcat nor kafkajs exercise on their own: a retried idempotent batch, acks=0,
 * IncrementalAlterConfigs, DescribeCluster and ApiVersions v3 — checked with exact requests.
 */
import { ApiKey } from '../../broker/protocol/apis';
import { ErrorCode } from '../../broker/protocol/error-codes';
import { RawKafka } from '../helpers/raw-kafka';
import { removeDir, startBroker, type InProcessBroker } from '../helpers/broker-harness';
import { buildBatch } from '../helpers/batch-builder';

let b: InProcessBroker;
let raw: RawKafka;

beforeAll(async () => {
  b = await startBroker();
  raw = await RawKafka.connect(b.broker.port);
  await b.broker.services.logs.createTopic({ name: 'apis', partitions: 1, configs: {} });
});

afterAll(async () => {
  raw.close();
  await b.stop();
  removeDir(b.logDir);
});

const produce = (records: Buffer, acks = -1) =>
  raw.request(ApiKey.Produce, 7, { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: 'apis', partitionData: [{ index: 0, records }] }] });

test('a retried idempotent batch is acknowledged with its original offset and stored once', async () => {
  const init = await raw.request(ApiKey.InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
  expect(init).toMatchObject({ errorCode: 0, producerEpoch: 0 });
  const pid = init.producerId as number;
  const first = buildBatch([{ key: null, value: Buffer.from('a') }, { key: null, value: Buffer.from('b') }], { producerId: pid, producerEpoch: 0, baseSequence: 0 });
  const retry = Buffer.from(first);
  const r1 = (await produce(first)).responses[0].partitionResponses[0];
  const r2 = (await produce(retry)).responses[0].partitionResponses[0];
  expect(r1.errorCode).toBe(0);
  expect(r2).toMatchObject({ errorCode: 0, baseOffset: r1.baseOffset });
  const log = b.broker.services.logs.partition('apis', 0);
  expect(log?.logEndOffset).toBe(r1.baseOffset + 2);

  // A gap in the sequence is refused; the next sequence is accepted.
  const gap = buildBatch([{ key: null, value: Buffer.from('c') }], { producerId: pid, producerEpoch: 0, baseSequence: 5 });
  expect((await produce(gap)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  const next = buildBatch([{ key: null, value: Buffer.from('c') }], { producerId: pid, producerEpoch: 0, baseSequence: 2 });
  expect((await produce(next)).responses[0].partitionResponses[0].baseOffset).toBe(r1.baseOffset + 2);

  // A second producer gets a different id.
  const other = await raw.request(ApiKey.InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
  expect(other.producerId).not.toBe(pid);
});

test('acks=0 appends without sending a response', async () => {
  const log = b.broker.services.logs.partition('apis', 0);
  const before = log?.logEndOffset ?? -1;
  raw.writeRaw(raw.encodeRequest(ApiKey.Produce, 7, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'apis', partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.from('z') }]) }] }] }));
  // The next request's answer is the first frame to come back.
  const meta = await raw.request(ApiKey.Metadata, 4, { topics: [{ name: 'apis' }], allowAutoTopicCreation: false });
  expect(meta.topics[0].name).toBe('apis');
  expect(log?.logEndOffset).toBe(before + 1);
});

test('IncrementalAlterConfigs sets, appends and deletes topic configs', async () => {
  const alter = (configs: Array<{ name: string; configOperation: number; value: string | null }>) =>
    raw.request(ApiKey.IncrementalAlterConfigs, 0, { resources: [{ resourceType: 2, resourceName: 'apis', configs }], validateOnly: false });
  expect((await alter([{ name: 'retention.ms', configOperation: 0, value: '1000000' }])).responses[0].errorCode).toBe(0);
  expect((await alter([{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }])).responses[0].errorCode).toBe(0);
  const bad = (await alter([{ name: 'segment.bytes', configOperation: 0, value: 'big' }])).responses[0];
  expect(bad).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: expect.stringContaining('segment.bytes') });
  const describe = async () =>
    (await raw.request(ApiKey.DescribeConfigs, 1, { resources: [{ resourceType: 2, resourceName: 'apis', configurationKeys: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false }))
      .results[0].configs as Array<{ name: string; value: string; configSource: number }>;
  expect(await describe()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'retention.ms', value: '1000000', configSource: 1 }),
      expect.objectContaining({ name: 'cleanup.policy', value: 'delete,compact', configSource: 1 }),
    ]),
  );
  expect((await alter([{ name: 'retention.ms', configOperation: 1, value: null }])).responses[0].errorCode).toBe(0);
  expect((await describe()).find((c) => c.name === 'retention.ms')).toMatchObject({ value: '604800000', configSource: 5 });
});

test('DescribeCluster and ApiVersions v3 describe this node', async () => {
  const cluster = await raw.request(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: false });
  expect(cluster).toMatchObject({ errorCode: 0, clusterId: b.broker.services.clusterId, controllerId: 0, brokers: [{ brokerId: 0, host: '127.0.0.1', port: b.broker.port }] });
  const versions = await raw.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
  const produceRange = versions.apiKeys.find((k: { apiKey: number }) => k.apiKey === ApiKey.Produce);
  expect(produceRange).toMatchObject({ minVersion: 0 });
  expect(versions.apiKeys.map((k: { apiKey: number }) => k.apiKey)).toEqual(expect.arrayContaining([0, 1, 2, 3, 10, 18, 19, 20, 21, 22, 32, 33, 37, 44, 60]));
});
