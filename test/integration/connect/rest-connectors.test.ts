/**
 * The `/connectors` endpoints of the REST API against a real standalone worker: status codes, JSON
 * shapes and error messages as Kafka Connect answers them (connect.md §1 and §2). Offsets and topic
 * tracking are in rest-offsets-topics.test.ts; this worker runs with topic tracking disabled.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectorInfo, ConnectorStateInfo, TaskInfo } from '../../../connect-runtime/herder/herder';
import { SECRET_SOURCE_CLASS, startTestWorker, waitFor, type RestAnswer, type TestWorker } from '../../helpers/connect-worker';

let w: TestWorker;

beforeAll(async () => {
  w = await startTestWorker({ 'topic.tracking.enable': 'false' });
});

afterAll(async () => {
  await w?.stop();
});

afterEach(async () => {
  // Each test starts without connectors.
  for (const name of (await w.call('GET', '/connectors')).body as string[]) await w.call('DELETE', `/connectors/${name}`);
});

function expectError(r: RestAnswer, status: number, message: string | RegExp): void {
  expect({ status: r.status, body: r.body }).toEqual({
    status,
    body: { error_code: status, message: typeof message === 'string' ? message : expect.stringMatching(message) },
  });
}

/** A FileStreamSource config reading an empty file of the test's own. */
function sourceConfig(name: string, extra: Record<string, string> = {}): Record<string, string> {
  const file = path.join(w.dir, `${name}.txt`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  return { 'connector.class': 'FileStreamSource', 'tasks.max': '1', file, topic: `${name}-topic`, ...extra };
}

async function create(name: string, config: Record<string, string>, initialState?: string): Promise<ConnectorInfo> {
  const r = await w.call('POST', '/connectors', { name, config, ...(initialState ? { initial_state: initialState } : {}) });
  expect(r.status).toBe(201);
  return r.body as ConnectorInfo;
}

async function status(name: string): Promise<ConnectorStateInfo> {
  return (await w.call('GET', `/connectors/${name}/status`)).body as ConnectorStateInfo;
}

/** Waits until the connector is in `connector` state and its tasks, by id, in `tasks`. */
function waitForStates(name: string, connector: string, tasks: string[]): Promise<ConnectorStateInfo> {
  return waitFor(
    () => status(name),
    (s) => s.connector?.state === connector && JSON.stringify(s.tasks?.map((t) => t.state)) === JSON.stringify(tasks),
    `${name} to be ${connector} with tasks [${tasks.join(', ')}]`,
  );
}

function running(id: number): { id: number; state: string; worker_id: string } {
  return { id, state: 'RUNNING', worker_id: w.workerId };
}

describe('creating and reading connectors', () => {
  test('POST /connectors answers 201 with Location and the ConnectorInfo; GET answers its info, config, status and tasks', async () => {
    const config = sourceConfig('src-a');
    const r = await w.call('POST', '/connectors', { name: 'src-a', config: { ...config, 'tasks.max': 1 } });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`${w.url}/connectors/src-a`);
    // Numbers in a config map become strings (Jackson's Map<String,String>); "name" is added to the config.
    const info = { name: 'src-a', config: { ...config, name: 'src-a' }, tasks: [{ connector: 'src-a', task: 0 }], type: 'source' };
    expect(r.body).toEqual(info);

    expect(await w.call('GET', '/connectors/src-a')).toMatchObject({ status: 200, body: info });
    expect(await w.call('GET', '/connectors/src-a/config')).toMatchObject({ status: 200, body: info.config });

    expect(await waitForStates('src-a', 'RUNNING', ['RUNNING'])).toEqual({
      name: 'src-a',
      connector: { state: 'RUNNING', worker_id: w.workerId },
      tasks: [running(0)],
      type: 'source',
    });
    expect(await w.call('GET', '/connectors/src-a/tasks/0/status')).toMatchObject({ status: 200, body: running(0) });

    // The worker adds task.class (with the connector's package, as Kafka's full class name).
    const taskConfig = { ...info.config, 'task.class': 'org.apache.kafka.connect.file.FileStreamSourceTask' };
    const tasks = await w.call('GET', '/connectors/src-a/tasks');
    expect(tasks).toMatchObject({ status: 200 });
    expect(tasks.body).toEqual([{ id: { connector: 'src-a', task: 0 }, config: taskConfig }] satisfies TaskInfo[]);
    expect(await w.call('GET', '/connectors/src-a/tasks-config')).toMatchObject({ status: 200, body: { 'src-a-0': taskConfig } });
  });

  test('GET /connectors lists names; any expand parameter gives a map with the status and/or info asked for', async () => {
    expect(await w.call('GET', '/connectors')).toMatchObject({ status: 200, body: [] });
    await create('list-b', sourceConfig('list-b'));
    await create('list-a', sourceConfig('list-a'));
    expect((await w.call('GET', '/connectors')).body).toEqual(['list-a', 'list-b']);
    await waitForStates('list-a', 'RUNNING', ['RUNNING']);
    await waitForStates('list-b', 'RUNNING', ['RUNNING']);

    const infoOf = async (n: string): Promise<unknown> => (await w.call('GET', `/connectors/${n}`)).body;
    const statusOf = async (n: string): Promise<unknown> => (await w.call('GET', `/connectors/${n}/status`)).body;
    expect((await w.call('GET', '/connectors?expand=status')).body).toEqual({
      'list-a': { status: await statusOf('list-a') },
      'list-b': { status: await statusOf('list-b') },
    });
    expect((await w.call('GET', '/connectors?expand=info')).body).toEqual({
      'list-a': { info: await infoOf('list-a') },
      'list-b': { info: await infoOf('list-b') },
    });
    const both = (await w.call('GET', '/connectors?expand=status&expand=info')).body as Record<string, Record<string, unknown>>;
    expect(both).toEqual({
      'list-a': { status: await statusOf('list-a'), info: await infoOf('list-a') },
      'list-b': { status: await statusOf('list-b'), info: await infoOf('list-b') },
    });
    // Unknown expansions are ignored (Kafka still answers the map form).
    expect((await w.call('GET', '/connectors?expand=bogus')).body).toEqual({ 'list-a': {}, 'list-b': {} });
    expect((await w.call('GET', '/connectors?expand=info&expand=bogus')).body).toEqual({
      'list-a': { info: await infoOf('list-a') },
      'list-b': { info: await infoOf('list-b') },
    });
  });

  test('POST /connectors refuses a duplicate (409), an invalid config (400 with every error), a name mismatch and bad bodies', async () => {
    await create('dup', sourceConfig('dup'));
    expectError(await w.call('POST', '/connectors', { name: 'dup', config: sourceConfig('dup') }), 409, 'Connector dup already exists');

    const invalid = await w.call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSource', 'tasks.max': '0', file: '/tmp/x' } });
    expectError(
      invalid,
      400,
      'Connector configuration is invalid and contains the following 2 error(s):\n' +
        'Invalid value 0 for configuration tasks.max: Value must be at least 1\n' +
        'Missing required configuration "topic" which has no default value.\n' +
        'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
    );
    expectError(
      await w.call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'NoSuchConnector' } }),
      400,
      /^Connector configuration is invalid and contains the following 1 error\(s\):\nFailed to find any class that implements Connector and which name matches NoSuchConnector\n/,
    );
    expectError(
      await w.call('POST', '/connectors', { name: 'url-name', config: { ...sourceConfig('x'), name: 'other-name' } }),
      400,
      "Connector name configuration (other-name) doesn't match connector name in the URL (url-name)",
    );
    expectError(await w.call('POST', '/connectors', '{"name": "broken",'), 400, /JSON/);
    expectError(await w.call('POST', '/connectors', { config: sourceConfig('x') }), 400, /name/);
    expectError(await w.call('POST', '/connectors', { name: '  ', config: sourceConfig('x') }), 400, /empty/);
    expectError(await w.call('POST', '/connectors', 'name=x', { 'Content-Type': 'text/plain' }), 415, /Content-Type/);
    const huge = { name: 'huge', config: { ...sourceConfig('huge'), padding: 'x'.repeat(1100 * 1024) } };
    expectError(await w.call('POST', '/connectors', huge), 413, /larger than the limit/);

    expect((await w.call('GET', '/connectors')).body).toEqual(['dup']);
  });

  test('initial_state PAUSED and STOPPED (case-insensitive) create the connector in that state', async () => {
    await create('born-paused', sourceConfig('born-paused'), 'PAUSED');
    expect(await waitForStates('born-paused', 'PAUSED', ['PAUSED'])).toEqual({
      name: 'born-paused',
      connector: { state: 'PAUSED', worker_id: w.workerId },
      tasks: [{ id: 0, state: 'PAUSED', worker_id: w.workerId }],
      type: 'source',
    });

    const info = await create('born-stopped', sourceConfig('born-stopped'), 'stopped');
    expect(info.tasks).toEqual([]);
    expect(await status('born-stopped')).toEqual({ name: 'born-stopped', connector: { state: 'STOPPED', worker_id: w.workerId }, tasks: [], type: 'source' });
    expect((await w.call('GET', '/connectors/born-stopped/tasks')).body).toEqual([]);

    expectError(await w.call('POST', '/connectors', { name: 'x', config: sourceConfig('x'), initial_state: 'SLEEPING' }), 400, /initial_state/);
  });
});

describe('changing configs', () => {
  test('PUT /connectors/{c}/config creates (201 + Location), then updates (200) and reconfigures the tasks', async () => {
    const config = sourceConfig('put-me');
    const created = await w.call('PUT', '/connectors/put-me/config', config);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${w.url}/connectors/put-me`);
    expect(created.body).toEqual({ name: 'put-me', config: { ...config, name: 'put-me' }, tasks: [{ connector: 'put-me', task: 0 }], type: 'source' });

    const updated = await w.call('PUT', '/connectors/put-me/config', { ...config, topic: 'other-topic', name: 'put-me' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('location')).toBeNull();
    expect(updated.body).toEqual({ name: 'put-me', config: { ...config, topic: 'other-topic', name: 'put-me' }, tasks: [{ connector: 'put-me', task: 0 }], type: 'source' });
    const [task] = (await w.call('GET', '/connectors/put-me/tasks')).body as TaskInfo[];
    expect(task?.config['topic']).toBe('other-topic');
    await waitForStates('put-me', 'RUNNING', ['RUNNING']);

    expectError(await w.call('PUT', '/connectors/put-me/config', { ...config, name: 'not-me' }), 400, "Connector name configuration (not-me) doesn't match connector name in the URL (put-me)");
    expectError(await w.call('PUT', '/connectors/put-me/config', { ...config, topic: 'a,b' }), 400, /^Connector configuration is invalid and contains the following 1 error\(s\):\nInvalid value a,b for configuration topic/);
    expect(((await w.call('GET', '/connectors/put-me/config')).body as Record<string, string>)['topic']).toBe('other-topic');
  });

  test('PATCH /connectors/{c}/config merges the given keys, deletes those set to null, and 404s for a missing connector', async () => {
    const config = sourceConfig('patch-me', { 'batch.size': '5' });
    await create('patch-me', config);
    const patched = await w.call('PATCH', '/connectors/patch-me/config', { 'batch.size': 10, 'tasks.max': null });
    expect(patched.status).toBe(200);
    const { 'tasks.max': _removed, ...rest } = config;
    expect(patched.body).toEqual({ name: 'patch-me', config: { ...rest, 'batch.size': '10', name: 'patch-me' }, tasks: [{ connector: 'patch-me', task: 0 }], type: 'source' });
    expect((await w.call('GET', '/connectors/patch-me/config')).body).toEqual({ ...rest, 'batch.size': '10', name: 'patch-me' });

    expectError(await w.call('PATCH', '/connectors/patch-me/config', { topic: null }), 400, /Missing required configuration "topic"/);
    expectError(await w.call('PATCH', '/connectors/nope/config', { 'batch.size': '1' }), 404, 'Connector nope not found');
  });

  test('PASSWORD values are shown as [hidden] in the connector info, config and task configs', async () => {
    const config = { 'connector.class': SECRET_SOURCE_CLASS, 'tasks.max': '1', secret: 'hunter2' };
    const created = await create('secretive', config);
    expect(created.config).toEqual({ ...config, secret: '[hidden]', name: 'secretive' });
    const bodies = [
      (await w.call('GET', '/connectors/secretive')).body,
      (await w.call('GET', '/connectors/secretive/config')).body,
      (await w.call('GET', '/connectors/secretive/tasks')).body,
      (await w.call('GET', '/connectors/secretive/tasks-config')).body,
      (await w.call('GET', '/connectors?expand=info')).body,
    ];
    for (const body of bodies) expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(((await w.call('GET', '/connectors/secretive/config')).body as Record<string, string>)['secret']).toBe('[hidden]');
    const [task] = (await w.call('GET', '/connectors/secretive/tasks')).body as TaskInfo[];
    expect(task?.config).toMatchObject({ secret: '[hidden]', 'task.class': 'com.example.secret.SecretSourceTask' });
    // The task itself got the real value: PATCH keeps it (it merges into the stored config).
    await w.call('PATCH', '/connectors/secretive/config', { 'tasks.max': '2' });
    expect(((await w.call('GET', '/connectors/secretive')).body as ConnectorInfo).tasks).toHaveLength(2);
    await waitForStates('secretive', 'RUNNING', ['RUNNING', 'RUNNING']);
  });
});

describe('lifecycle', () => {
  test('pause (202), resume (202) and stop (204) change the target state; status follows', async () => {
    await create('cycle', sourceConfig('cycle'));
    await waitForStates('cycle', 'RUNNING', ['RUNNING']);

    for (let i = 0; i < 2; i++) {
      const paused = await w.call('PUT', '/connectors/cycle/pause');
      expect({ status: paused.status, text: paused.text }).toEqual({ status: 202, text: '' });
    }
    await waitForStates('cycle', 'PAUSED', ['PAUSED']);

    const resumed = await w.call('PUT', '/connectors/cycle/resume');
    expect({ status: resumed.status, text: resumed.text }).toEqual({ status: 202, text: '' });
    await waitForStates('cycle', 'RUNNING', ['RUNNING']);

    for (let i = 0; i < 2; i++) {
      const stopped = await w.call('PUT', '/connectors/cycle/stop');
      expect({ status: stopped.status, text: stopped.text }).toEqual({ status: 204, text: '' });
    }
    expect(await status('cycle')).toEqual({ name: 'cycle', connector: { state: 'STOPPED', worker_id: w.workerId }, tasks: [], type: 'source' });
    expect((await w.call('GET', '/connectors/cycle')).body).toMatchObject({ tasks: [] });
    expect((await w.call('GET', '/connectors/cycle/tasks')).body).toEqual([]);
    expectError(await w.call('GET', '/connectors/cycle/tasks/0/status'), 404, 'No status found for task cycle-0');

    expect((await w.call('PUT', '/connectors/cycle/resume')).status).toBe(202);
    await waitForStates('cycle', 'RUNNING', ['RUNNING']);
    expect((await w.call('GET', '/connectors/cycle')).body).toMatchObject({ tasks: [{ connector: 'cycle', task: 0 }] });
  });

  test('restart: 204 by default; 202 with the RESTARTING instances for includeTasks/onlyFailed; task restart', async () => {
    const failFile = path.join(w.dir, 'fail-now');
    fs.writeFileSync(failFile, '');
    await create('flaky', { 'connector.class': SECRET_SOURCE_CLASS, 'tasks.max': '2', secret: 's', 'fail.if.exists': failFile, 'fail.task': '0' });
    const failed = await waitForStates('flaky', 'RUNNING', ['FAILED', 'RUNNING']);
    expect(failed.tasks[0]).toEqual({ id: 0, state: 'FAILED', worker_id: w.workerId, trace: expect.stringContaining(`failing while ${failFile} exists`) });
    expect(failed.tasks[1]).toEqual(running(1)); // no "trace" key unless FAILED

    const plain = await w.call('POST', '/connectors/flaky/restart');
    expect({ status: plain.status, text: plain.text }).toEqual({ status: 204, text: '' });

    // Only the failed task is restarted; the answer shows the status before the restart with it RESTARTING.
    const onlyFailed = await w.call('POST', '/connectors/flaky/restart?includeTasks=true&onlyFailed=true');
    expect(onlyFailed.status).toBe(202);
    expect(onlyFailed.body).toEqual({
      name: 'flaky',
      connector: { state: 'RUNNING', worker_id: w.workerId },
      tasks: [{ id: 0, state: 'RESTARTING', worker_id: w.workerId, trace: expect.any(String) }, running(1)],
      type: 'source',
    });
    await waitForStates('flaky', 'RUNNING', ['FAILED', 'RUNNING']); // still failing: the file is there

    // onlyFailed without includeTasks: the connector is not FAILED, so nothing restarts.
    expect(await w.call('POST', '/connectors/flaky/restart?onlyFailed=true')).toMatchObject({ status: 202, body: { connector: { state: 'RUNNING' }, tasks: [{ state: 'FAILED' }, { state: 'RUNNING' }] } });

    fs.rmSync(failFile);
    const taskRestart = await w.call('POST', '/connectors/flaky/tasks/0/restart');
    expect({ status: taskRestart.status, text: taskRestart.text }).toEqual({ status: 204, text: '' });
    await waitForStates('flaky', 'RUNNING', ['RUNNING', 'RUNNING']);

    const everything = await w.call('POST', '/connectors/flaky/restart?includeTasks=true');
    expect(everything.status).toBe(202);
    expect(everything.body).toEqual({
      name: 'flaky',
      connector: { state: 'RESTARTING', worker_id: w.workerId },
      tasks: [{ ...running(0), state: 'RESTARTING' }, { ...running(1), state: 'RESTARTING' }],
      type: 'source',
    });
    await waitForStates('flaky', 'RUNNING', ['RUNNING', 'RUNNING']);

    expectError(await w.call('POST', '/connectors/flaky/tasks/5/restart'), 404, 'Task flaky-5 not found');
    expectError(await w.call('GET', '/connectors/flaky/tasks/5/status'), 404, 'No status found for task flaky-5');
  });

  test('errors.restart.enable restarts a failed task on its own once the cause is gone; off by default', async () => {
    const failFile = path.join(w.dir, 'fail-auto');
    fs.writeFileSync(failFile, '');
    const common = { 'connector.class': SECRET_SOURCE_CLASS, secret: 's', 'fail.if.exists': failFile };
    await create('healing', { ...common, 'errors.restart.enable': 'true', 'errors.restart.backoff.initial.ms': '200', 'errors.restart.backoff.max.ms': '400' });
    await create('stays-failed', common);
    await waitForStates('healing', 'RUNNING', ['FAILED']);
    await waitForStates('stays-failed', 'RUNNING', ['FAILED']);
    fs.rmSync(failFile);
    await waitForStates('healing', 'RUNNING', ['RUNNING']);
    // Without the setting a failed task waits for an operator, as in Kafka Connect.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await status('stays-failed')).tasks).toEqual([expect.objectContaining({ state: 'FAILED' })]);
  });

  test('DELETE /connectors/{c} answers 204; the connector is gone afterwards', async () => {
    await create('doomed', sourceConfig('doomed'));
    const deleted = await w.call('DELETE', '/connectors/doomed');
    expect({ status: deleted.status, text: deleted.text }).toEqual({ status: 204, text: '' });
    expectError(await w.call('GET', '/connectors/doomed'), 404, 'Connector doomed not found');
    expectError(await w.call('DELETE', '/connectors/doomed'), 404, 'Connector doomed not found');
    expect((await w.call('GET', '/connectors')).body).toEqual([]);
  });
});

describe('errors', () => {
  // Every row has a body (undefined when none): jest takes a missing last argument for a done callback.
  test.each<[string, string, string, unknown]>([
    ['GET', '/connectors/nope', 'Connector nope not found', undefined],
    ['GET', '/connectors/nope/config', 'Connector nope not found', undefined],
    ['PATCH', '/connectors/nope/config', 'Connector nope not found', { 'tasks.max': '1' }],
    ['GET', '/connectors/nope/status', 'No status found for connector nope', undefined],
    ['GET', '/connectors/nope/tasks', 'Connector nope not found', undefined],
    ['GET', '/connectors/nope/tasks-config', 'Connector nope not found', undefined],
    ['GET', '/connectors/nope/tasks/0/status', 'No status found for task nope-0', undefined],
    ['POST', '/connectors/nope/tasks/0/restart', 'Connector nope not found', undefined],
    ['POST', '/connectors/nope/restart', 'Connector nope not found', undefined],
    ['POST', '/connectors/nope/restart?includeTasks=true', 'Unknown connector: nope', undefined],
    ['PUT', '/connectors/nope/pause', 'Unknown connector nope', undefined],
    ['PUT', '/connectors/nope/resume', 'Unknown connector nope', undefined],
    ['PUT', '/connectors/nope/stop', 'Unknown connector nope', undefined],
    ['DELETE', '/connectors/nope', 'Connector nope not found', undefined],
    ['GET', '/connectors/nope/offsets', 'Connector nope not found', undefined],
    ['PATCH', '/connectors/nope/offsets', 'Connector nope not found', { offsets: [{ partition: { filename: 'f' }, offset: null }] }],
    ['DELETE', '/connectors/nope/offsets', 'Connector nope not found', undefined],
  ])('%s %s of an unknown connector: 404', async (method, url, message, body) => {
    expectError(await w.call(method, url, body), 404, message);
  });

  test('topic tracking disabled: the topics endpoints answer 403', async () => {
    await create('untracked', sourceConfig('untracked'));
    expectError(await w.call('GET', '/connectors/untracked/topics'), 403, 'Topic tracking is disabled.');
    expectError(await w.call('PUT', '/connectors/untracked/topics/reset'), 403, 'Topic tracking is disabled.');
  });

  test('an unknown path is a 404 with the error body', async () => {
    expectError(await w.call('GET', '/connectors/a/b/c/d'), 404, /not an endpoint/);
    expectError(await w.call('GET', '/connectors/x/tasks/zero/status'), 404, /zero/);
  });
});
