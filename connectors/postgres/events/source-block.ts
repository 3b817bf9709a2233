/**
 * The source blocks of one table's events, built cheaply. Within a transaction every field of the block but `lsn`
 * and `sequence` is the same from one event to the next (connector, server, db, commit time, txId, snapshot
 * marker...), so the block is built and validated once (sourceValues, as sourceStruct does) and then copied with
 * just those two fields replaced. Anything unusual takes that general path, so values and errors stay sourceStruct's.
 */
import { Struct } from '../../../connect-runtime/api';
import { POSTGRES_SOURCE_SCHEMA, type SourceInfo, sourceValues } from './source-info';

type Int64Input = bigint | number;
type TableSourceInfo = Omit<SourceInfo, 'schema' | 'table'>;

const SEQUENCE_INDEX = POSTGRES_SOURCE_SCHEMA.field('sequence')?.index ?? -1;
const LSN_INDEX = POSTGRES_SOURCE_SCHEMA.field('lsn')?.index ?? -1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The decimal text of an LSN as sourceSequence writes it (`BigInt(v).toString()`), or undefined when the value
 * is not a plain integer (sourceStruct then reports it).
 */
function lsnDigits(v: Int64Input): string | undefined {
  if (typeof v === 'bigint') return v.toString();
  // String(-0) is "0" like BigInt(-0).toString(); unsafe or fractional numbers take the general path.
  return Number.isSafeInteger(v) ? String(v) : undefined;
}

/** The INT64 value sourceStruct stores for an LSN (int64(BigInt(v))), or undefined when it would not validate. */
function lsnValue(v: Int64Input): number | bigint | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v + 0 : undefined; // + 0 turns -0 into 0, as BigInt does.
  if (v >= SAFE_MIN && v <= SAFE_MAX) return Number(v);
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

export class SourceBlockBuilder {
  /** sourceStruct's values for the last info seen; lsn and sequence are replaced per event. */
  private template: unknown[] | undefined;
  private version: string | undefined;
  private serverName = '';
  private db = '';
  private timestampNs = 0n;
  private snapshot: SourceInfo['snapshot'];
  private txId: Int64Input | null | undefined;
  private xmin: Int64Input | null | undefined;
  private origin: string | null | undefined;
  private originLsn: Int64Input | null | undefined;
  /** `["<lastCommitLsn>",` for the last lastCommitLsn seen. */
  private sequenceHead = '';
  private lastCommitLsn: Int64Input | null | undefined = null;

  constructor(
    private readonly schema: string,
    private readonly table: string,
  ) {}

  /** The same Struct, by value, as sourceStruct({ ...info, schema, table }). */
  build(info: TableSourceInfo): Struct {
    const lsn = info.lsn;
    const digits = lsn === undefined || lsn === null ? 'null' : lsnDigits(lsn);
    const value = lsn === undefined || lsn === null ? null : lsnValue(lsn);
    if (digits === undefined || value === undefined || !this.matches(info)) return this.rebuild(info);
    const head = this.head(info.lastCommitLsn);
    if (head === undefined) return this.rebuild(info);
    const values = (this.template as unknown[]).slice();
    values[SEQUENCE_INDEX] = digits === 'null' ? `${head}null]` : `${head}"${digits}"]`;
    // Incremental-snapshot blocks carry no lsn (nor txId and xmin), as in sourceStruct.
    if (info.snapshot !== 'incremental') values[LSN_INDEX] = value;
    // Safe: the template passed sourceStruct's validation for the same fields, and the two replaced values are a
    // string and an INT64 checked above to be in range.
    return Struct.fromValidatedValues(POSTGRES_SOURCE_SCHEMA, values);
  }

  private matches(info: TableSourceInfo): boolean {
    return (
      this.template !== undefined &&
      info.timestampNs === this.timestampNs &&
      info.txId === this.txId &&
      info.serverName === this.serverName &&
      info.db === this.db &&
      info.version === this.version &&
      info.snapshot === this.snapshot &&
      info.xmin === this.xmin &&
      info.origin === this.origin &&
      info.originLsn === this.originLsn
    );
  }

  private head(lastCommitLsn: Int64Input | null | undefined): string | undefined {
    if (lastCommitLsn !== this.lastCommitLsn || this.sequenceHead === '') {
      const digits = lastCommitLsn === undefined || lastCommitLsn === null ? 'null' : lsnDigits(lastCommitLsn);
      if (digits === undefined) return undefined;
      this.sequenceHead = digits === 'null' ? '[null,' : `["${digits}",`;
      this.lastCommitLsn = lastCommitLsn;
    }
    return this.sequenceHead;
  }

  /** The general path: sourceValues validates everything; its values become the template for what follows. */
  private rebuild(info: TableSourceInfo): Struct {
    const values = sourceValues(info, this.schema, this.table);
    this.template = values.slice();
    this.version = info.version;
    this.serverName = info.serverName;
    this.db = info.db;
    this.timestampNs = info.timestampNs;
    this.snapshot = info.snapshot;
    this.txId = info.txId;
    this.xmin = info.xmin;
    this.origin = info.origin;
    this.originLsn = info.originLsn;
    return Struct.fromValidatedValues(POSTGRES_SOURCE_SCHEMA, values);
  }
}
