/** Schema names of the logical and semantic types the sink understands (Kafka Connect's and Debezium's). */
import { DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME } from '../../../connect-runtime/api';

export const LogicalNames = {
  DECIMAL: DECIMAL_LOGICAL_NAME,
  DATE: DATE_LOGICAL_NAME,
  TIME: TIME_LOGICAL_NAME,
  TIMESTAMP: TIMESTAMP_LOGICAL_NAME,
  VARIABLE_SCALE_DECIMAL: 'io.debezium.data.VariableScaleDecimal',
  UUID: 'io.debezium.data.Uuid',
  JSON: 'io.debezium.data.Json',
  XML: 'io.debezium.data.Xml',
  ENUM: 'io.debezium.data.Enum',
  ENUM_SET: 'io.debezium.data.EnumSet',
  BITS: 'io.debezium.data.Bits',
  LTREE: 'io.debezium.data.Ltree',
  DBZ_DATE: 'io.debezium.time.Date',
  DBZ_TIME: 'io.debezium.time.Time',
  MICRO_TIME: 'io.debezium.time.MicroTime',
  NANO_TIME: 'io.debezium.time.NanoTime',
  DBZ_TIMESTAMP: 'io.debezium.time.Timestamp',
  MICRO_TIMESTAMP: 'io.debezium.time.MicroTimestamp',
  NANO_TIMESTAMP: 'io.debezium.time.NanoTimestamp',
  ZONED_TIMESTAMP: 'io.debezium.time.ZonedTimestamp',
  ZONED_TIME: 'io.debezium.time.ZonedTime',
  ISO_DATE: 'io.debezium.time.IsoDate',
  ISO_TIME: 'io.debezium.time.IsoTime',
  ISO_TIMESTAMP: 'io.debezium.time.IsoTimestamp',
  MICRO_DURATION: 'io.debezium.time.MicroDuration',
  INTERVAL: 'io.debezium.time.Interval',
} as const;

/** Debezium's Decimal parameter carrying the source column's precision. */
export const DECIMAL_PRECISION_PARAMETER = 'connect.decimal.precision';
