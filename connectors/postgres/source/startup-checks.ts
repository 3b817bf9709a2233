/**
 * Start-up checks, in the order that gives the most useful message first: can we log in (password, database),
 * is logical decoding on (wal_level), may the role replicate, which tables are captured, does the publication
 * cover them (creating or altering it per publication.autocreate.mode), and is the slot free.
 */
import type { Client } from 'pg';
import {
  checkReplicationRole,
  checkWalLevel,
  ensurePublication,
  getSlotInfo,
  type PublishedOperation,
  ReplicationError,
  ReplicationErrorCode,
  type SlotInfo,
} from '../replication';
import { type CatalogTable, listCapturedTables } from './catalog-reader';
import type { SourceLogger } from './logger';
import { openSqlClient } from './pg-connection';
import type { PostgresSourceConfig } from './source-config';
import type { TableFilter } from './table-filters';

export interface PreflightResult {
  sql: Client;
  tables: CatalogTable[];
  slot: SlotInfo | undefined;
}

const OPERATIONS: ReadonlyArray<[string, PublishedOperation]> = [
  ['c', 'insert'],
  ['u', 'update'],
  ['d', 'delete'],
  ['t', 'truncate'],
];

export async function preflight(config: PostgresSourceConfig, filter: TableFilter, logger: SourceLogger, signal: AbortSignal): Promise<PreflightResult> {
  const sql = await openSqlClient(config, 'metadata');
  try {
    await checkWalLevel(sql);
    await checkReplicationRole(sql);
    const tables = await listCapturedTables(sql, filter);
    if (tables.length === 0) logger.warn({ database: config.connection.database }, 'no table matches the capture filters; nothing will be captured until one does');
    // The signal table must be published for its rows (signals, snapshot watermarks) to reach the stream.
    const published = tables.map((t) => ({ schema: t.schema, table: t.table }));
    if (config.signalDataCollection !== null) {
      const [schema, table] = config.signalDataCollection.split('.') as [string, string];
      if (!published.some((t) => t.schema === schema && t.table === table)) published.push({ schema, table });
    }
    const publish = OPERATIONS.filter(([op]) => !config.skippedOperations.has(op as 'c')).map(([, name]) => name);
    const publication = await ensurePublication(sql, {
      publication: config.publicationName,
      mode: config.publicationMode,
      tables: published,
      ...(publish.length > 0 ? { publish } : {}),
      ...(config.publishViaPartitionRoot ? { publishViaPartitionRoot: true } : {}),
    });
    if (publication.action !== 'unchanged') logger.info({ publication: config.publicationName, action: publication.action }, 'publication set up');
    const slot = await freeSlot(sql, config, logger, signal);
    return { sql, tables, slot };
  } catch (error) {
    await sql.end().catch(() => undefined);
    throw error;
  }
}

/** The slot's state once no other connection streams from it (waiting slot.max.retries × slot.retry.delay.ms). */
async function freeSlot(sql: Client, config: PostgresSourceConfig, logger: SourceLogger, signal: AbortSignal): Promise<SlotInfo | undefined> {
  for (let attempt = 0; ; attempt++) {
    const slot = await getSlotInfo(sql, config.slotName);
    if (slot !== undefined) checkSlotFits(slot, config);
    if (slot === undefined || !slot.active) return slot;
    if (attempt >= config.slotMaxRetries || signal.aborted) {
      throw new ReplicationError(
        `replication slot "${config.slotName}" is in use by another connection (walsender PID ${slot.activePid ?? 'unknown'}): ` +
          'only one consumer can stream from a slot. Stop the other connector, give this one its own slot.name, ' +
          `or end a stale walsender with SELECT pg_terminate_backend(${slot.activePid ?? '<pid>'})`,
        { code: ReplicationErrorCode.SLOT_IN_USE },
      );
    }
    logger.warn({ slot: config.slotName, pid: slot.activePid, attempt: attempt + 1, retries: config.slotMaxRetries }, 'replication slot is in use; waiting for it to be released');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, config.slotRetryDelayMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

function checkSlotFits(slot: SlotInfo, config: PostgresSourceConfig): void {
  if (slot.slotType !== 'logical' || (slot.plugin !== null && slot.plugin !== 'pgoutput')) {
    throw new ReplicationError(
      `replication slot "${config.slotName}" exists but is a ${slot.slotType} slot${slot.plugin ? ` for plugin ${slot.plugin}` : ''}; ` +
        'this connector needs a logical pgoutput slot: choose another slot.name or drop that slot',
      { code: ReplicationErrorCode.INVALID_ARGUMENT },
    );
  }
  if (slot.database !== null && slot.database !== config.connection.database) {
    throw new ReplicationError(
      `replication slot "${config.slotName}" belongs to database "${slot.database}", not "${config.connection.database}": slots are per database, choose another slot.name`,
      { code: ReplicationErrorCode.INVALID_ARGUMENT },
    );
  }
}
