/**
 * Text of the walsender's replication commands. The walsender accepts only the simple query protocol, so every
 * value is quoted into the command here rather than bound.
 */
import { ReplicationError, ReplicationErrorCode } from './errors';
import { formatLsn, INVALID_LSN, type Lsn } from './lsn';
import { quoteIdent, quoteLiteral, validateSlotName } from './sql-quote';

export type SlotSnapshotAction = 'export' | 'use' | 'nothing';

export interface CreateSlotCommandOptions {
  slot: string;
  /** server_version_num: PostgreSQL 15 introduced the parenthesised option syntax. */
  serverVersionNum: number;
  /** Dropped by the server when the session ends; never use for a connector's durable slot. */
  temporary?: boolean;
  /** Default 'export': the slot's consistent snapshot is exported for SET TRANSACTION SNAPSHOT. */
  snapshot?: SlotSnapshotAction;
  /** PostgreSQL 17+: keep the slot in sync on failover standbys. */
  failover?: boolean;
  plugin?: string;
}

export function createSlotCommand(options: CreateSlotCommandOptions): string {
  validateSlotName(options.slot);
  const snapshot = options.snapshot ?? 'export';
  const head = `CREATE_REPLICATION_SLOT ${quoteIdent(options.slot)}${options.temporary ? ' TEMPORARY' : ''} LOGICAL ${quoteIdent(options.plugin ?? 'pgoutput')}`;
  if (options.failover && options.serverVersionNum < 170000) {
    throw new ReplicationError(`failover slots need PostgreSQL 17 or later (server is ${versionLabel(options.serverVersionNum)})`, {
      code: ReplicationErrorCode.INVALID_ARGUMENT,
    });
  }
  if (options.serverVersionNum >= 150000) {
    const parts = [`SNAPSHOT ${quoteLiteral(snapshot)}`];
    if (options.failover) parts.push('FAILOVER true');
    return `${head} (${parts.join(', ')})`;
  }
  const keyword = { export: 'EXPORT_SNAPSHOT', use: 'USE_SNAPSHOT', nothing: 'NOEXPORT_SNAPSHOT' }[snapshot];
  return `${head} ${keyword}`;
}

export function dropSlotCommand(options: { slot: string; wait?: boolean }): string {
  validateSlotName(options.slot);
  return `DROP_REPLICATION_SLOT ${quoteIdent(options.slot)}${options.wait ? ' WAIT' : ''}`;
}

export interface StartReplicationCommandOptions {
  slot: string;
  /**
   * Where to resume. The server starts at the slot's confirmed_flush_lsn when this is older (or 0), so 0 means
   * "wherever the slot is".
   */
  startLsn?: Lsn;
  publicationNames: readonly string[];
  /** 1 (PostgreSQL 10+) or 2 (14+, needed for streaming). Default 1, like Debezium. */
  protoVersion?: 1 | 2;
  /** Deliver pg_logical_emit_message() messages (PostgreSQL 14+). Default true. */
  messages?: boolean;
  /**
   * Stream large in-progress transactions before they commit (protocol 2). Default false: the server then spills
   * big transactions to disk and sends each whole at commit, which keeps Begin…Commit contiguous.
   */
  streaming?: boolean;
  /** Columns in the types' binary send format (PostgreSQL 14+). Default false (text). */
  binary?: boolean;
  /** PostgreSQL 16+: 'none' drops changes that came in through replication from another origin. */
  origin?: 'any' | 'none';
  /** Further pgoutput options, passed through (Debezium's slot.stream.params). */
  extraOptions?: Readonly<Record<string, string>>;
}

export function startReplicationCommand(options: StartReplicationCommandOptions): string {
  validateSlotName(options.slot);
  const proto = options.protoVersion ?? 1;
  if (proto !== 1 && proto !== 2) throw invalidArgument(`unsupported pgoutput proto_version ${String(proto)}: use 1 or 2`);
  if (options.streaming && proto < 2) throw invalidArgument('streaming in-progress transactions needs proto_version 2');
  if (options.publicationNames.length === 0) throw invalidArgument('at least one publication name is required');
  const opts: Array<[string, string]> = [
    ['proto_version', String(proto)],
    ['publication_names', options.publicationNames.map(quoteIdent).join(',')],
  ];
  // Left out when false: servers before 14 reject the option altogether.
  if (options.messages !== false) opts.push(['messages', 'true']);
  if (options.streaming !== undefined) opts.push(['streaming', options.streaming ? 'on' : 'off']);
  if (options.binary) opts.push(['binary', 'true']);
  if (options.origin) opts.push(['origin', options.origin]);
  for (const [k, v] of Object.entries(options.extraOptions ?? {})) opts.push([k, v]);
  const list = opts.map(([k, v]) => `${quoteIdent(k)} ${quoteLiteral(v)}`).join(', ');
  return `START_REPLICATION SLOT ${quoteIdent(options.slot)} LOGICAL ${formatLsn(options.startLsn ?? INVALID_LSN)} (${list})`;
}

export function versionLabel(serverVersionNum: number): string {
  return `${Math.floor(serverVersionNum / 10000)}.${serverVersionNum % 10000}`;
}

function invalidArgument(message: string): ReplicationError {
  return new ReplicationError(message, { code: ReplicationErrorCode.INVALID_ARGUMENT });
}
