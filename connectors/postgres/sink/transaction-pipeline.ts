/**
 * A whole transaction in one round trip: BEGIN, the statements and COMMIT go out in one write, as extended-query
 * messages followed by a single Sync, and their answers come back together. Awaiting each statement instead costs a
 * round trip apiece (at least three per put), and on a busy machine every one of them means the worker and the
 * server waiting for each other to be scheduled.
 *
 * The server runs the messages in order and, once one fails, skips the rest up to the Sync: the failing step is the
 * one after the last completed command. The transaction is then left open in its failed state (or, if COMMIT
 * failed, already rolled back), so the caller ends it with ROLLBACK.
 *
 * Statements are prepared under a name the first time a connection sees their text and only bound and executed after
 * that: a put's statements are the same from put to put (same tables, same columns), and parsing and planning them
 * again each time is server work per put that does not depend on its rows.
 *
 * This is a query object of the driver's Submittable kind (the interface pg-cursor and pg-query-stream build on):
 * the client hands it the connection when its turn comes and passes it the server's answers until ReadyForQuery.
 */
import { type ClientBase, type Connection, DatabaseError, type Submittable } from 'pg';
import type { SqlStatement, StatementParam } from './sql-statements';

/** Where a pipelined transaction stopped: BEGIN, the statement at an index, or COMMIT. */
export type PipelineStep = 'begin' | number | 'commit';

export type PipelineOutcome = { readonly ok: true } | { readonly ok: false; readonly failedAt: PipelineStep; readonly error: unknown };

/**
 * Runs the statements as one transaction; resolves with what happened, never rejects. Without `prepare`, every
 * statement is parsed afresh as the unnamed statement.
 */
export function runTransaction(client: ClientBase, statements: readonly SqlStatement[], prepare: boolean): Promise<PipelineOutcome> {
  const pipeline = new TransactionPipeline(statements, prepare ? preparedOn(client) : null);
  client.query(pipeline);
  return pipeline.outcome;
}

/** Prepared statements live as long as their connection, which is as long as its client object. */
const preparedByClient = new WeakMap<ClientBase, PreparedStatements>();

function preparedOn(client: ClientBase): PreparedStatements {
  let prepared = preparedByClient.get(client);
  if (prepared === undefined) {
    prepared = new PreparedStatements();
    preparedByClient.set(client, prepared);
  }
  return prepared;
}

/**
 * The statements prepared on one connection, by SQL text, least recently used first. Past a limit the oldest is
 * closed, so that a sink writing to very many tables (or through many schema changes) does not pile up statements
 * and their plans in the server session.
 */
export class PreparedStatements {
  static readonly LIMIT = 100;
  private readonly names = new Map<string, string>();
  private counter = 0;
  /** Names to close with the next pipeline: evicted, or possibly left behind by a failed one. */
  private closing: string[] = [];

  /** The name `sql` is prepared under, and whether it was prepared before (earlier, or earlier in this pipeline). */
  use(sql: string): { name: string; known: boolean } {
    const known = this.names.get(sql);
    if (known !== undefined) {
      // Re-inserted to mark it as recently used.
      this.names.delete(sql);
      this.names.set(sql, known);
      return { name: known, known: true };
    }
    const name = `sluice_${++this.counter}`;
    this.names.set(sql, name);
    if (this.names.size > PreparedStatements.LIMIT) this.evictOldest();
    return { name, known: false };
  }

  /** Names to close before anything else, each handed out once. */
  takeClosing(): string[] {
    const names = this.closing;
    this.closing = [];
    return names;
  }

  /**
   * After a failed pipeline the server skipped every message after the failure, Parse messages included: the names
   * first used in it may or may not exist. They are forgotten (and closed, which is harmless if they do not exist).
   */
  forget(names: readonly string[]): void {
    const forgotten = new Set(names);
    for (const [sql, name] of this.names) if (forgotten.has(name)) this.names.delete(sql);
    this.closing.push(...names);
  }

  /** The server no longer has (some of) them: everything is prepared again. */
  forgetAll(): void {
    this.names.clear();
    this.closing = [];
  }

  get size(): number {
    return this.names.size;
  }

  private evictOldest(): void {
    const [sql, name] = this.names.entries().next().value as [string, string];
    this.names.delete(sql);
    this.closing.push(name);
  }
}

const NO_PARAMS: StatementParam[] = [];

/** SQLSTATE 26000, invalid_sql_statement_name: a Bind named a statement the server session does not have. */
function isMissingPreparedStatement(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === '26000';
}

class TransactionPipeline implements Submittable {
  readonly outcome: Promise<PipelineOutcome>;
  private settle: (outcome: PipelineOutcome) => void = () => undefined;
  private settled = false;
  /** CommandComplete messages so far: BEGIN's, then one per statement, then COMMIT's. */
  private completed = 0;
  /** Names this pipeline prepares for the first time. */
  private readonly parsed: string[] = [];

  constructor(
    private readonly statements: readonly SqlStatement[],
    private readonly prepared: PreparedStatements | null,
  ) {
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  submit(connection: Connection): void {
    // Corked, the messages leave in one write instead of one per message.
    const stream = connection.stream;
    stream.cork();
    try {
      for (const name of this.prepared?.takeClosing() ?? []) connection.close({ type: 'S', name }, true);
      sendUnnamed(connection, 'BEGIN');
      for (const s of this.statements) this.send(connection, s.sql, s.params);
      sendUnnamed(connection, 'COMMIT');
      connection.sync();
    } finally {
      stream.uncork();
    }
  }

  handleCommandComplete(): void {
    this.completed++;
  }

  /** Only reached when nothing failed: after an error the client no longer routes messages to this query. */
  handleReadyForQuery(): void {
    this.finish({ ok: true });
  }

  /** An ErrorResponse from the server, or the connection failing (then no ReadyForQuery follows). */
  handleError(error: unknown): void {
    if (this.settled) return;
    if (isMissingPreparedStatement(error)) this.prepared?.forgetAll();
    else this.prepared?.forget(this.parsed);
    this.finish({ ok: false, failedAt: this.stepAt(this.completed), error });
  }

  // Answers these messages never get; present because the client calls them on whatever query is active.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
  handleCopyInResponse(connection: Connection & { sendCopyFail?: (message: string) => void }): void {
    connection.sendCopyFail?.('COPY is not part of a sink transaction');
  }

  /** Parse (the first time on this connection), Bind and Execute. */
  private send(connection: Connection, sql: string, params: StatementParam[]): void {
    if (this.prepared === null) {
      sendUnnamed(connection, sql, params);
      return;
    }
    const { name, known } = this.prepared.use(sql);
    if (!known) {
      connection.parse({ name, text: sql, types: [] }, true);
      this.parsed.push(name);
    }
    bindAndExecute(connection, name, params);
  }

  private stepAt(completed: number): PipelineStep {
    if (completed === 0) return 'begin';
    return completed > this.statements.length ? 'commit' : completed - 1;
  }

  private finish(outcome: PipelineOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(outcome);
  }
}

/**
 * Parse, Bind and Execute of the unnamed statement: for BEGIN and COMMIT always (parsing them is next to free, and
 * they then never fail for want of a prepared statement), for every statement when nothing is prepared.
 */
function sendUnnamed(connection: Connection, sql: string, params: StatementParam[] = NO_PARAMS): void {
  connection.parse({ name: '', text: sql, types: [] }, true);
  bindAndExecute(connection, '', params);
}

/** Parameters that are Buffers go in binary format, strings as text. */
function bindAndExecute(connection: Connection, statement: string, params: StatementParam[]): void {
  connection.bind({ statement, values: params }, true);
  connection.execute({ portal: '' }, true);
}
