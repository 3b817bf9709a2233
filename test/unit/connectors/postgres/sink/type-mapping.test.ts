/** Column types for created tables and columns, from Connect and Debezium schemas and from schemaless values. */
import { BigDecimal, ConnectDate, ConnectTime, ConnectTimestamp, Decimal, Schema, SchemaBuilder } from '../../../../../connect-runtime/api';
import { columnTypeForSchema, columnTypeForValue } from '../../../../../connectors/postgres/sink/type-mapping';
import { Dbz } from './sink-test-support';

test('Connect types', () => {
  const cases: Array<[Schema, string]> = [
    [Schema.INT8_SCHEMA, 'smallint'],
    [Schema.INT16_SCHEMA, 'smallint'],
    [Schema.INT32_SCHEMA, 'integer'],
    [Schema.INT64_SCHEMA, 'bigint'],
    [Schema.FLOAT32_SCHEMA, 'real'],
    [Schema.FLOAT64_SCHEMA, 'double precision'],
    [Schema.BOOLEAN_SCHEMA, 'boolean'],
    [Schema.STRING_SCHEMA, 'text'],
    [Schema.BYTES_SCHEMA, 'bytea'],
    [Decimal.schema(2), 'numeric'],
    [Decimal.builder(2).parameter('connect.decimal.precision', '10').build(), 'numeric(10,2)'],
    [Decimal.builder(2).parameter('connect.decimal.precision', '5000').build(), 'numeric'],
    [ConnectDate.SCHEMA, 'date'],
    [ConnectTime.SCHEMA, 'time(3)'],
    [ConnectTimestamp.SCHEMA, 'timestamp(3)'],
    [SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA).build(), 'bigint[]'],
    [SchemaBuilder.array(Dbz.uuid().optional()).build(), 'uuid[]'],
    [SchemaBuilder.array(SchemaBuilder.array(Schema.INT32_SCHEMA)).build(), 'jsonb'],
    [SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build(), 'jsonb'],
    [SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).build(), 'jsonb'],
  ];
  for (const [schema, type] of cases) expect([schema.toString(), columnTypeForSchema(schema)]).toEqual([schema.toString(), type]);
});

test('Debezium semantic types map back to the PostgreSQL types they come from', () => {
  const cases: Array<[SchemaBuilder, string]> = [
    [Dbz.variableScaleDecimal(), 'numeric'],
    [Dbz.date(), 'date'],
    [Dbz.time(), 'time(3)'],
    [Dbz.microTime(), 'time'],
    [Dbz.nanoTime(), 'time'],
    [Dbz.timestamp(), 'timestamp(3)'],
    [Dbz.microTimestamp(), 'timestamp'],
    [Dbz.nanoTimestamp(), 'timestamp'],
    [Dbz.zonedTimestamp(), 'timestamptz'],
    [Dbz.zonedTime(), 'timetz'],
    [Dbz.uuid(), 'uuid'],
    [Dbz.json(), 'jsonb'],
    [Dbz.xml(), 'xml'],
    [Dbz.enumeration('a,b'), 'text'],
    [Dbz.microDuration(), 'interval'],
    [Dbz.bits(12), 'bit varying'],
  ];
  for (const [builder, type] of cases) {
    const schema = builder.build();
    expect([schema.name, columnTypeForSchema(schema)]).toEqual([schema.name, type]);
  }
});

test('schemaless values are typed by what they are', () => {
  expect(columnTypeForValue('x')).toBe('text');
  expect(columnTypeForValue(true)).toBe('boolean');
  expect(columnTypeForValue(42)).toBe('bigint');
  expect(columnTypeForValue(4.2)).toBe('double precision');
  expect(columnTypeForValue(2n ** 62n)).toBe('bigint');
  expect(columnTypeForValue(2n ** 64n)).toBe('numeric');
  expect(columnTypeForValue(Buffer.from('x'))).toBe('bytea');
  expect(columnTypeForValue(new BigDecimal(1n, 1))).toBe('numeric');
  expect(columnTypeForValue(new Date(0))).toBe('timestamptz');
  expect(columnTypeForValue({ a: 1 })).toBe('jsonb');
  expect(columnTypeForValue([1, 2])).toBe('jsonb');
  expect(columnTypeForValue(null)).toBe('text');
});
