/**
 * The shape checks every transformation makes before touching data (Kafka's transforms.util.Requirements), with
 * Kafka's messages so that error reports and dead-letter headers read the same.
 */
import { type ConnectRecord, DataError, isPlainObject, type Schema, SinkRecord, Struct } from '../api';

/** A schemaless map: a Map, or a plain object when the keys are strings (both are valid Connect MAP values). */
export type MapValue = Map<unknown, unknown> | Record<string, unknown>;

export function isMapValue(value: unknown): value is MapValue {
  return value instanceof Map || isPlainObject(value);
}

export function requireMap(value: unknown, purpose: string): MapValue {
  if (!isMapValue(value)) {
    throw new DataError(`Only Map objects supported in absence of schema for [${purpose}], found: ${typeName(value)}`);
  }
  return value;
}

export function requireMapOrNull(value: unknown, purpose: string): MapValue | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) throw new DataError(`Only Struct objects supported for [${purpose}], found: ${typeName(value)}`);
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataError(`Schema required for [${purpose}]`);
  return schema;
}

export function requireSinkRecord<R extends ConnectRecord<R>>(record: R, purpose: string): SinkRecord {
  if (!(record instanceof SinkRecord)) throw new DataError(`Only SinkRecord supported for [${purpose}], found: ${typeName(record)}`);
  return record;
}

/** The name of a value's type for messages: the class name for objects, the JavaScript type otherwise. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'Array';
  return (value as object).constructor?.name ?? 'Object';
}
