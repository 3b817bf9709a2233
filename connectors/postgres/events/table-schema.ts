/**
 * Everything needed to turn one relation's rows into records: its topic, key schema (`<topic>.Key`, or none
 * without key columns), value schema (`<topic>.Value`, optional), envelope, and the row → Struct conversions.
 */
import { DataError, type Schema, SchemaBuilder, Struct, validateValue } from '../../../connect-runtime/api';
import type { ColumnFilter, KeyColumnsSelector } from './column-filters';
import { type ColumnConverter, type DroppedColumn, mapColumn } from './column-converter';
import { Envelope } from './envelope';
import type { ValueMappingOptions } from './events-options';
import type { PgRelation, PgRow, PgTypeLookup } from './pg-column';
import { SourceBlockBuilder } from './source-block';
import { POSTGRES_SOURCE_SCHEMA } from './source-info';
import { dataTopicName } from './topic-names';

export interface TableSchemaOptions {
  topicPrefix: string;
  mapping: ValueMappingOptions;
  /** Resolves OIDs of non-built-in types (enums, domains, arrays of them, hstore, ltree, citext...). */
  types?: PgTypeLookup;
  /** Value columns to keep (`column.include.list`/`column.exclude.list`); key columns are kept regardless. */
  columnFilter?: ColumnFilter;
  /** Key columns instead of the primary key (`message.key.columns`). */
  keyColumns?: KeyColumnsSelector;
}

export class TableSchema {
  readonly topic: string;
  readonly keySchema: Schema | null;
  readonly valueSchema: Schema;
  readonly envelope: Envelope;
  /** Columns left out because their type cannot be mapped. */
  readonly dropped: readonly DroppedColumn[];
  /** Non-fatal notes from building the schema (e.g. defaults that could not be parsed). */
  readonly warnings: readonly string[];
  /**
   * Builds the source blocks of this table's events (see SourceBlockBuilder). For changeRecords only.
   * @internal
   */
  readonly sourceBlocks: SourceBlockBuilder;
  private readonly keyConverters: readonly ColumnConverter[];
  private readonly valueConverters: readonly ColumnConverter[];

  constructor(
    readonly relation: PgRelation,
    options: TableSchemaOptions,
  ) {
    const { schema, table, columns } = relation;
    this.topic = dataTopicName(options.topicPrefix, schema, table);
    const converters: ColumnConverter[] = [];
    const dropped: DroppedColumn[] = [];
    const warnings: string[] = [];
    columns.forEach((column, position) => {
      const mapping = mapColumn(column, position, { mapping: options.mapping, types: options.types });
      if (mapping.mapped) {
        converters.push(mapping.converter);
        warnings.push(...mapping.warnings);
      } else {
        dropped.push(mapping.dropped);
        warnings.push(`Column ${schema}.${table}.${column.name} of type ${mapping.dropped.typeName} is left out of change events: ${mapping.dropped.reason}`);
      }
    });
    this.dropped = dropped;
    this.warnings = warnings;

    const keyNames = options.keyColumns?.(schema, table, columns.map((c) => c.name));
    this.keyConverters =
      keyNames === undefined
        ? converters.filter((c) => c.column.isKey)
        : keyNames.flatMap((name) => converters.filter((c) => c.column.name === name));
    const filter = options.columnFilter;
    this.valueConverters = filter === undefined ? converters : converters.filter((c) => filter(schema, table, c.column.name));

    if (this.keyConverters.length === 0) {
      this.keySchema = null;
    } else {
      const key = SchemaBuilder.struct().name(`${this.topic}.Key`);
      for (const c of this.keyConverters) key.field(c.column.name, c.schema);
      this.keySchema = key.build();
    }
    const value = SchemaBuilder.struct().name(`${this.topic}.Value`);
    for (const c of this.valueConverters) value.field(c.column.name, c.schema);
    this.valueSchema = value.optional().build();
    this.sourceBlocks = new SourceBlockBuilder(schema, table);
    this.envelope = Envelope.forTable({ name: `${this.topic}.Envelope`, valueSchema: this.valueSchema, sourceSchema: POSTGRES_SOURCE_SCHEMA });
  }

  /** The key of a row, or null when the table has no key columns. */
  key(row: PgRow): Struct | null {
    if (this.keySchema === null) return null;
    return this.fill(this.keySchema, this.keyConverters, row, undefined);
  }

  /**
   * The value struct of a row. `previous` is the old tuple of an update, whose values replace unchanged TOAST
   * values of the new tuple.
   */
  value(row: PgRow, previous?: PgRow | null): Struct {
    return this.fill(this.valueSchema, this.valueConverters, row, previous ?? undefined);
  }

  /**
   * The struct of the converters' columns, one field per converter in schema order. Each value is validated as
   * Struct.put validates it (validateValue with the field's schema and name, so errors read the same), without
   * put's field lookup by name.
   */
  private fill(schema: Schema, converters: readonly ColumnConverter[], row: PgRow, previous: PgRow | undefined): Struct {
    if (row.length !== this.relation.columns.length) {
      throw new DataError(
        `Row of ${row.length} values does not match the ${this.relation.columns.length} columns of ${this.relation.schema}.${this.relation.table}`,
      );
    }
    const values = new Array<unknown>(converters.length);
    for (let i = 0; i < converters.length; i++) {
      const c = converters[i] as ColumnConverter;
      const value = c.convert(row[c.position] as PgRow[number], previous?.[c.position]);
      validateValue(c.schema, value, c.column.name);
      values[i] = value ?? null;
    }
    // Safe: the schema's fields are exactly these converters' schemas in this order (see the constructor), and
    // every value was validated against its field schema above.
    return Struct.fromValidatedValues(schema, values);
  }
}

export function buildTableSchema(relation: PgRelation, options: TableSchemaOptions): TableSchema {
  return new TableSchema(relation, options);
}
