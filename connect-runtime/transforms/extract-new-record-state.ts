/**
 * Debezium's ExtractNewRecordState (io.debezium.transforms.ExtractNewRecordState): turns a change event envelope
 * (`before`, `after`, `source`, `op`, `ts_ms`, `transaction`) into the row state after the change, so that sinks see
 * plain rows. Records whose value schema is not a Debezium envelope (name ending in `.Envelope`: heartbeats, schema
 * changes, schemaless records) pass through unchanged; truncate events (neither before nor after) are dropped.
 *
 *   delete.tombstone.handling.mode (and the older drop.tombstones / delete.handling.mode): see debezium-delete-handling.ts
 *   add.fields / add.fields.prefix     copy envelope attributes into the row, e.g. op,table,lsn,source.ts_ms → __op, ...
 *   add.headers / add.headers.prefix   the same as headers (a tombstone gets only the `op` header, with `d`)
 *   route.by.field                     the row field whose value becomes the topic
 *   replace.null.with.default          whether null columns read as their default when the row is rewritten
 */
import { type ConfigDef, type ConnectRecord, DataError, type Schema, SchemaBuilder, Struct, type Transformation } from '../api';
import { configDef, parseConfig, REPLACE_NULL_WITH_DEFAULT_CONFIG, REPLACE_NULL_WITH_DEFAULT_DEFINITION } from './config-util';
import { DELETE_HANDLING_DEFINITIONS, DELETE_HANDLING_MODE_CONFIG, type DeleteHandling, deleteHandlingFrom, DELETE_TOMBSTONE_HANDLING_MODE_CONFIG, DROP_TOMBSTONES_CONFIG } from './debezium-delete-handling';
import { FieldReference } from './debezium-field-reference';
import { InsertFieldValue } from './insert-field';
import { requireStruct } from './requirements';
import { copySchemaBasics, SchemaCache, structOf } from './schema-util';

export const EXTRACT_NEW_RECORD_STATE_CLASS = 'io.debezium.transforms.ExtractNewRecordState';

export const DELETED_FIELD = '__deleted';
const PURPOSE = 'source field insertion';

const CONFIG_DEF = configDef(
  ...DELETE_HANDLING_DEFINITIONS,
  { name: 'route.by.field', type: 'STRING', default: '', importance: 'LOW', width: 'LONG', documentation: 'The row field whose value replaces the topic name.' },
  { name: 'add.fields.prefix', type: 'STRING', default: '__', importance: 'LOW', width: 'SHORT', documentation: 'The prefix of the field names add.fields adds.' },
  {
    name: 'add.fields', type: 'LIST', default: '', importance: 'LOW', width: 'LONG',
    documentation: 'Envelope attributes to add to the row, e.g. op,table,source.ts_ms (→ __op, __table, __source_ts_ms); name:newName renames one.',
  },
  { name: 'add.headers.prefix', type: 'STRING', default: '__', importance: 'LOW', width: 'SHORT', documentation: 'The prefix of the header names add.headers adds.' },
  { name: 'add.headers', type: 'LIST', default: '', importance: 'LOW', width: 'LONG', documentation: 'Envelope attributes to add as headers, named as for add.fields.' },
  REPLACE_NULL_WITH_DEFAULT_DEFINITION,
);

interface AddFieldsPlan {
  readonly envelope: Schema;
  readonly schema: Schema;
  readonly references: readonly FieldReference[];
}

export class ExtractNewRecordState<R extends ConnectRecord<R>> implements Transformation<R> {
  private handling: DeleteHandling = { keepTombstones: false, deletes: 'null-value', rewrite: false };
  private addFields: readonly FieldReference[] = [];
  private addHeaders: readonly FieldReference[] = [];
  private routeByField: string | null = null;
  private markDeleted = new InsertFieldValue<R>();
  private markNotDeleted = new InsertFieldValue<R>();
  /** unwrapped row schema → operation → schema with the added fields. */
  private readonly plans = new SchemaCache<Map<string, AddFieldsPlan>>(64);

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.handling = deleteHandlingFrom(configs, {
      mode: config.getString(DELETE_TOMBSTONE_HANDLING_MODE_CONFIG) ?? 'tombstone',
      dropTombstones: config.getBoolean(DROP_TOMBSTONES_CONFIG) ?? true,
      legacyMode: config.getString(DELETE_HANDLING_MODE_CONFIG) ?? 'drop',
    });
    this.addFields = FieldReference.parseAll(config.getString('add.fields.prefix') ?? '', config.getList('add.fields') ?? []);
    this.addHeaders = FieldReference.parseAll(config.getString('add.headers.prefix') ?? '', config.getList('add.headers') ?? []);
    const route = config.getString('route.by.field') ?? '';
    this.routeByField = route === '' ? null : route;
    // The __deleted marker is InsertField$Value with a static field, exactly as Debezium delegates it.
    const replaceNull = String(config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true);
    this.markDeleted = new InsertFieldValue<R>();
    this.markDeleted.configure({ 'static.field': DELETED_FIELD, 'static.value': 'true', [REPLACE_NULL_WITH_DEFAULT_CONFIG]: replaceNull });
    this.markNotDeleted = new InsertFieldValue<R>();
    this.markNotDeleted.configure({ 'static.field': DELETED_FIELD, 'static.value': 'false', [REPLACE_NULL_WITH_DEFAULT_CONFIG]: replaceNull });
    this.plans.clear();
  }

  apply(record: R): R | null {
    const schema = record.valueSchema;
    const isEnvelope = schema !== null && schema.name !== undefined && schema.name.endsWith('.Envelope');
    if (record.value === null) {
      if (!this.handling.keepTombstones) return null;
      return this.addHeaders.length === 0 ? record : this.withHeaders(record, null);
    }
    if (!isEnvelope) return record;
    const envelope = requireStruct(record.value, 'extracting the new record state');
    const base = this.addHeaders.length === 0 ? record : this.withHeaders(record, envelope);
    const afterField = schema.field('after');
    if (afterField === undefined) throw new DataError('Unknown field: after', { field: 'after' });
    const beforeField = schema.field('before');
    const after = envelope.get(afterField);
    const before = beforeField === undefined ? null : envelope.get(beforeField);
    if (after === null && before === null) return null; // truncate

    if (after === null) {
      let deleted: R;
      switch (this.handling.deletes) {
        case 'drop':
          return null;
        case 'null-value':
          deleted = base.newRecord({ valueSchema: afterField.schema, value: null });
          break;
        case 'tombstone':
          deleted = base.newRecord({ valueSchema: null, value: null });
          break;
        default: {
          const old = base.newRecord({ valueSchema: beforeField?.schema ?? null, value: before });
          deleted = (old.value instanceof Struct ? this.markDeleted.apply(old) : old) as R;
        }
      }
      if (this.routeByField !== null && before instanceof Struct) deleted = this.routed(deleted, before.getString(this.routeByField));
      return deleted.value === null ? deleted : this.withAddedFields(envelope, deleted);
    }

    let row = base.newRecord({ valueSchema: afterField.schema, value: after });
    if (this.handling.rewrite && row.value instanceof Struct) row = this.markNotDeleted.apply(row) as R;
    if (this.routeByField !== null) row = this.routed(row, requireStruct(row.value, 'topic routing').getString(this.routeByField));
    return this.withAddedFields(envelope, row);
  }

  private withHeaders(record: R, envelope: Struct | null): R {
    const headers = record.headers.duplicate();
    for (const ref of this.addHeaders) {
      if (envelope === null) {
        if (ref.field === 'op') headers.addString(ref.newField, 'd');
        continue;
      }
      const schema = ref.schemaIn(envelope.schema);
      if (schema !== undefined) headers.add(ref.newField, ref.valueIn(envelope), schema);
    }
    return record.newRecord({ headers });
  }

  private routed(record: R, topic: string | null): R {
    return topic === null || topic.trim() === '' ? record : record.newRecord({ topic });
  }

  private withAddedFields(envelope: Struct, row: R): R {
    if (this.addFields.length === 0) return row;
    const value = requireStruct(row.value, PURPOSE);
    const opField = envelope.schema.field('op');
    const op = opField === undefined ? '' : String(envelope.getWithoutDefault(opField) ?? '');
    const byOp = this.plans.computeIfAbsent(value.schema, () => new Map());
    let plan = byOp.get(op);
    if (plan === undefined || (plan.envelope !== envelope.schema && !plan.envelope.equals(envelope.schema))) {
      plan = this.plan(value.schema, envelope.schema);
      byOp.set(op, plan);
    }
    const fields = value.schema.fields;
    const values = new Array<unknown>(fields.length + plan.references.length);
    for (let i = 0; i < fields.length; i++) values[i] = value.getWithoutDefault(fields[i]!);
    plan.references.forEach((ref, i) => {
      values[fields.length + i] = ref.valueIn(envelope);
    });
    return row.newRecord({ valueSchema: plan.schema, value: structOf(plan.schema, values) });
  }

  private plan(rowSchema: Schema, envelope: Schema): AddFieldsPlan {
    const builder = copySchemaBasics(rowSchema, SchemaBuilder.struct());
    for (const field of rowSchema.fields) builder.field(field.name, field.schema);
    const references: FieldReference[] = [];
    for (const ref of this.addFields) {
      const schema = ref.schemaIn(envelope);
      if (schema === undefined) continue;
      builder.field(ref.newField, schema);
      references.push(ref);
    }
    return { envelope, schema: builder.build(), references };
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.plans.clear();
    this.markDeleted.close();
    this.markNotDeleted.close();
  }
}

