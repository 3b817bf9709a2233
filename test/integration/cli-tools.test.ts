/**
 * The Kafka-style tools and the network client against a real in-process broker. The tools run as
 * child processes of the built CLI (`npm run build` first); kcat (librdkafka) cross-checks that what
 * our producer writes, with every codec, is what another client reads, and the other way round.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import { KafkaClient } from '../../broker/client/kafka-client';
import { partitionForKey } from '../../broker/client/partitioner';
import { Producer } from '../../broker/client/producer';
import { buildRecordBatch } from '../../broker/client/record-batch-builder';
import { readRecords } from '../../broker/client/record-batch-reader';
import { loadCompression } from '../../broker/client/compression';
import { ErrorCode } from '../../broker/protocol/error-codes';
import { removeDir, startBroker, tempDir, type InProcessBroker } from '../helpers/broker-harness';
import { kcat } from '../helpers/kcat';
import { requireBuiltCli, sluice } from '../helpers/sluice-cli';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let b: InProcessBroker;
let bs: string[];

beforeAll(async () => {
  requireBuiltCli();
  await loadCompression('all');
  // A fixed free port rather than port 0: Metadata must advertise the port clients can reach.
  b = await startBroker({ 'num.partitions': '1', listeners: `PLAINTEXT://127.0.0.1:${await freePort()}` });
  bs = ['--bootstrap-server', b.bootstrap];
});

afterAll(async () => {
  await b.stop();
  removeDir(b.logDir);
});

describe('sluice topics', () => {
  test('create, list, describe, alter, delete, with Kafka exit codes and messages', async () => {
    const created = await sluice(['topics', ...bs, '--create', '--topic', 'tt', '--partitions', '2', '--replication-factor', '1', '--config', 'retention.ms=123456', '--config', 'cleanup.policy=compact']);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic tt.\n' });
    const again = await sluice(['topics', ...bs, '--create', '--topic', 'tt', '--partitions', '2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Topic 'tt' already exists.");
    expect((await sluice(['topics', ...bs, '--create', '--topic', 'tt', '--if-not-exists'])).code).toBe(0);

    expect((await sluice(['topics', ...bs, '--list'])).stdout.split('\n')).toContain('tt');
    const described = await sluice(['topics', ...bs, '--describe', '--topic', 'tt']);
    expect(described.code).toBe(0);
    const [head, p0, p1] = described.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^Topic: tt\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: /);
    expect(head).toContain('retention.ms=123456');
    expect(head).toContain('cleanup.policy=compact');
    expect(p0).toBe('\tTopic: tt\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0');
    expect(p1).toBe('\tTopic: tt\tPartition: 1\tLeader: 0\tReplicas: 0\tIsr: 0');

    const altered = await sluice(['topics', ...bs, '--alter', '--topic', 'tt', '--partitions', '3']);
    expect(altered.code).toBe(0);
    expect(altered.stdout).toContain('Adding partitions succeeded!');
    expect((await sluice(['topics', ...bs, '--describe', '--topic', 'tt'])).stdout).toContain('PartitionCount: 3');

    expect((await sluice(['topics', ...bs, '--delete', '--topic', 'tt'])).code).toBe(0);
    expect((await sluice(['topics', ...bs, '--list'])).stdout.split('\n')).not.toContain('tt');
    const missing = await sluice(['topics', ...bs, '--delete', '--topic', 'tt']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Topic 'tt' does not exist as expected");
    expect((await sluice(['topics', ...bs, '--delete', '--topic', 'tt', '--if-exists'])).code).toBe(0);
  });

  test('usage errors and unreachable brokers exit 1 without a stack trace', async () => {
    const noAction = await sluice(['topics', ...bs]);
    expect(noAction.code).toBe(1);
    expect(noAction.stderr).toContain('exactly one action');
    const unknown = await sluice(['topics', ...bs, '--list', '--frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unrecognized option: --frobnicate');
    expect(unknown.stderr).toContain('usage: sluice topics');
    const refused = await sluice(['topics', '--bootstrap-server', '127.0.0.1:1', '--list']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('Error: cannot connect to broker at 127.0.0.1:1: ECONNREFUSED\n');
  });
});

describe('console producer and consumer', () => {
  test('keyed lines land on the murmur2 partition and read back with Kafka formatting', async () => {
    await sluice(['topics', ...bs, '--create', '--topic', 'keyed', '--partitions', '3']);
    const lines = Array.from({ length: 30 }, (_, i) => `key-${i}:value-${i}`);
    const produced = await sluice(['console-producer', ...bs, '--topic', 'keyed', '--property', 'parse.key=true', '--property', 'key.separator=:'], `${lines.join('\n')}\n`);
    expect(produced).toMatchObject({ code: 0, stderr: '' });
    const consumed = await sluice(['console-consumer', ...bs, '--topic', 'keyed', '--from-beginning', '--max-messages', '30', '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.timestamp=true']);
    expect(consumed.code).toBe(0);
    expect(consumed.stderr).toBe('Processed a total of 30 messages\n');
    const rows = consumed.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows).toHaveLength(30);
    for (const [ts, part, off, key, value] of rows) {
      expect(ts).toMatch(/^CreateTime:\d{13}$/);
      expect(off).toMatch(/^Offset:\d+$/);
      const i = Number((key as string).slice(4));
      expect(value).toBe(`value-${i}`);
      expect(part).toBe(`Partition:${partitionForKey(Buffer.from(key as string), 3)}`);
    }
  });

  test('a missing key separator fails the producer; --partition/--offset and --timeout-ms', async () => {
    const bad = await sluice(['console-producer', ...bs, '--topic', 'plain', '--property', 'parse.key=true'], 'no separator here\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("No key separator found on line number 1: 'no separator here'");
    expect((await sluice(['console-producer', ...bs, '--topic', 'plain'], 'a\nb\nc\nd\n')).code).toBe(0);
    const fromTwo = await sluice(['console-consumer', ...bs, '--topic', 'plain', '--partition', '0', '--offset', '2', '--timeout-ms', '1000']);
    expect(fromTwo).toMatchObject({ code: 0, stdout: 'c\nd\n', stderr: 'Processed a total of 2 messages\n' });
    const group = await sluice(['console-consumer', ...bs, '--topic', 'plain', '--group', 'g', '--partition', '0']);
    expect(group.code).toBe(1);
    expect(group.stderr).toContain('Options group and partition cannot be specified together.');
  });

  test.each(['gzip', 'snappy', 'lz4', 'zstd'])("%s: our batches read back here and in kcat, and kcat's read here", async (codec) => {
    const topic = `codec-${codec}`;
    const values = Array.from({ length: 200 }, (_, i) => `${codec} line ${i} ${'x'.repeat(i % 50)}`);
    expect((await sluice(['console-producer', ...bs, '--topic', topic, '--compression-codec', codec], `${values.join('\n')}\n`)).code).toBe(0);
    const ours = await sluice(['console-consumer', ...bs, '--topic', topic, '--from-beginning', '--max-messages', '200']);
    expect(ours.stdout.trimEnd().split('\n')).toEqual(values);
    const theirs = await kcat(['-b', b.bootstrap, '-C', '-t', topic, '-e', '-o', 'beginning', '-q']);
    expect(theirs.stdout.toString().trimEnd().split('\n')).toEqual(values);

    const fromKcat = values.map((v) => `k:${v}`);
    const produced = await kcat(['-b', b.bootstrap, '-P', '-t', topic, '-z', codec, '-K:'], `${fromKcat.join('\n')}\n`);
    expect(produced.code).toBe(0);
    const mixed = await sluice(['console-consumer', ...bs, '--topic', topic, '--from-beginning', '--max-messages', '400', '--property', 'print.key=true', '--property', 'key.separator=:']);
    expect(mixed.stdout.trimEnd().split('\n').slice(200)).toEqual(fromKcat);
  });
});

describe('get-offsets and dump-log', () => {
  test('GetOffsetShell lines for latest, earliest and a partition list', async () => {
    await sluice(['topics', ...bs, '--create', '--topic', 'offs', '--partitions', '2']);
    await sluice(['console-producer', ...bs, '--topic', 'offs', '--property', 'parse.key=true'], 'a\t1\nb\t2\nc\t3\nd\t4\ne\t5\n');
    const latest = await sluice(['get-offsets', ...bs, '--topic', 'offs']);
    const counts = latest.stdout.trimEnd().split('\n').map((l) => l.split(':'));
    expect(counts.map(([t, p]) => `${t}:${p}`)).toEqual(['offs:0', 'offs:1']);
    expect(counts.reduce((n, [, , o]) => n + Number(o), 0)).toBe(5);
    expect((await sluice(['get-offsets', ...bs, '--topic', 'offs', '--time', '-2', '--partitions', '1'])).stdout).toBe('offs:1:0\n');
  });

  test('dumps segment and index files, and reports corruption with exit code 1', async () => {
    await sluice(['console-producer', ...bs, '--topic', 'dump', '--property', 'parse.key=true', '--property', 'key.separator=='], 'k1=hello\nk2=world\n');
    const dir = path.join(b.logDir, 'dump-0');
    const log = path.join(dir, '00000000000000000000.log');
    const dumped = await sluice(['dump-log', '--files', `${log},${path.join(dir, '00000000000000000000.index')}`, '--print-data-log']);
    expect(dumped.code).toBe(0);
    expect(dumped.stdout).toContain(`Dumping ${log}\nLog starting offset: 0\n`);
    expect(dumped.stdout).toMatch(/baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 .* position: 0 CreateTime: \d+ size: \d+ magic: 2 compresscodec: none crc: \d+ isvalid: true/);
    expect(dumped.stdout).toMatch(/\| offset: 0 CreateTime: \d+ keySize: 2 valueSize: 5 sequence: -1 headerKeys: \[\] key: k1 payload: hello/);
    expect(dumped.stdout).toMatch(/\| offset: 1 CreateTime: \d+ keySize: 2 valueSize: 5 sequence: -1 headerKeys: \[\] key: k2 payload: world/);

    const scratch = tempDir();
    try {
      const bytes = fs.readFileSync(log);
      const flipped = Buffer.from(bytes);
      flipped[flipped.length - 3] = (flipped[flipped.length - 3] as number) ^ 0x55;
      const bad = path.join(scratch, '00000000000000000000.log');
      fs.writeFileSync(bad, Buffer.concat([flipped, bytes.subarray(0, 20)]));
      const report = await sluice(['dump-log', '--files', bad]);
      expect(report.code).toBe(1);
      expect(report.stdout).toContain('isvalid: false');
      expect(report.stdout).toContain('Found 20 invalid bytes at the end of 00000000000000000000.log');
      const garbage = path.join(scratch, 'garbage.log');
      fs.writeFileSync(garbage, Buffer.alloc(5000, 0xab));
      const g = await sluice(['dump-log', '--files', garbage, '--deep-iteration']);
      expect(g.code).toBe(1);
      expect(g.stdout).toContain('Found 5000 invalid bytes at the end of garbage.log');
    } finally {
      removeDir(scratch);
    }
  });
});

describe('perf tests', () => {
  test("producer-perf-test and consumer-perf-test print Kafka's summary lines", async () => {
    const produced = await sluice(['producer-perf-test', '--topic', 'perf', '--num-records', '20000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${b.bootstrap}`, 'acks=1', 'batch.size=16384', 'linger.ms=5', 'compression.type=lz4']);
    expect(produced.code).toBe(0);
    expect(produced.stdout.trimEnd().split('\n').pop()).toMatch(
      /^20000 records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/,
    );
    const consumed = await sluice(['consumer-perf-test', ...bs, '--topic', 'perf', '--messages', '20000', '--timeout', '5000']);
    expect(consumed.code).toBe(0);
    const [header, line] = consumed.stdout.trimEnd().split('\n');
    expect(header).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, 1\.9073, [\d.]+, 20000, [\d.]+, 0, \d+, [\d.]+, [\d.]+$/);
  });
});

describe('network client API', () => {
  let client: KafkaClient;
  beforeAll(async () => {
    client = await KafkaClient.connect({ bootstrapServers: `127.0.0.1:1,${b.bootstrap}` });
  });
  afterAll(() => client.close());

  test('admin, produce, fetch and list offsets', async () => {
    const admin = new KafkaAdmin(client);
    await admin.createTopics([{ name: 'api', numPartitions: 2, configs: { 'retention.ms': '3600000' } }]);
    await expect(admin.createTopics([{ name: 'api', numPartitions: 2 }])).rejects.toMatchObject({ code: ErrorCode.TOPIC_ALREADY_EXISTS });
    const [desc] = await admin.describeTopics(['api']);
    expect(desc?.partitions.map((p) => p.leader)).toEqual([0, 0]);
    expect(desc?.configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG' });

    const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v1'), headers: [['h', Buffer.from('x')]] }, { key: null, value: null }], { compression: 'zstd' });
    expect((await client.produce({ topic: 'api', partition: 1, batch })).baseOffset).toBe(0);
    expect((await client.produce({ topic: 'api', partition: 1, batch, acks: 1 })).baseOffset).toBe(2);
    const [fetched] = await client.fetch({ partitions: [{ topic: 'api', partition: 1, offset: 1 }] });
    expect(fetched).toMatchObject({ error: null, highWatermark: 4 });
    const records = [...readRecords(fetched?.records ?? null, { minOffset: 1 })];
    expect(records.map((r) => [r.offset, r.value?.toString() ?? null])).toEqual([
      [1, null],
      [2, 'v1'],
      [3, null],
    ]);
    expect(records[1]?.headers).toEqual([['h', Buffer.from('x')]]);
    expect(await client.listOffsets('api', [0, 1], -1)).toEqual([
      { partition: 0, offset: 0, timestamp: -1 },
      { partition: 1, offset: 4, timestamp: -1 },
    ]);
    await expect(client.produce({ topic: 'api', partition: 7, batch })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    await expect(client.topic('no-such-topic')).rejects.toThrow("topic 'no-such-topic' does not exist");
  });

  test('the batching producer pipelines and reports offsets per batch', async () => {
    const acks: number[] = [];
    const producer = new Producer(client, { batchSize: 2000, lingerMs: 2, acks: -1, onBatchAcked: (a) => acks.push(a.recordCount) });
    for (let i = 0; i < 5000; i++) {
      const wait = producer.send({ topic: 'api-prod', key: null, value: Buffer.from(`m${i}`), partition: 0 });
      if (wait) await wait;
    }
    await producer.flush();
    producer.close();
    expect(acks.reduce((a, n) => a + n, 0)).toBe(5000);
    expect(acks.length).toBeGreaterThan(10);
    expect(await client.listOffsets('api-prod', [0], -1)).toEqual([{ partition: 0, offset: 5000, timestamp: -1 }]);
  });
});
