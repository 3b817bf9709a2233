/**
 * One column's field: its final schema (optional per NOT NULL, literal default) and the conversion of its pgoutput
 * values, including Debezium's handling of NULL in NOT NULL columns (the default, else the type's zero) and of
 * unchanged TOAST values (the old row's value when the update carried one, else a type-shaped placeholder).
 */
import { DataError, type Schema } from '../../../connect-runtime/api';
import { resolveCodec } from './codec-resolver';
import type { ValueMappingOptions } from './events-options';
import { type PgColumn, type PgColumnValue, type PgTypeLookup, UNCHANGED_TOAST } from './pg-column';
import { toastPlaceholder } from './toast-placeholder';
import type { ValueCodec } from './value-codec';

export interface ColumnConverter {
  readonly column: PgColumn;
  /** Index of the column in the relation (and so in rows). */
  readonly position: number;
  readonly schema: Schema;
  /** The PostgreSQL type name the column was mapped from. */
  readonly typeName: string;
  /**
   * The Connect value of one column value. `previous` is the same column in the update's old tuple (REPLICA
   * IDENTITY FULL), used when the new value is an unchanged TOAST value.
   */
  convert(value: PgColumnValue, previous?: PgColumnValue): unknown;
}

/** A column that cannot be mapped and is left out of key and value, as Debezium does (with a warning). */
export interface DroppedColumn {
  readonly column: PgColumn;
  readonly position: number;
  readonly typeName: string;
  readonly reason: string;
}

export type ColumnMapping = { mapped: true; converter: ColumnConverter; warnings: string[] } | { mapped: false; dropped: DroppedColumn };

export interface MapColumnOptions {
  mapping: ValueMappingOptions;
  types?: PgTypeLookup;
}

function describe(column: PgColumn, typeName: string): string {
  return `column "${column.name}" (${typeName})`;
}

class CodecColumnConverter implements ColumnConverter {
  private readonly placeholder: unknown;

  constructor(
    readonly column: PgColumn,
    readonly position: number,
    readonly schema: Schema,
    readonly typeName: string,
    private readonly codec: ValueCodec,
    options: ValueMappingOptions,
  ) {
    this.placeholder = toastPlaceholder(codec.toast, schema, options);
  }

  convert(value: PgColumnValue, previous?: PgColumnValue): unknown {
    if (value === UNCHANGED_TOAST) {
      if (typeof previous === 'string') return this.parse(previous);
      return this.placeholder !== undefined ? this.placeholder : this.nullValue();
    }
    return value === null ? this.nullValue() : this.parse(value);
  }

  private nullValue(): unknown {
    if (this.column.optional) return null;
    return this.schema.defaultValue !== undefined ? this.schema.defaultValue : this.codec.fallback(this.schema);
  }

  private parse(text: string): unknown {
    try {
      return this.codec.parse(text, this.schema);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new DataError(`Cannot convert ${describe(this.column, this.typeName)}: ${reason}`, { field: this.column.name, cause: err });
    }
  }
}

/** Maps one column, or reports why it has to be dropped. */
export function mapColumn(column: PgColumn, position: number, options: MapColumnOptions): ColumnMapping {
  const resolution = resolveCodec({ oid: column.typeOid, typeModifier: column.typeModifier, options: options.mapping, types: options.types });
  if (!resolution.supported) {
    return { mapped: false, dropped: { column, position, typeName: resolution.typeName, reason: resolution.reason } };
  }
  const { codec, typeName } = resolution;
  const warnings: string[] = [];
  const builder = codec.schema();
  if (column.optional) builder.optional();
  // Struct-valued defaults are not set: a struct default would carry a schema without that very default, which no
  // longer equals the field schema it belongs to.
  if (column.defaultValueText !== undefined && column.defaultValueText !== null && builder.type !== 'STRUCT') {
    try {
      builder.defaultValue(codec.parse(column.defaultValueText, builder.build()));
    } catch (err) {
      // A default Debezium cannot parse is left off the schema; the column itself is still captured.
      warnings.push(`Ignoring default ${JSON.stringify(column.defaultValueText)} of ${describe(column, typeName)}: ${(err as Error).message}`);
    }
  }
  const schema = builder.build();
  return { mapped: true, converter: new CodecColumnConverter(column, position, schema, typeName, codec, options.mapping), warnings };
}
