/**
 * Record shapes beyond the worked example: truncate, logical messages, key changes, transaction block and
 * metadata, heartbeats, key/column selection, the schema cache, TOAST placeholders and the config parsing.
 */
import { ConfigError, DataError, type Struct } from '../../../../../connect-runtime/api';
import {
  changeRecords,
  columnFilterFrom,
  DEFAULT_VALUE_MAPPING,
  heartbeatRecord,
  keyColumnsSelectorFrom,
  logicalMessageRecord,
  nameUuidFromBytes,
  parsePgEventOptions,
  type PgRelation,
  sanitizeTopicName,
  splitRegexList,
  TableSchema,
  TableSchemaCache,
  toSourceRecord,
  transactionRecord,
  UNCHANGED_TOAST,
  type ValueMappingOptions,
} from '../../../../../connectors/postgres/events';
import { column, CUSTOMERS, customersSchema, HSTORE_OID, numericTypmod, SOURCE_FIELDS, TEST_TYPES, toJson } from './event-json';

const SOURCE = { serverName: 'dbserver1', db: 'inventory', timestampNs: 1714558530123456000n, txId: 780, lsn: 24023128, lastCommitLsn: 24023040 };
const CTX = { source: SOURCE, processedAtNs: 1714558530456789123n, tombstonesOnDelete: true };
const SOURCE_PAYLOAD =
  '{"version":"3.6.1.Final","connector":"postgresql","name":"dbserver1","ts_ms":1714558530123,"snapshot":"false","db":"inventory",' +
  '"sequence":"[\\"24023040\\",\\"24023128\\"]","ts_us":1714558530123456,"ts_ns":1714558530123456000,"schema":"public","table":"customers",' +
  '"txId":780,"lsn":24023128,"xmin":null,"origin":null,"origin_lsn":null}';
const ROW = ['1001', 'anne@example.com', '1234.50', '2024-05-01', '2024-05-01 10:15:30.123456+00', '{"tier": "gold"}'];

describe('truncate (t)', () => {
  test('one record, null key without key schema, neither before nor after', () => {
    const [record, ...rest] = changeRecords(customersSchema(), { op: 't' }, CTX);
    expect(rest).toHaveLength(0);
    expect(record!.topic).toBe('dbserver1.public.customers');
    expect(record!.keySchema).toBeNull();
    expect(record!.key).toBeNull();
    expect(toJson(record!.keySchema, record!.key, { isKey: true })).toBeNull();
    expect(toJson(record!.valueSchema, record!.value, { schemasEnable: false })).toBe(
      `{"before":null,"after":null,"source":${SOURCE_PAYLOAD},"transaction":null,"op":"t","ts_ms":1714558530456,"ts_us":1714558530456789,"ts_ns":1714558530456789123}`,
    );
  });
});

describe('logical decoding messages (m)', () => {
  const messageSource = { ...SOURCE, schema: '', table: '', txId: null, lastCommitLsn: null, lsn: 24023500 };

  test('topic <prefix>.message, key {prefix}, MessageValue with content bytes', () => {
    const record = logicalMessageRecord(
      { prefix: 'heartbeat', content: Buffer.from('hello') },
      { topicPrefix: 'dbserver1', binaryHandlingMode: 'bytes', source: messageSource, processedAtMs: 1714558530999n },
    );
    expect(record.topic).toBe('dbserver1.message');
    expect(toJson(record.keySchema, record.key, { isKey: true })).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"field":"prefix"}],"optional":false,' +
        '"name":"io.debezium.connector.postgresql.MessageKey","version":1},"payload":{"prefix":"heartbeat"}}',
    );
    expect(toJson(record.valueSchema, record.value)).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":true,"field":"ts_ms"},' +
        `{"type":"struct","fields":[${SOURCE_FIELDS}],"optional":false,"name":"io.debezium.connector.postgresql.Source","version":1,"field":"source"},` +
        '{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},' +
        '{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"},' +
        '{"type":"struct","fields":[{"type":"string","optional":true,"field":"prefix"},{"type":"bytes","optional":true,"field":"content"}],' +
        '"optional":false,"name":"io.debezium.connector.postgresql.Message","version":1,"field":"message"}],' +
        '"optional":false,"name":"io.debezium.connector.postgresql.MessageValue","version":1},' +
        '"payload":{"op":"m","ts_ms":1714558530999,"source":{"version":"3.6.1.Final","connector":"postgresql","name":"dbserver1",' +
        '"ts_ms":1714558530123,"snapshot":"false","db":"inventory","sequence":"[null,\\"24023500\\"]","ts_us":1714558530123456,' +
        '"ts_ns":1714558530123456000,"schema":"","table":"","txId":null,"lsn":24023500,"xmin":null,"origin":null,"origin_lsn":null},' +
        '"transaction":null,"message":{"prefix":"heartbeat","content":"aGVsbG8="}}}',
    );
  });

  test('content follows binary.handling.mode', () => {
    const record = logicalMessageRecord(
      { prefix: 'p', content: Buffer.from([0xfb, 0xff]) },
      { topicPrefix: 'dbserver1', binaryHandlingMode: 'hex', source: messageSource, processedAtMs: 1 },
    );
    expect(toJson(record.valueSchema, record.value, { schemasEnable: false })).toContain('"message":{"prefix":"p","content":"fbff"}');
    expect((record.valueSchema?.field('message')?.schema.field('content')?.schema.type)).toBe('STRING');
  });
});

describe('updates that change the key', () => {
  test('become delete (header __debezium.newkey) + tombstone + create (header __debezium.oldkey)', () => {
    const oldKeyTuple = ['1000', null, null, null, null, null];
    const records = changeRecords(customersSchema(), { op: 'u', before: oldKeyTuple, after: ROW }, CTX);
    expect(records.map((r) => (r.value === null ? 'tombstone' : (r.value as Struct).getString('op')))).toEqual(['d', 'tombstone', 'c']);
    const [deletion, tombstone, creation] = records;
    expect(toJson(deletion!.keySchema, deletion!.key, { isKey: true, schemasEnable: false })).toBe('{"id":1000}');
    expect(toJson(creation!.keySchema, creation!.key, { isKey: true, schemasEnable: false })).toBe('{"id":1001}');
    const newKeyHeader = deletion!.headers.lastWithName('__debezium.newkey');
    expect((newKeyHeader?.value as Struct).getInt32('id')).toBe(1001);
    expect(tombstone!.headers.lastWithName('__debezium.newkey')).toBeDefined();
    expect(((creation!.headers.lastWithName('__debezium.oldkey')?.value) as Struct).getInt32('id')).toBe(1000);
    expect(toJson(deletion!.valueSchema, deletion!.value, { schemasEnable: false })).toContain(
      '"before":{"id":1000,"email":"","balance":null,"signup":null,"updated_at":null,"prefs":null},"after":null',
    );
  });

  test('context headers (extended.headers.enabled) follow the key-change headers', () => {
    const records = changeRecords(customersSchema(), { op: 'c', after: ROW }, {
      ...CTX,
      contextHeaders: { connectorLogicalName: 'dbserver1', taskId: '0', connectorName: 'postgresql' },
    });
    expect([...records[0]!.headers].map((h) => `${h.key}=${String(h.value)}`)).toEqual([
      '__debezium.context.connectorLogicalName=dbserver1',
      '__debezium.context.taskId=0',
      '__debezium.context.connectorName=postgresql',
    ]);
  });

  test('toSourceRecord carries partition, offset and headers', () => {
    const [record] = changeRecords(customersSchema(), { op: 'c', after: ROW }, CTX);
    const sr = toSourceRecord(record!, { sourcePartition: { server: 'dbserver1' }, sourceOffset: { lsn: 24023128 } });
    expect(sr.topic).toBe('dbserver1.public.customers');
    expect(sr.sourcePartition).toEqual({ server: 'dbserver1' });
    expect(sr.valueSchema).toBe(record!.valueSchema);
  });
});

describe('transaction metadata and heartbeats', () => {
  test('the envelope transaction block', () => {
    const [record] = changeRecords(customersSchema(), { op: 'c', after: ROW }, {
      ...CTX,
      transaction: { id: '780:24023128', totalOrder: 1, dataCollectionOrder: 1 },
    });
    expect(toJson(record!.valueSchema, record!.value, { schemasEnable: false })).toContain(
      '"transaction":{"id":"780:24023128","total_order":1,"data_collection_order":1},"op":"c"',
    );
  });

  test('BEGIN and END records on <prefix>.transaction', () => {
    const begin = transactionRecord('dbserver1', { status: 'BEGIN', id: '571:53195829', tsMs: 1486500577125 });
    expect(begin.topic).toBe('dbserver1.transaction');
    expect(toJson(begin.valueSchema, begin.value, { schemasEnable: false })).toBe(
      '{"status":"BEGIN","id":"571:53195829","event_count":null,"data_collections":null,"ts_ms":1486500577125}',
    );
    const end = transactionRecord('dbserver1', {
      status: 'END',
      id: '571:53195832',
      tsMs: 1486500577691,
      eventCount: 2,
      dataCollections: [
        { dataCollection: 's1.a', eventCount: 1 },
        { dataCollection: 's2.a', eventCount: 1 },
      ],
    });
    expect(toJson(end.valueSchema, end.value, { schemasEnable: false })).toBe(
      '{"status":"END","id":"571:53195832","event_count":2,"data_collections":[{"data_collection":"s1.a","event_count":1},' +
        '{"data_collection":"s2.a","event_count":1}],"ts_ms":1486500577691}',
    );
    expect(toJson(end.keySchema, end.key, { isKey: true })).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"}],"optional":false,' +
        '"name":"io.debezium.connector.common.TransactionMetadataKey","version":1},"payload":{"id":"571:53195832"}}',
    );
  });

  test('heartbeat records', () => {
    const hb = heartbeatRecord('dbserver1', 1714558530123n);
    expect(hb.topic).toBe('__debezium-heartbeat.dbserver1');
    expect(toJson(hb.keySchema, hb.key, { isKey: true, schemasEnable: false })).toBe('{"serverName":"dbserver1"}');
    expect(toJson(hb.valueSchema, hb.value)).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,' +
        '"name":"io.debezium.connector.common.Heartbeat","version":1},"payload":{"ts_ms":1714558530123}}',
    );
  });
});

describe('key and value column selection', () => {
  const mapping: ValueMappingOptions = DEFAULT_VALUE_MAPPING;

  test('no key columns: null key and null key schema', () => {
    const table = new TableSchema({ ...CUSTOMERS, columns: CUSTOMERS.columns.map((c) => ({ ...c, isKey: false })) }, { topicPrefix: 'dbserver1', mapping });
    expect(table.keySchema).toBeNull();
    const [record] = changeRecords(table, { op: 'c', after: ROW }, CTX);
    expect(record!.key).toBeNull();
    expect(record!.keySchema).toBeNull();
  });

  test('message.key.columns replaces the primary key, in its own order', () => {
    const keyColumns = keyColumnsSelectorFrom('inventory.orders:x;public.custom(.*):email,id');
    const table = new TableSchema(CUSTOMERS, { topicPrefix: 'dbserver1', mapping, keyColumns });
    expect(table.keySchema?.fields.map((f) => f.name)).toEqual(['email', 'id']);
    expect(table.keySchema?.name).toBe('dbserver1.public.customers.Key');
    expect(toJson(table.keySchema, table.key(ROW), { isKey: true, schemasEnable: false })).toBe('{"email":"anne@example.com","id":1001}');
  });

  test('column.exclude.list drops value columns but never key columns', () => {
    const columnFilter = columnFilterFrom({ columnExcludeList: 'public\\.customers\\.(prefs|ID)' });
    const table = new TableSchema(CUSTOMERS, { topicPrefix: 'dbserver1', mapping, columnFilter });
    expect(table.valueSchema.fields.map((f) => f.name)).toEqual(['email', 'balance', 'signup', 'updated_at']);
    expect(table.keySchema?.fields.map((f) => f.name)).toEqual(['id']);
    const include = columnFilterFrom({ columnIncludeList: 'public.customers.id,public.customers.e.*' });
    expect(new TableSchema(CUSTOMERS, { topicPrefix: 'p', mapping, columnFilter: include }).valueSchema.fields.map((f) => f.name)).toEqual(['id', 'email']);
  });

  test('regex lists split on unescaped commas; include and exclude together are a config error', () => {
    expect(splitRegexList('a\\,b, c ,,d')).toEqual(['a,b', 'c', 'd']);
    expect(() => columnFilterFrom({ columnIncludeList: 'a', columnExcludeList: 'b' })).toThrow(ConfigError);
    expect(() => keyColumnsSelectorFrom('nocolon')).toThrow(ConfigError);
  });

  test('columns of unknown types are dropped with a warning', () => {
    const relation: PgRelation = { relationId: 1, schema: 'public', table: 'shapes', columns: [column('id', 23, { isKey: true, optional: false }), column('b', 603)] };
    const table = new TableSchema(relation, { topicPrefix: 'p', mapping });
    expect(table.valueSchema.fields.map((f) => f.name)).toEqual(['id']);
    expect(table.dropped.map((d) => [d.column.name, d.typeName])).toEqual([['b', 'box']]);
    expect(table.warnings[0]).toMatch(/public\.shapes\.b .*box/);
    expect(toJson(table.valueSchema, table.value(['1', '(1,1),(0,0)']), { schemasEnable: false })).toBe('{"id":1}');
  });

  test('topic names are sanitised, and so are the schema names built on them', () => {
    expect(sanitizeTopicName('srv.my schema.tab$le')).toBe('srv.my_schema.tab_le');
    const table = new TableSchema({ ...CUSTOMERS, schema: 'my schema' }, { topicPrefix: 'dbserver1', mapping });
    expect(table.topic).toBe('dbserver1.my_schema.customers');
    expect(table.valueSchema.name).toBe('dbserver1.my_schema.customers.Value');
  });

  test('a row with the wrong number of values is a clear error', () => {
    expect(() => customersSchema().value(['1'])).toThrow(DataError);
  });

  test('a value that cannot be converted names the column', () => {
    expect(() => customersSchema().value(['x', 'a', null, null, null, null])).toThrow(/column "id" \(int4\)/);
  });
});

describe('schema cache', () => {
  test('a new Relation message with a changed definition yields a new schema from then on', () => {
    const cache = new TableSchemaCache({ topicPrefix: 'dbserver1', mapping: DEFAULT_VALUE_MAPPING });
    const first = cache.onRelation(CUSTOMERS);
    expect(first.changed).toBe(true);
    expect(cache.onRelation({ ...CUSTOMERS, columns: [...CUSTOMERS.columns] })).toEqual({ schema: first.schema, changed: false });
    const altered = cache.onRelation({ ...CUSTOMERS, columns: [...CUSTOMERS.columns, column('note', 25)] });
    expect(altered.changed).toBe(true);
    expect(cache.get(CUSTOMERS.relationId)).toBe(altered.schema);
    expect(altered.schema.valueSchema.fields.map((f) => f.name)).toContain('note');
    const retyped = cache.onRelation({
      ...CUSTOMERS,
      columns: CUSTOMERS.columns.map((c) => (c.name === 'balance' ? { ...c, typeModifier: numericTypmod(12, 4) } : c)),
    });
    expect(retyped.changed).toBe(true);
    expect(retyped.schema.valueSchema.field('balance')?.schema.parameters).toEqual({ scale: '4', 'connect.decimal.precision': '12' });
    cache.invalidate(CUSTOMERS.relationId);
    expect(cache.get(CUSTOMERS.relationId)).toBeUndefined();
  });

  test('enum label changes count as a new definition', () => {
    let labels = ['a', 'b'];
    const types = (oid: number) => (oid === 20000 ? { kind: 'enum' as const, name: 'e', labels } : undefined);
    const cache = new TableSchemaCache({ topicPrefix: 'p', mapping: DEFAULT_VALUE_MAPPING, types });
    const relation: PgRelation = { relationId: 7, schema: 's', table: 't', columns: [column('e', 20000)] };
    cache.onRelation(relation);
    labels = ['a', 'b', 'c'];
    const next = cache.onRelation(relation);
    expect(next.changed).toBe(true);
    expect(next.schema.valueSchema.field('e')?.schema.parameters).toEqual({ allowed: 'a,b,c' });
  });
});

describe('unchanged TOAST placeholders', () => {
  function toastValue(typeOid: number, mapping: Partial<ValueMappingOptions> = {}, optional = true): unknown {
    const relation: PgRelation = { relationId: 1, schema: 's', table: 't', columns: [column('v', typeOid, { optional })] };
    const table = new TableSchema(relation, { topicPrefix: 'p', mapping: { ...DEFAULT_VALUE_MAPPING, ...mapping }, types: TEST_TYPES });
    return table.value([UNCHANGED_TOAST]).get('v');
  }
  const placeholder = '__debezium_unavailable_value';
  const bytes = [...Buffer.from(placeholder)];

  test.each([
    ['text', 25, {}, placeholder],
    ['jsonb', 3802, {}, placeholder],
    ['bytea', 17, {}, Buffer.from(placeholder)],
    ['bytea (hex mode)', 17, { binaryHandlingMode: 'hex' }, placeholder],
    ['text[]', 1009, {}, [placeholder]],
    ['int4[]', 1007, {}, bytes],
    ['int8[]', 1016, {}, bytes],
    ['bytea[]', 1001, {}, [Buffer.from(placeholder)]],
    ['uuid[]', 2951, {}, [nameUuidFromBytes(Buffer.from(placeholder))]],
    ['hstore (json)', HSTORE_OID, {}, `{"${placeholder}":"${placeholder}"}`],
    ['hstore (map)', HSTORE_OID, { hstoreHandlingMode: 'map' }, new Map([[placeholder, placeholder]])],
    ['numeric (no placeholder fits: null)', 1700, {}, null],
  ] as Array<[string, number, Partial<ValueMappingOptions>, unknown]>)('%s', (_label, oid, mapping, expected) => {
    expect(toastValue(oid, mapping)).toEqual(expected);
  });

  test('a custom placeholder, hex: prefixed', () => {
    const options = parsePgEventOptions({ 'topic.prefix': 'p', 'unavailable.value.placeholder': 'hex:00ff' });
    expect(toastValue(17, { unavailableValuePlaceholder: options.unavailableValuePlaceholder })).toEqual(Buffer.from([0, 255]));
    expect(toastValue(1007, { unavailableValuePlaceholder: options.unavailableValuePlaceholder })).toEqual([0, -1]);
  });

  test('a NOT NULL column without a fitting placeholder gets the type zero', () => {
    const zero = toastValue(1700, {}, false) as Struct;
    expect(zero.getInt32('scale')).toBe(0);
    expect(zero.getBytes('value')).toEqual(Buffer.from([0]));
    expect(toastValue(1231, {}, false)).toEqual([]);
  });
});

describe('parsePgEventOptions', () => {
  test("Debezium's defaults", () => {
    const options = parsePgEventOptions({ 'topic.prefix': 'dbserver1', 'database.dbname': 'inventory' });
    expect(options).toMatchObject({
      topicPrefix: 'dbserver1',
      databaseName: 'inventory',
      decimalHandlingMode: 'precise',
      timePrecisionMode: 'adaptive',
      binaryHandlingMode: 'bytes',
      intervalHandlingMode: 'numeric',
      hstoreHandlingMode: 'json',
      moneyFractionDigits: 2,
      includeUnknownDatatypes: false,
      tombstonesOnDelete: true,
    });
    expect(options.unavailableValuePlaceholder.toString()).toBe('__debezium_unavailable_value');
  });

  test('values are matched case-insensitively and validated', () => {
    const options = parsePgEventOptions({
      'topic.prefix': 'p',
      'decimal.handling.mode': 'STRING',
      'time.precision.mode': 'connect',
      'binary.handling.mode': 'base64-url-safe',
      'tombstones.on.delete': 'false',
      'include.unknown.datatypes': true,
      'money.fraction.digits': '4',
      'message.key.columns': 'a.b:c',
    });
    expect(options).toMatchObject({
      decimalHandlingMode: 'string',
      timePrecisionMode: 'connect',
      binaryHandlingMode: 'base64-url-safe',
      tombstonesOnDelete: false,
      includeUnknownDatatypes: true,
      moneyFractionDigits: 4,
      messageKeyColumns: 'a.b:c',
    });
    expect(() => parsePgEventOptions({})).toThrow(ConfigError);
    expect(() => parsePgEventOptions({ 'topic.prefix': 'p', 'decimal.handling.mode': 'exact' })).toThrow(/decimal\.handling\.mode/);
    expect(() => parsePgEventOptions({ 'topic.prefix': 'p', 'unavailable.value.placeholder': 'hex:0' })).toThrow(ConfigError);
    expect(() => parsePgEventOptions({ 'topic.prefix': 'p', 'column.include.list': 'a', 'column.exclude.list': 'b' })).toThrow(ConfigError);
  });
});
