/**
 * ExtractField (org.apache.kafka.connect.transforms.ExtractField$Key / $Value): replaces the key or value with one
 * of its fields, nested fields included with `field.syntax.version=V2`. A null key or value passes through (with
 * the field's schema when there is one); a field missing from a map yields null, one missing from a schema is an
 * error.
 */
import { type ConfigDef, type ConnectRecord, DataError, NO_DEFAULT, type Transformation } from '../api';
import { configDef, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { FIELD_SYNTAX_VERSION_CONFIG, FIELD_SYNTAX_VERSION_DEFINITION, parseSyntaxVersion, SingleFieldPath } from './field-path';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireMapOrNull, requireStructOrNull } from './requirements';

export const EXTRACT_FIELD_KEY_CLASS = 'org.apache.kafka.connect.transforms.ExtractField$Key';
export const EXTRACT_FIELD_VALUE_CLASS = 'org.apache.kafka.connect.transforms.ExtractField$Value';

const PURPOSE = 'field extraction';

const CONFIG_DEF = configDef(
  { name: 'field', type: 'STRING', default: NO_DEFAULT, importance: 'MEDIUM', documentation: 'Field name to extract.' },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
  FIELD_SYNTAX_VERSION_DEFINITION,
);

export abstract class ExtractField<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private path = new SingleFieldPath('', 'V1');
  private replaceNullWithDefault = true;

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.path = new SingleFieldPath(config.getString('field') ?? '', parseSyntaxVersion(config.getString(FIELD_SYNTAX_VERSION_CONFIG)));
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
  }

  apply(record: R): R | null {
    const schema = this.side.schema(record);
    const raw = this.side.value(record);
    if (schema === null) {
      const map = requireMapOrNull(raw, PURPOSE);
      return this.side.update(record, null, map === null ? null : this.path.valueFromMap(map));
    }
    const struct = requireStructOrNull(raw, PURPOSE);
    const field = this.path.fieldFrom(schema);
    if (field === undefined) throw new DataError(`Unknown field: ${this.path.text}`, { field: this.path.text });
    return this.side.update(record, field.schema, struct === null ? null : this.path.valueFromStruct(struct, this.replaceNullWithDefault));
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}

export class ExtractFieldKey<R extends ConnectRecord<R>> extends ExtractField<R> {
  protected readonly side = KEY_SIDE;
}

export class ExtractFieldValue<R extends ConnectRecord<R>> extends ExtractField<R> {
  protected readonly side = VALUE_SIDE;
}
