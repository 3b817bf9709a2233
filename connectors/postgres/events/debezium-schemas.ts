/**
 * Debezium's semantic types: well-known schema names over Connect primitives. Builders return a fresh
 * SchemaBuilder each time because callers still set optionality and defaults per column.
 */
import { Decimal, Schema, SchemaBuilder } from '../../../connect-runtime/api';

export const DebeziumNames = {
  JSON: 'io.debezium.data.Json',
  UUID: 'io.debezium.data.Uuid',
  XML: 'io.debezium.data.Xml',
  ENUM: 'io.debezium.data.Enum',
  BITS: 'io.debezium.data.Bits',
  VARIABLE_SCALE_DECIMAL: 'io.debezium.data.VariableScaleDecimal',
  LTREE: 'io.debezium.data.Ltree',
  TSVECTOR: 'io.debezium.data.Tsvector',
  POINT: 'io.debezium.data.geometry.Point',
  DATE: 'io.debezium.time.Date',
  TIME: 'io.debezium.time.Time',
  MICRO_TIME: 'io.debezium.time.MicroTime',
  NANO_TIME: 'io.debezium.time.NanoTime',
  TIMESTAMP: 'io.debezium.time.Timestamp',
  MICRO_TIMESTAMP: 'io.debezium.time.MicroTimestamp',
  NANO_TIMESTAMP: 'io.debezium.time.NanoTimestamp',
  ZONED_TIMESTAMP: 'io.debezium.time.ZonedTimestamp',
  ZONED_TIME: 'io.debezium.time.ZonedTime',
  MICRO_DURATION: 'io.debezium.time.MicroDuration',
  INTERVAL: 'io.debezium.time.Interval',
} as const;

/** The Decimal parameter Debezium adds with the column's declared precision. */
export const DECIMAL_PRECISION_PARAMETER = 'connect.decimal.precision';

function named(builder: SchemaBuilder, name: string): SchemaBuilder {
  return builder.name(name).version(1);
}

export const DebeziumSchemas = {
  json: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.JSON),
  uuid: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.UUID),
  xml: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.XML),
  ltree: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.LTREE),
  tsvector: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.TSVECTOR),
  /** An enum: the labels, comma-separated, in the `allowed` parameter. */
  enumeration: (labels: readonly string[]): SchemaBuilder =>
    named(SchemaBuilder.string(), DebeziumNames.ENUM).parameter('allowed', labels.join(',')),
  bits: (length: number): SchemaBuilder => named(SchemaBuilder.bytes(), DebeziumNames.BITS).parameter('length', String(length)),
  variableScaleDecimal: (): SchemaBuilder =>
    named(SchemaBuilder.struct(), DebeziumNames.VARIABLE_SCALE_DECIMAL)
      .doc('Variable scaled decimal')
      .field('scale', Schema.INT32_SCHEMA)
      .field('value', Schema.BYTES_SCHEMA),
  /** Connect's Decimal with Debezium's precision parameter. */
  decimal: (precision: number, scale: number): SchemaBuilder =>
    Decimal.builder(scale).parameter(DECIMAL_PRECISION_PARAMETER, String(precision)),
  point: (): SchemaBuilder =>
    named(SchemaBuilder.struct(), DebeziumNames.POINT)
      .doc('Geometry (POINT)')
      .field('x', Schema.FLOAT64_SCHEMA)
      .field('y', Schema.FLOAT64_SCHEMA)
      .field('wkb', Schema.OPTIONAL_BYTES_SCHEMA)
      .field('srid', Schema.OPTIONAL_INT32_SCHEMA),
  date: (): SchemaBuilder => named(SchemaBuilder.int32(), DebeziumNames.DATE),
  time: (): SchemaBuilder => named(SchemaBuilder.int32(), DebeziumNames.TIME),
  microTime: (): SchemaBuilder => named(SchemaBuilder.int64(), DebeziumNames.MICRO_TIME),
  nanoTime: (): SchemaBuilder => named(SchemaBuilder.int64(), DebeziumNames.NANO_TIME),
  timestamp: (): SchemaBuilder => named(SchemaBuilder.int64(), DebeziumNames.TIMESTAMP),
  microTimestamp: (): SchemaBuilder => named(SchemaBuilder.int64(), DebeziumNames.MICRO_TIMESTAMP),
  nanoTimestamp: (): SchemaBuilder => named(SchemaBuilder.int64(), DebeziumNames.NANO_TIMESTAMP),
  zonedTimestamp: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.ZONED_TIMESTAMP),
  zonedTime: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.ZONED_TIME),
  microDuration: (): SchemaBuilder => named(SchemaBuilder.int64(), DebeziumNames.MICRO_DURATION),
  interval: (): SchemaBuilder => named(SchemaBuilder.string(), DebeziumNames.INTERVAL),
} as const;

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An INT64 value in the runtime's canonical form: a number when it is a safe integer, else the exact bigint.
 * Values are always computed as bigint; only the final representation narrows, so nothing is ever rounded, and a
 * record compares equal to itself after a JsonConverter round trip.
 */
export function int64(value: bigint): number | bigint {
  return value >= -SAFE && value <= SAFE ? Number(value) : value;
}
