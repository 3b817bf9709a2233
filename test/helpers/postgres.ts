/**
 * Starts a real PostgreSQL server for integration tests: a fresh cluster in a temp directory, on a free loopback
 * port, with `wal_level=logical` unless asked otherwise. As root, the server runs as the `postgres` system user
 * (initdb and postgres refuse to run as root). Binaries come from the machine (global-setup installs them from
 * Debian's packages when missing).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { removeDir, tempDir } from './broker-harness';

export const PG_SUPERUSER = 'postgres';
export const PG_PASSWORD = 'sluice-test';

/** The newest server binaries on the machine, or undefined. */
export function findPostgresBin(): string | undefined {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, 'postgres'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(root, versions[0]!, 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(path.join(dir, 'postgres'))) return dir;
  } catch {
    // no pg_config on the PATH
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresOptions {
  walLevel?: 'logical' | 'replica';
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

export interface RunningPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  binDir: string;
  connectionString(database?: string): string;
  /** Runs one statement on a short-lived connection and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  createDatabase(name: string): Promise<void>;
  /** Fast shutdown, then the data directory is removed. */
  stop(): Promise<void>;
}

const asRoot = (): boolean => process.getuid?.() === 0;

/**
 * The identity server binaries run under: as root, the postgres system user (set directly on the child, so that
 * signals reach the server itself rather than a wrapper such as runuser).
 */
function serverIdentity(): { uid?: number; gid?: number } {
  if (!asRoot()) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

async function waitUntilReady(connectionString: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${output()}`);
    const client = new Client({ connectionString });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s: ${String(error)}\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const binDir = findPostgresBin();
  if (!binDir) throw new Error('PostgreSQL server binaries not found: install postgresql (apt-get install postgresql) or set PG_BIN');
  const identity = serverIdentity();
  const dir = tempDir('sluice-pg-');
  if (identity.uid !== undefined) chownSync(dir, identity.uid, identity.gid!);
  const dataDir = path.join(dir, 'data');
  const pwFile = path.join(dir, 'pwfile');
  writeFileSync(pwFile, `${PG_PASSWORD}\n`, { mode: 0o644 });
  execFileSync(path.join(binDir, 'initdb'), [
    '-D', dataDir, '-U', PG_SUPERUSER, `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
    '-E', 'UTF8', '--locale=C', '--no-sync',
  ], { stdio: 'pipe', cwd: dir, ...identity });

  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    wal_level: options.walLevel ?? 'logical',
    max_wal_senders: '10',
    max_replication_slots: '10',
    // The tests kill workers, never the database: durability of the server itself is not under test.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...options.settings,
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  const child = spawn(path.join(binDir, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...identity });
  let log = '';
  const collect = (d: Buffer): void => {
    log = (log + d.toString()).slice(-20000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const host = '127.0.0.1';
  const connectionString = (database = 'postgres'): string =>
    `postgres://${PG_SUPERUSER}:${encodeURIComponent(PG_PASSWORD)}@${host}:${port}/${database}`;
  try {
    await waitUntilReady(connectionString(), child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    removeDir(dir);
    throw error;
  }

  const query = async <T>(sql: string, params: unknown[] = [], database?: string): Promise<T[]> => {
    const client = new Client({ connectionString: connectionString(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  return {
    host,
    port,
    user: PG_SUPERUSER,
    password: PG_PASSWORD,
    binDir,
    connectionString,
    query,
    createDatabase: async (name) => {
      await query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    },
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
      removeDir(dir);
    },
  };
}
