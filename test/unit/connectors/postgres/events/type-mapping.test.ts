/**
 * Golden tests of the type mapping (reference §4): for each PostgreSQL type, the field schema and the value the
 * JsonConverter (schemas.enable=true) writes for a pgoutput text value, with Debezium's default modes.
 */
import { CITEXT_OID, DOMAIN_OID, ENUM_ARRAY_OID, ENUM_OID, golden, HSTORE_OID, LTREE_OID, numericTypmod } from './event-json';

const STRING = '{"type":"string","optional":true}';
const named = (type: string, name: string, extra = ''): string => `{"type":"${type}","optional":true,"name":"${name}","version":1${extra}}`;

// [label, type OID, type modifier, pgoutput text, expected schema JSON, expected payload JSON]
const ROWS: Array<[string, number, number, string, string, string]> = [
  ['boolean t', 16, -1, 't', '{"type":"boolean","optional":true}', 'true'],
  ['boolean f', 16, -1, 'f', '{"type":"boolean","optional":true}', 'false'],
  ['bit(1)', 1560, 1, '1', '{"type":"boolean","optional":true}', 'true'],
  ['bit(7)', 1560, 7, '1000000', named('bytes', 'io.debezium.data.Bits', ',"parameters":{"length":"7"}'), '"QA=="'],
  ['bit(64)', 1560, 64, `1${'0'.repeat(63)}`, named('bytes', 'io.debezium.data.Bits', ',"parameters":{"length":"64"}'), '"AAAAAAAAAIA="'],
  ['varbit(24)', 1562, 24, '000000110000001000000001', named('bytes', 'io.debezium.data.Bits', ',"parameters":{"length":"24"}'), '"AQID"'],
  ['varbit(2) all zeros', 1562, 2, '00', named('bytes', 'io.debezium.data.Bits', ',"parameters":{"length":"2"}'), '""'],
  ['varbit', 1562, -1, '101', named('bytes', 'io.debezium.data.Bits', ',"parameters":{"length":"2147483647"}'), '"BQ=="'],
  ['smallint', 21, -1, '-32768', '{"type":"int16","optional":true}', '-32768'],
  ['integer', 23, -1, '2147483647', '{"type":"int32","optional":true}', '2147483647'],
  ['bigint', 20, -1, '-9223372036854775808', '{"type":"int64","optional":true}', '-9223372036854775808'],
  ['oid', 26, -1, '4294967295', '{"type":"int64","optional":true}', '4294967295'],
  ['real', 700, -1, '3.3', '{"type":"float","optional":true}', '3.3'],
  ['double precision', 701, -1, '4.44', '{"type":"double","optional":true}', '4.44'],
  ['double precision NaN', 701, -1, 'NaN', '{"type":"double","optional":true}', '"NaN"'],
  ['double precision Infinity', 701, -1, 'Infinity', '{"type":"double","optional":true}', '"Infinity"'],
  [
    'numeric(10,2)',
    1700,
    numericTypmod(10, 2),
    '1234.50',
    named('bytes', 'org.apache.kafka.connect.data.Decimal', ',"parameters":{"scale":"2","connect.decimal.precision":"10"}'),
    '"AeI6"',
  ],
  [
    'numeric(5)',
    1700,
    numericTypmod(5, 0),
    '12345',
    named('bytes', 'org.apache.kafka.connect.data.Decimal', ',"parameters":{"scale":"0","connect.decimal.precision":"5"}'),
    '"MDk="',
  ],
  [
    'numeric',
    1700,
    -1,
    '1234.500',
    '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},{"type":"bytes","optional":false,"field":"value"}],' +
      '"optional":true,"name":"io.debezium.data.VariableScaleDecimal","version":1,"doc":"Variable scaled decimal"}',
    '{"scale":1,"value":"MDk="}',
  ],
  ['numeric (trailing zeros of an integer)', 1700, -1, '1000', '', '{"scale":0,"value":"A+g="}'],
  ['numeric (large)', 1700, -1, '123456789012345678901234567890.123456789', '', '{"scale":9,"value":"XODppWAV/sWq36MorjmBFQ=="}'],
  ['money', 790, -1, '$1,234.56', named('bytes', 'org.apache.kafka.connect.data.Decimal', ',"parameters":{"scale":"2"}'), '"AeJA"'],
  ['money negative', 790, -1, '-$1,234.56', '', '"/h3A"'],
  ['money in parentheses', 790, -1, '($1,234.56)', '', '"/h3A"'],
  ['"char"', 18, -1, 'a', STRING, '"a"'],
  ['name', 19, -1, 'pg_catalog', STRING, '"pg_catalog"'],
  ['text', 25, -1, 'say "hi"\n', STRING, '"say \\"hi\\"\\n"'],
  ['char(5)', 1042, 9, 'ab   ', STRING, '"ab   "'],
  ['varchar(255)', 1043, 259, 'anne@example.com', STRING, '"anne@example.com"'],
  ['bytea', 17, -1, '\\x0102ff', '{"type":"bytes","optional":true}', '"AQL/"'],
  ['uuid', 2950, -1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', named('string', 'io.debezium.data.Uuid'), '"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"'],
  ['json', 114, -1, '{"a":1}', named('string', 'io.debezium.data.Json'), '"{\\"a\\":1}"'],
  ['jsonb', 3802, -1, '{"tier": "gold"}', named('string', 'io.debezium.data.Json'), '"{\\"tier\\": \\"gold\\"}"'],
  ['xml', 142, -1, '<a>1</a>', named('string', 'io.debezium.data.Xml'), '"<a>1</a>"'],
  ['tsvector', 3614, -1, "'a' 'b'", named('string', 'io.debezium.data.Tsvector'), '"\'a\' \'b\'"'],
  ['inet', 869, -1, '192.168.0.1/24', STRING, '"192.168.0.1/24"'],
  ['cidr', 650, -1, '10.0.0.0/8', STRING, '"10.0.0.0/8"'],
  ['macaddr', 829, -1, '08:00:2b:01:02:03', STRING, '"08:00:2b:01:02:03"'],
  ['macaddr8', 774, -1, '08:00:2b:01:02:03:04:05', STRING, '"08:00:2b:01:02:03:04:05"'],
  ['int4range', 3904, -1, '[1,6)', STRING, '"[1,6)"'],
  ['tstzrange', 3910, -1, '["2017-06-05 11:29:12.549426+00",)', STRING, '"[\\"2017-06-05 11:29:12.549426+00\\",)"'],
  ['date', 1082, -1, '2024-05-01', named('int32', 'io.debezium.time.Date'), '19844'],
  ['date before 1970', 1082, -1, '1969-12-31', '', '-1'],
  ['date BC', 1082, -1, '0001-01-01 BC', '', '-719528'],
  ['date infinity', 1082, -1, 'infinity', '', '-2147472692'],
  ['date -infinity', 1082, -1, '-infinity', '', '-2147472691'],
  ['time', 1083, -1, '13:51:30', named('int64', 'io.debezium.time.MicroTime'), '49890000000'],
  ['time(6)', 1083, 6, '13:51:30.123456', named('int64', 'io.debezium.time.MicroTime'), '49890123456'],
  ['time(3)', 1083, 3, '13:51:30.123', named('int32', 'io.debezium.time.Time'), '49890123'],
  ['time 24:00:00', 1083, -1, '24:00:00', '', '86400000000'],
  ['timestamp', 1114, -1, '2016-11-04 13:51:30.123456', named('int64', 'io.debezium.time.MicroTimestamp'), '1478267490123456'],
  ['timestamp before 1970', 1114, -1, '1936-10-25 22:10:12.608', '', '-1047174587392000'],
  ['timestamp(3)', 1114, 3, '2016-11-04 13:51:30.124', named('int64', 'io.debezium.time.Timestamp'), '1478267490124'],
  ['timestamp(0) BC', 1114, 0, '0001-01-01 00:00:00 BC', named('int64', 'io.debezium.time.Timestamp'), '-62167219200000'],
  ['timestamp minimum', 1114, -1, '4713-12-31 23:59:59.999999 BC', '', '-210831897600000001'],
  ['timestamp maximum', 1114, -1, '294247-01-01 23:59:59.999999', '', '9223371331199999999'],
  ['timestamp infinity', 1114, -1, 'infinity', '', '9223372036825200000'],
  ['timestamp -infinity', 1114, -1, '-infinity', '', '-9223372036832400000'],
  ['timestamp(3) infinity', 1114, 3, 'infinity', '', '9223372036825200'],
  ['timestamptz', 1184, -1, '2016-11-04 13:51:30.123456+02', named('string', 'io.debezium.time.ZonedTimestamp'), '"2016-11-04T11:51:30.123456Z"'],
  ['timestamptz whole second', 1184, -1, '2024-05-01 10:15:30+00', '', '"2024-05-01T10:15:30.000000Z"'],
  ['timestamptz half-hour offset', 1184, -1, '2024-01-02 03:04:05.5+05:30', '', '"2024-01-01T21:34:05.500000Z"'],
  ['timestamptz year > 9999', 1184, -1, '21016-11-04 13:51:30.123456+07', '', '"+21016-11-04T06:51:30.123456Z"'],
  ['timestamptz BC', 1184, -1, '4714-12-31 23:59:59.999999+00 BC', '', '"-4713-12-31T23:59:59.999999Z"'],
  ['timestamptz(0)', 1184, 0, '2024-05-01 10:15:30+00', '', '"2024-05-01T10:15:30Z"'],
  ['timestamptz(3)', 1184, 3, '2024-05-01 10:15:30.12+00', '', '"2024-05-01T10:15:30.120Z"'],
  ['timestamptz infinity', 1184, -1, 'infinity', '', '"infinity"'],
  ['timestamptz -infinity', 1184, -1, '-infinity', '', '"-infinity"'],
  ['timetz', 1266, -1, '13:51:30.123789+02', named('string', 'io.debezium.time.ZonedTime'), '"11:51:30.123789Z"'],
  ['timetz(3)', 1266, 3, '13:51:30.123+02', '', '"11:51:30.123Z"'],
  ['timetz wrapping to the day before', 1266, -1, '00:30:00+01', '', '"23:30:00Z"'],
  ['timetz 24:00:00+00', 1266, -1, '24:00:00+00', '', '"24:00:00Z"'],
  ['interval iso_8601', 1186, -1, 'P1Y2M3DT4H5M6.78S', named('int64', 'io.debezium.time.MicroDuration'), '37091106780000'],
  ['interval postgres', 1186, -1, '1 year 2 mons 3 days 04:05:06.78', '', '37091106780000'],
  ['interval negative', 1186, -1, '-1 days -02:03:00', '', '-93780000000'],
  [
    'point',
    600,
    -1,
    '(1.5,-2)',
    '{"type":"struct","fields":[{"type":"double","optional":false,"field":"x"},{"type":"double","optional":false,"field":"y"},' +
      '{"type":"bytes","optional":true,"field":"wkb"},{"type":"int32","optional":true,"field":"srid"}],' +
      '"optional":true,"name":"io.debezium.data.geometry.Point","version":1,"doc":"Geometry (POINT)"}',
    '{"x":1.5,"y":-2.0,"wkb":"AQEAAAAAAAAAAAD4PwAAAAAAAADA","srid":null}',
  ],
  [
    'enum',
    ENUM_OID,
    -1,
    'happy',
    named('string', 'io.debezium.data.Enum', ',"parameters":{"allowed":"sad,ok,happy"}'),
    '"happy"',
  ],
  ['ltree', LTREE_OID, -1, 'Top.Science.Astronomy', named('string', 'io.debezium.data.Ltree'), '"Top.Science.Astronomy"'],
  ['citext', CITEXT_OID, -1, 'MiXeD', STRING, '"MiXeD"'],
  ['hstore', HSTORE_OID, -1, '"a"=>"1", "b"=>NULL', named('string', 'io.debezium.data.Json'), '"{\\"a\\":\\"1\\",\\"b\\":null}"'],
  [
    'domain over numeric(8,3)',
    DOMAIN_OID,
    -1,
    '1.500',
    named('bytes', 'org.apache.kafka.connect.data.Decimal', ',"parameters":{"scale":"3","connect.decimal.precision":"8"}'),
    '"Bdw="',
  ],
  // Arrays
  ['int4[]', 1007, -1, '{1,2,NULL}', '{"type":"array","items":{"type":"int32","optional":true},"optional":true}', '[1,2,null]'],
  ['int2[]', 1005, -1, '{-1}', '{"type":"array","items":{"type":"int16","optional":true},"optional":true}', '[-1]'],
  ['int8[]', 1016, -1, '{9007199254740993}', '{"type":"array","items":{"type":"int64","optional":true},"optional":true}', '[9007199254740993]'],
  [
    'text[] with quoting',
    1009,
    -1,
    '{"a b","say \\"hi\\"",NULL,"NULL","",back\\\\slash}',
    `{"type":"array","items":${STRING},"optional":true}`,
    '["a b","say \\"hi\\"",null,"NULL","","back\\\\slash"]',
  ],
  ['varchar[]', 1015, 14, '{x,y}', `{"type":"array","items":${STRING},"optional":true}`, '["x","y"]'],
  ['bool[]', 1000, -1, '{t,f,NULL}', '{"type":"array","items":{"type":"boolean","optional":true},"optional":true}', '[true,false,null]'],
  ['float8[]', 1022, -1, '{1.5,-0.25}', '{"type":"array","items":{"type":"double","optional":true},"optional":true}', '[1.5,-0.25]'],
  [
    'numeric(10,2)[]',
    1231,
    numericTypmod(10, 2),
    '{1234.50,NULL}',
    `{"type":"array","items":${named('bytes', 'org.apache.kafka.connect.data.Decimal', ',"parameters":{"scale":"2","connect.decimal.precision":"10"}')},"optional":true}`,
    '["AeI6",null]',
  ],
  ['date[]', 1182, -1, '{2024-05-01,1969-12-31}', `{"type":"array","items":${named('int32', 'io.debezium.time.Date')},"optional":true}`, '[19844,-1]'],
  [
    'timestamptz[]',
    1185,
    -1,
    '{"2020-04-01 11:51:02+00","2020-04-01 12:51:03+00"}',
    `{"type":"array","items":${named('string', 'io.debezium.time.ZonedTimestamp')},"optional":true}`,
    '["2020-04-01T11:51:02.000000Z","2020-04-01T12:51:03.000000Z"]',
  ],
  ['timetz[]', 1270, -1, '{11:51:02+00}', `{"type":"array","items":${named('string', 'io.debezium.time.ZonedTime')},"optional":true}`, '["11:51:02Z"]'],
  ['time[]', 1183, -1, '{00:01:02,01:02:03}', `{"type":"array","items":${named('int64', 'io.debezium.time.MicroTime')},"optional":true}`, '[62000000,3723000000]'],
  [
    'uuid[]',
    2951,
    -1,
    '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
    `{"type":"array","items":${named('string', 'io.debezium.data.Uuid')},"optional":true}`,
    '["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]',
  ],
  ['jsonb[]', 3807, -1, '{"{\\"a\\": 1}"}', `{"type":"array","items":${named('string', 'io.debezium.data.Json')},"optional":true}`, '["{\\"a\\": 1}"]'],
  ['bytea[]', 1001, -1, '{"\\\\x0102",NULL}', '{"type":"array","items":{"type":"bytes","optional":true},"optional":true}', '["AQI=",null]'],
  ['inet[]', 1041, -1, '{10.0.0.1}', `{"type":"array","items":${STRING},"optional":true}`, '["10.0.0.1"]'],
  ['int4[] with lower bound', 1007, -1, '[0:1]={7,8}', '', '[7,8]'],
  [
    'enum[] (elements required, as Debezium declares them)',
    ENUM_ARRAY_OID,
    -1,
    '{sad,happy}',
    `{"type":"array","items":{"type":"string","optional":false,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"sad,ok,happy"}},"optional":true}`,
    '["sad","happy"]',
  ],
];

describe('type mapping golden JSON (default modes)', () => {
  test.each(ROWS)('%s', (_label, oid, typmod, text, schema, payload) => {
    const out = golden(oid, text, { typeModifier: typmod });
    if (schema !== '') expect(out.schema).toBe(schema);
    expect(out.payload).toBe(payload);
  });

  test('NULL is null in optional columns', () => {
    expect(golden(23, null).payload).toBe('null');
    expect(golden(1007, null).payload).toBe('null');
  });

  test('NULL in a NOT NULL column is the type zero, as Debezium emits for DELETE with DEFAULT identity', () => {
    const required = { column: { optional: false } };
    const zeros: Array<[number, number, string]> = [
      [16, -1, 'false'],
      [23, -1, '0'],
      [20, -1, '0'],
      [701, -1, '0.0'],
      [25, -1, '""'],
      [2950, -1, '""'],
      [17, -1, '""'],
      [1700, numericTypmod(10, 2), '"AA=="'],
      [1700, -1, '{"scale":0,"value":"AA=="}'],
      [790, -1, '"AA=="'],
      [1082, -1, '0'],
      [1083, -1, '0'],
      [1114, -1, '0'],
      [1184, -1, '"1970-01-01T00:00:00Z"'],
      [1266, -1, '"00:00:00Z"'],
      [1186, -1, '0'],
      [1560, 8, '""'],
      [1007, -1, '[]'],
      [600, -1, '{"x":0.0,"y":0.0,"wkb":"AQEAAAAAAAAAAAAAAAAAAAAAAAAA","srid":null}'],
      [HSTORE_OID, -1, '"{}"'],
    ];
    for (const [oid, typmod, expected] of zeros) {
      expect(`${oid}: ${golden(oid, null, { typeModifier: typmod, ...required }).payload}`).toBe(`${oid}: ${expected}`);
    }
  });

  test('a literal default becomes the schema default and stands in for NULL in NOT NULL columns', () => {
    const out = golden(23, null, { column: { optional: false, defaultValueText: '42' } });
    expect(out.schema).toBe('{"type":"int32","optional":false,"default":42}');
    expect(out.payload).toBe('42');
    const text = golden(25, 'x', { column: { defaultValueText: 'pending' } });
    expect(text.schema).toBe('{"type":"string","optional":true,"default":"pending"}');
  });
});
