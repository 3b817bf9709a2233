/**
 * The `source` block of every PostgreSQL change event (schema io.debezium.connector.postgresql.Source, version 1),
 * with Debezium's field order, optionality and the `snapshot` enum whose default is the string "false".
 */
import { Schema, SchemaBuilder, Struct } from '../../../connect-runtime/api';
import { DebeziumSchemas, int64 } from './debezium-schemas';
import { floorDiv } from './text-datetime';

export const SOURCE_SCHEMA_NAME = 'io.debezium.connector.postgresql.Source';
export const CONNECTOR_NAME = 'postgresql';
/** The Debezium release whose event format this folder reproduces; reported in `source.version`. */
export const DEFAULT_DEBEZIUM_VERSION = '3.6.1.Final';

/** Values of `source.snapshot`, in Debezium's order (SnapshotRecord). */
export const SNAPSHOT_MARKERS = ['true', 'first', 'first_in_data_collection', 'last_in_data_collection', 'last', 'false', 'incremental'] as const;
export type SnapshotMarker = (typeof SNAPSHOT_MARKERS)[number];

const SNAPSHOT_SCHEMA = DebeziumSchemas.enumeration(SNAPSHOT_MARKERS).defaultValue('false').optional().build();

/** The source block schema, shared by every table of every connector. */
export const POSTGRES_SOURCE_SCHEMA: Schema = SchemaBuilder.struct()
  .name(SOURCE_SCHEMA_NAME)
  .version(1)
  .field('version', Schema.STRING_SCHEMA)
  .field('connector', Schema.STRING_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('ts_ms', Schema.INT64_SCHEMA)
  .field('snapshot', SNAPSHOT_SCHEMA)
  .field('db', Schema.STRING_SCHEMA)
  .field('sequence', Schema.OPTIONAL_STRING_SCHEMA)
  .field('ts_us', Schema.OPTIONAL_INT64_SCHEMA)
  .field('ts_ns', Schema.OPTIONAL_INT64_SCHEMA)
  .field('schema', Schema.STRING_SCHEMA)
  .field('table', Schema.STRING_SCHEMA)
  .field('txId', Schema.OPTIONAL_INT64_SCHEMA)
  .field('lsn', Schema.OPTIONAL_INT64_SCHEMA)
  .field('xmin', Schema.OPTIONAL_INT64_SCHEMA)
  .field('origin', Schema.OPTIONAL_STRING_SCHEMA)
  .field('origin_lsn', Schema.OPTIONAL_INT64_SCHEMA)
  .build();

type Int64Input = bigint | number;

export interface SourceInfo {
  /** `source.version`; DEFAULT_DEBEZIUM_VERSION when absent. */
  version?: string;
  /** `topic.prefix`. */
  serverName: string;
  /** `database.dbname`. */
  db: string;
  /**
   * The event's source time in nanoseconds since the epoch: the commit time from BEGIN while streaming, the read
   * time during snapshots (pgoutput times are microseconds since 2000-01-01: see epochNanosFromPgTimestamp).
   */
  timestampNs: bigint;
  /** Snapshot position; absent (emitted as the schema default "false") while streaming. */
  snapshot?: SnapshotMarker;
  schema: string;
  table: string;
  txId?: Int64Input | null;
  /** LSN of this change (XLogData walStart), or the slot's consistent point during the snapshot. */
  lsn?: Int64Input | null;
  /** LSN of the last committed transaction before this one, the first half of `sequence`. */
  lastCommitLsn?: Int64Input | null;
  xmin?: Int64Input | null;
  origin?: string | null;
  originLsn?: Int64Input | null;
}

/** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
const PG_EPOCH_OFFSET_MICROS = 946_684_800_000_000n;

/** A pgoutput timestamp (microseconds since 2000-01-01) → nanoseconds since 1970-01-01. */
export function epochNanosFromPgTimestamp(pgMicros: bigint): bigint {
  return (pgMicros + PG_EPOCH_OFFSET_MICROS) * 1000n;
}

/** ts_ms, ts_us and ts_ns of an instant, each floored as java.time.Instant does. */
export function timestampFields(epochNanos: bigint): { ms: number | bigint; us: number | bigint; ns: number | bigint } {
  return { ms: int64(floorDiv(epochNanos, 1_000_000n)), us: int64(floorDiv(epochNanos, 1000n)), ns: int64(epochNanos) };
}

function optionalInt64(value: Int64Input | null | undefined): number | bigint | null {
  return value === undefined || value === null ? null : int64(BigInt(value));
}

/** `source.sequence`: the JSON array `["<lastCommitLsn>","<lsn>"]` of decimal strings, null for unknown parts. */
export function sourceSequence(lastCommitLsn: Int64Input | null | undefined, lsn: Int64Input | null | undefined): string {
  const part = (v: Int64Input | null | undefined): string => (v === undefined || v === null ? 'null' : `"${BigInt(v).toString()}"`);
  return `[${part(lastCommitLsn)},${part(lsn)}]`;
}

/** The source block of one event. Incremental-snapshot rows carry no txId, lsn or xmin. */
export function sourceStruct(info: SourceInfo): Struct {
  const ts = timestampFields(info.timestampNs);
  const struct = new Struct(POSTGRES_SOURCE_SCHEMA)
    .put('version', info.version ?? DEFAULT_DEBEZIUM_VERSION)
    .put('connector', CONNECTOR_NAME)
    .put('name', info.serverName)
    .put('ts_ms', ts.ms)
    .put('db', info.db)
    .put('sequence', sourceSequence(info.lastCommitLsn, info.lsn))
    .put('ts_us', ts.us)
    .put('ts_ns', ts.ns)
    .put('schema', info.schema)
    .put('table', info.table)
    .put('origin', info.origin ?? null)
    .put('origin_lsn', optionalInt64(info.originLsn));
  // Streaming events leave `snapshot` unset; converters then write the schema default "false".
  if (info.snapshot !== undefined && info.snapshot !== 'false') struct.put('snapshot', info.snapshot);
  if (info.snapshot !== 'incremental') {
    struct.put('txId', optionalInt64(info.txId)).put('lsn', optionalInt64(info.lsn)).put('xmin', optionalInt64(info.xmin));
  }
  return struct;
}
