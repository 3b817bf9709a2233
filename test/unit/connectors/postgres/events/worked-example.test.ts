/**
 * Golden test of reference/debezium-pg.md §1.6: dbserver1.public.customers, built from pgoutput text values and
 * written by the JsonConverter, compared with the JSON Debezium emits field for field.
 */
import type { Struct } from '../../../../../connect-runtime/api';
import { type ChangeContext, changeRecords, type PgRow, UNCHANGED_TOAST } from '../../../../../connectors/postgres/events';
import { customersSchema, SOURCE_FIELDS, toJson } from './event-json';

// Field schemas of the Value struct, in the converter's key order (type, fields, optional, name, version, doc,
// parameters, default, field).
const VALUE_FIELDS =
  '{"type":"int32","optional":false,"field":"id"},' +
  '{"type":"string","optional":false,"field":"email"},' +
  '{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,' +
  '"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"balance"},' +
  '{"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"signup"},' +
  '{"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"updated_at"},' +
  '{"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"prefs"}';

const ENVELOPE_SCHEMA =
  '{"type":"struct","fields":[' +
  `{"type":"struct","fields":[${VALUE_FIELDS}],"optional":true,"name":"dbserver1.public.customers.Value","field":"before"},` +
  `{"type":"struct","fields":[${VALUE_FIELDS}],"optional":true,"name":"dbserver1.public.customers.Value","field":"after"},` +
  `{"type":"struct","fields":[${SOURCE_FIELDS}],"optional":false,"name":"io.debezium.connector.postgresql.Source","version":1,"field":"source"},` +
  '{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"total_order"},' +
  '{"type":"int64","optional":false,"field":"data_collection_order"}],"optional":true,"name":"event.block","version":1,"field":"transaction"},' +
  '{"type":"string","optional":false,"field":"op"},' +
  '{"type":"int64","optional":true,"field":"ts_ms"},' +
  '{"type":"int64","optional":true,"field":"ts_us"},' +
  '{"type":"int64","optional":true,"field":"ts_ns"}],' +
  '"optional":false,"name":"dbserver1.public.customers.Envelope","version":2}';

// The schema exactly as the reference prints it (fields last, "...same 6 fields as before..." expanded).
const REFERENCE_SCHEMA = `{"type":"struct","optional":false,"name":"dbserver1.public.customers.Envelope","version":2,"fields":[
   {"type":"struct","optional":true,"name":"dbserver1.public.customers.Value","field":"before","fields":[
     {"type":"int32","optional":false,"field":"id"},
     {"type":"string","optional":false,"field":"email"},
     {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
      "parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"balance"},
     {"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"signup"},
     {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"updated_at"},
     {"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"prefs"}]},
   {"type":"struct","optional":true,"name":"dbserver1.public.customers.Value","field":"after","fields":[
     {"type":"int32","optional":false,"field":"id"},
     {"type":"string","optional":false,"field":"email"},
     {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
      "parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"balance"},
     {"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"signup"},
     {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"updated_at"},
     {"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"prefs"}]},
   {"type":"struct","optional":false,"name":"io.debezium.connector.postgresql.Source","version":1,"field":"source","fields":[
     {"type":"string","optional":false,"field":"version"},
     {"type":"string","optional":false,"field":"connector"},
     {"type":"string","optional":false,"field":"name"},
     {"type":"int64","optional":false,"field":"ts_ms"},
     {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,
      "parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},
      "default":"false","field":"snapshot"},
     {"type":"string","optional":false,"field":"db"},
     {"type":"string","optional":true,"field":"sequence"},
     {"type":"int64","optional":true,"field":"ts_us"},
     {"type":"int64","optional":true,"field":"ts_ns"},
     {"type":"string","optional":false,"field":"schema"},
     {"type":"string","optional":false,"field":"table"},
     {"type":"int64","optional":true,"field":"txId"},
     {"type":"int64","optional":true,"field":"lsn"},
     {"type":"int64","optional":true,"field":"xmin"},
     {"type":"string","optional":true,"field":"origin"},
     {"type":"int64","optional":true,"field":"origin_lsn"}]},
   {"type":"struct","optional":true,"name":"event.block","version":1,"field":"transaction","fields":[
     {"type":"string","optional":false,"field":"id"},
     {"type":"int64","optional":false,"field":"total_order"},
     {"type":"int64","optional":false,"field":"data_collection_order"}]},
   {"type":"string","optional":false,"field":"op"},
   {"type":"int64","optional":true,"field":"ts_ms"},
   {"type":"int64","optional":true,"field":"ts_us"},
   {"type":"int64","optional":true,"field":"ts_ns"}]}`;

const ROW = ['1001', 'anne@example.com', '1234.50', '2024-05-01', '2024-05-01 10:15:30.123456+00', '{"tier": "gold"}'];
const AFTER_JSON =
  '{"id":1001,"email":"anne@example.com","balance":"AeI6","signup":19844,' +
  '"updated_at":"2024-05-01T10:15:30.123456Z","prefs":"{\\"tier\\": \\"gold\\"}"}';

const STREAMING = { serverName: 'dbserver1', db: 'inventory', timestampNs: 1714558530123456000n };

function context(overrides: Partial<ChangeContext['source']>, processedAtNs: bigint): ChangeContext {
  return { source: { ...STREAMING, ...overrides }, processedAtNs, tombstonesOnDelete: true };
}

function source(fields: string): string {
  return `{"version":"3.6.1.Final","connector":"postgresql","name":"dbserver1",${fields}}`;
}

describe('reference §1.6 worked example: dbserver1.public.customers', () => {
  const table = customersSchema();

  test('topic and key (schemas.enable=true and false)', () => {
    const [insert] = changeRecords(table, { op: 'c', after: ROW }, context({ txId: 780, lsn: 24023128, lastCommitLsn: 24023040 }, 0n));
    expect(insert?.topic).toBe('dbserver1.public.customers');
    expect(toJson(insert!.keySchema, insert!.key, { isKey: true })).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"dbserver1.public.customers.Key"},' +
        '"payload":{"id":1001}}',
    );
    expect(toJson(insert!.keySchema, insert!.key, { isKey: true, schemasEnable: false })).toBe('{"id":1001}');
  });

  test('the envelope schema is the reference schema, field for field, in the converter key order', () => {
    const json = toJson(table.envelope.schema, table.envelope.truncate({ source: emptySource(table), processedAtNs: 0n })) as string;
    const schemaText = json.slice('{"schema":'.length, json.indexOf(',"payload":'));
    expect(schemaText).toBe(ENVELOPE_SCHEMA);
    expect(JSON.parse(schemaText)).toEqual(JSON.parse(REFERENCE_SCHEMA));
  });

  test('c: INSERT while streaming', () => {
    const records = changeRecords(
      table,
      { op: 'c', after: ROW },
      context({ txId: 780, lsn: 24023128, lastCommitLsn: 24023040 }, 1714558530456789123n),
    );
    expect(records).toHaveLength(1);
    expect(toJson(records[0]!.valueSchema, records[0]!.value)).toBe(
      `{"schema":${ENVELOPE_SCHEMA},"payload":{"before":null,"after":${AFTER_JSON},` +
        `"source":${source(
          '"ts_ms":1714558530123,"snapshot":"false","db":"inventory","sequence":"[\\"24023040\\",\\"24023128\\"]",' +
            '"ts_us":1714558530123456,"ts_ns":1714558530123456000,"schema":"public","table":"customers","txId":780,"lsn":24023128,' +
            '"xmin":null,"origin":null,"origin_lsn":null',
        )},"transaction":null,"op":"c","ts_ms":1714558530456,"ts_us":1714558530456789,"ts_ns":1714558530456789123}}`,
    );
  });

  test('c payload with schemas.enable=false is exactly the payload object', () => {
    const [record] = changeRecords(table, { op: 'c', after: ROW }, context({ txId: 780, lsn: 24023128, lastCommitLsn: 24023040 }, 1714558530456789123n));
    const payload = toJson(record!.valueSchema, record!.value, { schemasEnable: false }) as string;
    expect(payload.startsWith(`{"before":null,"after":${AFTER_JSON},"source":{"version":"3.6.1.Final"`)).toBe(true);
    expect(payload.endsWith('"op":"c","ts_ms":1714558530456,"ts_us":1714558530456789,"ts_ns":1714558530456789123}')).toBe(true);
  });

  test('u: UPDATE with REPLICA IDENTITY DEFAULT has no before', () => {
    const after = ['1001', 'anne@example.com', '99.99', '2024-05-01', '2024-05-01 10:15:30.123456+00', '{"tier": "gold"}'];
    const [record, ...rest] = changeRecords(
      table,
      { op: 'u', after },
      context({ txId: 781, lsn: 24023400, lastCommitLsn: 24023300 }, 1714558600456000000n),
    );
    expect(rest).toHaveLength(0);
    const payload = toJson(record!.valueSchema, record!.value, { schemasEnable: false });
    expect(payload).toBe(
      '{"before":null,"after":{"id":1001,"email":"anne@example.com","balance":"Jw8=","signup":19844,' +
        '"updated_at":"2024-05-01T10:15:30.123456Z","prefs":"{\\"tier\\": \\"gold\\"}"},' +
        `"source":${source(
          '"ts_ms":1714558530123,"snapshot":"false","db":"inventory","sequence":"[\\"24023300\\",\\"24023400\\"]",' +
            '"ts_us":1714558530123456,"ts_ns":1714558530123456000,"schema":"public","table":"customers","txId":781,"lsn":24023400,' +
            '"xmin":null,"origin":null,"origin_lsn":null',
        )},"transaction":null,"op":"u","ts_ms":1714558600456,"ts_us":1714558600456000,"ts_ns":1714558600456000000}`,
    );
  });

  test('u with REPLICA IDENTITY FULL carries the old row as before', () => {
    const after = ['1001', 'anne@example.com', '99.99', '2024-05-01', '2024-05-01 10:15:30.123456+00', '{"tier": "gold"}'];
    const [record] = changeRecords(table, { op: 'u', before: ROW, after }, context({ txId: 781, lsn: 24023400 }, 0n));
    const payload = toJson(record!.valueSchema, record!.value, { schemasEnable: false }) as string;
    expect(payload.startsWith(`{"before":${AFTER_JSON},"after":{"id":1001,"email":"anne@example.com","balance":"Jw8="`)).toBe(true);
  });

  test('d: DELETE with DEFAULT identity, NOT NULL non-key columns get type defaults, then the tombstone', () => {
    const oldKey = ['1001', null, null, null, null, null];
    const records = changeRecords(
      table,
      { op: 'd', before: oldKey },
      context({ txId: 782, lsn: 24023600, lastCommitLsn: 24023400 }, 1714558700000000000n),
    );
    expect(records).toHaveLength(2);
    const [deletion, tombstone] = records;
    expect(toJson(deletion!.valueSchema, deletion!.value, { schemasEnable: false })).toBe(
      '{"before":{"id":1001,"email":"","balance":null,"signup":null,"updated_at":null,"prefs":null},"after":null,' +
        `"source":${source(
          '"ts_ms":1714558530123,"snapshot":"false","db":"inventory","sequence":"[\\"24023400\\",\\"24023600\\"]",' +
            '"ts_us":1714558530123456,"ts_ns":1714558530123456000,"schema":"public","table":"customers","txId":782,"lsn":24023600,' +
            '"xmin":null,"origin":null,"origin_lsn":null',
        )},"transaction":null,"op":"d","ts_ms":1714558700000,"ts_us":1714558700000000,"ts_ns":1714558700000000000}`,
    );
    expect(tombstone!.topic).toBe('dbserver1.public.customers');
    expect((tombstone!.key as Struct).equals(deletion!.key)).toBe(true);
    expect(tombstone!.valueSchema).toBeNull();
    expect(tombstone!.value).toBeNull();
    // A null value with a null schema is a real Kafka null, whatever schemas.enable says.
    expect(toJson(tombstone!.valueSchema, tombstone!.value)).toBeNull();
    expect(toJson(tombstone!.valueSchema, tombstone!.value, { schemasEnable: false })).toBeNull();
    expect(toJson(tombstone!.keySchema, tombstone!.key, { isKey: true, schemasEnable: false })).toBe('{"id":1001}');
  });

  test('no tombstone when tombstones.on.delete=false', () => {
    const records = changeRecords(table, { op: 'd', before: ['1001', null, null, null, null, null] }, {
      ...context({ txId: 782, lsn: 24023600 }, 0n),
      tombstonesOnDelete: false,
    });
    expect(records).toHaveLength(1);
  });

  test('r: initial snapshot row', () => {
    const [record] = changeRecords(
      table,
      { op: 'r', after: ROW },
      context({ snapshot: 'first', txId: 779, lsn: 24023000, lastCommitLsn: null, timestampNs: 1714550000000000000n }, 1714550000120000000n),
    );
    expect(toJson(record!.valueSchema, record!.value, { schemasEnable: false })).toBe(
      `{"before":null,"after":${AFTER_JSON},` +
        `"source":${source(
          '"ts_ms":1714550000000,"snapshot":"first","db":"inventory","sequence":"[null,\\"24023000\\"]",' +
            '"ts_us":1714550000000000,"ts_ns":1714550000000000000,"schema":"public","table":"customers","txId":779,"lsn":24023000,' +
            '"xmin":null,"origin":null,"origin_lsn":null',
        )},"transaction":null,"op":"r","ts_ms":1714550000120,"ts_us":1714550000120000,"ts_ns":1714550000120000000}`,
    );
  });

  test('incremental snapshot rows have no txId, lsn or xmin', () => {
    const [record] = changeRecords(
      table,
      { op: 'r', after: ROW },
      context({ snapshot: 'incremental', txId: 900, lsn: 24029999, xmin: 5 }, 1714550000120000000n),
    );
    const json = toJson(record!.valueSchema, record!.value, { schemasEnable: false }) as string;
    expect(json).toContain('"snapshot":"incremental"');
    expect(json).toContain('"txId":null,"lsn":null,"xmin":null');
  });

  test('unchanged TOAST columns become the placeholder unless the old tuple had the value', () => {
    const after: PgRow = ['1001', 'anne@example.com', '1234.50', '2024-05-01', '2024-05-01 10:15:30.123456+00', UNCHANGED_TOAST];
    const [plain] = changeRecords(table, { op: 'u', after }, context({ lsn: 1 }, 0n));
    expect((plain!.value as Struct).getStruct('after')?.get('prefs')).toBe('__debezium_unavailable_value');
    const [full] = changeRecords(table, { op: 'u', before: ROW, after }, context({ lsn: 1 }, 0n));
    expect((full!.value as Struct).getStruct('after')?.get('prefs')).toBe('{"tier": "gold"}');
  });
});

function emptySource(table: ReturnType<typeof customersSchema>): Struct {
  const [record] = changeRecords(table, { op: 't' }, context({ lsn: 1 }, 0n));
  return (record!.value as Struct).getStruct('source') as Struct;
}
