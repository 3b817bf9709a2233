/**
 * TimestampConverter (org.apache.kafka.connect.transforms.TimestampConverter$Key / $Value): converts a timestamp
 * field (or the whole key or value when `field` is empty) between string, unix, Date, Time and Timestamp forms.
 * With a schema the input form comes from the schema; without, from the value. See timestamp-translators.ts.
 */
import { type ConfigDef, ConfigError, type ConnectRecord, NO_DEFAULT, type Schema, SchemaBuilder, type Struct, type Transformation, ValidString } from '../api';
import { configDef, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { JavaDateFormat } from './java-date-format';
import { mapCopy, mapGet, mapSet } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireMap, requireStructOrNull } from './requirements';
import { copySchemaBasics, fieldValue, SchemaCache, structOf } from './schema-util';
import {
  fromMillis,
  schemaOf,
  TIMESTAMP_TYPES,
  type TimestampType,
  toMillis,
  type TranslatorConfig,
  typeOfSchema,
  typeOfValue,
  UNIX_PRECISIONS,
  type UnixPrecision,
} from './timestamp-translators';

export const TIMESTAMP_CONVERTER_KEY_CLASS = 'org.apache.kafka.connect.transforms.TimestampConverter$Key';
export const TIMESTAMP_CONVERTER_VALUE_CLASS = 'org.apache.kafka.connect.transforms.TimestampConverter$Value';

const PURPOSE = 'converting timestamp formats';

const CONFIG_DEF = configDef(
  { name: 'field', type: 'STRING', default: '', importance: 'HIGH', documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp.' },
  {
    name: 'target.type', type: 'STRING', default: NO_DEFAULT, validator: ValidString.in(...TIMESTAMP_TYPES), importance: 'HIGH',
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp.',
  },
  {
    name: 'format', type: 'STRING', default: '', importance: 'MEDIUM',
    documentation: 'A SimpleDateFormat-compatible pattern: the output format when target.type=string, and the input format of string timestamps.',
  },
  {
    name: 'unix.precision', type: 'STRING', default: 'milliseconds', validator: ValidString.in(...UNIX_PRECISIONS), importance: 'LOW',
    documentation: 'The unit of unix timestamps, read and written: seconds, milliseconds, microseconds or nanoseconds. Sub-millisecond parts are lost.',
  },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

interface Plan {
  readonly schema: Schema;
  /** The index of the converted field, and the form its input schema declares. */
  readonly index: number;
  readonly sourceType: TimestampType | null;
}

export abstract class TimestampConverter<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private field = '';
  private targetType: TimestampType = 'Timestamp';
  private translator: TranslatorConfig = { format: null, unixPrecision: 'milliseconds' };
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.field = config.getString('field') ?? '';
    this.targetType = config.getString('target.type') as TimestampType;
    const pattern = config.getString('format') ?? '';
    if (this.targetType === 'string' && pattern.trim() === '') {
      throw new ConfigError('TimestampConverter requires format option to be specified when using string timestamps');
    }
    let format: JavaDateFormat | null = null;
    if (pattern.trim() !== '') {
      try {
        format = JavaDateFormat.compile(pattern);
      } catch (err) {
        throw new ConfigError(`TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern} (${(err as Error).message})`);
      }
    }
    this.translator = { format, unixPrecision: config.getString('unix.precision') as UnixPrecision };
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
    this.plans.clear();
  }

  apply(record: R): R | null {
    const schema = this.side.schema(record);
    const raw = this.side.value(record);
    if (schema === null) {
      if (raw === null || this.field === '') return this.side.update(record, null, this.convert(raw, null));
      const updated = mapCopy(requireMap(raw, PURPOSE));
      mapSet(updated, this.field, this.convert(mapGet(updated, this.field), null));
      return this.side.update(record, null, updated);
    }
    if (this.field === '') return this.side.update(record, schemaOf(this.targetType, schema.optional), this.convert(raw, typeOfSchema(schema)));
    const struct = requireStructOrNull(raw, PURPOSE);
    const plan = this.plans.computeIfAbsent(schema, (s) => this.plan(s));
    return this.side.update(record, plan.schema, struct === null ? null : this.convertStruct(struct, plan));
  }

  /** `value` in the target form; `sourceType` null means "infer from the value". */
  private convert(value: unknown, sourceType: TimestampType | null): unknown {
    if (value === null || value === undefined) return null;
    const millis = toMillis(sourceType ?? typeOfValue(value), this.translator, value);
    return fromMillis(this.targetType, this.translator, millis);
  }

  private convertStruct(struct: Struct, plan: Plan): Struct {
    const fields = struct.schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const original = fieldValue(struct, fields[i]!, this.replaceNullWithDefault);
      values[i] = i === plan.index ? this.convert(original, plan.sourceType) : original;
    }
    return structOf(plan.schema, values);
  }

  private plan(schema: Schema): Plan {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    let index = -1;
    let sourceType: TimestampType | null = null;
    schema.fields.forEach((field, i) => {
      if (field.name === this.field) {
        index = i;
        sourceType = typeOfSchema(field.schema);
        builder.field(field.name, schemaOf(this.targetType, field.schema.optional));
      } else {
        builder.field(field.name, field.schema);
      }
    });
    if (schema.optional) builder.optional();
    if (schema.defaultValue !== undefined) {
      const interim: Plan = { schema: builder.build(), index, sourceType };
      builder.defaultValue(this.convertStruct(schema.defaultValue as Struct, interim));
    }
    return { schema: builder.build(), index, sourceType };
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.plans.clear();
  }
}

export class TimestampConverterKey<R extends ConnectRecord<R>> extends TimestampConverter<R> {
  protected readonly side = KEY_SIDE;
}

export class TimestampConverterValue<R extends ConnectRecord<R>> extends TimestampConverter<R> {
  protected readonly side = VALUE_SIDE;
}
