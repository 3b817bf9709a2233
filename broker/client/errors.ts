/** Client-side errors. Broker answers become KafkaError (protocol/error-codes); transport failures become ConnectionError. */
import { ErrorCode, KafkaError, errorName } from '../protocol/error-codes';

/** The broker could not be reached, or the connection dropped: retriable after a metadata refresh. */
export class ConnectionError extends Error {
  readonly retriable = true;

  constructor(
    message: string,
    /** The socket error code (ECONNREFUSED, ETIMEDOUT, ...) or CONNECTION_CLOSED. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/**
 * A KafkaError for an error code in a response, with the code name and the broker's own message:
 * `<context>: <CODE_NAME>: <broker message>`.
 */
export function brokerError(code: number, brokerMessage: string | null | undefined, context?: string): KafkaError {
  const parts = [context, errorName(code), brokerMessage || undefined].filter((p) => p !== undefined && p !== '');
  return new KafkaError(code, parts.join(': '));
}

/** Errors after which the partition's leader may have moved: refresh metadata and retry. */
export function isRoutingError(err: unknown): boolean {
  if (err instanceof ConnectionError) return true;
  if (!(err instanceof KafkaError)) return false;
  return (
    err.code === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
    err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
    err.code === ErrorCode.LEADER_NOT_AVAILABLE ||
    err.code === ErrorCode.FENCED_LEADER_EPOCH ||
    err.code === ErrorCode.UNKNOWN_LEADER_EPOCH ||
    err.code === ErrorCode.NOT_CONTROLLER
  );
}

export function isRoutingErrorCode(code: number): boolean {
  return isRoutingError(new KafkaError(code, ''));
}

/** The error an aborted operation rejects with (what AbortSignal.throwIfAborted would throw). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('the operation was aborted');
  err.name = 'AbortError';
  return err;
}
