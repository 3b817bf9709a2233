/**
 * JSON text of Connect values, for json/jsonb columns and for structured values that have no closer PostgreSQL type.
 * 64-bit integers and decimals keep every digit (JSON.stringify cannot write bigints and would round through floats).
 */
import { BigDecimal, isPlainObject, Struct } from '../../../connect-runtime/api';

export function jsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON has no NaN or infinities; their names as strings lose nothing.
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'bigint':
      return value.toString();
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof BigDecimal) return value.toPlainString();
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (value instanceof Date) return JSON.stringify(Number.isNaN(value.getTime()) ? null : value.toISOString());
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value instanceof Struct) {
    return `{${value.schema.fields.map((f) => `${JSON.stringify(f.name)}:${jsonText(value.getWithoutDefault(f))}`).join(',')}}`;
  }
  if (value instanceof Map) return `{${[...value.entries()].map(([k, v]) => `${JSON.stringify(String(k))}:${jsonText(v)}`).join(',')}}`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  return JSON.stringify(String(value));
}
