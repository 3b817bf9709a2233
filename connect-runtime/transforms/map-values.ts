/**
 * Reading and rewriting schemaless maps. Connect lets a MAP value be a Map or a plain object; transformations keep
 * whichever kind they were given so that a converter downstream sees the same shape it would without them.
 * Plain-object keys are own properties only, so that a field called `constructor` or `__proto__` is data, never a
 * prototype member.
 */
import { BigDecimal, SchemaType, Struct } from '../api';
import { isMapValue, type MapValue } from './requirements';

const hasOwn = Object.prototype.hasOwnProperty;

/** The value under `key`, or null when absent (Java's Map.get). */
export function mapGet(map: MapValue, key: string): unknown {
  if (map instanceof Map) return map.get(key) ?? null;
  return hasOwn.call(map, key) ? (map[key] ?? null) : null;
}

export function mapHas(map: MapValue, key: string): boolean {
  return map instanceof Map ? map.has(key) : hasOwn.call(map, key);
}

/** Sets an own property (or Map entry), even for keys such as `__proto__`. */
export function mapSet(map: MapValue, key: string, value: unknown): void {
  if (map instanceof Map) {
    map.set(key, value);
  } else if (key === '__proto__') {
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    map[key] = value;
  }
}

export function mapDelete(map: MapValue, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}

/** A shallow copy of the same kind (Map stays Map, plain object stays a plain object). */
export function mapCopy(map: MapValue): MapValue {
  if (map instanceof Map) return new Map(map);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(map)) mapSet(copy, key, map[key]);
  return copy;
}

/** An empty map of the same kind as `like` (a plain object by default). */
export function mapEmpty(like?: MapValue): MapValue {
  return like instanceof Map ? new Map() : {};
}

/** The entries of a map with keys as strings (Java concatenates non-string keys through toString). */
export function mapEntries(map: MapValue): Array<[string, unknown]> {
  if (!(map instanceof Map)) return Object.entries(map);
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of map) out.push([String(k), v]);
  return out;
}

/**
 * The Connect type of a schemaless value, as Kafka's ConnectSchema.schemaType infers it from the Java class; null for
 * values Connect has no schemaless type for (logical values among them, as in Kafka). JSON numbers arrive as Java
 * Long or Double, so integers are INT64 and other numbers FLOAT64.
 */
export function schemaTypeOf(value: unknown): SchemaType | null {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? SchemaType.INT64 : SchemaType.FLOAT64;
    case 'bigint':
      return SchemaType.INT64;
    case 'boolean':
      return SchemaType.BOOLEAN;
    case 'string':
      return SchemaType.STRING;
    default:
      break;
  }
  if (value instanceof Uint8Array) return SchemaType.BYTES;
  if (Array.isArray(value)) return SchemaType.ARRAY;
  if (value instanceof Struct) return SchemaType.STRUCT;
  if (value instanceof BigDecimal || value instanceof Date) return null;
  return isMapValue(value) ? SchemaType.MAP : null;
}
