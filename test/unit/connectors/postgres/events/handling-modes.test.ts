/** decimal/time/binary/interval/hstore handling modes and include.unknown.datatypes, as golden JSON. */
import { DataError } from '../../../../../connect-runtime/api';
import { DEFAULT_VALUE_MAPPING, mapColumn, resolveCodec } from '../../../../../connectors/postgres/events';
import { golden, numericTypmod } from './event-json';

const named = (type: string, name: string, extra = ''): string => `{"type":"${type}","optional":true,"name":"${name}","version":1${extra}}`;

describe('decimal.handling.mode', () => {
  const n102 = numericTypmod(10, 2);

  test('double', () => {
    const mapping = { decimalHandlingMode: 'double' as const };
    expect(golden(1700, '1234.50', { typeModifier: n102, mapping })).toEqual({ schema: '{"type":"double","optional":true}', payload: '1234.5' });
    expect(golden(1700, '1234.500', { mapping }).payload).toBe('1234.5');
    expect(golden(1700, 'NaN', { mapping }).payload).toBe('"NaN"');
    expect(golden(1700, '-Infinity', { mapping }).payload).toBe('"-Infinity"');
    expect(golden(790, '$1,234.56', { mapping })).toEqual({ schema: '{"type":"double","optional":true}', payload: '1234.56' });
  });

  test('string', () => {
    const mapping = { decimalHandlingMode: 'string' as const };
    expect(golden(1700, '1234.50', { typeModifier: n102, mapping })).toEqual({ schema: '{"type":"string","optional":true}', payload: '"1234.50"' });
    expect(golden(1700, '0.000100', { mapping }).payload).toBe('"0.000100"');
    expect(golden(1700, '123456789012345678901234567890.123456789', { mapping }).payload).toBe('"123456789012345678901234567890.123456789"');
    expect(golden(1700, 'NaN', { mapping }).payload).toBe('"NAN"');
    expect(golden(1700, 'Infinity', { mapping }).payload).toBe('"POSITIVE_INFINITY"');
    expect(golden(1700, '-Infinity', { mapping }).payload).toBe('"NEGATIVE_INFINITY"');
    expect(golden(790, '$1,234.56', { mapping }).payload).toBe('"1234.56"');
    expect(golden(1700, null, { typeModifier: n102, mapping, column: { optional: false } }).payload).toBe('"0.00"');
  });

  test('precise cannot carry NaN or Infinity: a DataError that names the column and the way out', () => {
    for (const typeModifier of [-1, n102]) {
      const mapping = mapColumn({ name: 'amount', typeOid: 1700, typeModifier, isKey: false, optional: true }, 0, { mapping: DEFAULT_VALUE_MAPPING });
      if (!mapping.mapped) throw new Error('not mapped');
      expect(() => mapping.converter.convert('NaN')).toThrow(DataError);
      expect(() => mapping.converter.convert('NaN')).toThrow(/column "amount".*decimal\.handling\.mode/);
    }
  });

  test('money.fraction.digits rounds half up', () => {
    const mapping = { moneyFractionDigits: 1 };
    expect(golden(790, '$1,234.55', { mapping })).toEqual({
      schema: named('bytes', 'org.apache.kafka.connect.data.Decimal', ',"parameters":{"scale":"1"}'),
      payload: '"MDo="',
    });
  });
});

describe('time.precision.mode', () => {
  test('connect: Kafka Date, Time and Timestamp in milliseconds', () => {
    const mapping = { timePrecisionMode: 'connect' as const };
    expect(golden(1082, '2024-05-01', { mapping })).toEqual({ schema: named('int32', 'org.apache.kafka.connect.data.Date'), payload: '19844' });
    expect(golden(1083, '13:51:30.123456', { mapping })).toEqual({ schema: named('int32', 'org.apache.kafka.connect.data.Time'), payload: '49890123' });
    expect(golden(1114, '2016-11-04 13:51:30.123456', { mapping })).toEqual({
      schema: named('int64', 'org.apache.kafka.connect.data.Timestamp'),
      payload: '1478267490123',
    });
    expect(golden(1114, '1969-12-31 23:59:59.9995', { mapping }).payload).toBe('-1');
    expect(golden(1184, '2024-05-01 10:15:30+00', { mapping }).schema).toBe(named('string', 'io.debezium.time.ZonedTimestamp'));
    expect(() => golden(1083, '24:00:00', { mapping })).toThrow(DataError);
  });

  test('adaptive_time_microseconds: every time is MicroTime, timestamps stay adaptive', () => {
    const mapping = { timePrecisionMode: 'adaptive_time_microseconds' as const };
    expect(golden(1083, '13:51:30.123', { typeModifier: 3, mapping })).toEqual({ schema: named('int64', 'io.debezium.time.MicroTime'), payload: '49890123000' });
    expect(golden(1114, '2016-11-04 13:51:30.124', { typeModifier: 3, mapping }).schema).toBe(named('int64', 'io.debezium.time.Timestamp'));
  });

  test('microseconds and nanoseconds', () => {
    expect(golden(1114, '2016-11-04 13:51:30.124', { typeModifier: 3, mapping: { timePrecisionMode: 'microseconds' } })).toEqual({
      schema: named('int64', 'io.debezium.time.MicroTimestamp'),
      payload: '1478267490124000',
    });
    const nanos = { timePrecisionMode: 'nanoseconds' as const };
    expect(golden(1114, '2016-11-04 13:51:30.123456', { mapping: nanos })).toEqual({
      schema: named('int64', 'io.debezium.time.NanoTimestamp'),
      payload: '1478267490123456000',
    });
    expect(golden(1114, 'infinity', { mapping: nanos }).payload).toBe('9223372036854775807');
    expect(golden(1083, '00:00:01', { mapping: nanos })).toEqual({ schema: named('int64', 'io.debezium.time.NanoTime'), payload: '1000000000' });
  });
});

describe('binary.handling.mode', () => {
  test.each([
    ['bytes', '{"type":"bytes","optional":true}', '"+/8="'],
    ['base64', '{"type":"string","optional":true}', '"+/8="'],
    ['base64-url-safe', '{"type":"string","optional":true}', '"-_8="'],
    ['hex', '{"type":"string","optional":true}', '"fbff"'],
  ] as const)('%s', (mode, schema, payload) => {
    expect(golden(17, '\\xfbff', { mapping: { binaryHandlingMode: mode } })).toEqual({ schema, payload });
  });
});

describe('interval.handling.mode=string', () => {
  test.each([
    ['P1Y2M3DT4H5M6.78S', '"P1Y2M3DT4H5M6.78S"'],
    ['1 year 2 mons 3 days 04:05:06.78', '"P1Y2M3DT4H5M6.78S"'],
    ['-1 days -02:03:00', '"P0Y0M-1DT-2H-3M0S"'],
    ['00:00:00', '"P0Y0M0DT0H0M0S"'],
    ['@ 1 year 2 mons ago', '"P-1Y-2M0DT0H0M0S"'],
    ['00:00:00.000001', '"P0Y0M0DT0H0M0.000001S"'],
  ])('%s', (text, payload) => {
    expect(golden(1186, text, { mapping: { intervalHandlingMode: 'string' } })).toEqual({ schema: named('string', 'io.debezium.time.Interval'), payload });
  });
});

describe('hstore.handling.mode', () => {
  const HSTORE = 16700;
  const types = (oid: number) => (oid === HSTORE ? { kind: 'base' as const, name: 'hstore' } : undefined);

  test('map: MAP<string, optional string>', () => {
    const mapping = mapColumn({ name: 'h', typeOid: HSTORE, typeModifier: -1, isKey: false, optional: true }, 0, {
      mapping: { ...DEFAULT_VALUE_MAPPING, hstoreHandlingMode: 'map' },
      types,
    });
    if (!mapping.mapped) throw new Error('not mapped');
    expect(mapping.converter.schema.type).toBe('MAP');
    expect(mapping.converter.convert('"a"=>"1", "b"=>NULL')).toEqual(new Map([['a', '1'], ['b', null]]));
  });

  test('json keeps java.util.HashMap order and Jackson escaping', () => {
    const codec = resolveCodec({ oid: HSTORE, typeModifier: -1, options: DEFAULT_VALUE_MAPPING, types });
    if (!codec.supported) throw new Error('unsupported');
    const parse = (text: string): unknown => codec.codec.parse(text, codec.codec.schema().build());
    // Printed b first, but "a" hashes into an earlier HashMap bucket than "b".
    expect(parse('"b"=>"2", "a"=>"1"')).toBe('{"a":"1","b":"2"}');
    // A real tab and an escaped quote in the hstore text; Jackson writes \t, \" and upper-case \u00XX escapes.
    expect(parse('"k"=>"tab\there \\"q\\" \u001f"')).toBe('{"k":"tab\\there \\"q\\" \\u001F"}');
    expect(parse('')).toBe('{}');
  });
});

describe('unknown types', () => {
  test('are reported unsupported unless include.unknown.datatypes, then carried as text bytes', () => {
    expect(resolveCodec({ oid: 603, typeModifier: -1, options: DEFAULT_VALUE_MAPPING })).toMatchObject({ supported: false, typeName: 'box' });
    expect(resolveCodec({ oid: 99999, typeModifier: -1, options: DEFAULT_VALUE_MAPPING })).toMatchObject({ supported: false, typeName: 'oid 99999' });
    expect(golden(603, '(1,1),(0,0)', { mapping: { includeUnknownDatatypes: true } })).toEqual({
      schema: '{"type":"bytes","optional":true}',
      payload: '"KDEsMSksKDAsMCk="',
    });
    expect(golden(603, '(1,1),(0,0)', { mapping: { includeUnknownDatatypes: true, binaryHandlingMode: 'hex' } })).toEqual({
      schema: '{"type":"string","optional":true}',
      payload: '"28312c31292c28302c3029"',
    });
  });

  test('array types Debezium has no schema for are dropped even with include.unknown.datatypes', () => {
    for (const oid of [791, 1003, 1187, 1563, 143, 1017]) {
      expect(resolveCodec({ oid, typeModifier: -1, options: { ...DEFAULT_VALUE_MAPPING, includeUnknownDatatypes: true } }).supported).toBe(false);
    }
  });
});
