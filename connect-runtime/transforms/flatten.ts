/**
 * Flatten (org.apache.kafka.connect.transforms.Flatten$Key / $Value): nested Structs (with a schema) or maps
 * (without) become top-level fields named by joining the path with `delimiter`. Arrays are kept as they are. A
 * flattened field is optional when any of its ancestors is, and takes its default from the nearest ancestor default.
 * Null keys and values pass through.
 */
import { type ConfigDef, type ConnectRecord, DataError, type Field, type Schema, SchemaBuilder, Struct, type Transformation } from '../api';
import { configDef, parseConfig } from './config-util';
import { mapEmpty, mapEntries, mapSet, schemaTypeOf } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { type MapValue, requireMap, requireStruct, typeName } from './requirements';
import { builderLike, copySchemaBasics, SchemaCache, structOf } from './schema-util';

export const FLATTEN_KEY_CLASS = 'org.apache.kafka.connect.transforms.Flatten$Key';
export const FLATTEN_VALUE_CLASS = 'org.apache.kafka.connect.transforms.Flatten$Value';

const PURPOSE = 'flattening';

const CONFIG_DEF = configDef({
  name: 'delimiter', type: 'STRING', default: '.', importance: 'MEDIUM',
  documentation: 'Delimiter to insert between field names from the input record when generating field names for the output record.',
});

interface Plan {
  readonly schema: Schema;
  /** Per output field, the positions of the input fields leading to it from the top-level struct. */
  readonly paths: readonly (readonly number[])[];
}

export abstract class Flatten<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private delimiter = '.';
  private readonly plans = new SchemaCache<Plan>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    this.delimiter = parseConfig(CONFIG_DEF, configs).getString('delimiter') ?? '.';
    this.plans.clear();
  }

  private fieldName(prefix: string, name: string): string {
    return prefix === '' ? name : prefix + this.delimiter + name;
  }

  apply(record: R): R | null {
    const raw = this.side.value(record);
    if (raw === null) return record;
    const schema = this.side.schema(record);
    if (schema === null) {
      const map = requireMap(raw, PURPOSE);
      const flat = mapEmpty(map);
      this.flattenMap(map, '', flat);
      return this.side.update(record, null, flat);
    }
    const struct = requireStruct(raw, PURPOSE);
    const plan = this.plans.computeIfAbsent(schema, (s) => this.plan(s));
    const values = plan.paths.map((path) => leafValue(struct, path));
    return this.side.update(record, plan.schema, structOf(plan.schema, values));
  }

  private flattenMap(map: MapValue, prefix: string, out: MapValue): void {
    for (const [key, value] of mapEntries(map)) {
      const name = this.fieldName(prefix, key);
      if (value === null || value === undefined) {
        mapSet(out, name, null);
        continue;
      }
      const type = schemaTypeOf(value);
      if (type === null) {
        throw new DataError(`Flatten transformation was passed a value of type ${typeName(value)} which is not supported by Connect's data API`);
      }
      if (type === 'MAP') this.flattenMap(value as MapValue, name, out);
      else if (type === 'STRUCT') throw new DataError(`Flatten transformation does not support ${typeName(value)} for record without schemas (for field ${name}).`);
      else mapSet(out, name, value);
    }
  }

  private plan(schema: Schema): Plan {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const paths: number[][] = [];
    this.addFields(schema, '', builder, schema.optional, (schema.defaultValue as Struct | undefined) ?? null, [], paths);
    return { schema: builder.build(), paths };
  }

  private addFields(schema: Schema, prefix: string, builder: SchemaBuilder, optional: boolean, parentDefault: Struct | null, chain: number[], paths: number[][]): void {
    for (const field of schema.fields) {
      const name = this.fieldName(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      const fieldDefault = field.schema.defaultValue !== undefined ? field.schema.defaultValue : parentDefault === null ? null : parentDefault.get(field);
      switch (field.schema.type) {
        case 'STRUCT':
          this.addFields(field.schema, name, builder, fieldOptional, (fieldDefault as Struct | null) ?? null, [...chain, field.index], paths);
          break;
        case 'MAP':
          throw new DataError(`Flatten transformation does not support MAP for record with schemas (for field ${name}).`);
        default: {
          const fieldBuilder = builderLike(field.schema);
          if (fieldOptional) fieldBuilder.optional();
          if (fieldDefault !== null && fieldDefault !== undefined) fieldBuilder.defaultValue(fieldDefault);
          builder.field(name, fieldBuilder);
          paths.push([...chain, field.index]);
        }
      }
    }
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.plans.clear();
  }
}

/** The value at the end of a path of field positions; null when a struct on the way is null. */
function leafValue(struct: Struct, path: readonly number[]): unknown {
  let current: Struct = struct;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const next = current.get(current.schema.fields[path[i] as number] as Field);
    if (!(next instanceof Struct)) return null;
    current = next;
  }
  return current.get(current.schema.fields[path[last] as number] as Field);
}

export class FlattenKey<R extends ConnectRecord<R>> extends Flatten<R> {
  protected readonly side = KEY_SIDE;
}

export class FlattenValue<R extends ConnectRecord<R>> extends Flatten<R> {
  protected readonly side = VALUE_SIDE;
}
