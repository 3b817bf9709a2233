/**
 * PostgreSQL and driver errors in the sink's terms: what went wrong where (one record, a table, the connection),
 * and messages that name the record (topic, partition, offset), the table and the column.
 */
import { DatabaseError } from 'pg';
import { ConnectError, DataError, RetriableError, type SinkRecord } from '../../../connect-runtime/api';

/**
 * - record: this row's data is at fault (bad value, constraint violation); other rows may still be written.
 * - transient: the connection dropped or the server asked to retry (deadlock, serialization failure, shutdown).
 * - stale: the table no longer looks like the cached metadata says (a column gone or retyped), or a statement the sink
 *   prepared is gone; reload and plan again.
 * - fatal: anything else (permissions, a table without the needed key, ...); retrying or skipping records won't help.
 */
export type ErrorScope = 'record' | 'transient' | 'stale' | 'fatal';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
const TRANSIENT_STATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03', '25P03']);

export function errorScope(err: unknown): ErrorScope {
  if (err instanceof DatabaseError) {
    const code = err.code ?? '';
    if (code.startsWith('08') || code.startsWith('53') || TRANSIENT_STATES.has(code)) return 'transient';
    if (code.startsWith('22') || code.startsWith('23')) return 'record';
    // Undefined table or column, a column whose type no longer matches the cast the sink chose, a unique index gone:
    // all mean the cached metadata is out of date.
    if (code === '42703' || code === '42P01' || code === '42804' || code === '42P10') return 'stale';
    // A prepared statement the sink made is gone (a pooler handed it another server session): prepare again.
    if (code === '26000') return 'stale';
    return 'fatal';
  }
  return isConnectionFailure(err) ? 'transient' : 'fatal';
}

/** A socket-level failure or node-postgres telling that its connection is gone. */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return /Connection terminated|connection error|not queryable|timeout expired|Connection ended/i.test(err.message);
}

/** `message (detail) [hint] (SQLSTATE xxxxx)` of a server error; the plain message otherwise. */
export function describeDbError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (!(err instanceof DatabaseError)) return err.message;
  let text = err.message;
  if (err.detail) text += ` (${err.detail})`;
  if (err.hint) text += ` Hint: ${err.hint}`;
  if (err.code) text += ` [SQLSTATE ${err.code}]`;
  return text;
}

/** `topic orders, partition 0, offset 42`. */
export function describeRecord(record: SinkRecord): string {
  return `topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset}`;
}

/** A DataError about one record; `detail` says what, the column (when known) is named and kept in `field`. */
export function recordError(options: { record: SinkRecord; table?: string; column?: string; detail: string; cause?: unknown }): DataError {
  const { record, table, column, detail, cause } = options;
  const where = table === undefined ? '' : ` to table ${table}`;
  return new DataError(`Cannot write record (${describeRecord(record)})${where}: ${detail}`, { field: column, cause });
}

/** The error for a connection that could not be opened: bad credentials are fatal, an unreachable server is not. */
export function connectFailure(err: unknown, target: string): ConnectError {
  const detail = describeDbError(err);
  if (err instanceof DatabaseError) {
    const code = err.code ?? '';
    if (code.startsWith('28')) return new ConnectError(`Cannot log in to PostgreSQL as ${target}: ${detail}. Check connection.user and connection.password.`, { cause: err });
    if (code === '3D000') return new ConnectError(`Cannot connect to PostgreSQL at ${target}: ${detail}. Check the database name.`, { cause: err });
    if (errorScope(err) === 'transient') return new RetriableError(`PostgreSQL at ${target} is not available: ${detail}`, { cause: err });
    return new ConnectError(`Cannot connect to PostgreSQL at ${target}: ${detail}`, { cause: err });
  }
  return new RetriableError(`Cannot reach PostgreSQL at ${target}: ${detail}`, { cause: err });
}

/**
 * The columns named by a constraint violation: node-postgres gives the column for NOT NULL violations; unique and
 * foreign key violations name them in the detail, `Key (a, b)=(1, 2) already exists.`
 */
export function violatedColumns(err: DatabaseError): string[] {
  if (err.column) return [err.column];
  const m = /^Key \(([^)]*)\)=/.exec(err.detail ?? '');
  return m ? (m[1] as string).split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')) : [];
}
