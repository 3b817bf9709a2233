/** The config spec and the cross-key checks of the CDC source. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, Password } from '../../../../../connect-runtime/api';
import { PostgresCdcSource, parseSourceConfig, SOURCE_CONFIG_DEF, splitInitialStatements, validateSourceConfig } from '../../../../../connectors/postgres/source';

const BASE = {
  'database.hostname': 'db.example',
  'database.user': 'cdc',
  'database.password': 'secret',
  'database.dbname': 'inventory',
  'topic.prefix': 'dbserver1',
};

function errors(props: Record<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of validateSourceConfig(props)) if (v.errorMessages.length > 0) out[v.name] = v.errorMessages;
  return out;
}

describe('defaults', () => {
  test("Debezium's defaults", () => {
    const c = parseSourceConfig(BASE);
    expect(c.connection).toEqual({
      host: 'db.example',
      port: 5432,
      user: 'cdc',
      password: 'secret',
      database: 'inventory',
      sslmode: 'prefer',
      connectTimeoutMs: 30000,
      initialStatements: [],
    });
    expect(c).toMatchObject({
      topicPrefix: 'dbserver1',
      slotName: 'debezium',
      slotDropOnStop: false,
      publicationName: 'dbz_publication',
      publicationMode: 'all_tables',
      snapshotMode: 'initial',
      snapshotFetchSize: 10240,
      provideTransactionMetadata: false,
      heartbeatIntervalMs: 0,
      heartbeatTopicPrefix: '__debezium-heartbeat',
      statusUpdateIntervalMs: 10000,
      maxBatchSize: 2048,
      maxQueueSize: 8192,
      pollIntervalMs: 500,
      extendedHeaders: true,
    });
    expect([...c.skippedOperations]).toEqual(['t']);
    expect(c.events).toMatchObject({ decimalHandlingMode: 'precise', timePrecisionMode: 'adaptive', tombstonesOnDelete: true, databaseName: 'inventory' });
  });

  test('a Debezium JSON config with plugin.name=pgoutput parses unchanged', () => {
    const c = parseSourceConfig({
      ...BASE,
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'tasks.max': '1',
      'plugin.name': 'pgoutput',
      'database.port': '5433',
      'snapshot.mode': 'never',
      'skipped.operations': 'none',
      'table.include.list': 'public.orders,public.customers',
      'decimal.handling.mode': 'STRING',
    });
    expect(c.snapshotMode).toBe('no_data');
    expect(c.skippedOperations.size).toBe(0);
    expect(c.connection.port).toBe(5433);
    expect(c.events.decimalHandlingMode).toBe('string');
  });

  test('the shipped sample config/postgres-cdc-source.json is valid', () => {
    const sample = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', '..', 'config', 'postgres-cdc-source.json'), 'utf8')) as {
      name: string;
      config: Record<string, string>;
    };
    expect(sample.config['plugin.name']).toBe('pgoutput');
    expect(errors(sample.config)).toEqual({});
    expect(parseSourceConfig(sample.config)).toMatchObject({ topicPrefix: 'pgserver', connection: { host: 'localhost', port: 5432, user: 'postgres', database: 'postgres' } });
  });

  test('the password is a PASSWORD key and never rendered', () => {
    expect(SOURCE_CONFIG_DEF.configKeys.get('database.password')?.type).toBe('PASSWORD');
    const value = validateSourceConfig(BASE).find((v) => v.name === 'database.password')?.value;
    expect(value).toBeInstanceOf(Password);
    expect(JSON.stringify(value)).toBe('"[hidden]"');
  });

  test('database.initial.statements splits on ; with ;; as a literal semicolon', () => {
    expect(splitInitialStatements("SET a = 1; SELECT ';;'")).toEqual(['SET a = 1', "SELECT ';'"]);
    expect(splitInitialStatements(null)).toEqual([]);
  });
});

describe('validation', () => {
  test('a valid config has no errors', () => {
    expect(errors(BASE)).toEqual({});
  });

  test('required keys', () => {
    const e = errors({ 'database.hostname': 'h' });
    expect(Object.keys(e).sort()).toEqual(['database.dbname', 'database.user', 'topic.prefix']);
    expect(e['topic.prefix']![0]).toContain('Missing required configuration "topic.prefix"');
  });

  test('plugin.name other than pgoutput is refused with an explanation', () => {
    const e = errors({ ...BASE, 'plugin.name': 'decoderbufs' });
    expect(e['plugin.name']![0]).toMatch(/Invalid value decoderbufs for configuration plugin.name: only the pgoutput .* set plugin.name=pgoutput/);
    expect(errors({ ...BASE, 'plugin.name': 'wal2json' })['plugin.name']).toBeDefined();
    expect(errors({ ...BASE, 'plugin.name': 'PGOUTPUT' })).toEqual({});
  });

  test('enumerated settings', () => {
    expect(errors({ ...BASE, 'snapshot.mode': 'sometimes' })['snapshot.mode']![0]).toContain('String must be one of (case insensitive): initial, initial_only, no_data, never, always, when_needed');
    expect(errors({ ...BASE, 'publication.autocreate.mode': 'everything' })['publication.autocreate.mode']).toBeDefined();
    expect(errors({ ...BASE, 'decimal.handling.mode': 'exact' })['decimal.handling.mode']).toBeDefined();
    expect(errors({ ...BASE, 'time.precision.mode': 'isostring' })['time.precision.mode']).toBeDefined();
    expect(errors({ ...BASE, 'skipped.operations': 'c,x' })['skipped.operations']![0]).toContain('unknown operation "x"');
    expect(errors({ ...BASE, 'skipped.operations': 'none,t' })['skipped.operations']).toBeDefined();
  });

  test('names and numbers', () => {
    expect(errors({ ...BASE, 'slot.name': 'My-Slot' })['slot.name']![0]).toContain('lower-case letters, digits and underscores');
    expect(errors({ ...BASE, 'topic.prefix': 'has space' })['topic.prefix']).toBeDefined();
    expect(errors({ ...BASE, 'database.port': '70000' })['database.port']).toBeDefined();
    expect(errors({ ...BASE, 'snapshot.fetch.size': '0' })['snapshot.fetch.size']).toBeDefined();
    expect(errors({ ...BASE, 'heartbeat.interval.ms': '-1' })['heartbeat.interval.ms']).toBeDefined();
  });

  test('cross-key checks land on the key they concern', () => {
    expect(errors({ ...BASE, 'table.include.list': 'a', 'table.exclude.list': 'b' })['table.exclude.list']![0]).toContain('table.include.list is already specified');
    expect(errors({ ...BASE, 'schema.include.list': 'a', 'schema.exclude.list': 'b' })['schema.exclude.list']).toBeDefined();
    expect(errors({ ...BASE, 'column.include.list': 'a', 'column.exclude.list': 'b' })['column.exclude.list']).toBeDefined();
    expect(errors({ ...BASE, 'table.include.list': 'public.(' })['table.include.list']![0]).toContain('not a valid regular expression');
    expect(errors({ ...BASE, 'message.key.columns': 'nocolon' })['message.key.columns']).toBeDefined();
    expect(errors({ ...BASE, 'max.batch.size': '100', 'max.queue.size': '100' })['max.queue.size']![0]).toContain('must be larger than max.batch.size');
    expect(errors({ ...BASE, 'signal.data.collection': 'nodot' })['signal.data.collection']).toBeDefined();
    expect(errors({ ...BASE, 'unavailable.value.placeholder': 'hex:zz' })['unavailable.value.placeholder']).toBeDefined();
  });

  test('parse throws one ConfigError listing every problem', () => {
    let error: unknown;
    try {
      parseSourceConfig({ ...BASE, 'plugin.name': 'decoderbufs', 'max.batch.size': '9000' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(Object.keys((error as ConfigError).fieldErrors).sort()).toEqual(['max.queue.size', 'plugin.name']);
  });

  test("the connector's validate() reports the same", () => {
    const values = new PostgresCdcSource().validate({ ...BASE, 'table.include.list': 'x', 'table.exclude.list': 'y' }) as ReturnType<typeof validateSourceConfig>;
    expect(values.find((v) => v.name === 'table.exclude.list')?.errorMessages).toHaveLength(1);
  });
});
