/**
 * HoistField (org.apache.kafka.connect.transforms.HoistField$Key / $Value): wraps the whole key or value in a
 * one-field Struct (with a schema) or a one-entry map (without), under the configured field name.
 */
import { type ConfigDef, type ConnectRecord, NO_DEFAULT, type Schema, SchemaBuilder, type Transformation, validateValue } from '../api';
import { configDef, parseConfig } from './config-util';
import { mapSet } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { SchemaCache, structOf } from './schema-util';

export const HOIST_FIELD_KEY_CLASS = 'org.apache.kafka.connect.transforms.HoistField$Key';
export const HOIST_FIELD_VALUE_CLASS = 'org.apache.kafka.connect.transforms.HoistField$Value';

const CONFIG_DEF = configDef({
  name: 'field', type: 'STRING', default: NO_DEFAULT, importance: 'MEDIUM',
  documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
});

export abstract class HoistField<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private fieldName = '';
  private readonly schemaCache = new SchemaCache<Schema>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    this.fieldName = parseConfig(CONFIG_DEF, configs).getString('field') ?? '';
    this.schemaCache.clear();
  }

  apply(record: R): R | null {
    const schema = this.side.schema(record);
    const value = this.side.value(record);
    if (schema === null) {
      const wrapped: Record<string, unknown> = {};
      mapSet(wrapped, this.fieldName, value);
      return this.side.update(record, null, wrapped);
    }
    const updated = this.schemaCache.computeIfAbsent(schema, (s) => SchemaBuilder.struct().field(this.fieldName, s).build());
    // The wrapped value was never checked against its schema by a Struct, so check it as Struct.put would.
    validateValue(schema, value, this.fieldName);
    return this.side.update(record, updated, structOf(updated, [value]));
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

export class HoistFieldKey<R extends ConnectRecord<R>> extends HoistField<R> {
  protected readonly side = KEY_SIDE;
}

export class HoistFieldValue<R extends ConnectRecord<R>> extends HoistField<R> {
  protected readonly side = VALUE_SIDE;
}
