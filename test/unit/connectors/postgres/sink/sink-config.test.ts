/** The config spec, cross-key rules, and connection settings. */
import { ConfigError, configInfos, HIDDEN } from '../../../../../connect-runtime/api';
import { PostgresSinkConnector, PostgresSinkTask, POSTGRES_SINK_CONFIG_DEF, parseSinkConfig } from '../../../../../connectors/postgres/sink';
import { connectionTarget, parseConnectionUrl } from '../../../../../connectors/postgres/sink/connection-config';
import { redactUrl } from '../../../../../connectors/postgres/sink/sink-config';

const base = { 'connection.url': 'postgres://sink@db:5432/warehouse', topics: 'orders' };

/** The error messages validate() reports, per key. */
function errors(props: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of new PostgresSinkConnector().validate(props)) {
    if (v.errorMessages.length > 0) out[v.name] = v.errorMessages;
  }
  return out;
}

test('defaults follow Debezium JDBC sink', () => {
  const c = parseSinkConfig(base);
  expect(c).toMatchObject({
    insertMode: 'insert',
    deleteEnabled: false,
    truncateEnabled: false,
    primaryKeyMode: 'none',
    primaryKeyFields: [],
    tableNameFormat: '${topic}',
    schemaEvolution: 'none',
    keepIdentifierCase: false,
    batchSize: 500,
    flushMaxRetries: 5,
    flushRetryDelayMs: 1000,
    unavailablePlaceholder: '__debezium_unavailable_value',
    toleratesErrors: false,
  });
  expect(parseSinkConfig({ ...base, 'insert.mode': 'UPSERT', 'primary.key.mode': 'Record_Key', 'errors.tolerance': 'all' })).toMatchObject({
    insertMode: 'upsert',
    primaryKeyMode: 'record_key',
    toleratesErrors: true,
  });
});

test('a valid config has no errors', () => {
  expect(errors({ ...base, 'insert.mode': 'upsert', 'primary.key.mode': 'record_key', 'delete.enabled': 'true' })).toEqual({});
  expect(errors({ 'connection.host': 'db', 'connection.user': 'u', 'connection.password': 'p', topics: 'x' })).toEqual({});
});

test('rules between keys are reported on the key they concern, in Kafka wording', () => {
  expect(errors({ topics: 'x' })).toEqual({
    'connection.url': ['Invalid value null for configuration connection.url: Either connection.url or connection.host must be set'],
  });
  expect(errors({ ...base, 'connection.host': 'db' })).toEqual({
    'connection.host': ['Invalid value db for configuration connection.host: Set either connection.url or connection.host, not both'],
  });
  expect(errors({ ...base, 'insert.mode': 'upsert' })).toEqual({
    'primary.key.mode': [
      'Invalid value none for configuration primary.key.mode: insert.mode=upsert needs a primary key: set primary.key.mode to record_key, record_value or kafka',
    ],
  });
  expect(errors({ ...base, 'primary.key.mode': 'record_value' })).toEqual({
    'primary.key.fields': ['Invalid value [] for configuration primary.key.fields: primary.key.mode=record_value needs the names of the key fields in primary.key.fields'],
  });
  expect(errors({ ...base, 'delete.enabled': 'true', 'primary.key.mode': 'record_value', 'primary.key.fields': 'id' })).toEqual({
    'delete.enabled': ['Invalid value true for configuration delete.enabled: Deletes find rows by the record key: primary.key.mode must be record_key, not record_value'],
  });
  expect(errors({ ...base, 'connection.user': 'a', 'connection.username': 'b' })).toEqual({
    'connection.username': ['Invalid value b for configuration connection.username: connection.user is set to a different user; give only one of the two'],
  });
});

test('single keys are checked', () => {
  expect(errors({ ...base, 'insert.mode': 'merge', 'batch.size': '0', 'table.name.format': '${table}' })).toEqual({
    'insert.mode': ['Invalid value merge for configuration insert.mode: String must be one of (case insensitive): insert, upsert, update'],
    'batch.size': ['Invalid value 0 for configuration batch.size: Value must be at least 1'],
    'table.name.format': ['Invalid value ${table} for configuration table.name.format: Unknown placeholder ${table}: use ${topic} or ${source.<field>}'],
  });
  expect(errors({ ...base, 'connection.url': 'mysql://u:secret@db/x' })).toEqual({
    'connection.url': [
      'Invalid value mysql://u:[hidden]@db/x for configuration connection.url: Expected a URL starting with postgres://, postgresql:// or jdbc:postgresql:',
    ],
  });
  expect(() => parseSinkConfig({ ...base, 'primary.key.mode': 'record_header' })).toThrow(ConfigError);
});

test('the password is a secret setting', () => {
  expect(POSTGRES_SINK_CONFIG_DEF.configKeys.get('connection.password')?.type).toBe('PASSWORD');
  const infos = configInfos('PostgresSinkConnector', POSTGRES_SINK_CONFIG_DEF, POSTGRES_SINK_CONFIG_DEF.validate({ ...base, 'connection.password': 's3cr3t-pw' }));
  expect(JSON.stringify(infos)).not.toContain('s3cr3t-pw');
  expect(String(parseSinkConfig({ ...base, 'connection.password': 's3cr3t-pw' }).raw.getPassword('connection.password'))).toBe(HIDDEN);
});

test('the connector hands out tasks.max copies of its config', () => {
  const connector = new PostgresSinkConnector();
  connector.start({ ...base });
  expect(connector.taskClass()).toBe(PostgresSinkTask);
  expect(connector.taskConfigs(3)).toEqual([base, base, base]);
  expect(() => connector.start({ topics: 'x' })).toThrow('Either connection.url or connection.host must be set');
});

describe('connection URLs', () => {
  test('PostgreSQL URLs', () => {
    expect(parseConnectionUrl('postgresql://us%40er:p%3Ass@[::1]:6543/my%20db?sslmode=require&application_name=x')).toEqual({
      host: '::1',
      port: 6543,
      database: 'my db',
      user: 'us@er',
      password: 'p:ss',
      params: { sslmode: 'require', application_name: 'x' },
    });
  });

  test('JDBC URLs as Debezium takes them', () => {
    expect(parseConnectionUrl('jdbc:postgresql://db.internal/warehouse?user=u&password=p&currentSchema=staging')).toEqual({
      host: 'db.internal',
      port: undefined,
      database: 'warehouse',
      user: undefined,
      password: undefined,
      params: { user: 'u', password: 'p', currentSchema: 'staging' },
    });
    expect(parseConnectionUrl('jdbc:postgresql:warehouse')).toMatchObject({ host: undefined, database: 'warehouse' });
    expect(() => parseConnectionUrl('jdbc:postgresql://a:5432,b:5432/db')).toThrow('Several hosts are not supported');
    expect(() => parseConnectionUrl('jdbc:postgresql://db:99999/x')).toThrow();
  });

  test('separate keys override the URL; sslmode maps to node-postgres TLS options', () => {
    const config = parseSinkConfig({
      'connection.url': 'jdbc:postgresql://db:5433/warehouse?user=fromurl&password=urlpass&currentSchema=staging&sslmode=verify-full',
      'connection.username': 'debezium',
      'connection.password': 'secret',
    });
    const { clientConfig, description } = connectionTarget(config.raw);
    expect(clientConfig).toMatchObject({
      host: 'db',
      port: 5433,
      database: 'warehouse',
      user: 'debezium',
      password: 'secret',
      ssl: { rejectUnauthorized: true },
      options: '-c search_path=staging',
      application_name: 'sluice-postgres-sink',
    });
    expect(description).toBe('debezium@db:5433/warehouse');

    const byHost = connectionTarget(parseSinkConfig({ 'connection.host': 'h', 'connection.user': 'u', 'connection.sslmode': 'require' }).raw);
    expect(byHost.clientConfig).toMatchObject({ host: 'h', port: 5432, database: 'u', user: 'u', ssl: { rejectUnauthorized: false } });
    expect(connectionTarget(parseSinkConfig({ 'connection.host': 'h' }).raw).clientConfig.ssl).toBe(false);
  });

  test('statements are prepared on the connection unless the URL says prepareThreshold=0, as for PgJDBC', () => {
    const target = (url: string) => connectionTarget(parseSinkConfig({ 'connection.url': url }).raw);
    expect(target('jdbc:postgresql://db/warehouse').prepareStatements).toBe(true);
    expect(target('jdbc:postgresql://db/warehouse?prepareThreshold=5').prepareStatements).toBe(true);
    expect(target('jdbc:postgresql://db/warehouse?prepareThreshold=0').prepareStatements).toBe(false);
    expect(target('postgres://db/warehouse?preparethreshold=0').prepareStatements).toBe(false);
  });

  test('passwords in URLs are hidden in messages', () => {
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:[hidden]@h/db');
    expect(redactUrl('jdbc:postgresql://h/db?user=u&password=secret&x=1')).toBe('jdbc:postgresql://h/db?user=u&password=[hidden]&x=1');
  });
});
