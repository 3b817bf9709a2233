/**
 * Kafka Connect's error handling in a real worker: a record the converter cannot read fails the sink task
 * by default, naming the stage and the record; with errors.tolerance=all it is skipped, the others are
 * written, and the dead letter queue gets the original bytes with the __connect.errors.* headers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { kcat } from '../../helpers/kcat';
import { startTestWorker, waitFor, type TestWorker } from '../../helpers/connect-worker';

let w: TestWorker;
let bootstrap: string;

beforeAll(async () => {
  w = await startTestWorker();
  bootstrap = `127.0.0.1:${w.worker.brokerPort}`;
  // Three records, the middle one not JSON.
  const produced = await kcat(['-b', bootstrap, '-P', '-t', 'mixed', '-p', '0'], '{"n":1}\nnot json{\n{"n":3}\n');
  expect(produced.code).toBe(0);
});

afterAll(async () => {
  await w?.stop();
});

function sinkConfig(file: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'FileStreamSink', topics: 'mixed', file,
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
    ...extra,
  };
}

async function taskStates(name: string): Promise<Array<{ state: string; trace?: string }>> {
  const status = await w.call('GET', `/connectors/${name}/status`);
  return (status.body as { tasks: Array<{ state: string; trace?: string }> }).tasks ?? [];
}

test('errors.tolerance=none (the default): the task fails naming the stage and the record', async () => {
  const file = path.join(w.dir, 'strict.txt');
  expect((await w.call('POST', '/connectors', { name: 'strict', config: sinkConfig(file) })).status).toBe(201);
  const [task] = await waitFor(() => taskStates('strict'), (t) => t[0]?.state === 'FAILED', 'the strict sink to fail', 20000);
  expect(task!.trace).toContain('Tolerance exceeded in error handler: stage VALUE_CONVERTER failed for mixed-0@1');
  // Nothing after the bad record was written, and the offset was not committed past it.
  expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').not.toContain('{n=3}');
});

test('errors.tolerance=all skips the bad record, writes the rest, and dead-letters the original bytes', async () => {
  const file = path.join(w.dir, 'tolerant.txt');
  const config = sinkConfig(file, {
    'errors.tolerance': 'all', 'errors.log.enable': 'true',
    'errors.deadletterqueue.topic.name': 'mixed-dlq', 'errors.deadletterqueue.context.headers.enable': 'true',
  });
  expect((await w.call('POST', '/connectors', { name: 'tolerant', config })).status).toBe(201);
  await waitFor(async () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''), (t) => t.split('\n').length >= 3, 'two records in the sink file', 20000);
  expect(fs.readFileSync(file, 'utf8')).toBe('{n=1}\n{n=3}\n');
  expect((await taskStates('tolerant'))[0]?.state).toBe('RUNNING');

  const dlq = await kcat(['-b', bootstrap, '-C', '-t', 'mixed-dlq', '-e', '-f', '%s|%h\n']);
  expect(dlq.code).toBe(0);
  const out = dlq.stdout.toString();
  expect(out.slice(0, out.indexOf('|'))).toBe('not json{');
  // kcat prints headers as name=value joined by commas; values such as the stack trace contain commas too.
  const parsed = Object.fromEntries([...out.matchAll(/(__connect\.errors\.[a-z.]+)=([\s\S]*?)(?=,__connect\.errors\.|\n$)/g)].map((m) => [m[1], m[2]]));
  expect(parsed).toMatchObject({
    '__connect.errors.topic': 'mixed',
    '__connect.errors.partition': '0',
    '__connect.errors.offset': '1',
    '__connect.errors.connector.name': 'tolerant',
    '__connect.errors.task.id': '0',
    '__connect.errors.stage': 'VALUE_CONVERTER',
  });
  expect(parsed['__connect.errors.exception.message']).toMatch(/json|JSON|token/);
});
