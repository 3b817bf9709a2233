/**
 * What a record asks of the sink, independent of any table: upsert a row, delete by key, truncate, or nothing.
 *
 * Flat records (a Struct value, or a plain map from schemaless JSON) are rows; a null value (tombstone) is a delete.
 * Debezium change events are recognised by their shape (`op` and a `source` block, with `before`/`after`) and
 * unwrapped natively: c, r and u write `after`; d deletes by the record key; t truncates; m (logical decoding
 * messages) carries no row and is skipped.
 */
import { DataError, type Field, isPlainObject, Schema, type SinkRecord, Struct } from '../../../connect-runtime/api';
import { normalizeIdentifier, type TableId } from './identifiers';
import type { PrimaryKeyMode } from './sink-config';
import type { NamingContext, TableNameResolver } from './table-naming';

/** One column's value as the record carries it. */
export interface ColumnValue {
  /** The column name (after case folding and truncation). */
  readonly column: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

export type ChangeEvent =
  | { readonly op: 'upsert'; readonly record: SinkRecord; readonly table: TableId; readonly key: readonly ColumnValue[]; readonly values: readonly ColumnValue[] }
  | { readonly op: 'delete'; readonly record: SinkRecord; readonly table: TableId; readonly key: readonly ColumnValue[] }
  | { readonly op: 'truncate'; readonly record: SinkRecord; readonly table: TableId }
  | { readonly op: 'skip'; readonly record: SinkRecord; readonly reason: string };

export interface ChangeDecoderOptions {
  primaryKeyMode: PrimaryKeyMode;
  primaryKeyFields: readonly string[];
  deleteEnabled: boolean;
  truncateEnabled: boolean;
  keepIdentifierCase: boolean;
  tableNames: TableNameResolver;
}

/** Columns of primary.key.mode=kafka, as Debezium's and Confluent's JDBC sinks name them. */
export const KAFKA_KEY_COLUMNS = { topic: '__connect_topic', partition: '__connect_partition', offset: '__connect_offset' } as const;

/**
 * A row-like value: its field names, schemas (null without one) and values, in order. For a Struct, names and schemas
 * are the schema's own arrays (made once per schema) and `schema` is the struct schema, which makes the row's column
 * layout cacheable; Maps and plain objects have `schema` null.
 */
interface Row {
  readonly schema: Schema | null;
  readonly names: readonly string[];
  readonly schemas: readonly (Schema | null)[];
  readonly values: readonly unknown[];
}

/** The parts of a Debezium envelope the sink uses. */
interface Envelope {
  readonly op: string;
  readonly after: Row | null;
  /** The `source` block's struct or plain object (read only when the table name format needs it). */
  readonly source: unknown;
}

/** Where an envelope schema keeps the fields the sink reads, or null when a struct of that schema is no envelope. */
interface EnvelopeFields {
  readonly op: Field;
  readonly source: Field;
  readonly after: Field | undefined;
  readonly before: Field | undefined;
}

/** Which fields of a row become which columns, given its key columns: or the error the row's fields cause. */
type ColumnLayout = { readonly fields: readonly number[]; readonly columns: readonly string[] } | { readonly error: string };

/** Column names are normalised once per field name; schemaless maps with ever-new keys cannot grow this forever. */
const MAX_CACHED_COLUMN_NAMES = 10_000;
/** Key column lists remembered per row schema (more only with keys of ever-changing shape). */
const MAX_LAYOUTS_PER_SCHEMA = 16;
/** Resolved table names per topic, when the format does not depend on the record; bounded the same way. */
const MAX_CACHED_TABLES = 10_000;

/** Field names and schemas of struct schemas, shared by every decoder (a pure function of the immutable schema). */
const rowShapes = new WeakMap<Schema, { names: readonly string[]; schemas: readonly Schema[] }>();
const envelopeShapes = new WeakMap<Schema, EnvelopeFields | null>();

export class ChangeDecoder {
  private readonly columnNames = new Map<string, string>();
  /** Per topic, when table.name.format has no ${source.*} placeholder and so depends on the topic alone. */
  private readonly tables = new Map<string, TableId>();
  /** Per row schema, per key column list: the row's column layout (a pure function of the two, see layout()). */
  private readonly layouts = new WeakMap<Schema, { keyColumns: readonly string[]; layout: ColumnLayout }[]>();

  constructor(private readonly options: ChangeDecoderOptions) {}

  /** Decodes one record; throws a DataError (without record coordinates, the caller adds them) when it cannot. */
  decode(record: SinkRecord): ChangeEvent {
    const o = this.options;
    if (record.value === null || record.value === undefined) {
      if (!o.deleteEnabled) return { op: 'skip', record, reason: 'tombstone (delete.enabled=false)' };
      // The table of a tombstone cannot come from a source block it does not have; the delete event before it
      // already removed the row.
      if (o.tableNames.usesSource) return { op: 'skip', record, reason: 'tombstone with a ${source.*} table name format' };
      return { op: 'delete', record, table: this.table(record, null), key: this.recordKey(record) };
    }
    const envelope = asEnvelope(record.value);
    if (envelope === null) {
      const row = asRow(record.value, record.valueSchema);
      const table = this.table(record, null);
      return this.upsert(record, table, row);
    }
    switch (envelope.op) {
      case 'c':
      case 'r':
      case 'u': {
        if (envelope.after === null) throw new DataError(`Debezium event with op '${envelope.op}' has no 'after' row`);
        return this.upsert(record, this.table(record, envelope), envelope.after);
      }
      case 'd':
        if (!o.deleteEnabled) return { op: 'skip', record, reason: 'delete event (delete.enabled=false)' };
        return { op: 'delete', record, table: this.table(record, envelope), key: this.recordKey(record) };
      case 't':
        if (!o.truncateEnabled) return { op: 'skip', record, reason: 'truncate event (truncate.enabled=false)' };
        return { op: 'truncate', record, table: this.table(record, envelope) };
      case 'm':
        return { op: 'skip', record, reason: 'logical decoding message' };
      default:
        throw new DataError(`Unknown Debezium operation '${envelope.op}'`);
    }
  }

  private table(record: SinkRecord, envelope: Envelope | null): TableId {
    const names = this.options.tableNames;
    if (names.usesSource) {
      const context: NamingContext = { topic: record.topic, sourceField: envelope === null ? null : fieldReader(envelope.source) };
      return names.resolve(context);
    }
    // Without ${source.*} the name is a function of the topic alone (resolve reads nothing else), so it is resolved
    // once per topic; a format that fails to resolve throws every time, as it is never cached.
    let table = this.tables.get(record.topic);
    if (table === undefined) {
      table = names.resolve({ topic: record.topic, sourceField: null });
      if (this.tables.size >= MAX_CACHED_TABLES) this.tables.clear();
      this.tables.set(record.topic, table);
    }
    return table;
  }

  private upsert(record: SinkRecord, table: TableId, row: Row): ChangeEvent {
    const key = this.keyFor(record, row);
    const layout = this.layout(row, key);
    if ('error' in layout) throw new DataError(layout.error);
    const values: ColumnValue[] = new Array<ColumnValue>(layout.fields.length);
    for (let j = 0; j < values.length; j++) {
      const i = layout.fields[j] as number;
      values[j] = { column: layout.columns[j] as string, schema: row.schemas[i] ?? null, value: row.values[i] };
    }
    return { op: 'upsert', record, table, key, values };
  }

  /**
   * The row's fields other than the key columns, with their columns, in field order; or the error for two fields
   * that fold to one column. It depends only on the field names and the key columns, so for struct rows it is
   * worked out once per schema and key column list.
   */
  private layout(row: Row, key: readonly ColumnValue[]): ColumnLayout {
    if (row.schema === null) return this.computeLayout(row.names, key);
    let known = this.layouts.get(row.schema);
    if (known === undefined) {
      known = [];
      this.layouts.set(row.schema, known);
    }
    // A schema's rows nearly always have one key column list (that of their key schema): a short list to scan.
    for (const entry of known) if (sameColumns(entry.keyColumns, key)) return entry.layout;
    const layout = this.computeLayout(row.names, key);
    if (known.length < MAX_LAYOUTS_PER_SCHEMA) known.push({ keyColumns: key.map((k) => k.column), layout });
    return layout;
  }

  private computeLayout(names: readonly string[], key: readonly ColumnValue[]): ColumnLayout {
    const keyColumns = new Set(key.map((k) => k.column));
    const seen = new Set(keyColumns);
    const fields: number[] = [];
    const columns: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const column = this.column(names[i] as string);
      if (keyColumns.has(column)) continue;
      if (seen.has(column)) return { error: `Fields map to the same column "${column}" (names differ only in case?)` };
      seen.add(column);
      fields.push(i);
      columns.push(column);
    }
    return { fields, columns };
  }

  private keyFor(record: SinkRecord, row: Row): ColumnValue[] {
    switch (this.options.primaryKeyMode) {
      case 'none':
        return [];
      case 'kafka':
        return kafkaKey(record);
      case 'record_key':
        return this.recordKey(record);
      case 'record_value':
        return this.valueKey(row);
    }
  }

  /** The key columns from the record key: a struct's fields (or those named), or a primitive under the one name. */
  private recordKey(record: SinkRecord): ColumnValue[] {
    const wanted = this.options.primaryKeyFields;
    if (record.key === null || record.key === undefined) {
      throw new DataError('The record has no key, but primary.key.mode=record_key takes the primary key from it');
    }
    if (record.key instanceof Struct || isPlainObject(record.key) || record.key instanceof Map) {
      const row = asRow(record.key, record.keySchema);
      if (wanted.length === 0) {
        if (row.names.length === 0) throw new DataError('The record key has no fields to use as the primary key');
        const out = new Array<ColumnValue>(row.names.length);
        for (let i = 0; i < out.length; i++) out[i] = this.keyValue(row.names[i] as string, row.schemas[i] ?? null, row.values[i]);
        return out;
      }
      const picked = wanted.map((name) => {
        const i = row.names.indexOf(name);
        if (i < 0) throw new DataError(`The record key has no field "${name}" named in primary.key.fields`);
        return i;
      });
      return picked.map((i) => this.keyValue(row.names[i] as string, row.schemas[i] ?? null, row.values[i]));
    }
    const name = wanted[0];
    if (name === undefined) {
      throw new DataError('The record key is a primitive value: primary.key.fields must name its column');
    }
    return [this.keyValue(name, record.keySchema, record.key)];
  }

  private valueKey(row: Row): ColumnValue[] {
    return this.options.primaryKeyFields.map((name) => {
      const i = row.names.indexOf(name);
      if (i < 0) throw new DataError(`The record value has no field "${name}" named in primary.key.fields`);
      return this.keyValue(name, row.schemas[i] ?? null, row.values[i]);
    });
  }

  private keyValue(name: string, schema: Schema | null, value: unknown): ColumnValue {
    const column = this.column(name);
    if (value === null || value === undefined) throw new DataError(`Primary key column "${column}" is null`);
    return { column, schema, value };
  }

  private column(name: string): string {
    let column = this.columnNames.get(name);
    if (column === undefined) {
      column = normalizeIdentifier(name, this.options.keepIdentifierCase);
      if (this.columnNames.size >= MAX_CACHED_COLUMN_NAMES) this.columnNames.clear();
      this.columnNames.set(name, column);
    }
    return column;
  }
}

function sameColumns(columns: readonly string[], key: readonly ColumnValue[]): boolean {
  if (columns.length !== key.length) return false;
  for (let i = 0; i < columns.length; i++) if (columns[i] !== (key[i] as ColumnValue).column) return false;
  return true;
}

function kafkaKey(record: SinkRecord): ColumnValue[] {
  return [
    { column: KAFKA_KEY_COLUMNS.topic, schema: Schema.STRING_SCHEMA, value: record.topic },
    { column: KAFKA_KEY_COLUMNS.partition, schema: Schema.INT32_SCHEMA, value: record.kafkaPartition },
    { column: KAFKA_KEY_COLUMNS.offset, schema: Schema.INT64_SCHEMA, value: record.kafkaOffset },
  ];
}

/** The fields of a Struct, Map or plain object. Struct defaults are not applied: a NULL in the source stays NULL. */
function asRow(value: unknown, schema: Schema | null): Row {
  if (value instanceof Struct) {
    const shape = rowShape(value.schema);
    const fields = value.schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) values[i] = value.getWithoutDefault(fields[i] as Field);
    return { schema: value.schema, names: shape.names, schemas: shape.schemas, values };
  }
  if (value instanceof Map) {
    const valueSchema = schema?.type === 'MAP' ? schema.valueSchema : null;
    const names: string[] = [];
    const values: unknown[] = [];
    for (const [k, v] of value) {
      names.push(String(k));
      values.push(v);
    }
    return { schema: null, names, schemas: names.map(() => valueSchema), values };
  }
  if (isPlainObject(value)) {
    const names = Object.keys(value);
    return { schema: null, names, schemas: names.map(() => null), values: names.map((k) => value[k]) };
  }
  throw new DataError(`Expected a struct or map to write as a row, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

function rowShape(schema: Schema): { names: readonly string[]; schemas: readonly Schema[] } {
  let shape = rowShapes.get(schema);
  if (shape === undefined) {
    shape = { names: schema.fields.map((f) => f.name), schemas: schema.fields.map((f) => f.schema) };
    rowShapes.set(schema, shape);
  }
  return shape;
}

/** The envelope view of a value when it has Debezium's shape, else null. */
function asEnvelope(value: unknown): Envelope | null {
  if (value instanceof Struct) {
    const fields = envelopeFields(value.schema);
    if (fields === null) return null;
    const opValue = value.getWithoutDefault(fields.op);
    if (typeof opValue !== 'string') return null;
    if (fields.after === undefined && fields.before === undefined && opValue !== 't' && opValue !== 'm') return null;
    const after = fields.after === undefined ? null : value.getWithoutDefault(fields.after);
    return {
      op: opValue,
      after: after === null ? null : asRow(after, fields.after?.schema ?? null),
      source: value.getWithoutDefault(fields.source),
    };
  }
  if (isPlainObject(value)) {
    const op = value['op'];
    if (typeof op !== 'string' || !isPlainObject(value['source'])) return null;
    if (!('after' in value) && !('before' in value) && op !== 't' && op !== 'm') return null;
    const after = value['after'];
    return { op, after: after === null || after === undefined ? null : asRow(after, null), source: value['source'] };
  }
  return null;
}

/** The fields of an envelope schema: `op` a string and `source` a struct, with `after` and `before` where present. */
function envelopeFields(schema: Schema): EnvelopeFields | null {
  let fields = envelopeShapes.get(schema);
  if (fields === undefined) {
    const op = schema.field('op');
    const source = schema.field('source');
    fields = op?.schema.type !== 'STRING' || source?.schema.type !== 'STRUCT' ? null : { op, source, after: schema.field('after'), before: schema.field('before') };
    envelopeShapes.set(schema, fields);
  }
  return fields;
}

function fieldReader(source: unknown): (field: string) => string | undefined {
  return (field) => {
    let v: unknown;
    if (source instanceof Struct) v = source.schema.field(field) === undefined ? undefined : source.getWithoutDefault(field);
    else if (isPlainObject(source)) v = source[field];
    return v === null || v === undefined ? undefined : String(v);
  };
}
