/**
 * HeaderFrom (org.apache.kafka.connect.transforms.HeaderFrom$Key / $Value): copies or moves fields of the key or
 * value into headers; the i-th entry of `fields` goes to the header named by the i-th entry of `headers`. With a
 * schema, each header carries its field's schema; a moved field is also removed from the schema.
 */
import {
  type ConfigDef,
  ConfigError,
  ConnectHeader,
  ConnectHeaders,
  type ConnectRecord,
  DataError,
  NO_DEFAULT,
  type Schema,
  SchemaBuilder,
  type Struct,
  type Transformation,
  ValidString,
} from '../api';
import { configDef, NonEmptyListValidator, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { mapCopy, mapDelete, mapGet } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireMap, requireStruct } from './requirements';
import { copySchemaBasics, fieldValue, SchemaCache, structOf, valuesAt } from './schema-util';

export const HEADER_FROM_KEY_CLASS = 'org.apache.kafka.connect.transforms.HeaderFrom$Key';
export const HEADER_FROM_VALUE_CLASS = 'org.apache.kafka.connect.transforms.HeaderFrom$Value';

const CONFIG_DEF = configDef(
  {
    name: 'fields', type: 'LIST', default: NO_DEFAULT, validator: new NonEmptyListValidator(), importance: 'HIGH',
    documentation: 'Field names in the record whose values are to be copied or moved to headers.',
  },
  {
    name: 'headers', type: 'LIST', default: NO_DEFAULT, validator: new NonEmptyListValidator(), importance: 'HIGH',
    documentation: 'Header names, in the same order as the field names listed in the fields configuration property.',
  },
  {
    name: 'operation', type: 'STRING', default: NO_DEFAULT, validator: ValidString.in('move', 'copy'), importance: 'HIGH',
    documentation: 'Either move, to remove the fields from the key/value, or copy, to keep them there.',
  },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

interface MovePlan {
  readonly schema: Schema;
  /** For each output field, the position of the input field it comes from. */
  readonly sources: readonly number[];
}

export abstract class HeaderFrom<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private fields: readonly string[] = [];
  private headers: readonly string[] = [];
  private move = false;
  private replaceNullWithDefault = true;
  private readonly movePlans = new SchemaCache<MovePlan>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.fields = config.getList('fields') ?? [];
    this.headers = config.getList('headers') ?? [];
    if (this.fields.length !== this.headers.length) {
      throw new ConfigError("'fields' config must have the same number of elements as 'headers' config.");
    }
    this.move = config.getString('operation') === 'move';
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
    this.movePlans.clear();
  }

  private get purpose(): string {
    return `header ${this.move ? 'move' : 'copy'}`;
  }

  apply(record: R): R | null {
    const schema = this.side.schema(record);
    const raw = this.side.value(record);
    // Field values are valid for their schemas already, so headers are appended without re-validation.
    const headers = record.headers.toArray();
    if (schema === null) {
      const original = requireMap(raw, this.purpose);
      const updated = mapCopy(original);
      for (let i = 0; i < this.fields.length; i++) {
        const field = this.fields[i] as string;
        if (this.move) mapDelete(updated, field);
        headers.push(new ConnectHeader(this.headers[i] as string, null, mapGet(original, field)));
      }
      return this.side.update(record, null, updated, new ConnectHeaders(headers));
    }
    const struct = requireStruct(raw, this.purpose);
    for (let i = 0; i < this.fields.length; i++) {
      const name = this.fields[i] as string;
      const field = schema.field(name);
      if (field === undefined) throw new DataError(`Field ${name} does not exist in the ${this.side.name} schema`, { field: name });
      const own = struct.schema.field(name);
      const value = own === undefined ? null : fieldValue(struct, own, this.replaceNullWithDefault);
      headers.push(new ConnectHeader(this.headers[i] as string, field.schema, value));
    }
    if (!this.move) return this.side.update(record, schema, struct, new ConnectHeaders(headers));
    const plan = this.movePlans.computeIfAbsent(schema, (s) => this.movePlan(s));
    return this.side.update(record, plan.schema, this.moved(struct, plan), new ConnectHeaders(headers));
  }

  private moved(struct: Struct, plan: MovePlan): Struct {
    return structOf(plan.schema, valuesAt(struct, plan.sources, this.replaceNullWithDefault));
  }

  private movePlan(schema: Schema): MovePlan {
    const moved = new Set(this.fields);
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const sources: number[] = [];
    for (const field of schema.fields) {
      if (moved.has(field.name)) continue;
      builder.field(field.name, field.schema);
      sources.push(field.index);
    }
    return { schema: builder.build(), sources };
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.movePlans.clear();
  }
}

export class HeaderFromKey<R extends ConnectRecord<R>> extends HeaderFrom<R> {
  protected readonly side = KEY_SIDE;
}

export class HeaderFromValue<R extends ConnectRecord<R>> extends HeaderFrom<R> {
  protected readonly side = VALUE_SIDE;
}
