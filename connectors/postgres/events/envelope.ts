/**
 * The change event envelope (Debezium's Envelope, schema version 2): before, after, source, transaction, op,
 * ts_ms, ts_us, ts_ns, in that order, named `<topic>.Envelope`. The ts_* fields are the time the connector processed
 * the event, unlike source.ts_* which is the database's time.
 */
import { Schema, SchemaBuilder, Struct } from '../../../connect-runtime/api';
import { int64 } from './debezium-schemas';
import { type TimestampFields, timestampFields } from './source-info';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const ENVELOPE_SCHEMA_VERSION = 2;
export const TRANSACTION_BLOCK_SCHEMA_NAME = 'event.block';

export const Operation = {
  READ: 'r',
  CREATE: 'c',
  UPDATE: 'u',
  DELETE: 'd',
  TRUNCATE: 't',
  MESSAGE: 'm',
} as const;
export type Operation = (typeof Operation)[keyof typeof Operation];

/** The optional `transaction` block, filled only with provide.transaction.metadata=true. */
export const TRANSACTION_BLOCK_SCHEMA: Schema = SchemaBuilder.struct()
  .optional()
  .name(TRANSACTION_BLOCK_SCHEMA_NAME)
  .version(1)
  .field('id', Schema.STRING_SCHEMA)
  .field('total_order', Schema.INT64_SCHEMA)
  .field('data_collection_order', Schema.INT64_SCHEMA)
  .build();

export interface TransactionBlock {
  /** `<txId>:<lsn>` with the LSN of the current event. */
  id: string;
  totalOrder: bigint | number;
  dataCollectionOrder: bigint | number;
}

export function transactionStruct(block: TransactionBlock): Struct {
  return new Struct(TRANSACTION_BLOCK_SCHEMA)
    .put('id', block.id)
    .put('total_order', int64(BigInt(block.totalOrder)))
    .put('data_collection_order', int64(BigInt(block.dataCollectionOrder)));
}

/** Fields common to every envelope a table emits. */
export interface EnvelopeParts {
  source: Struct;
  /** Processing time in nanoseconds since the epoch. */
  processedAtNs: bigint;
  transaction?: TransactionBlock | null;
}

export class Envelope {
  private lastNs = 0n;
  private lastTs: TimestampFields | undefined;
  /** The schemas trusted() takes values of, when the schema has forTable's layout; else undefined. */
  private readonly layout: { row: Schema; source: Schema } | undefined;

  constructor(readonly schema: Schema) {
    this.layout = forTableLayout(schema);
  }

  /** The envelope schema of a table: `before`/`after` are the (optional) value schema. */
  static forTable(options: { name: string; valueSchema: Schema; sourceSchema: Schema }): Envelope {
    return new Envelope(
      SchemaBuilder.struct()
        .name(options.name)
        .version(ENVELOPE_SCHEMA_VERSION)
        .field('before', options.valueSchema)
        .field('after', options.valueSchema)
        .field('source', options.sourceSchema)
        .field('transaction', TRANSACTION_BLOCK_SCHEMA)
        .field('op', Schema.STRING_SCHEMA)
        .field('ts_ms', Schema.OPTIONAL_INT64_SCHEMA)
        .field('ts_us', Schema.OPTIONAL_INT64_SCHEMA)
        .field('ts_ns', Schema.OPTIONAL_INT64_SCHEMA)
        .build(),
    );
  }

  read(after: Struct, parts: EnvelopeParts): Struct {
    return this.make(Operation.READ, null, after, parts);
  }

  create(after: Struct, parts: EnvelopeParts): Struct {
    return this.make(Operation.CREATE, null, after, parts);
  }

  update(before: Struct | null, after: Struct, parts: EnvelopeParts): Struct {
    return this.make(Operation.UPDATE, before, after, parts);
  }

  delete(before: Struct | null, parts: EnvelopeParts): Struct {
    return this.make(Operation.DELETE, before, null, parts);
  }

  /** Truncate events use the table's envelope with neither `before` nor `after`. */
  truncate(parts: EnvelopeParts): Struct {
    return this.make(Operation.TRUNCATE, null, null, parts);
  }

  /**
   * The envelope of values built by this folder from the table's own schemas: `before`/`after` by TableSchema.value
   * (every field put, and so validated, on the table's value schema) and `source` by SourceBlockBuilder. Such
   * envelopes need no second validation of what they contain; the processing time is still range-checked, and
   * anything else goes through the validating path. For changeRecords only.
   * @internal
   */
  trusted(op: Operation, before: Struct | null, after: Struct | null, parts: EnvelopeParts): Struct {
    const ns = parts.processedAtNs;
    const layout = this.layout;
    if (
      layout === undefined ||
      (before !== null && before.schema !== layout.row) ||
      (after !== null && after.schema !== layout.row) ||
      parts.source.schema !== layout.source ||
      typeof ns !== 'bigint' ||
      ns < INT64_MIN ||
      ns > INT64_MAX
    ) {
      return this.make(op, before, after, parts);
    }
    const ts = this.timestamps(ns);
    const transaction = parts.transaction ? transactionStruct(parts.transaction) : null;
    return Struct.fromValidatedValues(this.schema, [before, after, parts.source, transaction, op, ts.ms, ts.us, ts.ns]);
  }

  /** timestampFields of the processing time, remembered for the next event (records of one change share it). */
  private timestamps(ns: bigint): TimestampFields {
    if (ns !== this.lastNs || this.lastTs === undefined) {
      this.lastTs = timestampFields(ns);
      this.lastNs = ns;
    }
    return this.lastTs;
  }

  private make(op: Operation, before: Struct | null, after: Struct | null, parts: EnvelopeParts): Struct {
    const ts = timestampFields(parts.processedAtNs);
    return new Struct(this.schema)
      .put('before', before)
      .put('after', after)
      .put('source', parts.source)
      .put('transaction', parts.transaction ? transactionStruct(parts.transaction) : null)
      .put('op', op)
      .put('ts_ms', ts.ms)
      .put('ts_us', ts.us)
      .put('ts_ns', ts.ns);
  }
}

const ENVELOPE_FIELDS = ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns'];

/** The row and source schemas of an envelope schema laid out as forTable lays it out, or undefined. */
function forTableLayout(schema: Schema): { row: Schema; source: Schema } | undefined {
  if (schema.type !== 'STRUCT') return undefined;
  const fields = schema.fields;
  if (fields.length !== ENVELOPE_FIELDS.length || fields.some((f, i) => f.name !== ENVELOPE_FIELDS[i])) return undefined;
  const [before, after, source, transaction, op, ms, us, ns] = fields.map((f) => f.schema) as Schema[];
  const sameAsForTable =
    before === after &&
    before?.type === 'STRUCT' &&
    source?.type === 'STRUCT' &&
    transaction === TRANSACTION_BLOCK_SCHEMA &&
    op === Schema.STRING_SCHEMA &&
    ms === Schema.OPTIONAL_INT64_SCHEMA &&
    us === Schema.OPTIONAL_INT64_SCHEMA &&
    ns === Schema.OPTIONAL_INT64_SCHEMA;
  return sameAsForTable ? { row: before, source } : undefined;
}
