/**
 * Row changes of the stream as source records: Debezium's change records (events folder) with the streaming
 * source block (commit time, xid, LSN, sequence, origin), the transaction block when transaction metadata is on,
 * and the offset of the position after the change.
 */
import type { SourceRecord } from '../../../connect-runtime/api';
import { changeRecords, type PgColumnValue, type PgRow, type RowChange, type TableSchema, UNCHANGED_TOAST } from '../events';
import type { Lsn, TupleData } from '../replication';
import { type EventContext, nowNs, sourceRecord } from './event-context';
import type { StreamPosition } from './stream-position';

/** The transaction being streamed, from its BEGIN. */
export interface OpenTransaction {
  xid: number;
  /** Commit time, microseconds since the epoch. */
  tsUsec: number;
  commitNs: bigint;
  /** Already processed before a restart: dropped whole. */
  skip: boolean;
  origin: string | null;
  originLsn: Lsn | null;
}

/** TupleData (text format) as the row model of the events folder. */
export function toRow(tuple: TupleData): PgRow {
  const row = new Array<PgColumnValue>(tuple.length);
  for (let i = 0; i < tuple.length; i++) {
    const c = tuple[i]!;
    row[i] = c.kind === 'text' ? c.value : c.kind === 'unchanged-toast' ? UNCHANGED_TOAST : c.kind === 'null' ? null : c.value.toString('utf8');
  }
  return row;
}

export class ChangeRecordBuilder {
  constructor(
    private readonly context: EventContext,
    private readonly position: StreamPosition,
    private readonly transactionMetadata: boolean,
  ) {}

  /** The records of one change, each with the offset of the position after it. */
  records(table: TableSchema, change: RowChange, lsn: Lsn, tx: OpenTransaction | undefined): SourceRecord[] {
    const position = this.position;
    let transaction = null;
    if (this.transactionMetadata && tx !== undefined && position.transactionId !== undefined) {
      const [total, perTable] = position.countEvent(`${table.relation.schema}.${table.relation.table}`);
      transaction = { id: `${tx.xid}:${lsn}`, totalOrder: total, dataCollectionOrder: perTable };
    }
    const records = changeRecords(table, change, {
      source: {
        serverName: this.context.topicPrefix,
        db: this.context.db,
        timestampNs: tx?.commitNs ?? nowNs(),
        txId: tx?.xid ?? null,
        lsn,
        lastCommitLsn: position.lastCommitLsn ?? null,
        origin: tx?.origin ?? null,
        originLsn: tx?.originLsn ?? null,
      },
      processedAtNs: nowNs(),
      transaction,
      tombstonesOnDelete: this.context.tombstonesOnDelete,
      ...(this.context.contextHeaders === undefined ? {} : { contextHeaders: this.context.contextHeaders }),
    });
    const offset = position.offset();
    const out = new Array<SourceRecord>(records.length);
    for (let i = 0; i < records.length; i++) out[i] = sourceRecord(records[i]!, this.context.partition, offset);
    return out;
  }
}
