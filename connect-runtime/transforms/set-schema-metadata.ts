/**
 * SetSchemaMetadata (org.apache.kafka.connect.transforms.SetSchemaMetadata$Key / $Value): sets the name and/or the
 * version of the key or value schema, keeping everything else. A Struct is re-created over the renamed schema, since
 * a Struct carries its schema.
 */
import { type ConfigDef, ConfigError, type ConnectRecord, Schema, Struct, type Transformation } from '../api';
import { configDef, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireSchema } from './requirements';
import { fieldValue, SchemaCache, structOf } from './schema-util';

export const SET_SCHEMA_METADATA_KEY_CLASS = 'org.apache.kafka.connect.transforms.SetSchemaMetadata$Key';
export const SET_SCHEMA_METADATA_VALUE_CLASS = 'org.apache.kafka.connect.transforms.SetSchemaMetadata$Value';

const CONFIG_DEF = configDef(
  { name: 'schema.name', type: 'STRING', default: null, importance: 'HIGH', documentation: 'Schema name to set.' },
  { name: 'schema.version', type: 'INT', default: null, importance: 'HIGH', documentation: 'Schema version to set.' },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

export abstract class SetSchemaMetadata<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private schemaName: string | null = null;
  private schemaVersion: number | null = null;
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache<Schema>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.schemaName = config.getString('schema.name');
    this.schemaVersion = config.getInt('schema.version');
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
    if (this.schemaName === null && this.schemaVersion === null) throw new ConfigError('Neither schema name nor version configured');
    this.schemaCache.clear();
  }

  apply(record: R): R | null {
    const value = this.side.value(record);
    const schema = this.side.schema(record);
    if (value === null && schema === null) return record;
    const updated = this.schemaCache.computeIfAbsent(requireSchema(schema, 'updating schema metadata'), (s) => this.updatedSchema(s));
    return this.side.update(record, updated, value instanceof Struct ? this.withSchema(value, updated) : value);
  }

  private updatedSchema(schema: Schema): Schema {
    return new Schema({
      type: schema.type,
      optional: schema.optional,
      defaultValue: schema.defaultValue,
      name: this.schemaName ?? schema.name,
      version: this.schemaVersion ?? schema.version,
      doc: schema.doc,
      parameters: schema.parameters,
      fields: schema.type === 'STRUCT' ? schema.fields.map((f) => ({ name: f.name, schema: f.schema })) : undefined,
      keySchema: schema.type === 'MAP' ? schema.keySchema : undefined,
      valueSchema: schema.type === 'MAP' || schema.type === 'ARRAY' ? schema.valueSchema : undefined,
    });
  }

  private withSchema(struct: Struct, schema: Schema): Struct {
    const fields = struct.schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) values[i] = fieldValue(struct, fields[i]!, this.replaceNullWithDefault);
    return structOf(schema, values);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

export class SetSchemaMetadataKey<R extends ConnectRecord<R>> extends SetSchemaMetadata<R> {
  protected readonly side = KEY_SIDE;
}

export class SetSchemaMetadataValue<R extends ConnectRecord<R>> extends SetSchemaMetadata<R> {
  protected readonly side = VALUE_SIDE;
}
