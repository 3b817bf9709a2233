/**
 * Importing the snapshot exported by CREATE_REPLICATION_SLOT, so that an initial table read sees exactly the data
 * committed before the slot's consistent point, and streaming from that point delivers exactly the rest.
 */
import { ReplicationError, ReplicationErrorCode } from './errors';
import { toReplicationError } from './server-errors';
import type { SqlClient } from './sql-client';
import { quoteLiteral } from './sql-quote';

/**
 * Opens a REPEATABLE READ, READ ONLY transaction on `client` that sees the exported snapshot. The caller reads the
 * tables and then ends the transaction with COMMIT (or ROLLBACK). Must run while the replication connection that
 * created the slot is still idle: the export ends with that connection's next command.
 */
export async function beginSnapshotTransaction(client: SqlClient, options: { snapshotName: string }): Promise<void> {
  await run(client, 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', 'opening the snapshot transaction');
  try {
    // SET TRANSACTION SNAPSHOT takes no bind parameters; the name is quoted into the statement.
    await client.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(options.snapshotName)}`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    if (code === '22023' || code === '55000') {
      throw new ReplicationError(
        `cannot import exported snapshot "${options.snapshotName}" (${(error as Error).message}): ` +
          'the snapshot is only available until the replication connection that created the slot runs another command or closes',
        { code: ReplicationErrorCode.NOT_FOUND, sqlState: code, cause: error },
      );
    }
    throw toReplicationError(error, { operation: `importing snapshot "${options.snapshotName}"` });
  }
}

async function run(client: SqlClient, sql: string, operation: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    throw toReplicationError(error, { operation });
  }
}
