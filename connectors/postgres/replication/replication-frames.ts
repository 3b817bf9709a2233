/**
 * The streaming replication sub-protocol carried inside CopyData once START_REPLICATION has switched the
 * connection to CopyBoth: XLogData and primary keepalives from the server, standby status updates from us.
 * Sans-IO: these functions only turn bytes into objects and back.
 */
import { ByteReader } from './byte-reader';
import { PgoutputDecodeError } from './errors';
import { assertLsn, type Lsn } from './lsn';
import { pgMicrosNow } from './pg-time';

/** 'w': one chunk of output-plugin data (for pgoutput, exactly one pgoutput message). */
export interface XLogDataFrame {
  kind: 'xlog-data';
  /**
   * Where this message sits in the WAL. For a logical slot walStart = walEnd: the transaction's first LSN for
   * Begin, the change's LSN for row changes, the end of the commit record for Commit, and 0 for messages written
   * ahead of a change (Relation, Type).
   */
  walStart: Lsn;
  walEnd: Lsn;
  /** Server clock at sending, µs since 2000-01-01 UTC. */
  serverClock: bigint;
  /** The pgoutput message: a view into the frame, not a copy. */
  data: Buffer;
}

/** 'k': the server's heartbeat. */
export interface PrimaryKeepaliveFrame {
  kind: 'keepalive';
  /** How far the walsender has read the WAL; for a logical slot, what it has decoded and sent so far. */
  walEnd: Lsn;
  serverClock: bigint;
  /** The server disconnects at wal_sender_timeout unless a status update follows promptly. */
  replyRequested: boolean;
}

export type ServerFrame = XLogDataFrame | PrimaryKeepaliveFrame;

const XLOG_DATA = 0x77; // 'w'
const KEEPALIVE = 0x6b; // 'k'
const STATUS_UPDATE = 0x72; // 'r'
const XLOG_DATA_HEADER = 25;

/** Decodes the payload of one CopyData message sent by a walsender. */
export function decodeServerFrame(payload: Buffer): ServerFrame {
  if (payload.length === 0) throw new PgoutputDecodeError('empty CopyData payload in replication stream', { offset: 0 });
  const type = payload[0]!;
  if (type === XLOG_DATA) {
    const r = new ByteReader(payload, "XLogData ('w')", 'w', 1);
    const walStart = r.uint64('walStart');
    const walEnd = r.uint64('walEnd');
    const serverClock = r.int64('serverClock');
    return { kind: 'xlog-data', walStart, walEnd, serverClock, data: payload.subarray(XLOG_DATA_HEADER) };
  }
  if (type === KEEPALIVE) {
    const r = new ByteReader(payload, "primary keepalive ('k')", 'k', 1);
    const walEnd = r.uint64('walEnd');
    const serverClock = r.int64('serverClock');
    const replyRequested = r.uint8('replyRequested') !== 0;
    return { kind: 'keepalive', walEnd, serverClock, replyRequested };
  }
  const tag = String.fromCharCode(type);
  throw new PgoutputDecodeError(
    `unknown replication frame type ${JSON.stringify(tag)} (0x${type.toString(16).padStart(2, '0')}) at offset 0; expected 'w' (XLogData) or 'k' (keepalive)`,
    { tag, offset: 0 },
  );
}

/** 'r': what the client has received, made durable and applied. Each LSN is "last byte + 1" of that progress. */
export interface StandbyStatusUpdate {
  written: Lsn;
  /** For a logical slot this becomes confirmed_flush_lsn: the server may discard WAL before it. */
  flushed: Lsn;
  applied: Lsn;
  /** µs since 2000-01-01 UTC; defaults to now. */
  clientClock?: bigint;
  /** Ask the server to answer with a keepalive at once (useful to measure round trips). */
  replyRequested?: boolean;
}

export const STANDBY_STATUS_UPDATE_LENGTH = 34;

export function encodeStandbyStatusUpdate(update: StandbyStatusUpdate): Buffer {
  assertLsn(update.written, 'written LSN');
  assertLsn(update.flushed, 'flushed LSN');
  assertLsn(update.applied, 'applied LSN');
  const buf = Buffer.allocUnsafe(STANDBY_STATUS_UPDATE_LENGTH);
  buf[0] = STATUS_UPDATE;
  buf.writeBigUInt64BE(update.written, 1);
  buf.writeBigUInt64BE(update.flushed, 9);
  buf.writeBigUInt64BE(update.applied, 17);
  buf.writeBigInt64BE(update.clientClock ?? pgMicrosNow(), 25);
  buf[33] = update.replyRequested ? 1 : 0;
  return buf;
}

/** The inverse of encodeStandbyStatusUpdate; the server side of the exchange, kept for tests and tools. */
export function decodeStandbyStatusUpdate(payload: Buffer): Required<StandbyStatusUpdate> {
  const r = new ByteReader(payload, "standby status update ('r')", 'r');
  const type = r.uint8('type');
  if (type !== STATUS_UPDATE) r.fail(`expected type 'r', got ${JSON.stringify(String.fromCharCode(type))}`, 0);
  return {
    written: r.uint64('written'),
    flushed: r.uint64('flushed'),
    applied: r.uint64('applied'),
    clientClock: r.int64('clientClock'),
    replyRequested: r.uint8('replyRequested') !== 0,
  };
}
