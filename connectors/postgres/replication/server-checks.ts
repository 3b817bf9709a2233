/**
 * Pre-flight checks over a normal connection, so that a misconfigured server fails with a message that says what
 * to change before any slot or publication is touched.
 */
import { ReplicationError, ReplicationErrorCode } from './errors';
import { toReplicationError } from './server-errors';
import type { SqlClient } from './sql-client';

/** Fails with WAL_LEVEL unless the server runs with wal_level = logical. */
export async function checkWalLevel(client: SqlClient): Promise<void> {
  let level: string | undefined;
  try {
    level = (await client.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level;
  } catch (error) {
    throw toReplicationError(error, { operation: 'reading wal_level' });
  }
  if (level !== 'logical') {
    throw new ReplicationError(
      `PostgreSQL runs with wal_level = ${level ?? 'unknown'}, but logical decoding needs wal_level = logical: ` +
        'set it in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server',
      { code: ReplicationErrorCode.WAL_LEVEL },
    );
  }
}

/** Fails with PERMISSION_DENIED unless the connected role may open replication connections. */
export async function checkReplicationRole(client: SqlClient): Promise<void> {
  let row: { rolname: string; rolsuper: boolean; rolreplication: boolean } | undefined;
  try {
    row = (
      await client.query<{ rolname: string; rolsuper: boolean; rolreplication: boolean }>(
        'SELECT rolname, rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user',
      )
    ).rows[0];
  } catch (error) {
    throw toReplicationError(error, { operation: 'reading the role attributes' });
  }
  if (row && !row.rolsuper && !row.rolreplication) {
    throw new ReplicationError(
      `role "${row.rolname}" has neither the REPLICATION attribute nor superuser rights, so it cannot stream changes: ` +
        `ALTER ROLE "${row.rolname.replace(/"/g, '""')}" REPLICATION`,
      { code: ReplicationErrorCode.PERMISSION_DENIED },
    );
  }
}
