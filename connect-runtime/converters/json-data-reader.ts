/**
 * Parsed JSON → Connect data, as Kafka's JsonConverter reads it (asConnectSchema and convertToConnect), but strict:
 * a JSON value of the wrong type for its schema is a DataError naming the field rather than a silent 0 or false.
 */
import { BigDecimal } from '../api/big-decimal';
import { DataError } from '../api/errors';
import { ConnectDate, ConnectTime, ConnectTimestamp, Decimal } from '../api/logical-types';
import { DATE_LOGICAL_NAME, DECIMAL_LOGICAL_NAME, Schema, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME } from '../api/schema';
import { SchemaBuilder } from '../api/schema-builder';
import { Struct } from '../api/struct';
import { JsonFraction, type JsonNode } from './json-parser';
import { withField } from './json-data-writer';

const INT_RANGES = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
} as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

type JsonObject = { [key: string]: JsonNode };

export class JsonDataReader {
  constructor(private readonly options: { replaceNullWithDefault: boolean }) {}

  /** A schema from its JSON form (`null` → no schema). */
  toSchema(node: JsonNode | undefined): Schema | null {
    if (node === null || node === undefined) return null;
    if (!isObject(node)) throw new DataError('Schema must be a JSON object');
    const type = own(node, 'type');
    if (typeof type !== 'string') throw new DataError("Schema must contain 'type' field");
    const builder = this.builderFor(type, node);
    if (own(node, 'optional') === true) builder.optional();
    else builder.required();
    const name = own(node, 'name');
    if (typeof name === 'string') builder.name(name);
    const version = own(node, 'version');
    if ((typeof version === 'number' && Number.isInteger(version)) || typeof version === 'bigint') builder.version(Number(version));
    const doc = own(node, 'doc');
    if (typeof doc === 'string') builder.doc(doc);
    const params = own(node, 'parameters');
    if (isObject(params)) {
      for (const [k, v] of Object.entries(params)) {
        if (typeof v !== 'string') throw new DataError('Schema parameters must have string values.');
        builder.parameter(k, v);
      }
    }
    const defaultNode = own(node, 'default');
    if (defaultNode !== undefined && defaultNode !== null) builder.defaultValue(this.value(builder.build(), defaultNode));
    return builder.build();
  }

  private builderFor(type: string, node: JsonObject): SchemaBuilder {
    switch (type) {
      case 'boolean':
        return SchemaBuilder.bool();
      case 'int8':
        return SchemaBuilder.int8();
      case 'int16':
        return SchemaBuilder.int16();
      case 'int32':
        return SchemaBuilder.int32();
      case 'int64':
        return SchemaBuilder.int64();
      case 'float':
        return SchemaBuilder.float32();
      case 'double':
        return SchemaBuilder.float64();
      case 'bytes':
        return SchemaBuilder.bytes();
      case 'string':
        return SchemaBuilder.string();
      case 'array': {
        const items = own(node, 'items');
        if (items === undefined || items === null) throw new DataError('Array schema did not specify the element type');
        return SchemaBuilder.array(this.toSchema(items) as Schema);
      }
      case 'map': {
        const keys = own(node, 'keys');
        if (keys === undefined || keys === null) throw new DataError('Map schema did not specify the key type');
        const values = own(node, 'values');
        if (values === undefined || values === null) throw new DataError('Map schema did not specify the value type');
        return SchemaBuilder.map(this.toSchema(keys) as Schema, this.toSchema(values) as Schema);
      }
      case 'struct': {
        const builder = SchemaBuilder.struct();
        const fields = own(node, 'fields');
        if (!Array.isArray(fields)) throw new DataError('Struct schema\'s "fields" argument is not an array.');
        for (const field of fields) {
          const fieldName = isObject(field) ? own(field, 'field') : undefined;
          if (typeof fieldName !== 'string') throw new DataError("Struct schema's field name not specified properly");
          builder.field(fieldName, this.toSchema(field) as Schema);
        }
        return builder;
      }
      default:
        throw new DataError(`Unknown schema type: ${type}`);
    }
  }

  /** A value of the given schema (or, without schema, the JSON value itself with plain numbers). */
  value(schema: Schema | null, node: JsonNode | undefined): unknown {
    if (schema === null) return schemaless(node);
    if (node === null || node === undefined) {
      if (schema.defaultValue !== undefined && this.options.replaceNullWithDefault) return schema.defaultValue;
      if (schema.optional) return null;
      throw new DataError(`Invalid null value for required ${schema.type} field`);
    }
    switch (schema.name) {
      case DECIMAL_LOGICAL_NAME:
        return decimal(schema, node);
      case DATE_LOGICAL_NAME:
        return ConnectDate.toLogical(schema, int32(node, 'Date'));
      case TIME_LOGICAL_NAME:
        return ConnectTime.toLogical(schema, int32(node, 'Time'));
      case TIMESTAMP_LOGICAL_NAME: {
        const millis = integral(node);
        if (millis === undefined) throw new DataError(`Invalid type for Timestamp, underlying representation should be integral but was ${kind(node)}`);
        return ConnectTimestamp.toLogical(schema, millis);
      }
      default:
        break;
    }
    switch (schema.type) {
      case 'BOOLEAN':
        if (typeof node !== 'boolean') throw mismatch(schema, node);
        return node;
      case 'INT8':
      case 'INT16':
      case 'INT32': {
        const n = integral(node);
        const [min, max] = INT_RANGES[schema.type];
        if (typeof n !== 'number' || n < min || n > max) throw mismatch(schema, node);
        return n;
      }
      case 'INT64': {
        const n = integral(node);
        if (n === undefined || (typeof n === 'bigint' && (n < INT64_MIN || n > INT64_MAX))) throw mismatch(schema, node);
        return n;
      }
      case 'FLOAT32':
      case 'FLOAT64':
        if (typeof node === 'number') return node;
        if (node instanceof JsonFraction) return node.toNumber();
        if (typeof node === 'bigint') return Number(node);
        // Non-finite values are written as quoted strings (as Jackson does) and must read back.
        if (node === 'NaN' || node === 'Infinity' || node === '-Infinity') return Number(node);
        throw mismatch(schema, node);
      case 'STRING':
        if (typeof node !== 'string') throw mismatch(schema, node);
        return node;
      case 'BYTES':
        if (typeof node !== 'string') throw mismatch(schema, node);
        return Buffer.from(node, 'base64');
      case 'ARRAY': {
        if (!Array.isArray(node)) throw mismatch(schema, node);
        const element = schema.valueSchema;
        return node.map((e) => this.value(element, e));
      }
      case 'MAP':
        return this.map(schema, node);
      case 'STRUCT':
        return this.struct(schema, node);
    }
  }

  private map(schema: Schema, node: JsonNode): unknown {
    const keySchema = schema.keySchema;
    const valueSchema = schema.valueSchema;
    if (keySchema.type === 'STRING') {
      if (!isObject(node)) throw new DataError(`Maps with string fields should be encoded as JSON objects, but found ${kind(node)}`);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node)) setOwn(out, key, this.value(valueSchema, node[key]));
      return out;
    }
    if (!Array.isArray(node)) {
      throw new DataError(`Maps with non-string fields should be encoded as JSON array of tuples, but found ${kind(node)}`);
    }
    const out = new Map<unknown, unknown>();
    for (const entry of node) {
      if (!Array.isArray(entry)) throw new DataError(`Found invalid map entry instead of array tuple: ${kind(entry)}`);
      if (entry.length !== 2) throw new DataError(`Found invalid map entry, expected length 2 but found :${entry.length}`);
      out.set(this.value(keySchema, entry[0]), this.value(valueSchema, entry[1]));
    }
    return out;
  }

  private struct(schema: Schema, node: JsonNode): Struct {
    if (!isObject(node)) throw new DataError(`Structs should be encoded as JSON objects, but found ${kind(node)}`);
    const fields = schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as (typeof fields)[number];
      try {
        values[i] = this.value(f.schema, own(node, f.name));
      } catch (err) {
        throw withField(err, f.name);
      }
    }
    return Struct.fromValidatedValues(schema, values);
  }
}

/** The JSON value as Connect data without schema: fractions become numbers, objects stay plain objects. */
export function schemaless(node: JsonNode | undefined): unknown {
  if (node === undefined || node === null) return null;
  if (typeof node !== 'object') return node;
  if (node instanceof JsonFraction) return node.toNumber();
  if (Array.isArray(node)) return node.map(schemaless);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node)) setOwn(out, key, schemaless(node[key]));
  return out;
}

function decimal(schema: Schema, node: JsonNode): BigDecimal {
  let value: BigDecimal;
  if (typeof node === 'string') {
    try {
      return Decimal.toLogical(schema, Buffer.from(node, 'base64'));
    } catch (err) {
      throw new DataError('Invalid bytes for Decimal field', { cause: err });
    }
  } else if (node instanceof JsonFraction) {
    value = BigDecimal.parse(node.text);
  } else if (typeof node === 'bigint') {
    value = new BigDecimal(node, 0);
  } else if (typeof node === 'number') {
    value = Number.isSafeInteger(node) ? BigDecimal.of(node) : BigDecimal.fromNumber(node);
  } else {
    throw new DataError(`Invalid type for Decimal, underlying representation should be numeric or bytes but was ${kind(node)}`);
  }
  // A NUMERIC decimal keeps its written digits; bring it to the schema's scale when that loses nothing.
  try {
    return value.withScale(Decimal.scaleOf(schema));
  } catch {
    return value;
  }
}

function int32(node: JsonNode, logical: string): number {
  const n = integral(node);
  if (typeof n !== 'number' || n < -2147483648 || n > 2147483647) {
    throw new DataError(`Invalid type for ${logical}, underlying representation should be integer but was ${kind(node)}`);
  }
  return n;
}

/** The integer a JSON number denotes (number or, beyond 2^53, bigint), or undefined when it is not integral. */
function integral(node: JsonNode): number | bigint | undefined {
  if (typeof node === 'number') return Number.isInteger(node) ? node : undefined;
  if (typeof node === 'bigint') return node;
  if (node instanceof JsonFraction) {
    const d = BigDecimal.parse(node.text);
    let whole: BigDecimal;
    try {
      whole = d.withScale(0);
    } catch {
      return undefined;
    }
    const n = Number(whole.unscaled);
    return Number.isSafeInteger(n) ? n : whole.unscaled;
  }
  return undefined;
}

function isObject(node: JsonNode | undefined): node is JsonObject {
  return node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof JsonFraction);
}

function own(node: JsonObject, key: string): JsonNode | undefined {
  return Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function kind(node: JsonNode | undefined): string {
  if (node === null || node === undefined) return 'NULL';
  if (Array.isArray(node)) return 'ARRAY';
  if (node instanceof JsonFraction || typeof node === 'number' || typeof node === 'bigint') return 'NUMBER';
  if (typeof node === 'object') return 'OBJECT';
  return typeof node === 'string' ? 'STRING' : 'BOOLEAN';
}

function mismatch(schema: Schema, node: JsonNode): DataError {
  return new DataError(`Invalid JSON ${kind(node)} for schema type ${schema.type}`);
}
