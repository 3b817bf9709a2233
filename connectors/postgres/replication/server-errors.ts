/**
 * Turns errors from node-postgres (server ErrorResponses with a SQLSTATE, socket errors, driver errors) into
 * ReplicationErrors whose messages say what is wrong in the user's terms: which slot, role, database or setting,
 * and what to do about it. The server's own text is kept in the message because it carries details (such as the
 * PID holding a slot) that no mapping should hide.
 */
import { ReplicationError, ReplicationErrorCode, type ReplicationErrorCode as Code } from './errors';

export interface ServerErrorContext {
  /** What was being done, as a phrase: "connecting", "creating replication slot", "starting replication". */
  operation: string;
  slot?: string;
  user?: string;
  database?: string;
  /** host:port, for connection errors. */
  server?: string;
  publication?: string;
}

interface PgErrorFields {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Wraps any error; ReplicationErrors pass through unchanged. */
export function toReplicationError(error: unknown, context: ServerErrorContext): ReplicationError {
  if (error instanceof ReplicationError) return error;
  const fields = errorFields(error);
  const sqlState = fields.code !== undefined && SQLSTATE.test(fields.code) ? fields.code : undefined;
  const extra = {
    ...(sqlState === undefined ? {} : { sqlState }),
    ...(fields.detail === undefined ? {} : { detail: fields.detail }),
    ...(fields.hint === undefined ? {} : { hint: fields.hint }),
    cause: error,
  };
  const make = (code: Code, message: string): ReplicationError => new ReplicationError(message, { code, ...extra });
  const said = fields.message;
  const slot = context.slot === undefined ? 'the replication slot' : `replication slot "${context.slot}"`;
  const user = context.user === undefined ? 'the connecting role' : `role "${context.user}"`;
  const at = context.server === undefined ? '' : ` at ${context.server}`;

  if (sqlState === undefined) {
    if (fields.code !== undefined && /^E[A-Z]+$/.test(fields.code)) {
      return make(ReplicationErrorCode.CONNECTION, `cannot reach PostgreSQL${at} while ${context.operation}: ${said}`);
    }
    if (/terminated|timeout expired|not queryable|ended/i.test(said)) {
      return make(ReplicationErrorCode.CONNECTION, `the connection to PostgreSQL${at} was lost while ${context.operation}: ${said}`);
    }
    return make(ReplicationErrorCode.SERVER, `error while ${context.operation}: ${said}`);
  }

  switch (sqlState) {
    case '55006': // object_in_use
      return make(
        ReplicationErrorCode.SLOT_IN_USE,
        `${slot} is in use by another connection (${said}); only one consumer can stream from a slot: ` +
          'stop the other connector, or end the stale walsender with pg_terminate_backend(<pid>)',
      );
    case '42501': // insufficient_privilege
      if (/walsender|replication/i.test(said)) {
        return make(
          ReplicationErrorCode.PERMISSION_DENIED,
          `${user} may not use replication (${said}); grant it with ALTER ROLE ... REPLICATION, or connect as a superuser`,
        );
      }
      return make(ReplicationErrorCode.PERMISSION_DENIED, `permission denied while ${context.operation} as ${user}: ${said}`);
    case '28P01': // invalid_password
      return make(ReplicationErrorCode.AUTHENTICATION_FAILED, `authentication failed for ${user}${at}: wrong password (${said})`);
    case '28000': // invalid_authorization_specification: no pg_hba.conf entry, role cannot log in
      return make(ReplicationErrorCode.AUTHENTICATION_FAILED, `the server${at} rejected ${user}: ${said}`);
    case '3D000': // invalid_catalog_name
      return make(
        ReplicationErrorCode.DATABASE_NOT_FOUND,
        `database ${context.database === undefined ? '' : `"${context.database}" `}does not exist${at} (${said})`,
      );
    case '42710': // duplicate_object
      return make(ReplicationErrorCode.SLOT_EXISTS, `${said} (while ${context.operation})`);
    case '42704': // undefined_object: slot or publication
    case '42P01': // undefined_table
      return make(ReplicationErrorCode.NOT_FOUND, `${said} (while ${context.operation})`);
    case '58P01': // undefined_file: a WAL segment the slot needs was recycled
      return make(ReplicationErrorCode.WAL_REMOVED, `the WAL needed by ${slot} is gone (${said}); a new snapshot is required`);
    case '53400': // configuration_limit_exceeded: max_replication_slots / max_wal_senders
    case '53300': // too_many_connections
      return make(ReplicationErrorCode.RESOURCE_LIMIT, `server limit reached while ${context.operation}: ${said}`);
    case '55000': // object_not_in_prerequisite_state
      if (/wal_level/i.test(said)) {
        return make(
          ReplicationErrorCode.WAL_LEVEL,
          `logical decoding is not enabled on the server${at}: ${said}. Set wal_level = logical ` +
            '(postgresql.conf, or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL',
        );
      }
      if (/invalidated|can no longer|has been removed/i.test(said)) {
        return make(ReplicationErrorCode.WAL_REMOVED, `${slot} can no longer be used (${said}); a new snapshot is required`);
      }
      return make(ReplicationErrorCode.SERVER, `error while ${context.operation}: ${said}`);
    default:
      if (sqlState.startsWith('08') || sqlState.startsWith('57P')) {
        // connection_exception, admin_shutdown, crash_shutdown, cannot_connect_now
        return make(ReplicationErrorCode.CONNECTION, `the connection to PostgreSQL${at} failed while ${context.operation}: ${said}`);
      }
      return make(ReplicationErrorCode.SERVER, `error while ${context.operation}: ${said} (SQLSTATE ${sqlState})`);
  }
}

function errorFields(error: unknown): PgErrorFields {
  // Duck-typed rather than instanceof Error: errors raised by Node's core can come from another realm (as under jest).
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const e = error as { message: string; code?: unknown; detail?: unknown; hint?: unknown };
    const out: PgErrorFields = { message: e.message };
    if (typeof e.code === 'string') out.code = e.code;
    if (typeof e.detail === 'string') out.detail = e.detail;
    if (typeof e.hint === 'string') out.hint = e.hint;
    return out;
  }
  return { message: String(error) };
}
