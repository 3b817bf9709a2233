/**
 * The pgoutput logical replication messages (protocol versions 1 and 2) as typed plain objects, discriminated on
 * `tag`. Field names follow the PostgreSQL documentation ("Logical Replication Message Formats"). LSNs and
 * timestamps (µs since 2000-01-01 UTC) are bigint; OIDs and transaction ids are unsigned 32-bit numbers.
 *
 * `xid` on Relation, Type, Insert, Update, Delete, Truncate and Message is present only when the message belongs to
 * a streamed in-progress transaction (protocol 2, between Stream Start and Stream Stop). It is the id of the
 * (sub)transaction that made the change, which differs from Stream Start's top-level xid inside a subtransaction;
 * a later Stream Abort naming that subtransaction discards its changes.
 */
import type { Lsn } from './lsn';

/** One column of a TupleData. */
export type TupleColumn =
  | { readonly kind: 'null' }
  /** A TOASTed value the change did not touch: the server sends no data for it. */
  | { readonly kind: 'unchanged-toast' }
  /** The type's text output form, decoded as UTF-8. */
  | { readonly kind: 'text'; readonly value: string }
  /** The type's binary send form (START_REPLICATION option `binary 'true'`). */
  | { readonly kind: 'binary'; readonly value: Buffer };

export type TupleData = readonly TupleColumn[];

/** relreplident: which old values UPDATE and DELETE carry. */
export type ReplicaIdentity = 'default' | 'nothing' | 'full' | 'index';

export interface RelationColumn {
  name: string;
  /** Part of the replica identity (the primary key under DEFAULT, the index under USING INDEX, all under FULL). */
  isKey: boolean;
  typeOid: number;
  /** atttypmod: -1 when the type has no modifier; varchar(n) sends n + 4, numeric(p,s) ((p << 16) | s) + 4. */
  typeModifier: number;
}

export interface BeginMessage {
  tag: 'begin';
  /** LSN of the transaction's commit record. */
  finalLsn: Lsn;
  commitTime: bigint;
  xid: number;
}

export interface CommitMessage {
  tag: 'commit';
  flags: number;
  /** LSN of the commit record. */
  commitLsn: Lsn;
  /** End of the commit record: confirming this LSN tells the server the transaction is done with. */
  endLsn: Lsn;
  commitTime: bigint;
}

export interface OriginMessage {
  tag: 'origin';
  /** Commit LSN on the origin server. */
  originLsn: Lsn;
  name: string;
}

export interface RelationMessage {
  tag: 'relation';
  xid?: number;
  relationId: number;
  /** Schema name; the server sends "" for pg_catalog. */
  namespace: string;
  name: string;
  replicaIdentity: ReplicaIdentity;
  columns: RelationColumn[];
}

export interface TypeMessage {
  tag: 'type';
  xid?: number;
  typeOid: number;
  namespace: string;
  name: string;
}

export interface InsertMessage {
  tag: 'insert';
  xid?: number;
  relationId: number;
  newTuple: TupleData;
}

/**
 * Old values of an UPDATE or DELETE. `key`: only the replica identity columns carry values (the rest are null);
 * sent for UPDATE only when a key column changed. `full`: the whole old row (REPLICA IDENTITY FULL).
 */
export interface OldTuple {
  kind: 'key' | 'full';
  tuple: TupleData;
}

export interface UpdateMessage {
  tag: 'update';
  xid?: number;
  relationId: number;
  /** Absent under DEFAULT/INDEX identity when no key column changed, and always under NOTHING. */
  old?: OldTuple;
  newTuple: TupleData;
}

export interface DeleteMessage {
  tag: 'delete';
  xid?: number;
  relationId: number;
  old: OldTuple;
}

export interface TruncateMessage {
  tag: 'truncate';
  xid?: number;
  cascade: boolean;
  restartIdentity: boolean;
  relationIds: number[];
}

/** A logical decoding message from pg_logical_emit_message (needs START_REPLICATION option `messages 'true'`). */
export interface LogicalMessage {
  tag: 'message';
  xid?: number;
  /** Non-transactional messages arrive at once, outside any Begin/Commit. */
  transactional: boolean;
  lsn: Lsn;
  prefix: string;
  content: Buffer;
}

export interface StreamStartMessage {
  tag: 'stream-start';
  xid: number;
  /** True for the first chunk of this transaction. */
  firstSegment: boolean;
}

export interface StreamStopMessage {
  tag: 'stream-stop';
}

export interface StreamCommitMessage {
  tag: 'stream-commit';
  xid: number;
  flags: number;
  commitLsn: Lsn;
  endLsn: Lsn;
  commitTime: bigint;
}

export interface StreamAbortMessage {
  tag: 'stream-abort';
  xid: number;
  /** Equal to `xid` when the whole transaction aborted, else the aborted subtransaction. */
  subXid: number;
  /** Protocol 4 with `streaming 'parallel'` only. */
  abortLsn?: Lsn;
  abortTime?: bigint;
}

export type PgoutputMessage =
  | BeginMessage
  | CommitMessage
  | OriginMessage
  | RelationMessage
  | TypeMessage
  | InsertMessage
  | UpdateMessage
  | DeleteMessage
  | TruncateMessage
  | LogicalMessage
  | StreamStartMessage
  | StreamStopMessage
  | StreamCommitMessage
  | StreamAbortMessage;

export type PgoutputTag = PgoutputMessage['tag'];

/** Singletons: null and unchanged columns carry no data, so one frozen object serves every row. */
export const NULL_COLUMN: TupleColumn = Object.freeze({ kind: 'null' });
export const UNCHANGED_TOAST_COLUMN: TupleColumn = Object.freeze({ kind: 'unchanged-toast' });
