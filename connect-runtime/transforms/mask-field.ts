/**
 * MaskField (org.apache.kafka.connect.transforms.MaskField$Key / $Value): replaces the listed fields with the empty
 * value of their type (0, false, "", the epoch, an empty array or map), or with `replacement` converted to the
 * field's numeric or string type. Null fields stay null. With a schema the type comes from the field's schema;
 * without one, from the value (integers are Java Longs, other numbers Doubles).
 */
import {
  BigDecimal,
  type ConfigDef,
  type ConnectRecord,
  DATE_LOGICAL_NAME,
  DataError,
  DECIMAL_LOGICAL_NAME,
  Decimal,
  NO_DEFAULT,
  NonEmptyString,
  type Schema,
  type SchemaType,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
  type Transformation,
} from '../api';
import { configDef, NonEmptyListValidator, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { mapCopy, mapGet, mapSet, schemaTypeOf } from './map-values';
import { KEY_SIDE, type RecordSide, VALUE_SIDE } from './record-side';
import { requireMap, requireStruct } from './requirements';
import { fieldValue, structOf } from './schema-util';
import { type IntegerBits, narrowInteger, parseJavaDouble, parseJavaFloat, parseJavaInteger } from './java-numbers';

export const MASK_FIELD_KEY_CLASS = 'org.apache.kafka.connect.transforms.MaskField$Key';
export const MASK_FIELD_VALUE_CLASS = 'org.apache.kafka.connect.transforms.MaskField$Value';

const PURPOSE = 'mask fields';

const CONFIG_DEF = configDef(
  { name: 'fields', type: 'LIST', default: NO_DEFAULT, validator: new NonEmptyListValidator(), importance: 'HIGH', documentation: 'Names of fields to mask.' },
  {
    name: 'replacement', type: 'STRING', default: null, validator: new NonEmptyString(), importance: 'LOW',
    documentation: 'A custom replacement applied to every masked field (numeric or non-empty string values only).',
  },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

/** The kind of value being masked: a schema type, refined for logical types. */
type MaskKind = SchemaType | 'DECIMAL' | 'TEMPORAL';

function kindOfSchema(schema: Schema): MaskKind {
  if (schema.name === DECIMAL_LOGICAL_NAME) return 'DECIMAL';
  if (schema.name === DATE_LOGICAL_NAME || schema.name === TIME_LOGICAL_NAME || schema.name === TIMESTAMP_LOGICAL_NAME) return 'TEMPORAL';
  return schema.type;
}

function kindOfValue(value: unknown): MaskKind | null {
  if (value instanceof BigDecimal) return 'DECIMAL';
  if (value instanceof Date) return 'TEMPORAL';
  return schemaTypeOf(value);
}

function describe(kind: MaskKind | null): string {
  return kind === null ? 'unknown' : kind;
}

export abstract class MaskField<R extends ConnectRecord<R>> implements Transformation<R> {
  protected abstract readonly side: RecordSide;
  private fields: readonly string[] = [];
  private fieldSet: ReadonlySet<string> = new Set();
  private replacement: string | null = null;
  private replaceNullWithDefault = true;

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.fields = [...new Set(config.getList('fields') ?? [])];
    this.fieldSet = new Set(this.fields);
    this.replacement = config.getString('replacement');
    this.replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
  }

  apply(record: R): R | null {
    const raw = this.side.value(record);
    const schema = this.side.schema(record);
    if (schema === null) {
      const updated = mapCopy(requireMap(raw, PURPOSE));
      // As in Kafka, a listed field that is absent is written as null.
      for (const name of this.fields) {
        const original = mapGet(updated, name);
        mapSet(updated, name, this.masked(original, kindOfValue(original), undefined));
      }
      return this.side.update(record, null, updated);
    }
    const value = requireStruct(raw, PURPOSE);
    const fields = value.schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const original = fieldValue(value, field, this.replaceNullWithDefault);
      values[i] = this.fieldSet.has(field.name) ? this.masked(original, kindOfSchema(field.schema), field.schema) : original;
    }
    return this.side.update(record, value.schema, structOf(value.schema, values));
  }

  private masked(value: unknown, kind: MaskKind | null, schema: Schema | undefined): unknown {
    if (value === null || value === undefined) return null;
    return this.replacement === null ? emptyValue(value, kind, schema) : replacementValue(this.replacement, kind, schema);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}

/** The "null value" of a type. A Decimal keeps its schema's scale so that the masked value still serializes. */
function emptyValue(value: unknown, kind: MaskKind | null, schema: Schema | undefined): unknown {
  switch (kind) {
    case 'BOOLEAN':
      return false;
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      return typeof value === 'bigint' ? 0n : 0;
    case 'FLOAT32':
    case 'FLOAT64':
      return 0;
    case 'STRING':
      return '';
    case 'DECIMAL':
      return new BigDecimal(0n, schema ? Decimal.scaleOf(schema) : 0);
    case 'TEMPORAL':
      return new Date(0);
    case 'ARRAY':
      return [];
    case 'MAP':
      return value instanceof Map ? new Map() : {};
    default:
      throw new DataError(`Cannot mask value of type: ${describe(kind)}`);
  }
}

function replacementValue(replacement: string, kind: MaskKind | null, schema: Schema | undefined): unknown {
  try {
    switch (kind) {
      case 'INT8':
        return integerReplacement(replacement, 8);
      case 'INT16':
        return integerReplacement(replacement, 16);
      case 'INT32':
        return integerReplacement(replacement, 32);
      case 'INT64':
        return integerReplacement(replacement, 64);
      case 'FLOAT32':
        return parseJavaFloat(replacement);
      case 'FLOAT64':
        return parseJavaDouble(replacement);
      case 'STRING':
        return replacement;
      case 'DECIMAL': {
        const decimal = BigDecimal.parse(replacement.trim());
        return schema ? decimal.withScale(Decimal.scaleOf(schema)) : decimal;
      }
      default:
        break;
    }
  } catch (err) {
    throw new DataError(`Unable to convert ${replacement} (String) to number`, { cause: err });
  }
  throw new DataError(`Cannot mask value of type ${describe(kind)} with custom replacement.`);
}

/** Kafka converts the replacement with Values.convertToX: integer text exactly, decimal text truncated. */
function integerReplacement(text: string, bits: IntegerBits): number | bigint {
  const trimmed = text.trim();
  try {
    return parseJavaInteger(trimmed, bits);
  } catch {
    return narrowInteger(parseJavaDouble(trimmed), bits, true);
  }
}

export class MaskFieldKey<R extends ConnectRecord<R>> extends MaskField<R> {
  protected readonly side = KEY_SIDE;
}

export class MaskFieldValue<R extends ConnectRecord<R>> extends MaskField<R> {
  protected readonly side = VALUE_SIDE;
}
