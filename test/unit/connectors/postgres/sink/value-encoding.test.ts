/** Connect and Debezium values as PostgreSQL input text, per target column type; TOAST placeholders. */
import { BigDecimal, ConnectDate, ConnectTime, ConnectTimestamp, DataError, Decimal, Schema, SchemaBuilder, Struct } from '../../../../../connect-runtime/api';
import { UnavailableValueMatcher } from '../../../../../connectors/postgres/sink/unavailable-value';
import { type ColumnType, encodeValue } from '../../../../../connectors/postgres/sink/value-encoding';
import { Dbz, struct } from './sink-test-support';

const col = (typname: string, category: string, element: ColumnType | null = null): ColumnType => ({ typname, category, element });
const TEXT = col('text', 'S');
const INT8 = col('int8', 'N');
const NUMERIC = col('numeric', 'N');
const JSONB = col('jsonb', 'U');
const BYTEA = col('bytea', 'U');
const VARBIT = col('varbit', 'V');
const TIMESTAMP = col('timestamp', 'D');

test('primitives, exact 64-bit integers and floats', () => {
  expect(encodeValue(null, Schema.OPTIONAL_INT32_SCHEMA, INT8)).toBeNull();
  expect(encodeValue(-5, Schema.INT32_SCHEMA, INT8)).toBe('-5');
  expect(encodeValue(9223372036854775807n, Schema.INT64_SCHEMA, INT8)).toBe('9223372036854775807');
  expect(encodeValue(0.1, Schema.FLOAT64_SCHEMA, col('float8', 'N'))).toBe('0.1');
  expect(encodeValue(Number.NaN, Schema.FLOAT64_SCHEMA, col('float8', 'N'))).toBe('NaN');
  expect(encodeValue(-Infinity, Schema.FLOAT32_SCHEMA, col('float4', 'N'))).toBe('-Infinity');
  expect(encodeValue(true, Schema.BOOLEAN_SCHEMA, col('bool', 'B'))).toBe('true');
  expect(encodeValue(true, Schema.BOOLEAN_SCHEMA, col('int4', 'N'))).toBe('1');
  expect(encodeValue('héllo', Schema.STRING_SCHEMA, TEXT)).toBe('héllo');
  expect(encodeValue(Buffer.from([0, 255]), Schema.BYTES_SCHEMA, BYTEA)).toBe('\\x00ff');
  expect(encodeValue('ab', Schema.STRING_SCHEMA, BYTEA)).toBe('\\x6162');
  expect(() => encodeValue('a\u0000b', Schema.STRING_SCHEMA, TEXT)).toThrow('NUL character');
});

test('decimals never pass through a float', () => {
  expect(encodeValue(new BigDecimal(-12345678901234567890123n, 3), Decimal.schema(3), NUMERIC)).toBe('-12345678901234567890.123');
  expect(encodeValue(new BigDecimal(5n, -3), Decimal.schema(-3), NUMERIC)).toBe('5000');
  const vsd = Dbz.variableScaleDecimal().build();
  expect(encodeValue(struct(vsd, { scale: 4, value: Buffer.from([0xff, 0x85]) }), vsd, NUMERIC)).toBe('-0.0123');
  // Schemaless JSON carries the VariableScaleDecimal's bytes as base64.
  expect(encodeValue({ scale: 2, value: Buffer.from([0x30, 0x39]).toString('base64') }, null, NUMERIC)).toBe('123.45');
  expect(() => encodeValue('1.5', vsd, NUMERIC)).toThrow(DataError);
});

test('temporal logical types', () => {
  expect(encodeValue(new Date(Date.UTC(2024, 4, 1)), ConnectDate.SCHEMA, col('date', 'D'))).toBe('2024-05-01');
  expect(encodeValue(new Date(36_930_123), ConnectTime.SCHEMA, col('time', 'D'))).toBe('10:15:30.123');
  expect(encodeValue(new Date(1_714_558_530_123), ConnectTimestamp.SCHEMA, TIMESTAMP)).toBe('2024-05-01 10:15:30.123+00');
  expect(encodeValue(19844, Dbz.date().build(), col('date', 'D'))).toBe('2024-05-01');
  expect(encodeValue(36_930_123, Dbz.time().build(), col('time', 'D'))).toBe('10:15:30.123');
  expect(encodeValue(36_930_123_456, Dbz.microTime().build(), col('time', 'D'))).toBe('10:15:30.123456');
  expect(encodeValue(36_930_123_456_789, Dbz.nanoTime().build(), col('time', 'D'))).toBe('10:15:30.123456789');
  expect(encodeValue(1_714_558_530_123, Dbz.timestamp().build(), TIMESTAMP)).toBe('2024-05-01 10:15:30.123+00');
  expect(encodeValue(1_714_558_530_123_456, Dbz.microTimestamp().build(), TIMESTAMP)).toBe('2024-05-01 10:15:30.123456+00');
  expect(encodeValue(1_714_558_530_123_456_789n, Dbz.nanoTimestamp().build(), TIMESTAMP)).toBe('2024-05-01 10:15:30.123456789+00');
  expect(encodeValue('2024-05-01T10:15:30.123456Z', Dbz.zonedTimestamp().build(), col('timestamptz', 'D'))).toBe('2024-05-01T10:15:30.123456Z');
  expect(encodeValue('10:15:30Z', Dbz.zonedTime().build(), col('timetz', 'D'))).toBe('10:15:30Z');
  expect(encodeValue(3_723_000_004, Dbz.microDuration().build(), col('interval', 'T'))).toBe('01:02:03.000004');
  expect(encodeValue(19844, null, col('date', 'D'))).toBe('2024-05-01');
  expect(() => encodeValue('x', Dbz.date().build(), col('date', 'D'))).toThrow('Expected an integer for io.debezium.time.Date, got string x');
});

test('Debezium Bits become a bit string of the declared length, or bytes for a bytea column', () => {
  const bits = Dbz.bits(10).build();
  expect(encodeValue(Buffer.from([0b00000011, 0b00000010]), bits, VARBIT)).toBe('1000000011');
  expect(encodeValue(Buffer.alloc(0), bits, VARBIT)).toBe('0000000000');
  expect(encodeValue(Buffer.from([0b101]), SchemaBuilder.bytes().name('io.debezium.data.Bits').build(), VARBIT)).toBe('101');
  expect(encodeValue(Buffer.from([3]), bits, BYTEA)).toBe('\\x03');
});

test('arrays become array literals, or JSON for json columns', () => {
  const ints = SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build();
  const texts = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
  expect(encodeValue([1, null, -3], ints, col('_int4', 'A', col('int4', 'N')))).toBe('{"1",NULL,"-3"}');
  expect(encodeValue(['a', 'b"c', null, 'd\\e', 'NULL', ''], texts, col('_text', 'A', TEXT))).toBe('{"a","b\\"c",NULL,"d\\\\e","NULL",""}');
  expect(encodeValue([[1, 2], [3, 4]], null, col('_int4', 'A', col('int4', 'N')))).toBe('{{"1","2"},{"3","4"}}');
  const dates = SchemaBuilder.array(Dbz.date().optional()).build();
  expect(encodeValue([19844], dates, col('_date', 'A', col('date', 'D')))).toBe('{"2024-05-01"}');
  expect(encodeValue([Buffer.from([1])], null, col('_bytea', 'A', BYTEA))).toBe('{"\\\\x01"}');
  expect(encodeValue([1, 'two', null], null, JSONB)).toBe('[1,"two",null]');
});

test('structures become JSON, exact for big numbers', () => {
  const s = SchemaBuilder.struct().field('n', Schema.INT64_SCHEMA).field('d', Decimal.schema(2)).field('b', Schema.OPTIONAL_BYTES_SCHEMA).build();
  const value = new Struct(s).put('n', 2n ** 62n).put('d', new BigDecimal(105n, 2)).put('b', Buffer.from('hi'));
  expect(encodeValue(value, s, JSONB)).toBe('{"n":4611686018427387904,"d":1.05,"b":"aGk="}');
  expect(encodeValue(new Map([['k', 1]]), null, JSONB)).toBe('{"k":1}');
  expect(encodeValue({ nested: { x: [true] } }, null, TEXT)).toBe('{"nested":{"x":[true]}}');
  expect(encodeValue('{"already": "json"}', Dbz.json().build(), JSONB)).toBe('{"already": "json"}');
  expect(encodeValue(Number.NaN, null, JSONB)).toBe('"NaN"');
});

test("Debezium's unavailable-value placeholder is recognised in every shape", () => {
  const m = new UnavailableValueMatcher('__debezium_unavailable_value');
  const bytes = Buffer.from('__debezium_unavailable_value');
  expect(m.matches('__debezium_unavailable_value')).toBe(true);
  expect(m.matches(bytes)).toBe(true);
  expect(m.matches(['__debezium_unavailable_value'])).toBe(true);
  expect(m.matches([bytes])).toBe(true);
  expect(m.matches([...bytes])).toBe(true);
  expect(m.matches([...bytes].map(BigInt))).toBe(true);
  // uuid[]: java.util.UUID.nameUUIDFromBytes of the placeholder bytes (Java gives 098f6bcd-4621-3373-8ade-4e832627b4f6 for "test").
  expect(new UnavailableValueMatcher('test').matches(['098f6bcd-4621-3373-8ade-4e832627b4f6'])).toBe(true);
  expect(m.matches(['b68a35a7-17ad-35b3-af2a-ae46edb4545a'])).toBe(true);
  expect(m.matches({ __debezium_unavailable_value: '__debezium_unavailable_value' })).toBe(true);
  expect(m.matches(new Map([['__debezium_unavailable_value', '__debezium_unavailable_value']]))).toBe(true);
  expect(m.matches('other')).toBe(false);
  expect(m.matches(null)).toBe(false);
  expect(m.matches(['__debezium_unavailable_value', 'x'])).toBe(false);
  expect(m.matches(42)).toBe(false);
  const hex = new UnavailableValueMatcher('hex:0102');
  expect(hex.matches(Buffer.from([1, 2]))).toBe(true);
  expect(hex.matches([1, 2])).toBe(true);
});
