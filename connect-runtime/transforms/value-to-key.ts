/**
 * ValueToKey (org.apache.kafka.connect.transforms.ValueToKey): replaces the key with a Struct (or map) of the listed
 * value fields, in the order listed. The value is left as it is.
 */
import { type ConfigDef, type ConnectRecord, DataError, NO_DEFAULT, type Schema, SchemaBuilder, type Transformation } from '../api';
import { configDef, NonEmptyListValidator, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { mapGet, mapSet } from './map-values';
import { requireMap, requireStruct } from './requirements';
import { SchemaCache, structOf, valuesAt } from './schema-util';

export const VALUE_TO_KEY_CLASS = 'org.apache.kafka.connect.transforms.ValueToKey';

const PURPOSE = 'copying fields from value to key';

const CONFIG_DEF = configDef(
  {
    name: 'fields', type: 'LIST', default: NO_DEFAULT, validator: new NonEmptyListValidator(), importance: 'HIGH',
    documentation: 'Field names on the record value to extract as the record key.',
  },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

interface Plan {
  readonly schema: Schema;
  /** For each output field, the position of the input field it comes from. */
  readonly sources: readonly number[];
}

export class ValueToKey<R extends ConnectRecord<R>> implements Transformation<R> {
  private fields: readonly string[] = [];
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.fields = config.getList('fields') ?? [];
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
    this.plans.clear();
  }

  apply(record: R): R | null {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key: Record<string, unknown> = {};
      for (const field of this.fields) mapSet(key, field, mapGet(value, field));
      return record.newRecord({ keySchema: null, key });
    }
    const value = requireStruct(record.value, PURPOSE);
    const plan = this.plans.computeIfAbsent(value.schema, (s) => this.plan(s));
    const values = valuesAt(value, plan.sources, this.replaceNullWithDefault);
    return record.newRecord({ keySchema: plan.schema, key: structOf(plan.schema, values), valueSchema: value.schema });
  }

  private plan(valueSchema: Schema): Plan {
    const builder = SchemaBuilder.struct();
    const sources: number[] = [];
    for (const name of this.fields) {
      const field = valueSchema.field(name);
      if (field === undefined) throw new DataError(`Field does not exist: ${name}`, { field: name });
      builder.field(name, field.schema);
      sources.push(field.index);
    }
    return { schema: builder.build(), sources };
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.plans.clear();
  }
}
