/**
 * The `source` block of every PostgreSQL change event (schema io.debezium.connector.postgresql.Source, version 1),
 * with Debezium's field order, optionality and the `snapshot` enum whose default is the string "false".
 */
import { type Field, Schema, SchemaBuilder, Struct, validateValue } from '../../../connect-runtime/api';
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
export function timestampFields(epochNanos: bigint): TimestampFields {
  const us = floorDiv(epochNanos, 1000n);
  if (us < -SAFE_MICROS || us > SAFE_MICROS) return { ms: int64(floorDiv(epochNanos, 1_000_000n)), us: int64(us), ns: int64(epochNanos) };
  // One bigint division instead of two: floor(floor(ns / 1000) / 1000) = floor(ns / 10^6), and microseconds within
  // ±285 years of 1970 (1685-2255) are a safe integer, so the second division is exact in doubles.
  const micros = Number(us);
  const rest = ((micros % 1000) + 1000) % 1000;
  return { ms: (micros - rest) / 1000, us: micros, ns: int64(epochNanos) };
}

export interface TimestampFields {
  ms: number | bigint;
  us: number | bigint;
  ns: number | bigint;
}

const SAFE_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

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
  return Struct.fromValidatedValues(POSTGRES_SOURCE_SCHEMA, sourceValues(info, info.schema, info.table));
}

const FIELD = Object.fromEntries(POSTGRES_SOURCE_SCHEMA.fields.map((f) => [f.name, f])) as Record<string, Field>;

/** Validates a value as Struct.put does (same checks, same errors) and stores it at its field's index. */
function set(values: unknown[], name: string, value: unknown): void {
  const field = FIELD[name] as Field;
  validateValue(field.schema, value, field.name);
  values[field.index] = value ?? null;
}

/**
 * The values of the source block in field order, each validated against its field schema: what putting them one by
 * one into a Struct stores, computed and checked in the same order (so any error is the same), without a field
 * lookup per put or an object spread to add the table names.
 */
export function sourceValues(info: Omit<SourceInfo, 'schema' | 'table'>, schema: string, table: string): unknown[] {
  const ts = timestampFields(info.timestampNs);
  const values = new Array<unknown>(POSTGRES_SOURCE_SCHEMA.fields.length).fill(null);
  set(values, 'version', info.version ?? DEFAULT_DEBEZIUM_VERSION);
  set(values, 'connector', CONNECTOR_NAME);
  set(values, 'name', info.serverName);
  set(values, 'ts_ms', ts.ms);
  set(values, 'db', info.db);
  set(values, 'sequence', sourceSequence(info.lastCommitLsn, info.lsn));
  set(values, 'ts_us', ts.us);
  set(values, 'ts_ns', ts.ns);
  set(values, 'schema', schema);
  set(values, 'table', table);
  set(values, 'origin', info.origin ?? null);
  set(values, 'origin_lsn', optionalInt64(info.originLsn));
  // Streaming events leave `snapshot` unset; converters then write the schema default "false".
  if (info.snapshot !== undefined && info.snapshot !== 'false') set(values, 'snapshot', info.snapshot);
  if (info.snapshot !== 'incremental') {
    set(values, 'txId', optionalInt64(info.txId));
    set(values, 'lsn', optionalInt64(info.lsn));
    set(values, 'xmin', optionalInt64(info.xmin));
  }
  return values;
}
