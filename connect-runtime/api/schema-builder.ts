/**
 * Fluent construction of schemas, mirroring Kafka Connect's SchemaBuilder:
 *
 *   const schema = SchemaBuilder.struct().name('com.example.Order')
 *     .field('id', Schema.INT64_SCHEMA)
 *     .field('note', SchemaBuilder.string().optional())
 *     .build();
 *
 * Each property can be set once (setting it again to a different value throws, as in Kafka). Child schemas may be
 * given as built schemas or as builders.
 */
import { SchemaBuilderError } from './errors';
import { Schema, type SchemaType } from './schema';
import { validateValue } from './struct';

export type SchemaLike = Schema | SchemaBuilder;

export function toSchema(schema: SchemaLike): Schema {
  return schema instanceof SchemaBuilder ? schema.build() : schema;
}

export class SchemaBuilder {
  readonly type: SchemaType;
  private optionalValue: boolean | undefined;
  private defaultValueValue: unknown = undefined;
  private nameValue: string | undefined;
  private versionValue: number | undefined;
  private docValue: string | undefined;
  private parametersValue: Record<string, string> | undefined;
  private readonly fieldSchemas = new Map<string, Schema>();
  private keySchemaValue: Schema | undefined;
  private valueSchemaValue: Schema | undefined;
  private built: Schema | undefined;

  constructor(type: SchemaType) {
    this.type = type;
  }

  static type(type: SchemaType): SchemaBuilder {
    return new SchemaBuilder(type);
  }

  static int8(): SchemaBuilder {
    return new SchemaBuilder('INT8');
  }

  static int16(): SchemaBuilder {
    return new SchemaBuilder('INT16');
  }

  static int32(): SchemaBuilder {
    return new SchemaBuilder('INT32');
  }

  static int64(): SchemaBuilder {
    return new SchemaBuilder('INT64');
  }

  static float32(): SchemaBuilder {
    return new SchemaBuilder('FLOAT32');
  }

  static float64(): SchemaBuilder {
    return new SchemaBuilder('FLOAT64');
  }

  static bool(): SchemaBuilder {
    return new SchemaBuilder('BOOLEAN');
  }

  static string(): SchemaBuilder {
    return new SchemaBuilder('STRING');
  }

  static bytes(): SchemaBuilder {
    return new SchemaBuilder('BYTES');
  }

  static struct(): SchemaBuilder {
    return new SchemaBuilder('STRUCT');
  }

  static array(valueSchema: SchemaLike): SchemaBuilder {
    if (valueSchema == null) throw new SchemaBuilderError('valueSchema cannot be null.');
    const b = new SchemaBuilder('ARRAY');
    b.valueSchemaValue = toSchema(valueSchema);
    return b;
  }

  static map(keySchema: SchemaLike, valueSchema: SchemaLike): SchemaBuilder {
    if (keySchema == null) throw new SchemaBuilderError('keySchema cannot be null.');
    if (valueSchema == null) throw new SchemaBuilderError('valueSchema cannot be null.');
    const b = new SchemaBuilder('MAP');
    b.keySchemaValue = toSchema(keySchema);
    b.valueSchemaValue = toSchema(valueSchema);
    return b;
  }

  get isOptional(): boolean {
    return this.optionalValue ?? false;
  }

  get fieldNames(): string[] {
    return [...this.fieldSchemas.keys()];
  }

  optional(): this {
    this.checkCanSet('optional', this.optionalValue, true);
    this.optionalValue = true;
    return this.changed();
  }

  required(): this {
    this.checkCanSet('optional', this.optionalValue, false);
    this.optionalValue = false;
    return this.changed();
  }

  /** The default value; it is validated against the schema built so far. null means "no default". */
  defaultValue(value: unknown): this {
    if (value === null || value === undefined) return this;
    this.checkCanSet('default', this.defaultValueValue, value);
    try {
      validateValue(this.buildWith(undefined), value);
    } catch (err) {
      throw new SchemaBuilderError(`Invalid default value: ${(err as Error).message}`, { cause: err });
    }
    this.defaultValueValue = value;
    return this.changed();
  }

  name(name: string): this {
    this.checkCanSet('name', this.nameValue, name);
    this.nameValue = name;
    return this.changed();
  }

  version(version: number): this {
    if (!Number.isInteger(version)) throw new SchemaBuilderError(`Schema version must be an integer, got ${version}`);
    this.checkCanSet('version', this.versionValue, version);
    this.versionValue = version;
    return this.changed();
  }

  doc(doc: string): this {
    this.checkCanSet('doc', this.docValue, doc);
    this.docValue = doc;
    return this.changed();
  }

  parameter(name: string, value: string): this {
    this.parametersValue ??= {};
    this.parametersValue[name] = value;
    return this.changed();
  }

  parameters(params: Readonly<Record<string, string>>): this {
    this.parametersValue = { ...(this.parametersValue ?? {}), ...params };
    return this.changed();
  }

  field(name: string, schema: SchemaLike): this {
    if (this.type !== 'STRUCT') throw new SchemaBuilderError(`Cannot create fields on type ${this.type}`);
    if (name == null || name === '') throw new SchemaBuilderError('fieldName cannot be null.');
    if (schema == null) throw new SchemaBuilderError(`fieldSchema for field ${name} cannot be null.`);
    if (this.fieldSchemas.has(name)) {
      throw new SchemaBuilderError(`Cannot create field because of field name duplication ${name}`);
    }
    this.fieldSchemas.set(name, toSchema(schema));
    return this.changed();
  }

  /** The immutable schema. Repeated calls without changes in between return the same object. */
  build(): Schema {
    this.built ??= this.buildWith(this.defaultValueValue);
    return this.built;
  }

  /** Alias of build(), as in Kafka. */
  schema(): Schema {
    return this.build();
  }

  private buildWith(defaultValue: unknown): Schema {
    return new Schema({
      type: this.type,
      optional: this.optionalValue ?? false,
      defaultValue,
      name: this.nameValue,
      version: this.versionValue,
      doc: this.docValue,
      parameters: this.parametersValue,
      fields: this.type === 'STRUCT' ? [...this.fieldSchemas].map(([name, schema]) => ({ name, schema })) : undefined,
      keySchema: this.keySchemaValue,
      valueSchema: this.valueSchemaValue,
    });
  }

  private changed(): this {
    this.built = undefined;
    return this;
  }

  private checkCanSet(property: string, current: unknown, next: unknown): void {
    if (current !== undefined && current !== next) {
      throw new SchemaBuilderError(`Invalid SchemaBuilder call: ${property} has already been set.`);
    }
  }
}
