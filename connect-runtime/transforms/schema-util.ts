/**
 * Schema helpers shared by the transformations: copying a schema's name/version/doc/parameters onto a builder
 * (Kafka's SchemaUtil.copySchemaBasics), the per-transformation cache of derived schemas, and field reads that honour
 * `replace.null.with.default`.
 */
import { type Field, Schema, SchemaBuilder, Struct } from '../api';

/** Copies name, version, doc and parameters (not optionality, default or children) onto `builder`. */
export function copySchemaBasics(source: Schema, builder: SchemaBuilder): SchemaBuilder {
  if (source.name !== undefined) builder.name(source.name);
  if (source.version !== undefined) builder.version(source.version);
  if (source.doc !== undefined) builder.doc(source.doc);
  if (source.parameters !== undefined) builder.parameters(source.parameters);
  return builder;
}

/** A builder of the same type and children as `source`, with its basics copied (one-argument copySchemaBasics). */
export function builderLike(source: Schema): SchemaBuilder {
  let builder: SchemaBuilder;
  if (source.type === 'ARRAY') builder = SchemaBuilder.array(source.valueSchema);
  else if (source.type === 'MAP') builder = SchemaBuilder.map(source.keySchema, source.valueSchema);
  else builder = SchemaBuilder.type(source.type);
  if (source.type === 'STRUCT') for (const f of source.fields) builder.field(f.name, f.schema);
  return copySchemaBasics(source, builder);
}

/** `source` made optional (and without a default), e.g. for a header whose field may be absent. */
export function optionalCopy(source: Schema): Schema {
  return source.optional && source.defaultValue === undefined ? source : builderLike(source).optional().build();
}

/** A field's value; with `withDefault`, a null value reads as the field's schema default (Struct.get). */
export function fieldValue(struct: Struct, field: Field | string, withDefault: boolean): unknown {
  return withDefault ? struct.get(field) : struct.getWithoutDefault(field);
}

/**
 * The values of the fields at `indexes`. Plans keep field positions rather than Field objects: a plan found for an
 * equal (not identical) schema then still reads each field through the struct's own Field, the cheap lookup.
 */
export function valuesAt(struct: Struct, indexes: readonly number[], withDefault: boolean): unknown[] {
  const fields = struct.schema.fields;
  const out = new Array<unknown>(indexes.length);
  for (let i = 0; i < indexes.length; i++) out[i] = fieldValue(struct, fields[indexes[i] as number] as Field, withDefault);
  return out;
}

/**
 * A struct over values taken from valid structs or produced to fit their field schemas. Re-validating every field of
 * every record would double the cost of a transformation; the converters validate on the way out, as in Kafka.
 */
export function structOf(schema: Schema, values: unknown[]): Struct {
  return Struct.fromValidatedValues(schema, values);
}

/**
 * Derived schemas keyed by their input schema. Converters and connectors hand out the same schema object for every
 * record of a shape, so the identity lookup almost always hits; a structurally equal schema (a connector that builds
 * schemas per record) is found by equality among the few entries and then remembered by identity too. Bounded like
 * Kafka's LRUCache(16) so that a stream of ever-new schemas cannot grow it without limit.
 */
export class SchemaCache<V> {
  private readonly entries = new Map<Schema, V>();

  constructor(private readonly capacity = 16) {}

  get(schema: Schema): V | undefined {
    const hit = this.entries.get(schema);
    if (hit !== undefined) return hit;
    for (const [key, value] of this.entries) {
      if (key.equals(schema)) {
        this.set(schema, value);
        return value;
      }
    }
    return undefined;
  }

  set(schema: Schema, value: V): void {
    if (this.entries.size >= this.capacity && !this.entries.has(schema)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(schema, value);
  }

  /** The cached value, or `compute(schema)` stored for next time. */
  computeIfAbsent(schema: Schema, compute: (schema: Schema) => V): V {
    const hit = this.get(schema);
    if (hit !== undefined) return hit;
    const value = compute(schema);
    this.set(schema, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
