/**
 * Per-connector client settings: a sink task's consumer takes the worker's consumer.* and the connector's
 * consumer.override.*; connector.client.config.override.policy decides which overrides a connector may carry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { kcat } from '../../helpers/kcat';
import { startTestWorker, waitFor, type TestWorker } from '../../helpers/connect-worker';

interface Status {
  connector: { state: string };
  tasks: Array<{ state: string; trace?: string }>;
}

describe('with the default policy (All)', () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await startTestWorker();
  });
  afterAll(async () => {
    await w?.stop();
  });

  const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  const produce = async (topic: string, text: string): Promise<void> => {
    expect((await kcat(['-b', `127.0.0.1:${w.worker.brokerPort}`, '-P', '-t', topic], text)).code).toBe(0);
  };

  test('consumer.override.auto.offset.reset=latest starts a new sink at the end; without it, Connect reads from the beginning', async () => {
    await produce('overrides.in', 'before-1\nbefore-2\n');
    const latestFile = path.join(w.dir, 'latest.txt');
    const earliestFile = path.join(w.dir, 'earliest.txt');
    const sink = (file: string, extra: Record<string, string> = {}): Record<string, string> => ({ 'connector.class': 'FileStreamSink', topics: 'overrides.in', file, ...extra });
    expect((await w.call('POST', '/connectors', { name: 'from-latest', config: sink(latestFile, { 'consumer.override.auto.offset.reset': 'latest' }) })).status).toBe(201);
    expect((await w.call('POST', '/connectors', { name: 'from-earliest', config: sink(earliestFile) })).status).toBe(201);
    for (const name of ['from-latest', 'from-earliest']) {
      await waitFor(async () => (await w.call('GET', `/connectors/${name}/status`)).body as Status, (s) => s.tasks[0]?.state === 'RUNNING', `${name} to run`);
    }
    // The latest sink's position is set once its consumer has joined: produce until a record reaches it.
    let sent = 0;
    await waitFor(
      async () => {
        await produce('overrides.in', `after-${++sent}\n`);
        await new Promise((r) => setTimeout(r, 200));
        return lines(latestFile);
      },
      (got) => got.length > 0,
      'a record produced after the start to reach the latest sink',
      20000,
    );
    const expected = Array.from({ length: sent }, (_, i) => `after-${i + 1}`);
    const earliest = await waitFor(async () => lines(earliestFile), (got) => got.length === sent + 2, 'every record in the earliest sink');
    expect(earliest).toEqual(['before-1', 'before-2', ...expected]);
    const latest = await waitFor(async () => lines(latestFile), (got) => got.at(-1) === `after-${sent}`, 'the last record in the latest sink');
    expect(latest.some((l) => l.startsWith('before-'))).toBe(false);
    expect(expected.slice(expected.length - latest.length)).toEqual(latest);
  });

  test('a consumer override the client cannot take fails the task with the key and value named', async () => {
    const config = { 'connector.class': 'FileStreamSink', topics: 'overrides.in', file: path.join(w.dir, 'never.txt'), 'consumer.override.auto.offset.reset': 'sometimes' };
    expect((await w.call('POST', '/connectors', { name: 'bad-consumer', config })).status).toBe(201);
    const status = await waitFor(async () => (await w.call('GET', '/connectors/bad-consumer/status')).body as Status, (s) => s.tasks[0]?.state === 'FAILED', 'the task to fail');
    expect(status.tasks[0]?.trace).toContain('Invalid value sometimes for configuration consumer.override.auto.offset.reset');
  });
});

describe('connector.client.config.override.policy=None', () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await startTestWorker({ 'connector.client.config.override.policy': 'None' });
  });
  afterAll(async () => {
    await w?.stop();
  });

  test('refuses a connector with a client override, naming the key, on create and on validate', async () => {
    const config = { 'connector.class': 'FileStreamSink', topics: 't', file: path.join(w.dir, 'x.txt'), 'consumer.override.max.partition.fetch.bytes': '4194304' };
    const created = await w.call('POST', '/connectors', { name: 'overriding', config });
    expect(created.status).toBe(400);
    expect((created.body as { message: string }).message).toContain("The 'None' policy does not allow 'consumer.override.max.partition.fetch.bytes' to be overridden");
    expect((await w.call('GET', '/connectors')).body).toEqual([]);

    const validated = await w.call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { ...config, name: 'overriding' });
    expect(validated.status).toBe(200);
    const infos = validated.body as { error_count: number; configs: Array<{ value: { name: string; errors: string[] } | null }> };
    expect(infos.error_count).toBe(1);
    expect(infos.configs.find((c) => c.value?.name === 'consumer.override.max.partition.fetch.bytes')?.value?.errors).toHaveLength(1);

    const { 'consumer.override.max.partition.fetch.bytes': _dropped, ...plain } = config;
    expect((await w.call('POST', '/connectors', { name: 'plain', config: plain })).status).toBe(201);
  });
});
