/**
 * Postgres logical replication for the CDC source: pgoutput decoding, the replication connection and stream, and
 * slot/publication management. Depends on node built-ins and `pg` only.
 *
 * The usual sequence (errors are ReplicationErrors with a `code` and `retriable`):
 *   checkWalLevel(sql); ensurePublication(sql, { publication, mode, tables });
 *   const repl = await ReplicationConnection.connect(options);
 *   const slot = await repl.createSlot({ slot: 'debezium' });          // when getSlotInfo(sql, …) found none
 *   await beginSnapshotTransaction(sql2, { snapshotName: slot.snapshotName! });  // before any other repl command
 *   …read the tables, COMMIT…
 *   const stream = await repl.startReplication({ slot: 'debezium', startLsn: slot.consistentPoint, publicationNames });
 *   for await (const event of stream) { …; once records up to a Commit are durable: stream.setFlushedLsn(commit.endLsn) }
 *   await repl.close();
 */
export * from './errors';
export * from './lsn';
export * from './pg-time';
export * from './pgoutput-messages';
export { decodePgoutputMessage, PgoutputDecoder, type DecodeOptions } from './pgoutput-decoder';
export * from './replication-frames';
export * from './relation-cache';
export * from './sql-quote';
export * from './replication-commands';
export { toReplicationError, type ServerErrorContext } from './server-errors';
export {
  ReplicationStream,
  type DataEvent,
  type KeepaliveEvent,
  type ReplicationEvent,
  type ReplicationStreamOptions,
  type StreamState,
} from './replication-stream';
export * from './replication-connection';
export type { SqlClient } from './sql-client';
export * from './server-checks';
export * from './snapshot';
export * from './slot-admin';
export * from './publication-admin';
