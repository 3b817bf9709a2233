/**
 * Row changes → the records Debezium emits for them:
 *
 *   c / r   one record, after = new row
 *   u       one record, before = old row when the server sent one (REPLICA IDENTITY FULL), else null; when the
 *           key changed: a delete of the old key (header __debezium.newkey), its tombstone, and a create of the new
 *           key (header __debezium.oldkey)
 *   d       the delete, then a tombstone (same key, null value) when tombstones.on.delete
 *   t       one record with a null key and neither before nor after
 */
import {
  ConnectHeaders,
  type Schema,
  type SourceOffset,
  type SourcePartition,
  SourceRecord,
  type Struct,
} from '../../../connect-runtime/api';
import { type EnvelopeParts, Operation, type TransactionBlock } from './envelope';
import type { PgRow } from './pg-column';
import type { SourceInfo } from './source-info';
import type { TableSchema } from './table-schema';

export const PK_UPDATE_NEWKEY_HEADER = '__debezium.newkey';
export const PK_UPDATE_OLDKEY_HEADER = '__debezium.oldkey';

/**
 * The context headers of `extended.headers.enabled=true` (Debezium's default), added to every record after any
 * key-change header: `__debezium.context.connectorLogicalName`, `.taskId`, `.connectorName` and, when given, `.runId`.
 */
export interface ContextHeaders {
  /** topic.prefix. */
  connectorLogicalName: string;
  taskId: string;
  /** The connector plugin's name: `postgresql`. */
  connectorName: string;
  runId?: string;
}

/** One record to publish; the caller adds the source partition and offset (see toSourceRecord). */
export interface ChangeRecord {
  topic: string;
  keySchema: Schema | null;
  key: Struct | null;
  valueSchema: Schema | null;
  /** The envelope, or null for a tombstone. */
  value: Struct | null;
  headers: ConnectHeaders;
}

export type RowChange =
  | { op: 'c' | 'r'; after: PgRow }
  /** `before` is the old tuple: the full row (FULL identity) or the old key (key changed), if the server sent one. */
  | { op: 'u'; before?: PgRow | null; after: PgRow }
  | { op: 'd'; before: PgRow }
  | { op: 't' };

export interface ChangeContext {
  /** The source block, except the table names which come from the table schema. */
  source: Omit<SourceInfo, 'schema' | 'table'>;
  /** When the connector processed the event, in nanoseconds since the epoch (envelope ts_ms/us/ns). */
  processedAtNs: bigint;
  transaction?: TransactionBlock | null;
  /** tombstones.on.delete (default true in Debezium). */
  tombstonesOnDelete: boolean;
  /** Context headers for every record; leave out when extended.headers.enabled=false. */
  contextHeaders?: ContextHeaders;
}

function withContextHeaders(headers: ConnectHeaders, context: ContextHeaders | undefined): ConnectHeaders {
  if (context === undefined) return headers;
  headers.addString('__debezium.context.connectorLogicalName', context.connectorLogicalName);
  headers.addString('__debezium.context.taskId', context.taskId);
  headers.addString('__debezium.context.connectorName', context.connectorName);
  if (context.runId !== undefined) headers.addString('__debezium.context.runId', context.runId);
  return headers;
}

/** The tombstone that follows a delete: same topic, key and headers, null value and value schema. */
export function tombstoneFor(record: ChangeRecord): ChangeRecord {
  return { ...record, valueSchema: null, value: null, headers: record.headers.duplicate() };
}

function keysEqual(a: Struct | null, b: Struct | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** One record of a change; truncate events carry no key, and so no key schema either. */
function record(
  table: TableSchema,
  op: RowChange['op'],
  key: Struct | null,
  value: Struct,
  headers: ConnectHeaders,
  context: ChangeContext,
): ChangeRecord {
  return {
    topic: table.topic,
    keySchema: op === 't' ? null : table.keySchema,
    key,
    valueSchema: table.envelope.schema,
    value,
    headers: withContextHeaders(headers, context.contextHeaders),
  };
}

function withTombstone(deletion: ChangeRecord, context: ChangeContext): ChangeRecord[] {
  return context.tombstonesOnDelete ? [deletion, tombstoneFor(deletion)] : [deletion];
}

/**
 * The records of one row change in one table.
 *
 * Hot path (one call per captured row): no closures or object spreads per call; the source block comes from the
 * table's SourceBlockBuilder and envelopes from Envelope.trusted, both of which fall back to the validating
 * builders for anything they cannot vouch for.
 */
export function changeRecords(table: TableSchema, change: RowChange, context: ChangeContext): ChangeRecord[] {
  const parts: EnvelopeParts = {
    source: table.sourceBlocks.build(context.source),
    processedAtNs: context.processedAtNs,
    transaction: context.transaction ?? null,
  };
  const envelope = table.envelope;
  switch (change.op) {
    case 'r':
    case 'c': {
      const key = table.key(change.after);
      const value = envelope.trusted(change.op, null, table.value(change.after), parts);
      return [record(table, change.op, key, value, new ConnectHeaders(), context)];
    }
    case 'u': {
      const before = change.before ?? null;
      const newKey = table.key(change.after);
      const after = table.value(change.after, before);
      if (before !== null) {
        const oldKey = table.key(before);
        if (!keysEqual(oldKey, newKey)) {
          // The key changed: Debezium emits the old row's deletion and the new row's creation instead of an update.
          const deleteHeaders = new ConnectHeaders();
          if (newKey !== null && table.keySchema !== null) deleteHeaders.add(PK_UPDATE_NEWKEY_HEADER, newKey, table.keySchema);
          const createHeaders = new ConnectHeaders();
          if (oldKey !== null && table.keySchema !== null) createHeaders.add(PK_UPDATE_OLDKEY_HEADER, oldKey, table.keySchema);
          const deletion = envelope.trusted(Operation.DELETE, table.value(before), null, parts);
          return [
            ...withTombstone(record(table, change.op, oldKey, deletion, deleteHeaders, context), context),
            record(table, change.op, newKey, envelope.trusted(Operation.CREATE, null, after, parts), createHeaders, context),
          ];
        }
      }
      const value = envelope.trusted(Operation.UPDATE, before === null ? null : table.value(before), after, parts);
      return [record(table, change.op, newKey, value, new ConnectHeaders(), context)];
    }
    case 'd': {
      const key = table.key(change.before);
      const value = envelope.trusted(Operation.DELETE, table.value(change.before), null, parts);
      return withTombstone(record(table, change.op, key, value, new ConnectHeaders(), context), context);
    }
    case 't':
      return [record(table, change.op, null, envelope.trusted(Operation.TRUNCATE, null, null, parts), new ConnectHeaders(), context)];
  }
}

/** A ChangeRecord as the SourceRecord a SourceTask returns. */
export function toSourceRecord(
  record: ChangeRecord,
  position: { sourcePartition: SourcePartition; sourceOffset: SourceOffset; timestamp?: number | null },
): SourceRecord {
  return new SourceRecord({
    topic: record.topic,
    keySchema: record.keySchema,
    key: record.key,
    valueSchema: record.valueSchema,
    value: record.value,
    headers: record.headers,
    sourcePartition: position.sourcePartition,
    sourceOffset: position.sourceOffset,
    timestamp: position.timestamp ?? null,
  });
}
