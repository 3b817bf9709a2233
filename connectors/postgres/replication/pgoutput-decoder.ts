/**
 * Sans-IO decoder for pgoutput messages, protocol versions 1 and 2 (the XLogData payloads of a logical
 * replication stream, or the `data` column of pg_logical_slot_peek_binary_changes). Layouts follow the
 * PostgreSQL documentation, "Logical Replication Message Formats".
 */
import { ByteReader } from './byte-reader';
import { PgoutputDecodeError } from './errors';
import type {
  OldTuple,
  PgoutputMessage,
  RelationColumn,
  RelationMessage,
  ReplicaIdentity,
  StreamAbortMessage,
} from './pgoutput-messages';
import { readTupleData } from './tuple-data';

export interface DecodeOptions {
  /**
   * The message sits between Stream Start and Stream Stop, so data messages carry a transaction id first. The wire
   * format does not say so itself: the decoder must track it (PgoutputDecoder does).
   */
  inStreamedTransaction?: boolean;
  /**
   * Copy binary column values and logical message contents out of `data`. Needed when `data` is a view into a
   * buffer that will be reused (node-postgres' receive buffer is) and the decoded message outlives the callback.
   */
  copyBytes?: boolean;
}

const TAG_NAMES: Readonly<Record<string, string>> = {
  B: 'Begin',
  C: 'Commit',
  O: 'Origin',
  R: 'Relation',
  Y: 'Type',
  I: 'Insert',
  U: 'Update',
  D: 'Delete',
  T: 'Truncate',
  M: 'Message',
  S: 'Stream Start',
  E: 'Stream Stop',
  c: 'Stream Commit',
  A: 'Stream Abort',
};

/** Two-phase commit messages (protocol 3) are recognised so that the error says what they are. */
const PROTOCOL_3_TAGS: Readonly<Record<string, string>> = {
  b: 'Begin Prepare',
  P: 'Prepare',
  K: 'Commit Prepared',
  r: 'Rollback Prepared',
  p: 'Stream Prepare',
};

const REPLICA_IDENTITY: Readonly<Record<string, ReplicaIdentity>> = { d: 'default', n: 'nothing', f: 'full', i: 'index' };

const TRUNCATE_CASCADE = 1;
const TRUNCATE_RESTART_IDENTITY = 2;

/** Decodes one pgoutput message. Stateless: see PgoutputDecoder for the stream-aware wrapper. */
export function decodePgoutputMessage(data: Buffer, options: DecodeOptions = {}): PgoutputMessage {
  if (data.length === 0) throw new PgoutputDecodeError('empty pgoutput message at offset 0', { offset: 0 });
  const tag = String.fromCharCode(data[0]!);
  const name = TAG_NAMES[tag];
  if (name === undefined) {
    const known = PROTOCOL_3_TAGS[tag];
    const why = known
      ? `${known} is a two-phase commit message (protocol version 3), which this decoder does not support`
      : `unknown pgoutput message tag ${JSON.stringify(tag)} (0x${data[0]!.toString(16).padStart(2, '0')})`;
    throw new PgoutputDecodeError(`${why} at offset 0`, { tag, offset: 0 });
  }
  const r = new ByteReader(data, `pgoutput ${name} ('${tag}')`, tag, 1);
  const streamed = options.inStreamedTransaction === true;
  const copyBytes = options.copyBytes === true;
  const message = decodeBody(r, tag, streamed, copyBytes);
  if (r.remaining !== 0) r.fail(`${r.remaining} unexpected trailing byte(s)${streamed ? '' : ' (a streamed-transaction message read without its xid?)'}`);
  return message;
}

function decodeBody(r: ByteReader, tag: string, streamed: boolean, copyBytes: boolean): PgoutputMessage {
  switch (tag) {
    case 'B':
      return { tag: 'begin', finalLsn: r.uint64('final LSN'), commitTime: r.int64('commit timestamp'), xid: r.uint32('xid') };
    case 'C':
      return {
        tag: 'commit',
        flags: r.uint8('flags'),
        commitLsn: r.uint64('commit LSN'),
        endLsn: r.uint64('end LSN'),
        commitTime: r.int64('commit timestamp'),
      };
    case 'O':
      return { tag: 'origin', originLsn: r.uint64('origin commit LSN'), name: r.cstring('origin name') };
    case 'R':
      return decodeRelation(r, streamed);
    case 'Y': {
      const xid = streamedXid(r, streamed);
      return { tag: 'type', ...xid, typeOid: r.uint32('type OID'), namespace: r.cstring('namespace'), name: r.cstring('type name') };
    }
    case 'I': {
      const xid = streamedXid(r, streamed);
      const relationId = r.uint32('relation OID');
      expectMarker(r, 'N', 'new tuple');
      return { tag: 'insert', ...xid, relationId, newTuple: readTupleData(r, copyBytes) };
    }
    case 'U': {
      const xid = streamedXid(r, streamed);
      const relationId = r.uint32('relation OID');
      const at = r.offset;
      const marker = String.fromCharCode(r.uint8('tuple marker'));
      let old: OldTuple | undefined;
      if (marker === 'K' || marker === 'O') {
        old = { kind: marker === 'K' ? 'key' : 'full', tuple: readTupleData(r, copyBytes) };
        expectMarker(r, 'N', 'new tuple');
      } else if (marker !== 'N') {
        r.fail(`expected tuple marker 'K', 'O' or 'N', got ${JSON.stringify(marker)}`, at);
      }
      const newTuple = readTupleData(r, copyBytes);
      return old ? { tag: 'update', ...xid, relationId, old, newTuple } : { tag: 'update', ...xid, relationId, newTuple };
    }
    case 'D': {
      const xid = streamedXid(r, streamed);
      const relationId = r.uint32('relation OID');
      const at = r.offset;
      const marker = String.fromCharCode(r.uint8('tuple marker'));
      if (marker !== 'K' && marker !== 'O') r.fail(`expected tuple marker 'K' or 'O', got ${JSON.stringify(marker)}`, at);
      return { tag: 'delete', ...xid, relationId, old: { kind: marker === 'K' ? 'key' : 'full', tuple: readTupleData(r, copyBytes) } };
    }
    case 'T': {
      const xid = streamedXid(r, streamed);
      const count = r.uint32('relation count');
      const options = r.uint8('options');
      if (count * 4 > r.remaining) r.fail(`${count} relation OIDs announced but only ${r.remaining} byte(s) follow`);
      const relationIds = new Array<number>(count);
      for (let i = 0; i < count; i++) relationIds[i] = r.uint32(`relation OID ${i}`);
      return {
        tag: 'truncate',
        ...xid,
        cascade: (options & TRUNCATE_CASCADE) !== 0,
        restartIdentity: (options & TRUNCATE_RESTART_IDENTITY) !== 0,
        relationIds,
      };
    }
    case 'M': {
      const xid = streamedXid(r, streamed);
      const flags = r.uint8('flags');
      const lsn = r.uint64('message LSN');
      const prefix = r.cstring('prefix');
      const length = r.int32('content length');
      const view = r.bytes(length, 'content');
      return { tag: 'message', ...xid, transactional: (flags & 1) !== 0, lsn, prefix, content: copyBytes ? Buffer.from(view) : view };
    }
    case 'S':
      return { tag: 'stream-start', xid: r.uint32('xid'), firstSegment: r.uint8('first segment flag') === 1 };
    case 'E':
      return { tag: 'stream-stop' };
    case 'c':
      return {
        tag: 'stream-commit',
        xid: r.uint32('xid'),
        flags: r.uint8('flags'),
        commitLsn: r.uint64('commit LSN'),
        endLsn: r.uint64('end LSN'),
        commitTime: r.int64('commit timestamp'),
      };
    case 'A': {
      const message: StreamAbortMessage = { tag: 'stream-abort', xid: r.uint32('xid'), subXid: r.uint32('subtransaction xid') };
      // Protocol 4 with parallel streaming appends the abort LSN and time; the length says which layout this is.
      if (r.remaining > 0) {
        message.abortLsn = r.uint64('abort LSN');
        message.abortTime = r.int64('abort timestamp');
      }
      return message;
    }
    default:
      // decodePgoutputMessage only passes tags listed in TAG_NAMES.
      return r.fail(`unhandled tag ${JSON.stringify(tag)}`, 0);
  }
}

function decodeRelation(r: ByteReader, streamed: boolean): RelationMessage {
  const xid = streamedXid(r, streamed);
  const relationId = r.uint32('relation OID');
  const namespace = r.cstring('namespace');
  const name = r.cstring('relation name');
  const identityAt = r.offset;
  const identityChar = String.fromCharCode(r.uint8('replica identity'));
  const replicaIdentity = REPLICA_IDENTITY[identityChar];
  if (replicaIdentity === undefined) {
    r.fail(`unknown replica identity ${JSON.stringify(identityChar)}; expected 'd', 'n', 'f' or 'i'`, identityAt);
  }
  const count = r.int16('column count');
  if (count < 0) r.fail(`negative column count ${count}`);
  const columns = new Array<RelationColumn>(count);
  for (let i = 0; i < count; i++) {
    const flags = r.uint8(`flags of column ${i}`);
    columns[i] = {
      name: r.cstring(`name of column ${i}`),
      isKey: (flags & 1) !== 0,
      typeOid: r.uint32(`type OID of column ${i}`),
      typeModifier: r.int32(`type modifier of column ${i}`),
    };
  }
  return { tag: 'relation', ...xid, relationId, namespace, name, replicaIdentity, columns };
}

function streamedXid(r: ByteReader, streamed: boolean): { xid?: number } {
  return streamed ? { xid: r.uint32('xid') } : {};
}

function expectMarker(r: ByteReader, marker: string, what: string): void {
  const at = r.offset;
  const got = String.fromCharCode(r.uint8(`${what} marker`));
  if (got !== marker) r.fail(`expected ${what} marker '${marker}', got ${JSON.stringify(got)}`, at);
}

/**
 * Stream-aware decoder: remembers whether it is inside Stream Start … Stream Stop so that the streamed messages'
 * leading xid is read. One instance per replication stream (or per sequence of peeked changes).
 */
export class PgoutputDecoder {
  private streaming = false;
  private readonly copyBytes: boolean;

  constructor(options: { copyBytes?: boolean } = {}) {
    this.copyBytes = options.copyBytes === true;
  }

  get inStreamedTransaction(): boolean {
    return this.streaming;
  }

  decode(data: Buffer): PgoutputMessage {
    const message = decodePgoutputMessage(data, { inStreamedTransaction: this.streaming, copyBytes: this.copyBytes });
    if (message.tag === 'stream-start') this.streaming = true;
    else if (message.tag === 'stream-stop') this.streaming = false;
    return message;
  }

  /** Forget the streaming state, e.g. after reconnecting. */
  reset(): void {
    this.streaming = false;
  }
}
