/**
 * Declarative message schemas, one per Kafka API message, in the shape of Kafka's own message specs:
 * every field names its type and the versions it exists in, may be nullable or tagged in some
 * versions, and struct/array fields nest further fields. The codec (codec.ts) compiles a schema for
 * one version into a reader and a writer; nothing else knows about versions.
 */
export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export interface FieldSchema {
  name: string;
  type: PrimitiveType | 'array' | 'struct';
  /** Version range such as "0+", "3-7" or "none". */
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string;
  /** Element type of an array of primitives. */
  items?: PrimitiveType;
  /** Fields of a struct, or of each element of an array of structs. */
  fields?: FieldSchema[];
  /** Overrides the message's flexible versions for this field ("none" keeps the classic encoding). */
  flexibleVersions?: string;
}

export interface MessageSchema {
  name: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  fields: FieldSchema[];
}

export interface VersionRange {
  min: number;
  max: number;
}

const NONE: VersionRange = { min: 1, max: 0 };

/** Parses "0+", "3-7", "5" or "none" into an inclusive range (empty for "none"). */
export function parseVersions(spec: string | undefined): VersionRange {
  if (spec === undefined || spec === 'none' || spec === '') return NONE;
  if (spec.endsWith('+')) return { min: Number(spec.slice(0, -1)), max: Number.MAX_SAFE_INTEGER };
  const dash = spec.indexOf('-');
  if (dash < 0) return { min: Number(spec), max: Number(spec) };
  return { min: Number(spec.slice(0, dash)), max: Number(spec.slice(dash + 1)) };
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}
