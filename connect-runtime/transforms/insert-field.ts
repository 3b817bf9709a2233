/**
 * InsertField (org.apache.kafka.connect.transforms.InsertField$Key / $Value): adds the record's topic, partition,
 * offset (sink records only) and timestamp, and/or a static string, as fields of a Struct or entries of a map.
 * A field name ending in `!` makes the field required in the new schema, `?` (the default) optional. Null keys and
 * values (tombstones) pass through untouched.
 */
import { type ConfigDef, ConfigError, type ConnectRecord, ConnectTimestamp, Schema, SchemaBuilder, type Transformation } from '../api';
import { configDef, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { mapCopy, mapSet } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireMap, requireSinkRecord, requireStruct } from './requirements';
import { copySchemaBasics, fieldValue, SchemaCache, structOf } from './schema-util';

export const INSERT_FIELD_KEY_CLASS = 'org.apache.kafka.connect.transforms.InsertField$Key';
export const INSERT_FIELD_VALUE_CLASS = 'org.apache.kafka.connect.transforms.InsertField$Value';

const PURPOSE = 'field insertion';
const OPTIONALITY = 'Suffix with ! to make this a required field, or ? to keep it optional (the default).';
const OPTIONAL_TIMESTAMP_SCHEMA = ConnectTimestamp.builder().optional().build();

const CONFIG_DEF = configDef(
  { name: 'topic.field', type: 'STRING', default: null, importance: 'MEDIUM', documentation: `Field name for the Kafka topic. ${OPTIONALITY}` },
  { name: 'partition.field', type: 'STRING', default: null, importance: 'MEDIUM', documentation: `Field name for the Kafka partition. ${OPTIONALITY}` },
  { name: 'offset.field', type: 'STRING', default: null, importance: 'MEDIUM', documentation: `Field name for the Kafka offset; sink connectors only. ${OPTIONALITY}` },
  { name: 'timestamp.field', type: 'STRING', default: null, importance: 'MEDIUM', documentation: `Field name for the record timestamp. ${OPTIONALITY}` },
  { name: 'static.field', type: 'STRING', default: null, importance: 'MEDIUM', documentation: `Field name for a static value. ${OPTIONALITY}` },
  { name: 'static.value', type: 'STRING', default: null, importance: 'MEDIUM', documentation: 'The static value, when static.field is set.' },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

export abstract class InsertField<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private topicField: InsertionSpec | null = null;
  private partitionField: InsertionSpec | null = null;
  private offsetField: InsertionSpec | null = null;
  private timestampField: InsertionSpec | null = null;
  private staticField: InsertionSpec | null = null;
  private staticValue: string | null = null;
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache<Schema>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.topicField = parseSpec(config.getString('topic.field'));
    this.partitionField = parseSpec(config.getString('partition.field'));
    this.offsetField = parseSpec(config.getString('offset.field'));
    this.timestampField = parseSpec(config.getString('timestamp.field'));
    this.staticField = parseSpec(config.getString('static.field'));
    this.staticValue = config.getString('static.value');
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
    if (!this.topicField && !this.partitionField && !this.offsetField && !this.timestampField && !this.staticField) {
      throw new ConfigError('No field insertion configured');
    }
    if (this.staticField && this.staticValue === null) {
      throw ConfigError.invalidValue('static.value', null, `No value specified for static field: ${this.staticField.name}`);
    }
    this.schemaCache.clear();
  }

  apply(record: R): R | null {
    const value = this.side.value(record);
    if (value === null) return record;
    const schema = this.side.schema(record);
    return schema === null ? this.applySchemaless(record, value) : this.applyWithSchema(record, value);
  }

  private applySchemaless(record: R, raw: unknown): R {
    const updated = mapCopy(requireMap(raw, PURPOSE));
    if (this.topicField) mapSet(updated, this.topicField.name, record.topic);
    if (this.partitionField && record.kafkaPartition !== null) mapSet(updated, this.partitionField.name, record.kafkaPartition);
    if (this.offsetField) mapSet(updated, this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    if (this.timestampField && record.timestamp !== null) mapSet(updated, this.timestampField.name, record.timestamp);
    if (this.staticField && this.staticValue !== null) mapSet(updated, this.staticField.name, this.staticValue);
    return this.side.update(record, null, updated);
  }

  private applyWithSchema(record: R, raw: unknown): R {
    const value = requireStruct(raw, PURPOSE);
    const schema = this.schemaCache.computeIfAbsent(value.schema, (s) => this.updatedSchema(s));
    const values = new Array<unknown>(schema.fields.length);
    const original = value.schema.fields;
    for (let i = 0; i < original.length; i++) values[i] = fieldValue(value, original[i]!, this.replaceNullWithDefault);
    let i = original.length;
    // Fields are appended in the order updatedSchema adds them, so their positions follow from which are configured.
    if (this.topicField) values[i++] = record.topic;
    if (this.partitionField) values[i++] = record.kafkaPartition;
    if (this.offsetField) values[i++] = requireSinkRecord(record, PURPOSE).kafkaOffset;
    if (this.timestampField) values[i++] = record.timestamp === null ? null : new Date(record.timestamp);
    if (this.staticField) values[i++] = this.staticValue;
    return this.side.update(record, schema, structOf(schema, values));
  }

  private updatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) builder.field(field.name, field.schema);
    const add = (spec: InsertionSpec | null, required: Schema, optional: Schema): void => {
      if (spec) builder.field(spec.name, spec.optional ? optional : required);
    };
    add(this.topicField, Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA);
    add(this.partitionField, Schema.INT32_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA);
    add(this.offsetField, Schema.INT64_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA);
    add(this.timestampField, ConnectTimestamp.SCHEMA, OPTIONAL_TIMESTAMP_SCHEMA);
    add(this.staticField, Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA);
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

export class InsertFieldKey<R extends ConnectRecord<R>> extends InsertField<R> {
  protected readonly side = KEY_SIDE;
}

export class InsertFieldValue<R extends ConnectRecord<R>> extends InsertField<R> {
  protected readonly side = VALUE_SIDE;
}
