/**
 * Cast (org.apache.kafka.connect.transforms.Cast$Key / $Value): casts top-level fields, or the whole key or value,
 * to int8, int16, int32, int64, float32, float64, boolean or string. `spec` is either `field:type,...` or a single
 * type for the whole value. Null keys and values pass through.
 */
import {
  type ConfigDef,
  ConfigError,
  type ConnectRecord,
  DATE_LOGICAL_NAME,
  DECIMAL_LOGICAL_NAME,
  LambdaValidator,
  NO_DEFAULT,
  type Schema,
  SchemaBuilder,
  SchemaType,
  Struct,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
  type Transformation,
} from '../api';
import { CAST_OUTPUT_TYPES, castValueToType } from './cast-values';
import { configDef, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { mapCopy, mapGet, mapSet } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireMap, requireStruct } from './requirements';
import { copySchemaBasics, fieldValue, SchemaCache, structOf } from './schema-util';

export const CAST_KEY_CLASS = 'org.apache.kafka.connect.transforms.Cast$Key';
export const CAST_VALUE_CLASS = 'org.apache.kafka.connect.transforms.Cast$Value';

const PURPOSE = 'cast types';
const LOGICAL_NAMES = new Set([DECIMAL_LOGICAL_NAME, DATE_LOGICAL_NAME, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME]);

export interface CastSpec {
  /** Set when the spec casts the whole key or value. */
  readonly wholeValue: SchemaType | null;
  readonly fields: ReadonlyMap<string, SchemaType>;
}

function outputType(text: string): SchemaType {
  const upper = text.trim().toUpperCase();
  if (!Object.prototype.hasOwnProperty.call(SchemaType, upper)) throw new ConfigError(`Invalid type found in casting spec: ${text.trim()}`);
  const type = upper as SchemaType;
  if (!CAST_OUTPUT_TYPES.includes(type)) {
    throw new ConfigError(`Cast transformation does not support casting to ${type}; supported types are [${CAST_OUTPUT_TYPES.join(', ')}]`);
  }
  return type;
}

/** Parses `spec`; throws a ConfigError with Kafka's wording. */
export function parseCastSpec(mappings: readonly string[]): CastSpec {
  const entries = mappings.filter((m) => m.trim() !== '');
  if (entries.length === 0) throw new ConfigError('Must specify at least one field to cast.');
  let wholeValue: SchemaType | null = null;
  const fields = new Map<string, SchemaType>();
  for (const mapping of entries) {
    const parts = mapping.split(':');
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length > 2) throw ConfigError.invalidValue('spec', mappings, `Invalid cast mapping: ${mapping}`);
    if (parts.length === 1) wholeValue = outputType(parts[0] as string);
    else fields.set((parts[0] as string).trim(), outputType(parts[1] as string));
  }
  if (wholeValue !== null && entries.length > 1) {
    throw new ConfigError('Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec');
  }
  return { wholeValue, fields };
}

const CONFIG_DEF = configDef(
  {
    name: 'spec',
    type: 'LIST',
    default: NO_DEFAULT,
    validator: LambdaValidator.with(
      (_name, value) => {
        if (value !== null && value !== undefined) parseCastSpec(value as string[]);
      },
      { description: 'list of colon-delimited pairs, e.g. foo:bar,abc:xyz' },
    ),
    importance: 'HIGH',
    documentation:
      'Fields and the types to cast them to, as field1:type,field2:type, or a single type to cast the entire value. ' +
      'Valid types are int8, int16, int32, int64, float32, float64, boolean and string. Binary fields can only be cast to string.',
  },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

interface Plan {
  readonly schema: Schema;
  /** Per input field, the type to cast to (null: copied as is). */
  readonly targets: ReadonlyArray<SchemaType | null>;
}

export abstract class Cast<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private spec: CastSpec = { wholeValue: null, fields: new Map() };
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.spec = parseCastSpec(config.getList('spec') ?? []);
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
    this.plans.clear();
  }

  apply(record: R): R | null {
    const value = this.side.value(record);
    if (value === null) return record;
    const schema = this.side.schema(record);
    const whole = this.spec.wholeValue;
    if (schema === null) {
      if (whole !== null) return this.side.update(record, null, castValueToType(null, value, whole));
      const updated = mapCopy(requireMap(value, PURPOSE));
      for (const [field, type] of this.spec.fields) mapSet(updated, field, castValueToType(null, mapGet(updated, field), type));
      return this.side.update(record, null, updated);
    }
    const plan = this.plans.computeIfAbsent(schema, (s) => this.plan(s));
    if (whole !== null) return this.side.update(record, plan.schema, castValueToType(schema, value, whole));
    return this.side.update(record, plan.schema, this.castStruct(requireStruct(value, PURPOSE), plan));
  }

  private castStruct(struct: Struct, plan: Plan): Struct {
    const fields = struct.schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const original = fieldValue(struct, field, this.replaceNullWithDefault);
      const target = plan.targets[i];
      values[i] = target === null || target === undefined ? original : castValueToType(field.schema, original, target);
    }
    return structOf(plan.schema, values);
  }

  private plan(schema: Schema): Plan {
    const whole = this.spec.wholeValue;
    let builder: SchemaBuilder;
    let targets: Array<SchemaType | null> = [];
    if (whole !== null) {
      // Kafka copies the name too; a logical type's name would no longer describe the cast value, so it is dropped.
      builder = SchemaBuilder.type(whole);
      if (schema.name === undefined || !LOGICAL_NAMES.has(schema.name)) copySchemaBasics(schema, builder);
    } else {
      builder = copySchemaBasics(schema, SchemaBuilder.struct());
      targets = schema.fields.map((field) => this.spec.fields.get(field.name) ?? null);
      schema.fields.forEach((field, i) => {
        const target = targets[i];
        if (target === null || target === undefined) {
          builder.field(field.name, field.schema);
          return;
        }
        const fieldBuilder = SchemaBuilder.type(target);
        if (field.schema.optional) fieldBuilder.optional();
        if (field.schema.defaultValue !== undefined) fieldBuilder.defaultValue(castValueToType(field.schema, field.schema.defaultValue, target));
        builder.field(field.name, fieldBuilder);
      });
    }
    if (schema.optional) builder.optional();
    if (schema.defaultValue !== undefined) {
      if (whole !== null) {
        builder.defaultValue(castValueToType(schema, schema.defaultValue, whole));
      } else {
        const interim: Plan = { schema: builder.build(), targets };
        builder.defaultValue(this.castStruct(schema.defaultValue as Struct, interim));
      }
    }
    return { schema: builder.build(), targets };
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.plans.clear();
  }
}

export class CastKey<R extends ConnectRecord<R>> extends Cast<R> {
  protected readonly side = KEY_SIDE;
}

export class CastValue<R extends ConnectRecord<R>> extends Cast<R> {
  protected readonly side = VALUE_SIDE;
}
