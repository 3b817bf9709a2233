/** A value together with its schema, as converters and header parsers return them. Either may be null. */
import { type Schema, valuesEqual } from './schema';

export class SchemaAndValue {
  static readonly NULL: SchemaAndValue = new SchemaAndValue(null, null);

  constructor(
    readonly schema: Schema | null,
    readonly value: unknown,
  ) {}

  equals(other: unknown): boolean {
    if (!(other instanceof SchemaAndValue)) return false;
    const sameSchema = this.schema === other.schema || (this.schema !== null && this.schema.equals(other.schema));
    return sameSchema && valuesEqual(this.value, other.value);
  }
}
