/**
 * A replication connection (startup parameter replication=database) over node-postgres: IDENTIFY_SYSTEM, slot
 * creation with an exported snapshot, slot removal, and START_REPLICATION into a ReplicationStream.
 *
 * node-postgres has no CopyBoth API, but it routes every backend message of the active query to that query object's
 * handle* methods and accepts any object with submit(connection) as a query. StartReplicationQuery is such an
 * object: it receives the CopyData payloads, and the stream writes standby status updates and CopyDone with the
 * connection's sendCopyFromChunk/endCopyFrom.
 */
import { Client, type ClientConfig, type Connection } from 'pg';
import { abortError, ReplicationError, ReplicationErrorCode } from './errors';
import { parseLsn, type Lsn } from './lsn';
import {
  createSlotCommand,
  dropSlotCommand,
  startReplicationCommand,
  versionLabel,
  type SlotSnapshotAction,
  type StartReplicationCommandOptions,
} from './replication-commands';
import { copyBothConnection, ReplicationStream, type ReplicationStreamOptions } from './replication-stream';
import { toReplicationError, type ServerErrorContext } from './server-errors';

/**
 * pgoutput renders values with the walsender session's settings; pinning them gives the value parser one format
 * whatever the server's or role's defaults are.
 */
export const DEFAULT_SESSION_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  DateStyle: 'ISO',
  TimeZone: 'UTC',
  IntervalStyle: 'iso_8601',
  extra_float_digits: '3',
  bytea_output: 'hex',
});

export interface ReplicationConnectionOptions {
  host?: string;
  port?: number;
  user?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
  /** Alternative to the fields above; they override what it says. */
  connectionString?: string;
  ssl?: ClientConfig['ssl'];
  /** Shown in pg_stat_replication.application_name. Default "sluice". */
  applicationName?: string;
  /** Default 30 000 ms. */
  connectTimeoutMs?: number;
  /** Session settings for the walsender, merged over DEFAULT_SESSION_SETTINGS. */
  sessionSettings?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

export interface SystemIdentity {
  systemId: string;
  timeline: number;
  /** The current WAL flush position. */
  xlogPos: Lsn;
  dbName: string | null;
}

export interface CreateSlotOptions {
  slot: string;
  /**
   * Dropped when the session ends, and also when any later command on this connection fails (the walsender's error
   * cleanup releases them). For tests and one-off reads, never for a connector's durable position.
   */
  temporary?: boolean;
  /**
   * Default 'export'. The exported snapshot stays importable only while this connection stays idle: import it
   * (SET TRANSACTION SNAPSHOT on another connection) before running any other command here.
   */
  snapshot?: SlotSnapshotAction;
  failover?: boolean;
}

export interface CreatedSlot {
  slotName: string;
  /** Streaming from here delivers exactly the transactions the exported snapshot does not contain. */
  consistentPoint: Lsn;
  snapshotName: string | null;
  outputPlugin: string;
}

export type StartReplicationOptions = StartReplicationCommandOptions & ReplicationStreamOptions;

type ReplicationClientConfig = ClientConfig & { replication: 'database' };

export class ReplicationConnection {
  private stream: ReplicationStream | undefined;
  private closed = false;
  private lost: Error | undefined;

  private constructor(
    private readonly client: Client,
    /** server_version_num, e.g. 150004. */
    readonly serverVersionNum: number,
  ) {}

  static async connect(options: ReplicationConnectionOptions): Promise<ReplicationConnection> {
    const settings = { ...DEFAULT_SESSION_SETTINGS, ...options.sessionSettings };
    const config: ReplicationClientConfig = {
      replication: 'database',
      application_name: options.applicationName ?? 'sluice',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
      keepAlive: true,
      options: Object.entries(settings)
        .map(([k, v]) => `-c ${escapeOption(k)}=${escapeOption(v)}`)
        .join(' '),
    };
    if (options.connectionString !== undefined) config.connectionString = options.connectionString;
    if (options.host !== undefined) config.host = options.host;
    if (options.port !== undefined) config.port = options.port;
    if (options.user !== undefined) config.user = options.user;
    if (options.password !== undefined) config.password = options.password;
    if (options.database !== undefined) config.database = options.database;
    if (options.ssl !== undefined) config.ssl = options.ssl;
    const client = new Client(config);
    const context: ServerErrorContext = {
      operation: 'connecting for logical replication',
      ...(client.user === undefined ? {} : { user: client.user }),
      ...(client.database === undefined ? {} : { database: client.database }),
      server: `${client.host}:${client.port}`,
    };
    // Without a listener an unexpected disconnect would be an uncaught 'error' event.
    let onClientError: (error: Error) => void = () => undefined;
    client.on('error', (error) => onClientError(error));

    const signal = options.signal;
    if (signal?.aborted) throw abortError(signal, 'connecting for logical replication');
    const onAbort = (): void => {
      (client.connection.stream as { destroy?: (error?: Error) => void }).destroy?.();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      if (signal?.aborted) throw abortError(signal, 'connecting for logical replication');
      throw toReplicationError(error, context);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }

    try {
      const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      const versionNum = Number(version.rows[0]?.server_version_num);
      const encoding = (await client.query<{ server_encoding: string }>('SHOW server_encoding')).rows[0]?.server_encoding;
      if (encoding !== undefined && encoding.toUpperCase() !== 'UTF8') {
        throw new ReplicationError(
          `database "${client.database ?? ''}" uses encoding ${encoding}; logical replication here requires UTF8 databases`,
          { code: ReplicationErrorCode.INVALID_ARGUMENT },
        );
      }
      if (!(versionNum >= 100000)) {
        throw new ReplicationError(`PostgreSQL ${versionLabel(versionNum)} has no pgoutput: version 10 or later is required`, {
          code: ReplicationErrorCode.INVALID_ARGUMENT,
        });
      }
      const connection = new ReplicationConnection(client, versionNum);
      onClientError = (error) => connection.onClientError(error);
      return connection;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw toReplicationError(error, { ...context, operation: 'reading the server version' });
    }
  }

  /** The walsender's PID (pg_stat_replication.pid, pg_replication_slots.active_pid). */
  get backendPid(): number | undefined {
    const pid = (this.client as unknown as { processID?: unknown }).processID;
    return typeof pid === 'number' ? pid : undefined;
  }

  async identifySystem(): Promise<SystemIdentity> {
    const rows = await this.command<{ systemid: string; timeline: number | string; xlogpos: string; dbname: string | null }>(
      'IDENTIFY_SYSTEM',
      { operation: 'running IDENTIFY_SYSTEM' },
    );
    const row = rows[0];
    if (row === undefined) throw protocolError('IDENTIFY_SYSTEM returned no row');
    return { systemId: String(row.systemid), timeline: Number(row.timeline), xlogPos: parseLsn(row.xlogpos), dbName: row.dbname };
  }

  async createSlot(options: CreateSlotOptions): Promise<CreatedSlot> {
    const sql = createSlotCommand({ ...options, serverVersionNum: this.serverVersionNum });
    const rows = await this.command<{ slot_name: string; consistent_point: string; snapshot_name: string | null; output_plugin: string }>(
      sql,
      { operation: `creating replication slot "${options.slot}"`, slot: options.slot },
    );
    const row = rows[0];
    if (row === undefined) throw protocolError('CREATE_REPLICATION_SLOT returned no row');
    return {
      slotName: row.slot_name,
      consistentPoint: parseLsn(row.consistent_point),
      snapshotName: row.snapshot_name,
      outputPlugin: row.output_plugin,
    };
  }

  /** With `wait`, waits for an active slot to be released instead of failing with SLOT_IN_USE. */
  async dropSlot(options: { slot: string; wait?: boolean }): Promise<void> {
    await this.command(dropSlotCommand(options), { operation: `dropping replication slot "${options.slot}"`, slot: options.slot });
  }

  /**
   * Sends START_REPLICATION and resolves once the server has switched to CopyBoth, so slot errors (missing, in use)
   * reject here. A missing publication is noticed by pgoutput only when it decodes the first change, so that error
   * comes from the stream.
   */
  async startReplication(options: StartReplicationOptions): Promise<ReplicationStream> {
    this.assertIdle();
    if (options.messages !== false && this.serverVersionNum < 140000) {
      throw new ReplicationError(
        `logical decoding messages need PostgreSQL 14 or later (server is ${versionLabel(this.serverVersionNum)}); pass messages: false`,
        { code: ReplicationErrorCode.INVALID_ARGUMENT },
      );
    }
    if ((options.protoVersion ?? 1) >= 2 && this.serverVersionNum < 140000) {
      throw new ReplicationError(`pgoutput proto_version 2 needs PostgreSQL 14 or later (server is ${versionLabel(this.serverVersionNum)})`, {
        code: ReplicationErrorCode.INVALID_ARGUMENT,
      });
    }
    const text = startReplicationCommand(options);
    const context = this.context({ operation: `streaming from replication slot "${options.slot}"`, slot: options.slot });
    const stream = new ReplicationStream(options, (error) => toReplicationError(this.lost ?? error, context));
    this.stream = stream;
    const signal = options.signal;
    if (signal?.aborted) {
      this.stream = undefined;
      throw abortError(signal, 'starting replication');
    }

    // Synchronously, so that a caller reacting to the end of the stream can run the next command at once.
    const release = (): void => {
      if (this.stream === stream) this.stream = undefined;
    };
    let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const started = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const query = new StartReplicationQuery(text, {
      started: (connection) => {
        stream.onStarted(copyBothConnection(connection));
        settle?.resolve();
      },
      data: (chunk) => stream.onCopyData(chunk),
      ended: () => {
        release();
        stream.onEnded();
        settle?.reject(protocolError('the server ended START_REPLICATION without streaming'));
      },
      failed: (error) => {
        release();
        const described = toReplicationError(this.lost ?? error, { ...context, operation: `starting replication from slot "${options.slot}"` });
        settle?.reject(described);
        stream.onFailed(error);
      },
    });
    const onAbort = (): void => {
      // Nothing to cancel politely before CopyBoth; stop() sends CopyDone as soon as the server switches.
      void stream.stop().catch(() => undefined);
      settle?.reject(abortError(signal!, 'starting replication'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.client.query(query);
    try {
      await started;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      settle = undefined;
    }
    return stream;
  }

  /** Stops an active stream (see ReplicationStream.stop) and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stream = this.stream;
    if (stream !== undefined) await stream.stop().catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  private async command<R extends object>(sql: string, context: ServerErrorContext): Promise<R[]> {
    this.assertIdle();
    try {
      return (await this.client.query<R>(sql)).rows;
    } catch (error) {
      throw toReplicationError(this.lost ?? error, this.context(context));
    }
  }

  private assertIdle(): void {
    if (this.closed) throw new ReplicationError('the replication connection is closed', { code: ReplicationErrorCode.INVALID_ARGUMENT });
    if (this.lost) throw toReplicationError(this.lost, this.context({ operation: 'using the replication connection' }));
    if (this.stream !== undefined) {
      throw new ReplicationError('the replication connection is streaming; stop the stream before running other commands', {
        code: ReplicationErrorCode.INVALID_ARGUMENT,
      });
    }
  }

  private context(context: ServerErrorContext): ServerErrorContext {
    return {
      ...(this.client.user === undefined ? {} : { user: this.client.user }),
      ...(this.client.database === undefined ? {} : { database: this.client.database }),
      server: `${this.client.host}:${this.client.port}`,
      ...context,
    };
  }

  private onClientError(error: Error): void {
    this.lost ??= error;
    this.stream?.onFailed(error);
  }
}

interface StartReplicationHandlers {
  started(connection: Connection): void;
  data(chunk: Buffer): void;
  ended(): void;
  failed(error: Error): void;
}

/**
 * A node-postgres query object for START_REPLICATION. node-postgres calls these handle* methods for the messages
 * that arrive while it is the active query; the names and arguments are the driver's (lib/query.js).
 */
class StartReplicationQuery {
  private connection: Connection | undefined;
  private readonly onStart = (): void => {
    if (this.connection) this.handlers.started(this.connection);
  };

  constructor(
    private readonly text: string,
    private readonly handlers: StartReplicationHandlers,
  ) {}

  submit(connection: Connection): void {
    this.connection = connection;
    // CopyBothResponse ('W') is parsed by pg-protocol as 'replicationStart' but not routed to the query.
    connection.once('replicationStart', this.onStart);
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    this.handlers.data(message.chunk);
  }

  handleReadyForQuery(): void {
    this.detach();
    this.handlers.ended();
  }

  handleError(error: Error): void {
    this.detach();
    this.handlers.failed(error);
  }

  handleCopyInResponse(connection: Connection): void {
    (connection as unknown as { sendCopyFail(message: string): void }).sendCopyFail('START_REPLICATION does not accept COPY FROM data');
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  private detach(): void {
    this.connection?.removeListener('replicationStart', this.onStart);
  }
}

/** Backslash-escapes the characters that separate or escape words in the startup `options` parameter. */
function escapeOption(value: string): string {
  return value.replace(/[\\\s]/g, (c) => `\\${c}`);
}

function protocolError(message: string): ReplicationError {
  return new ReplicationError(message, { code: ReplicationErrorCode.PROTOCOL });
}
