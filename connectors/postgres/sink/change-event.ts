/**
 * What a record asks of the sink, independent of any table: upsert a row, delete by key, truncate, or nothing.
 *
 * Flat records (a Struct value, or a plain map from schemaless JSON) are rows; a null value (tombstone) is a delete.
 * Debezium change events are recognised by their shape (`op` and a `source` block, with `before`/`after`) and
 * unwrapped natively: c, r and u write `after`; d deletes by the record key; t truncates; m (logical decoding
 * messages) carries no row and is skipped.
 */
import { DataError, isPlainObject, Schema, type SinkRecord, Struct } from '../../../connect-runtime/api';
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

/** A row-like value: its fields in order, with schemas when it has one. */
interface Row {
  readonly fields: ReadonlyArray<{ name: string; schema: Schema | null; value: unknown }>;
}

/** The parts of a Debezium envelope the sink uses. */
interface Envelope {
  readonly op: string;
  readonly after: Row | null;
  readonly source: (field: string) => string | undefined;
}

/** Column names are normalised once per field name; schemaless maps with ever-new keys cannot grow this forever. */
const MAX_CACHED_COLUMN_NAMES = 10_000;

export class ChangeDecoder {
  private readonly columnNames = new Map<string, string>();

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
    const naming = envelope.source;
    switch (envelope.op) {
      case 'c':
      case 'r':
      case 'u': {
        if (envelope.after === null) throw new DataError(`Debezium event with op '${envelope.op}' has no 'after' row`);
        return this.upsert(record, this.table(record, naming), envelope.after);
      }
      case 'd':
        if (!o.deleteEnabled) return { op: 'skip', record, reason: 'delete event (delete.enabled=false)' };
        return { op: 'delete', record, table: this.table(record, naming), key: this.recordKey(record) };
      case 't':
        if (!o.truncateEnabled) return { op: 'skip', record, reason: 'truncate event (truncate.enabled=false)' };
        return { op: 'truncate', record, table: this.table(record, naming) };
      case 'm':
        return { op: 'skip', record, reason: 'logical decoding message' };
      default:
        throw new DataError(`Unknown Debezium operation '${envelope.op}'`);
    }
  }

  private table(record: SinkRecord, source: ((field: string) => string | undefined) | null): TableId {
    const context: NamingContext = { topic: record.topic, sourceField: source };
    return this.options.tableNames.resolve(context);
  }

  private upsert(record: SinkRecord, table: TableId, row: Row): ChangeEvent {
    const key = this.keyFor(record, row);
    const keyColumns = new Set(key.map((k) => k.column));
    const values: ColumnValue[] = [];
    const seen = new Set(keyColumns);
    for (const f of row.fields) {
      const column = this.column(f.name);
      if (keyColumns.has(column)) continue;
      if (seen.has(column)) throw new DataError(`Fields map to the same column "${column}" (names differ only in case?)`);
      seen.add(column);
      values.push({ column, schema: f.schema, value: f.value });
    }
    return { op: 'upsert', record, table, key, values };
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
      const fields = asRow(record.key, record.keySchema).fields;
      const picked = wanted.length === 0 ? fields : wanted.map((name) => {
        const f = fields.find((x) => x.name === name);
        if (f === undefined) throw new DataError(`The record key has no field "${name}" named in primary.key.fields`);
        return f;
      });
      if (picked.length === 0) throw new DataError('The record key has no fields to use as the primary key');
      return picked.map((f) => this.keyValue(f.name, f.schema, f.value));
    }
    const name = wanted[0];
    if (name === undefined) {
      throw new DataError('The record key is a primitive value: primary.key.fields must name its column');
    }
    return [this.keyValue(name, record.keySchema, record.key)];
  }

  private valueKey(row: Row): ColumnValue[] {
    return this.options.primaryKeyFields.map((name) => {
      const f = row.fields.find((x) => x.name === name);
      if (f === undefined) throw new DataError(`The record value has no field "${name}" named in primary.key.fields`);
      return this.keyValue(f.name, f.schema, f.value);
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
    return { fields: value.schema.fields.map((f) => ({ name: f.name, schema: f.schema, value: value.getWithoutDefault(f) })) };
  }
  if (value instanceof Map) {
    return { fields: [...value.entries()].map(([k, v]) => ({ name: String(k), schema: schema?.type === 'MAP' ? schema.valueSchema : null, value: v })) };
  }
  if (isPlainObject(value)) {
    return { fields: Object.entries(value).map(([k, v]) => ({ name: k, schema: null, value: v })) };
  }
  throw new DataError(`Expected a struct or map to write as a row, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

/** The envelope view of a value when it has Debezium's shape, else null. */
function asEnvelope(value: unknown): Envelope | null {
  if (value instanceof Struct) {
    const s = value.schema;
    const op = s.field('op');
    const source = s.field('source');
    if (op?.schema.type !== 'STRING' || source?.schema.type !== 'STRUCT') return null;
    const opValue = value.getWithoutDefault(op);
    if (typeof opValue !== 'string') return null;
    if (s.field('after') === undefined && s.field('before') === undefined && opValue !== 't' && opValue !== 'm') return null;
    const after = s.field('after') === undefined ? null : value.getWithoutDefault('after');
    const sourceStruct = value.getWithoutDefault(source);
    return {
      op: opValue,
      after: after === null ? null : asRow(after, s.field('after')?.schema ?? null),
      source: fieldReader(sourceStruct),
    };
  }
  if (isPlainObject(value)) {
    const op = value['op'];
    if (typeof op !== 'string' || !isPlainObject(value['source'])) return null;
    if (!('after' in value) && !('before' in value) && op !== 't' && op !== 'm') return null;
    const after = value['after'];
    return { op, after: after === null || after === undefined ? null : asRow(after, null), source: fieldReader(value['source']) };
  }
  return null;
}

function fieldReader(source: unknown): (field: string) => string | undefined {
  return (field) => {
    let v: unknown;
    if (source instanceof Struct) v = source.schema.field(field) === undefined ? undefined : source.getWithoutDefault(field);
    else if (isPlainObject(source)) v = source[field];
    return v === null || v === undefined ? undefined : String(v);
  };
}
