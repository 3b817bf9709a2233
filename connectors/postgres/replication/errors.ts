/**
 * Errors raised by the replication layer. Each carries a stable `code` and a `retriable` flag so that the connector
 * (which owns the mapping onto the Connect error catalogue) can decide between retrying and failing the task
 * without parsing messages. Server errors keep their SQLSTATE, detail and hint.
 */

export const ReplicationErrorCode = {
  /** The server's wal_level is below `logical`. */
  WAL_LEVEL: 'WAL_LEVEL',
  /** The replication slot is streaming to another connection (SQLSTATE 55006). */
  SLOT_IN_USE: 'SLOT_IN_USE',
  /** CREATE_REPLICATION_SLOT for a name that is taken (42710). */
  SLOT_EXISTS: 'SLOT_EXISTS',
  /** A slot, publication or other named object does not exist (42704). */
  NOT_FOUND: 'NOT_FOUND',
  /** The role lacks REPLICATION, ownership or superuser rights (42501). */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** Wrong password or no pg_hba.conf entry (28P01, 28000). */
  AUTHENTICATION_FAILED: 'AUTHENTICATION_FAILED',
  /** The database named in the connection does not exist (3D000). */
  DATABASE_NOT_FOUND: 'DATABASE_NOT_FOUND',
  /** The publication is missing or does not cover the captured tables. */
  PUBLICATION: 'PUBLICATION',
  /** The WAL the slot needs is gone (removed segment, invalidated slot): only a new snapshot recovers. */
  WAL_REMOVED: 'WAL_REMOVED',
  /** max_replication_slots, max_wal_senders or max_connections is exhausted. */
  RESOURCE_LIMIT: 'RESOURCE_LIMIT',
  /** The network or the server went away. */
  CONNECTION: 'CONNECTION',
  /** The server sent something the replication protocol does not allow at that point. */
  PROTOCOL: 'PROTOCOL',
  /** A pgoutput or replication frame could not be decoded. */
  DECODE: 'DECODE',
  /** A caller passed a value this layer cannot use (bad slot name, LSN out of range, ...). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The caller aborted the operation through its AbortSignal. */
  ABORTED: 'ABORTED',
  /** Any other server error. */
  SERVER: 'SERVER',
} as const;

export type ReplicationErrorCode = (typeof ReplicationErrorCode)[keyof typeof ReplicationErrorCode];

const RETRIABLE: Readonly<Record<ReplicationErrorCode, boolean>> = {
  WAL_LEVEL: false,
  // The other consumer may be a walsender that has not noticed its client died yet.
  SLOT_IN_USE: true,
  SLOT_EXISTS: false,
  NOT_FOUND: false,
  PERMISSION_DENIED: false,
  AUTHENTICATION_FAILED: false,
  DATABASE_NOT_FOUND: false,
  PUBLICATION: false,
  WAL_REMOVED: false,
  RESOURCE_LIMIT: true,
  CONNECTION: true,
  PROTOCOL: false,
  DECODE: false,
  INVALID_ARGUMENT: false,
  ABORTED: false,
  SERVER: false,
};

export interface ReplicationErrorOptions {
  code: ReplicationErrorCode;
  retriable?: boolean;
  /** SQLSTATE of the server error this wraps. */
  sqlState?: string;
  detail?: string;
  hint?: string;
  cause?: unknown;
}

export class ReplicationError extends Error {
  readonly code: ReplicationErrorCode;
  readonly retriable: boolean;
  readonly sqlState?: string;
  readonly detail?: string;
  readonly hint?: string;

  constructor(message: string, options: ReplicationErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable ?? RETRIABLE[options.code];
    if (options.sqlState !== undefined) this.sqlState = options.sqlState;
    if (options.detail !== undefined) this.detail = options.detail;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}

/** A frame or pgoutput message that cannot be decoded; names the message tag and the byte offset. */
export class PgoutputDecodeError extends ReplicationError {
  readonly tag: string | undefined;
  readonly offset: number;

  constructor(message: string, options: { tag?: string; offset: number }) {
    super(message, { code: ReplicationErrorCode.DECODE });
    this.tag = options.tag;
    this.offset = options.offset;
  }
}

export function abortError(signal: AbortSignal, what: string): ReplicationError {
  const reason: unknown = signal.reason;
  const message = (reason as { message?: unknown } | undefined)?.message;
  const why = typeof message === 'string' ? message : reason === undefined ? 'aborted' : String(reason);
  return new ReplicationError(`${what} was aborted: ${why}`, { code: ReplicationErrorCode.ABORTED, cause: reason });
}
