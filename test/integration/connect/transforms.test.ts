/**
 * Single Message Transforms in a real worker, configured as in Kafka Connect: the source renames its topic with
 * RegexRouter; the sink wraps and extends each value (HoistField, InsertField) and drops one topic's records with
 * Filter under a TopicNameMatches predicate. A config naming an unknown transformation is refused with the key named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { kcat } from '../../helpers/kcat';
import { startTestWorker, waitFor, type TestWorker } from '../../helpers/connect-worker';

let w: TestWorker;

beforeAll(async () => {
  w = await startTestWorker({ 'consumer.metadata.max.age.ms': '300' });
});

afterAll(async () => {
  await w?.stop();
});

test('source and sink transformation chains with a predicate', async () => {
  const bootstrap = `127.0.0.1:${w.worker.brokerPort}`;
  const input = path.join(w.dir, 'in.txt');
  const output = path.join(w.dir, 'out.txt');
  fs.writeFileSync(input, 'alpha\nbeta\n');
  const source = {
    'connector.class': 'FileStreamSource', file: input, topic: 'raw-lines',
    transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': 'raw-(.*)', 'transforms.route.replacement': 'routed-$1',
  };
  const sink = {
    'connector.class': 'FileStreamSink', file: output, 'topics.regex': 'routed-lines|noise',
    transforms: 'dropNoise,hoist,tag',
    'transforms.dropNoise.type': 'org.apache.kafka.connect.transforms.Filter', 'transforms.dropNoise.predicate': 'isNoise',
    'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value', 'transforms.hoist.field': 'line',
    'transforms.tag.type': 'InsertField$Value', 'transforms.tag.static.field': 'origin', 'transforms.tag.static.value': 'file',
    predicates: 'isNoise', 'predicates.isNoise.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', 'predicates.isNoise.pattern': 'noise',
  };
  expect((await kcat(['-b', bootstrap, '-P', '-t', 'noise'], 'dropped\n')).code).toBe(0);
  expect((await w.call('POST', '/connectors', { name: 'routed-source', config: source })).status).toBe(201);
  expect((await w.call('POST', '/connectors', { name: 'shaped-sink', config: sink })).status).toBe(201);

  const read = async (): Promise<string> => (fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '');
  await waitFor(read, (t) => t.split('\n').length >= 3, 'two shaped lines in the sink file', 20000);
  expect(await read()).toBe('Struct{line=alpha,origin=file}\nStruct{line=beta,origin=file}\n');
  const topics = await kcat(['-b', bootstrap, '-L']);
  expect(topics.stdout.toString()).toContain('topic "routed-lines"');
  expect(topics.stdout.toString()).not.toContain('topic "raw-lines"');
});

test('an unknown transformation class or a missing type is refused with the key named', async () => {
  const base = { 'connector.class': 'FileStreamSink', file: path.join(w.dir, 'x.txt'), topics: 'x' };
  const unknown = await w.call('POST', '/connectors', { name: 'bad-smt', config: { ...base, transforms: 't', 'transforms.t.type': 'com.example.NoSuchTransform' } });
  expect(unknown.status).toBe(400);
  expect((unknown.body as { message: string }).message).toContain('Invalid value com.example.NoSuchTransform for configuration transforms.t.type');
  const missing = await w.call('POST', '/connectors', { name: 'bad-smt', config: { ...base, transforms: 't' } });
  expect(missing.status).toBe(400);
  expect((missing.body as { message: string }).message).toContain('transforms.t.type');
});
