/**
 * Turns the connection settings into node-postgres client options: a PostgreSQL URL, a JDBC URL in the form
 * Debezium's JDBC sink takes (`jdbc:postgresql://host:port/db?user=...`), or separate host/port/dbname keys, with
 * `connection.user`/`connection.username`/`connection.password` overriding what a URL says.
 */
import type { ClientConfig } from 'pg';
import type { AbstractConfig } from '../../../connect-runtime/api';

/** libpq's sslmode values. */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** What a connection URL says, before the separate keys are applied. */
export interface ParsedConnectionUrl {
  host: string | undefined;
  port: number | undefined;
  database: string | undefined;
  user: string | undefined;
  password: string | undefined;
  /** Query parameters, keys as written. */
  params: Record<string, string>;
}

export interface ConnectionTarget {
  readonly clientConfig: ClientConfig;
  /** `user@host:port/database`, for messages and logs (never the password). */
  readonly description: string;
  /**
   * Whether statements are prepared under a name and reused on the connection. Off with PgJDBC's
   * `prepareThreshold=0`, the usual setting behind a pooler that cannot keep prepared statements (PgBouncer in
   * transaction mode before 1.21, or without max_prepared_statements).
   */
  readonly prepareStatements: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Parses `postgres://`, `postgresql://` and `jdbc:postgresql:` URLs; throws an Error saying what is wrong. */
export function parseConnectionUrl(url: string): ParsedConnectionUrl {
  const trimmed = url.trim();
  const jdbc = /^jdbc:postgresql:/i.exec(trimmed);
  if (jdbc) {
    const rest = trimmed.slice(jdbc[0].length);
    // jdbc:postgresql:database and jdbc:postgresql:/ name no host: the driver then uses localhost:5432.
    if (!rest.startsWith('//')) return parseHostless(rest);
    return parseHierarchical(`postgres:${rest}`, true);
  }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parseHierarchical(trimmed, false);
  throw new Error('Expected a URL starting with postgres://, postgresql:// or jdbc:postgresql:');
}

function parseHostless(rest: string): ParsedConnectionUrl {
  const [path = '', query = ''] = splitOnce(rest, '?');
  const database = decodeURIComponent(path.replace(/^\//, ''));
  const params = Object.fromEntries(new URLSearchParams(query));
  return { host: undefined, port: undefined, database: database || undefined, user: undefined, password: undefined, params };
}

function parseHierarchical(text: string, jdbc: boolean): ParsedConnectionUrl {
  const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(text)?.[1] ?? '';
  const hostPart = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPart.includes(',')) {
    throw new Error('Several hosts are not supported: node-postgres connects to one host, give the primary');
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error('Not a valid URL');
  }
  const params = Object.fromEntries(parsed.searchParams);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let port: number | undefined;
  if (parsed.port !== '') {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Invalid port ${parsed.port}`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (jdbc && database.includes('/')) throw new Error('The database name may not contain "/"');
  return {
    host: host === '' ? undefined : decodeURIComponent(host),
    port,
    database: database === '' ? undefined : database,
    user: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    params,
  };
}

function splitOnce(text: string, separator: string): [string, string] {
  const i = text.indexOf(separator);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}

/** node-postgres options from the parsed settings. */
export function connectionTarget(config: AbstractConfig): ConnectionTarget {
  const url = config.getString('connection.url');
  const fromUrl: ParsedConnectionUrl = url
    ? parseConnectionUrl(url)
    : { host: undefined, port: undefined, database: undefined, user: undefined, password: undefined, params: {} };
  const param = (...names: string[]): string | undefined => {
    for (const name of names) {
      const found = Object.keys(fromUrl.params).find((k) => k.toLowerCase() === name.toLowerCase());
      if (found !== undefined) return fromUrl.params[found];
    }
    return undefined;
  };

  const host = config.getString('connection.host') ?? fromUrl.host ?? param('host') ?? 'localhost';
  const port = url ? (fromUrl.port ?? numberParam(param('port')) ?? 5432) : (config.getInt('connection.port') ?? 5432);
  const user = config.getString('connection.user') ?? config.getString('connection.username') ?? fromUrl.user ?? param('user');
  const password = config.getPassword('connection.password')?.value() ?? fromUrl.password ?? param('password');
  const database = config.getString('connection.dbname') ?? fromUrl.database ?? param('dbname') ?? user;

  const sslmode = (param('sslmode') ?? (param('ssl') === 'true' ? 'verify-full' : undefined) ?? config.getString('connection.sslmode') ?? 'prefer')
    .toLowerCase() as SslMode;
  const timeoutSeconds = numberParam(param('connect_timeout', 'connectTimeout'));
  const schema = param('currentSchema');
  const options = [param('options'), schema ? `-c search_path=${schema.replace(/[\\ ]/g, '\\$&')}` : undefined].filter(Boolean).join(' ');

  const clientConfig: ClientConfig = {
    host,
    port,
    user,
    password,
    database,
    ssl: sslOptions(sslmode),
    application_name: param('application_name', 'ApplicationName') ?? 'sluice-postgres-sink',
    connectionTimeoutMillis: timeoutSeconds === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : timeoutSeconds * 1000,
    keepAlive: true,
    ...(options ? { options } : {}),
  };
  return {
    clientConfig,
    description: `${user ?? '(default user)'}@${host}:${port}/${database ?? ''}`,
    prepareStatements: numberParam(param('prepareThreshold')) !== 0,
  };
}

function numberParam(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** libpq's sslmode in node-postgres terms (which has no opportunistic TLS, so allow/prefer mean none). */
function sslOptions(mode: SslMode): ClientConfig['ssl'] {
  switch (mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The certificate chain is checked, the host name is not.
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return false;
  }
}
