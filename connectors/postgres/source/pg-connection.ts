/**
 * Normal (non-replication) connections of the source: the metadata connection (checks, catalog, heartbeat action
 * query) and the snapshot connection. Every value comes back as the server's text, unparsed, and the session
 * settings match the replication connection's, so a snapshot row reads exactly like a pgoutput tuple.
 */
import { Client, type ClientConfig } from 'pg';
import { DEFAULT_SESSION_SETTINGS, toReplicationError, type ReplicationConnectionOptions } from '../replication';
import type { PostgresSourceConfig } from './source-config';

/** Leaves every column as the text the server sent (node-postgres would otherwise parse ints, dates, arrays...). */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

export function sslOption(mode: string): ClientConfig['ssl'] {
  switch (mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      // node-postgres has no "try TLS, fall back" mode: allow and prefer connect in clear.
      return false;
  }
}

function sessionOptions(): string {
  return Object.entries(DEFAULT_SESSION_SETTINGS)
    .map(([k, v]) => `-c ${k}=${v.replace(/[\\\s]/g, (c) => `\\${c}`)}`)
    .join(' ');
}

/** Options for ReplicationConnection.connect from the source config. */
export function replicationOptions(config: PostgresSourceConfig, signal?: AbortSignal): ReplicationConnectionOptions {
  const c = config.connection;
  return {
    host: c.host,
    port: c.port,
    user: c.user,
    ...(c.password === undefined ? {} : { password: c.password }),
    database: c.database,
    ssl: sslOption(c.sslmode),
    applicationName: `sluice-cdc-${config.topicPrefix}`,
    connectTimeoutMs: c.connectTimeoutMs,
    ...(signal === undefined ? {} : { signal }),
  };
}

/** `user@host:port/database` for messages (never the password). */
export function describeTarget(config: PostgresSourceConfig): string {
  const c = config.connection;
  return `${c.user}@${c.host}:${c.port}/${c.database}`;
}

/**
 * Connects a client and runs database.initial.statements. With `rawText` every value comes back as the server's
 * text (the snapshot reads rows that way); otherwise node-postgres parses values as usual (the replication
 * helpers expect booleans and JSON). Failures become ReplicationErrors whose messages name the problem (wrong
 * password, missing database, unreachable server).
 */
export async function openSqlClient(config: PostgresSourceConfig, purpose: string, options: { rawText?: boolean } = {}): Promise<Client> {
  const c = config.connection;
  const client = new Client({
    host: c.host,
    port: c.port,
    user: c.user,
    ...(c.password === undefined ? {} : { password: c.password }),
    database: c.database,
    ssl: sslOption(c.sslmode),
    application_name: `sluice-cdc-${config.topicPrefix}-${purpose}`,
    connectionTimeoutMillis: c.connectTimeoutMs,
    keepAlive: true,
    ...(options.rawText ? { types: RAW_TEXT } : {}),
    options: sessionOptions(),
  });
  // An unexpected disconnect would otherwise be an uncaught 'error' event; the next query reports it.
  client.on('error', () => undefined);
  const context = { operation: `connecting to PostgreSQL (${purpose})`, user: c.user, database: c.database, server: `${c.host}:${c.port}` };
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toReplicationError(error, context);
  }
  try {
    for (const statement of c.initialStatements) await client.query(statement);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toReplicationError(error, { ...context, operation: 'running database.initial.statements' });
  }
  return client;
}
