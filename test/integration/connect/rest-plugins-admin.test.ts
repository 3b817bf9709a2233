/**
 * The worker-level endpoints of the REST API against a real standalone worker: `/`, `/health`,
 * `/connector-plugins` (listing, config definitions, validation), `/admin/loggers` and `/metrics`, with
 * Kafka Connect's status codes, JSON shapes and messages (connect.md §1). This worker tracks topics but
 * does not allow resetting them.
 */
import { SLUICE_VERSION } from '../../../connect-runtime/api/version';
import type { ConfigInfos, PluginInfo } from '../../../connect-runtime/herder/herder';
import { SECRET_SOURCE_CLASS, startTestWorker, type RestAnswer, type TestWorker } from '../../helpers/connect-worker';

const SINK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
const SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const KEY_INFO_FIELDS = ['name', 'type', 'required', 'default_value', 'importance', 'documentation', 'group', 'order', 'width', 'display_name', 'dependents'];
const VALUE_INFO_FIELDS = ['name', 'value', 'recommended_values', 'errors', 'visible'];
/** GET /connector-plugins?connectorsOnly=false orders by type in this order, then by class name. */
const TYPE_ORDER = ['sink', 'source', 'transformation', 'predicate', 'converter', 'header_converter'];
/** The reference's ConfigKeyInfo of the framework key `name`. */
const NAME_KEY = {
  name: 'name',
  type: 'STRING',
  required: true,
  default_value: null,
  importance: 'HIGH',
  documentation: 'Globally unique name to use for this connector.',
  group: 'Common',
  order: 1,
  width: 'MEDIUM',
  display_name: 'Connector name',
  dependents: [],
};

let w: TestWorker;

beforeAll(async () => {
  w = await startTestWorker({ 'topic.tracking.allow.reset': 'false' });
});

afterAll(async () => {
  await w?.stop();
});

function expectError(r: RestAnswer, status: number, message: string | RegExp): void {
  expect({ status: r.status, body: r.body }).toEqual({
    status,
    body: { error_code: status, message: typeof message === 'string' ? message : expect.stringMatching(message) },
  });
}

function configOf(infos: ConfigInfos, name: string): ConfigInfos['configs'][number] | undefined {
  return infos.configs.find((c) => (c.definition?.name ?? c.value?.name) === name);
}

test('GET / answers the ServerInfo and GET /health that the worker is healthy', async () => {
  const root = await w.call('GET', '/');
  expect(root.status).toBe(200);
  expect(root.headers.get('content-type')).toMatch(/^application\/json/);
  expect(root.body).toEqual({ version: SLUICE_VERSION, commit: expect.any(String), kafka_cluster_id: expect.stringMatching(/^[\w-]{22}$/) });
  expect(Object.keys(root.body as object)).toEqual(['version', 'commit', 'kafka_cluster_id']);

  expect(await w.call('GET', '/health')).toMatchObject({
    status: 200,
    body: { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' },
  });
});

test('a known path with another method is 405, an unknown path 404, as Jersey answers', async () => {
  expect(await w.call('DELETE', '/connector-plugins')).toMatchObject({ status: 405, body: { error_code: 405, message: 'HTTP 405 Method Not Allowed' } });
  expect(await w.call('POST', '/connectors/any-name/status')).toMatchObject({ status: 405, body: { error_code: 405 } });
  expect(await w.call('GET', '/no/such/endpoint')).toMatchObject({ status: 404, body: { error_code: 404 } });
});

test('GET /connector-plugins lists the connectors (connectorsOnly=true by default); connectorsOnly=false adds the other plugins in Kafka order', async () => {
  const connectors = [
    { class: SINK_CLASS, type: 'sink', version: SLUICE_VERSION },
    { class: SECRET_SOURCE_CLASS, type: 'source', version: '1.2.3' },
    { class: SOURCE_CLASS, type: 'source', version: SLUICE_VERSION },
  ];
  const listed = await w.call('GET', '/connector-plugins');
  expect(listed.status).toBe(200);
  const only = (body: unknown): unknown[] => (body as PluginInfo[]).filter((p) => connectors.some((c) => c.class === p.class));
  // Other built-in connectors (Postgres) are listed too; these keep their places in Kafka's order.
  expect(only(listed.body)).toEqual(connectors);
  expect((listed.body as PluginInfo[]).every((p) => p.type === 'sink' || p.type === 'source')).toBe(true);
  expect((await w.call('GET', '/connector-plugins?connectorsOnly=true')).body).toEqual(listed.body);

  const all = (await w.call('GET', '/connector-plugins?connectorsOnly=false')).body as PluginInfo[];
  expect(all.slice(0, (listed.body as PluginInfo[]).length)).toEqual(listed.body);
  const rank = (p: PluginInfo): number => TYPE_ORDER.indexOf(p.type);
  for (let i = 1; i < all.length; i++) {
    const [prev, cur] = [all[i - 1] as PluginInfo, all[i] as PluginInfo];
    expect(rank(cur) > rank(prev) || (rank(cur) === rank(prev) && cur.class > prev.class)).toBe(true);
  }
  for (const p of all) expect(Object.keys(p)).toEqual(['class', 'type', 'version']);
  const ofType = (type: string): string[] => all.filter((p) => p.type === type).map((p) => p.class);
  expect(ofType('converter')).toEqual([
    'org.apache.kafka.connect.converters.ByteArrayConverter',
    'org.apache.kafka.connect.json.JsonConverter',
    'org.apache.kafka.connect.storage.StringConverter',
  ]);
  expect(ofType('header_converter')).toEqual([
    'org.apache.kafka.connect.converters.ByteArrayConverter',
    'org.apache.kafka.connect.json.JsonConverter',
    'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    'org.apache.kafka.connect.storage.StringConverter',
  ]);
});

test('GET /connector-plugins/{plugin}/config answers ConfigKeyInfos: the plugin keys, then the framework keys; 404 for an unknown plugin', async () => {
  for (const plugin of [SINK_CLASS, 'FileStreamSinkConnector', 'FileStreamSink']) {
    const r = await w.call('GET', `/connector-plugins/${plugin}/config`);
    expect(r.status).toBe(200);
    const keys = r.body as Array<Record<string, unknown>>;
    for (const key of keys) expect(Object.keys(key)).toEqual(KEY_INFO_FIELDS);
    expect(keys[0]).toEqual({
      name: 'file',
      type: 'STRING',
      required: true,
      default_value: null,
      importance: 'HIGH',
      documentation: expect.any(String),
      group: null,
      order: -1,
      width: 'NONE',
      display_name: 'file',
      dependents: [],
    });
    expect(keys[1]).toEqual(NAME_KEY);
    expect(keys.map((k) => k.name)).toEqual(expect.arrayContaining(['connector.class', 'tasks.max', 'topics', 'topics.regex', 'errors.tolerance']));
  }
  const secret = (await w.call('GET', `/connector-plugins/${SECRET_SOURCE_CLASS}/config`)).body as Array<Record<string, unknown>>;
  expect(secret[0]).toMatchObject({ name: 'secret', type: 'PASSWORD', required: true });
  expect(secret.map((k) => k.name)).not.toContain('topics');

  const converter = await w.call('GET', '/connector-plugins/org.apache.kafka.connect.json.JsonConverter/config');
  expect(converter.status).toBe(200);
  expect((converter.body as Array<{ name: string }>).map((k) => k.name)).toContain('schemas.enable');

  expectError(await w.call('GET', '/connector-plugins/NoSuchPlugin/config'), 404, 'Unknown plugin NoSuchPlugin.');
});

test('PUT /connector-plugins/{plugin}/config/validate answers 200 ConfigInfos, errors included; 400 without or with another connector.class', async () => {
  const body = { 'connector.class': SINK_CLASS, 'tasks.max': '1', topics: 'connect-test', file: '/tmp/out.txt' };
  const r = await w.call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', body);
  expect(r.status).toBe(200);
  const infos = r.body as ConfigInfos;
  expect(Object.keys(infos)).toEqual(['name', 'error_count', 'groups', 'configs']);
  expect(infos.name).toBe(SINK_CLASS);
  expect(infos.error_count).toBe(1);
  expect(infos.groups).toEqual(['Common', 'Transforms', 'Predicates', 'Error Handling']);
  for (const c of infos.configs) {
    expect(Object.keys(c)).toEqual(['definition', 'value']);
    if (c.definition) expect(Object.keys(c.definition)).toEqual(KEY_INFO_FIELDS);
    if (c.value) expect(Object.keys(c.value)).toEqual(VALUE_INFO_FIELDS);
  }
  expect(configOf(infos, 'name')).toEqual({
    definition: NAME_KEY,
    value: { name: 'name', value: null, recommended_values: [], errors: ['Missing required configuration "name" which has no default value.'], visible: true },
  });
  expect(configOf(infos, 'tasks.max')).toEqual({
    definition: {
      name: 'tasks.max',
      type: 'INT',
      required: false,
      default_value: '1',
      importance: 'HIGH',
      documentation: 'Maximum number of tasks to use for this connector.',
      group: 'Common',
      order: 3,
      width: 'SHORT',
      display_name: 'Tasks max',
      dependents: [],
    },
    value: { name: 'tasks.max', value: '1', recommended_values: [], errors: [], visible: true },
  });
  expect(configOf(infos, 'file')?.value).toEqual({ name: 'file', value: '/tmp/out.txt', recommended_values: [], errors: [], visible: true });
  expect(configOf(infos, 'topics')?.value).toMatchObject({ value: 'connect-test', errors: [] });

  // Valid: error_count 0. PASSWORD values are shown as [hidden].
  const secret = await w.call('PUT', `/connector-plugins/${SECRET_SOURCE_CLASS}/config/validate`, { 'connector.class': SECRET_SOURCE_CLASS, name: 's', secret: 'hunter2' });
  expect(secret.status).toBe(200);
  expect((secret.body as ConfigInfos).error_count).toBe(0);
  expect(configOf(secret.body as ConfigInfos, 'secret')?.value).toEqual({ name: 'secret', value: '[hidden]', recommended_values: [], errors: [], visible: true });
  expect(secret.text).not.toContain('hunter2');

  // Invalid values are reported in 200 answers too; as in Kafka's ConfigDef, the validator then sees null.
  const invalid = (await w.call('PUT', '/connector-plugins/FileStreamSink/config/validate', { ...body, name: 'x', 'tasks.max': 'many' })).body as ConfigInfos;
  expect(invalid.error_count).toBe(2);
  expect(configOf(invalid, 'tasks.max')?.value).toEqual({
    name: 'tasks.max',
    value: null,
    recommended_values: [],
    errors: ['Invalid value many for configuration tasks.max: Not a number of type INT', 'Invalid value null for configuration tasks.max: Value must be non-null'],
    visible: true,
  });

  expectError(await w.call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { 'tasks.max': '1' }), 400, 'Connector config {tasks.max=1} contains no connector type');
  expectError(
    await w.call('PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', body),
    400,
    `Included connector type ${SINK_CLASS} does not match request type FileStreamSourceConnector`,
  );
  expectError(await w.call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', ['not', 'a', 'map']), 400, /config/);
});

test('/admin/loggers: list, read one, set at worker scope (200 with the loggers) and cluster scope (204); 404 and 400 errors', async () => {
  const before = (await w.call('GET', '/admin/loggers')).body as Record<string, { level: string; last_modified: number | null }>;
  expect(before).toEqual({ root: { level: expect.stringMatching(/^(OFF|FATAL|ERROR|WARN|INFO|DEBUG|TRACE)$/), last_modified: null } });
  const original = (before['root'] as { level: string }).level;
  try {
    const since = Date.now();
    expect(await w.call('PUT', '/admin/loggers/root', { level: 'fatal' })).toMatchObject({ status: 200, body: ['root'] });
    const root = (await w.call('GET', '/admin/loggers/root')).body as { level: string; last_modified: number };
    expect(root).toEqual({ level: 'FATAL', last_modified: expect.any(Number) });
    expect(root.last_modified).toBeGreaterThanOrEqual(since);
    expect((await w.call('GET', '/admin/loggers')).body).toEqual({ root });

    const cluster = await w.call('PUT', '/admin/loggers/root?scope=cluster', { level: 'OFF' });
    expect({ status: cluster.status, text: cluster.text }).toEqual({ status: 204, text: '' });
    expect((await w.call('GET', '/admin/loggers/root')).body).toMatchObject({ level: 'OFF' });

    expectError(await w.call('PUT', '/admin/loggers/root', { level: 'LOUD' }), 404, "invalid log level 'LOUD'.");
    expectError(await w.call('PUT', '/admin/loggers/root', {}), 400, "Desired 'level' parameter was not specified in request.");
    expectError(await w.call('GET', '/admin/loggers/org.apache.kafka.connect'), 404, 'Logger org.apache.kafka.connect not found.');
  } finally {
    await w.call('PUT', '/admin/loggers/root', { level: original });
  }
});

test('GET /metrics answers the Prometheus text format', async () => {
  const r = await w.call('GET', '/metrics');
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(r.text).toMatch(/^# (HELP|TYPE) /m);
});

test('topic tracking without reset: GET /topics answers, PUT /topics/reset is a 403', async () => {
  const created = await w.call('POST', '/connectors', { name: 'quiet', config: { 'connector.class': SECRET_SOURCE_CLASS, secret: 'x' }, initial_state: 'STOPPED' });
  expect(created.status).toBe(201);
  expect(await w.call('GET', '/connectors/quiet/topics')).toMatchObject({ status: 200, body: { quiet: { topics: [] } } });
  expectError(await w.call('PUT', '/connectors/quiet/topics/reset'), 403, 'Topic tracking reset is disabled.');
  expectError(await w.call('GET', '/connectors/nope/topics'), 404, 'Connector nope not found');
  expect((await w.call('DELETE', '/connectors/quiet')).status).toBe(204);
});
