/**
 * The text FileStreamSink writes for a record value: what Java's String.valueOf gives in Kafka's task, except that
 * bytes are decoded as UTF-8 (Java would print an array identity such as `[B@1b6d3586`).
 */
import { displayValue, formatJavaDouble, formatJavaFloat, type Schema } from '../../connect-runtime/api';

export function valueToString(value: unknown, schema: Schema | null): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (typeof value === 'number') {
    // Java prints doubles and floats with a fraction (1.0, 1.0E7); integer types print as they are.
    if (schema?.type === 'FLOAT64') return formatJavaDouble(value);
    if (schema?.type === 'FLOAT32') return formatJavaFloat(value);
    return String(value);
  }
  // Structs print as Struct{...}, lists as [a, b], maps as {k=v}, other objects through their toString().
  return displayValue(value);
}
