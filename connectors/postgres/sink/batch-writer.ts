/**
 * Writes a planned batch in one transaction.
 *
 * The fast path sends BEGIN, the statements and COMMIT in one round trip (transaction-pipeline.ts). When a
 * statement fails because of the data in it (a value the column cannot take, a constraint violation), the
 * transaction is rolled back and the batch is written again carefully: each statement inside a savepoint, and a
 * statement that fails is undone and replayed change by change, each in its own savepoint, so that the failing record
 * is known exactly. Its column is found from the server's error or, for a bad value, by casting the record's values
 * one at a time. The failing record then goes to `onRecordError`, which either reports it (and the rest of the batch
 * is committed) or throws (and nothing is).
 */
import type { ClientBase, DatabaseError } from 'pg';
import { ConnectError, type DataError, type SinkRecord } from '../../../connect-runtime/api';
import type { BoundChange } from './bind-change';
import { type PlannedStatement, singleChangeStatement } from './change-plan';
import { describeDbError, errorScope, recordError, violatedColumns } from './pg-errors';
import type { InsertMode } from './sink-config';
import { runTransaction } from './transaction-pipeline';

export interface WriteBatchOptions {
  client: ClientBase;
  statements: readonly PlannedStatement[];
  insertMode: InsertMode;
  /** Prepare the statements under names reused on the connection (see transaction-pipeline.ts). */
  prepareStatements: boolean;
  /** Resolves when the record was reported and may be skipped; throws to fail the whole batch. */
  onRecordError: (record: SinkRecord, error: DataError) => Promise<void>;
}

export interface WriteBatchResult {
  /** False when a record failed and the batch was written record by record around it. */
  readonly fastPath: boolean;
}

/**
 * Writes and commits, or throws: a ConnectError for a failure that retrying cannot fix, the driver's error for a
 * transient one (connection lost, deadlock, ...) or for metadata gone stale, and whatever onRecordError throws.
 */
export async function writeBatch(options: WriteBatchOptions): Promise<WriteBatchResult> {
  const { client, statements } = options;
  if (statements.length === 0) return { fastPath: true };
  const outcome = await runTransaction(client, statements, options.prepareStatements);
  if (outcome.ok) return { fastPath: true };
  // The pipeline stopped at the failure with the transaction still open (or rolled back by a failed COMMIT).
  await rollback(client);
  const { failedAt, error } = outcome;
  if (typeof failedAt !== 'number') {
    // BEGIN or COMMIT failed: a lost connection is retried; anything else (a deferred constraint checked at
    // commit) concerns the batch as a whole.
    if (errorScope(error) === 'transient') throw error;
    throw new ConnectError(`Committing a batch of ${statements.length} statements failed: ${describeDbError(error)}`, { cause: error });
  }
  if (errorScope(error) !== 'record') throw withContext(error, statements[failedAt] as PlannedStatement);
  await writeCarefully(options);
  return { fastPath: false };
}

async function writeCarefully(options: WriteBatchOptions): Promise<void> {
  const { client, statements } = options;
  await client.query('BEGIN');
  try {
    for (const s of statements) {
      await client.query('SAVEPOINT sluice_statement');
      try {
        await client.query(s.sql, s.params);
      } catch (err) {
        if (errorScope(err) !== 'record') throw withContext(err, s);
        await client.query('ROLLBACK TO SAVEPOINT sluice_statement');
        for (const change of s.changes) await replay(options, change);
      }
      await client.query('RELEASE SAVEPOINT sluice_statement');
    }
    await client.query('COMMIT');
  } catch (err) {
    await rollback(client);
    throw err;
  }
}

/** Writes one change on its own; a failure caused by its data becomes a DataError that names it. */
async function replay(options: WriteBatchOptions, change: BoundChange): Promise<void> {
  const { client } = options;
  const statement = singleChangeStatement(change, options.insertMode);
  if (statement === null) return;
  await client.query('SAVEPOINT sluice_record');
  try {
    await client.query(statement.sql, statement.params);
    await client.query('RELEASE SAVEPOINT sluice_record');
    return;
  } catch (err) {
    if (errorScope(err) !== 'record') throw withContext(err, statement);
    await client.query('ROLLBACK TO SAVEPOINT sluice_record');
    await client.query('RELEASE SAVEPOINT sluice_record');
    const column = await findColumn(client, change, err as DatabaseError);
    const described = column === undefined ? '' : `column "${column}"${declaredTypeOf(change, column)}: `;
    await options.onRecordError(
      change.record,
      recordError({ record: change.record, table: change.table.displayName, column, detail: `${described}${describeDbError(err)}`, cause: err }),
    );
  }
}

/** The column a data error is about: named by the server, matched by type, or found by casting each value. */
async function findColumn(client: ClientBase, change: BoundChange, err: DatabaseError): Promise<string | undefined> {
  const named = violatedColumns(err);
  if (named.length > 0) return named.join(', ');
  const values = [...change.keyColumns.map((c, i) => [c, change.keyTexts[i]] as const), ...change.columns.map((c, i) => [c, change.texts[i]] as const)];
  // Too long for varchar(n)/char(n)/bit(n): explicit casts truncate instead of failing, but the message names the type.
  if (err.code === '22001' || err.code === '22026') {
    const matching = values.filter(([c, text]) => text !== null && err.message.includes(`type ${change.table.columns.get(c)?.declaredType}`));
    const longest = matching.sort((a, b) => (b[1]?.length ?? 0) - (a[1]?.length ?? 0))[0];
    if (longest !== undefined) return longest[0];
  }
  for (const [column, text] of values) {
    const info = change.table.columns.get(column);
    if (text === null || info === undefined) continue;
    await client.query('SAVEPOINT sluice_probe');
    try {
      await client.query(`SELECT $1::${info.declaredType}`, [text]);
      await client.query('RELEASE SAVEPOINT sluice_probe');
    } catch (probeErr) {
      await client.query('ROLLBACK TO SAVEPOINT sluice_probe');
      await client.query('RELEASE SAVEPOINT sluice_probe');
      if (errorScope(probeErr) === 'record') return column;
      throw probeErr;
    }
  }
  return undefined;
}

function declaredTypeOf(change: BoundChange, column: string): string {
  const declared = change.table.columns.get(column)?.declaredType;
  return declared === undefined ? '' : ` (${declared})`;
}

/**
 * Failures that neither a retry nor skipping a record can fix get the table and operation into their message.
 * Transient and stale-metadata errors stay as they are: the task retries those.
 */
function withContext(err: unknown, statement: PlannedStatement): unknown {
  const scope = errorScope(err);
  if (scope === 'transient' || scope === 'stale' || scope === 'record') return err;
  return new ConnectError(`${statement.kind} on table ${statement.table.displayName} failed: ${describeDbError(err)}`, { cause: err });
}

async function rollback(client: ClientBase): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    // The connection is gone; the server rolls the transaction back by itself.
  }
}
