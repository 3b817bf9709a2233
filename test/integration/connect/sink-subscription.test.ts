/**
 * A sink with topics.regex follows the topics that match: one created after the connector started is
 * picked up at the next metadata refresh, without a restart.
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

test('topics.regex subscribes to matching topics created later, and only to those', async () => {
  const bootstrap = `127.0.0.1:${w.worker.brokerPort}`;
  const file = path.join(w.dir, 'regex-sink.txt');
  const config = { 'connector.class': 'FileStreamSink', 'topics.regex': 'later\\..*', file };
  expect((await w.call('POST', '/connectors', { name: 'regex-sink', config })).status).toBe(201);
  await waitFor(async () => (await w.call('GET', '/connectors/regex-sink/status')).body as { tasks: Array<{ state: string }> }, (s) => s.tasks[0]?.state === 'RUNNING', 'the sink task to run');

  expect((await kcat(['-b', bootstrap, '-P', '-t', 'later.one'], 'first\n')).code).toBe(0);
  expect((await kcat(['-b', bootstrap, '-P', '-t', 'unrelated'], 'ignored\n')).code).toBe(0);
  expect((await kcat(['-b', bootstrap, '-P', '-t', 'later.two'], 'second\n')).code).toBe(0);
  const read = async (): Promise<string[]> => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).sort() : []);
  expect(await waitFor(read, (l) => l.length >= 2, 'both matching topics in the sink file', 20000)).toEqual(['first', 'second']);
  await new Promise((r) => setTimeout(r, 700));
  expect(await read()).toEqual(['first', 'second']);
});
