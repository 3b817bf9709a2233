/**
 * Column types for tables and columns the sink creates: Kafka Connect types and Debezium's semantic types mapped
 * back to the PostgreSQL types they come from. Only used for DDL; values are always written to the columns' actual
 * types (see value-encoding.ts).
 */
import { BigDecimal, type Schema } from '../../../connect-runtime/api';
import { DECIMAL_PRECISION_PARAMETER, LogicalNames as L } from './logical-names';

/** PostgreSQL's limit for numeric(p, s). */
const MAX_NUMERIC_PRECISION = 1000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The column type for values of `schema`. */
export function columnTypeForSchema(schema: Schema): string {
  const logical = logicalColumnType(schema);
  if (logical !== undefined) return logical;
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
      // PostgreSQL has no one-byte integer.
      return 'smallint';
    case 'INT32':
      return 'integer';
    case 'INT64':
      return 'bigint';
    case 'FLOAT32':
      return 'real';
    case 'FLOAT64':
      return 'double precision';
    case 'BOOLEAN':
      return 'boolean';
    case 'STRING':
      return 'text';
    case 'BYTES':
      return 'bytea';
    case 'ARRAY': {
      const element = schema.valueSchema;
      // PostgreSQL arrays hold scalars (nested arrays must be rectangular); anything richer is kept as JSON.
      if (element.type === 'ARRAY' || element.type === 'MAP' || (element.type === 'STRUCT' && element.name !== L.VARIABLE_SCALE_DECIMAL)) {
        return 'jsonb';
      }
      return `${columnTypeForSchema(element)}[]`;
    }
    case 'MAP':
    case 'STRUCT':
      return 'jsonb';
    default:
      return 'text';
  }
}

function logicalColumnType(schema: Schema): string | undefined {
  switch (schema.name) {
    case L.DECIMAL:
      return decimalType(schema);
    case L.VARIABLE_SCALE_DECIMAL:
      return 'numeric';
    case L.DATE:
    case L.DBZ_DATE:
    case L.ISO_DATE:
      return 'date';
    case L.TIME:
    case L.DBZ_TIME:
      return 'time(3)';
    case L.MICRO_TIME:
    case L.NANO_TIME:
    case L.ISO_TIME:
      return 'time';
    case L.TIMESTAMP:
    case L.DBZ_TIMESTAMP:
      return 'timestamp(3)';
    case L.MICRO_TIMESTAMP:
    case L.NANO_TIMESTAMP:
      return 'timestamp';
    case L.ZONED_TIMESTAMP:
    case L.ISO_TIMESTAMP:
      return 'timestamptz';
    case L.ZONED_TIME:
      return 'timetz';
    case L.UUID:
      return 'uuid';
    case L.JSON:
      return 'jsonb';
    case L.XML:
      return 'xml';
    case L.ENUM:
    case L.ENUM_SET:
    case L.LTREE:
      return 'text';
    case L.MICRO_DURATION:
    case L.INTERVAL:
      return 'interval';
    case L.BITS:
      return 'bit varying';
    default:
      return undefined;
  }
}

/** numeric(p, s) when Debezium passed the source precision along and it is one PostgreSQL accepts; else numeric. */
function decimalType(schema: Schema): string {
  const precision = Number(schema.parameters?.[DECIMAL_PRECISION_PARAMETER]);
  const scale = Number(schema.parameters?.['scale']);
  if (Number.isInteger(precision) && Number.isInteger(scale) && precision >= 1 && precision <= MAX_NUMERIC_PRECISION && scale >= 0 && scale <= precision) {
    return `numeric(${precision},${scale})`;
  }
  return 'numeric';
}

/** The column type for a schemaless value (JSON without schemas), judged from the value itself. */
export function columnTypeForValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'bigint' : 'double precision';
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? 'bigint' : 'numeric';
    default:
      break;
  }
  if (value instanceof Uint8Array) return 'bytea';
  if (value instanceof Date) return 'timestamptz';
  if (value instanceof BigDecimal) return 'numeric';
  if (value === null || value === undefined) return 'text';
  return 'jsonb';
}
