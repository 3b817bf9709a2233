/**
 * The publication that pgoutput filters by, managed like Debezium's publication.autocreate.mode:
 *   all_tables  CREATE PUBLICATION … FOR ALL TABLES when missing (needs superuser);
 *   filtered    CREATE PUBLICATION … FOR TABLE <captured tables> when missing, ALTER … SET TABLE when the list
 *               differs (needs ownership of every table);
 *   disabled    never changes anything: the publication must exist.
 * In every mode the result must cover the captured tables, otherwise their changes would silently never arrive.
 */
import { ReplicationError, ReplicationErrorCode } from './errors';
import { toReplicationError } from './server-errors';
import type { SqlClient } from './sql-client';
import { quoteIdent, quoteLiteral, quoteTable, tableLabel, type TableName } from './sql-quote';

export type PublicationAutocreateMode = 'all_tables' | 'filtered' | 'disabled';
export type PublishedOperation = 'insert' | 'update' | 'delete' | 'truncate';

export interface EnsurePublicationOptions {
  publication: string;
  mode: PublicationAutocreateMode;
  /** The captured tables: the list for `filtered`, and what the publication must cover in every mode. */
  tables?: readonly TableName[];
  /** WITH (publish = …) for a publication created or altered here. Default: the server's (all four). */
  publish?: readonly PublishedOperation[];
  /** WITH (publish_via_partition_root = …) for a created publication (PostgreSQL 13+). */
  publishViaPartitionRoot?: boolean;
}

export interface PublicationInfo {
  name: string;
  allTables: boolean;
  publish: PublishedOperation[];
  viaPartitionRoot: boolean;
  /** Tables it publishes (pg_publication_tables), sorted; for FOR ALL TABLES that is every table. */
  tables: TableName[];
}

export interface PublicationResult {
  action: 'created' | 'altered' | 'unchanged';
  publication: PublicationInfo;
}

interface PublicationRow {
  pubname: string;
  puballtables: boolean;
  pubinsert: boolean;
  pubupdate: boolean;
  pubdelete: boolean;
  pubtruncate?: boolean;
  pubviaroot?: boolean;
}

export async function describePublication(client: SqlClient, publication: string): Promise<PublicationInfo | undefined> {
  const operation = `reading publication "${publication}"`;
  try {
    // to_jsonb tolerates the columns that later versions added (pubtruncate 11, pubviaroot 13).
    const res = await client.query<{ p: PublicationRow }>('SELECT to_jsonb(p) AS p FROM pg_publication p WHERE pubname = $1', [publication]);
    const row = res.rows[0]?.p;
    if (row === undefined) return undefined;
    const tables = await client.query<{ schemaname: string; tablename: string }>(
      'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY schemaname, tablename',
      [publication],
    );
    const publish: PublishedOperation[] = [];
    if (row.pubinsert) publish.push('insert');
    if (row.pubupdate) publish.push('update');
    if (row.pubdelete) publish.push('delete');
    if (row.pubtruncate) publish.push('truncate');
    return {
      name: row.pubname,
      allTables: row.puballtables,
      publish,
      viaPartitionRoot: row.pubviaroot === true,
      tables: tables.rows.map((t) => ({ schema: t.schemaname, table: t.tablename })),
    };
  } catch (error) {
    throw toReplicationError(error, { operation, publication });
  }
}

export async function ensurePublication(client: SqlClient, options: EnsurePublicationOptions): Promise<PublicationResult> {
  const { publication, mode } = options;
  const tables = dedupe(options.tables ?? []);
  if (mode === 'filtered' && tables.length === 0) {
    throw new ReplicationError(`publication.autocreate.mode is filtered but no tables are captured, so publication "${publication}" would be empty`, {
      code: ReplicationErrorCode.PUBLICATION,
    });
  }
  const existing = await describePublication(client, publication);
  let action: PublicationResult['action'] = 'unchanged';
  if (existing === undefined) {
    if (mode === 'disabled') {
      throw new ReplicationError(
        `publication "${publication}" does not exist and publication.autocreate.mode is disabled: create it first, e.g. ` +
          `CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ${tables.length ? tables.map(quoteTable).join(', ') : '<tables>'}`,
        { code: ReplicationErrorCode.PUBLICATION },
      );
    }
    const target = mode === 'all_tables' ? 'FOR ALL TABLES' : `FOR TABLE ${tables.map(quoteTable).join(', ')}`;
    await ddl(client, `CREATE PUBLICATION ${quoteIdent(publication)} ${target}${withClause(options)}`, publication, 'creating');
    action = 'created';
  } else if (mode === 'filtered' && !existing.allTables && !sameTables(existing.tables, tables)) {
    await ddl(client, `ALTER PUBLICATION ${quoteIdent(publication)} SET TABLE ${tables.map(quoteTable).join(', ')}`, publication, 'altering');
    action = 'altered';
  }
  const current = action === 'unchanged' && existing !== undefined ? existing : await describePublication(client, publication);
  if (current === undefined) {
    throw new ReplicationError(`publication "${publication}" disappeared while it was being set up`, { code: ReplicationErrorCode.PUBLICATION });
  }
  assertCovers(current, tables, mode);
  return { action, publication: current };
}

function assertCovers(publication: PublicationInfo, tables: TableName[], mode: PublicationAutocreateMode): void {
  if (publication.allTables) return;
  const covered = new Set(publication.tables.map(tableLabel));
  const missing = tables.filter((t) => !covered.has(tableLabel(t)));
  if (missing.length === 0) return;
  throw new ReplicationError(
    `publication "${publication.name}" does not cover ${missing.length === 1 ? 'the captured table' : 'these captured tables'} ` +
      `${missing.map((t) => tableLabel(t)).join(', ')} (publication.autocreate.mode is ${mode}); ` +
      `add ${missing.length === 1 ? 'it' : 'them'} with ALTER PUBLICATION ${quoteIdent(publication.name)} ADD TABLE ${missing.map(quoteTable).join(', ')}`,
    { code: ReplicationErrorCode.PUBLICATION },
  );
}

function withClause(options: EnsurePublicationOptions): string {
  const parts: string[] = [];
  if (options.publish !== undefined) parts.push(`publish = ${quoteLiteral(options.publish.join(', '))}`);
  if (options.publishViaPartitionRoot !== undefined) parts.push(`publish_via_partition_root = ${options.publishViaPartitionRoot}`);
  return parts.length === 0 ? '' : ` WITH (${parts.join(', ')})`;
}

async function ddl(client: SqlClient, sql: string, publication: string, verb: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    // Privilege errors are about a role; name it (the caller's connection settings are not known here).
    const user =
      (error as { code?: unknown }).code === '42501'
        ? await client
            .query<{ u: string }>('SELECT current_user AS u')
            .then((r) => r.rows[0]?.u)
            .catch(() => undefined)
        : undefined;
    throw toReplicationError(error, { operation: `${verb} publication "${publication}"`, publication, ...(user === undefined ? {} : { user }) });
  }
}

function dedupe(tables: readonly TableName[]): TableName[] {
  const seen = new Map<string, TableName>();
  for (const t of tables) seen.set(JSON.stringify([t.schema, t.table]), t);
  return [...seen.values()];
}

function sameTables(a: readonly TableName[], b: readonly TableName[]): boolean {
  const key = (list: readonly TableName[]): string => list.map((t) => JSON.stringify([t.schema, t.table])).sort().join('\n');
  return key(a) === key(b);
}
