/**
 * What users get wrong, against a real server: each failure must surface as a ReplicationError whose code and
 * message name the problem (slot in use, credentials, database, privileges, publication coverage).
 */
import { Client } from 'pg';
import {
  checkReplicationRole,
  checkWalLevel,
  describePublication,
  dropSlot,
  ensurePublication,
  getSlotInfo,
  ReplicationConnection,
  ReplicationError,
  type ReplicationConnectionOptions,
} from '../../../connectors/postgres/replication';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';

jest.setTimeout(30_000);

let pg: RunningPostgres;
let admin: Client;
const open: ReplicationConnection[] = [];

function options(overrides: Partial<ReplicationConnectionOptions> = {}): ReplicationConnectionOptions {
  return { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres', ...overrides };
}

async function connect(overrides: Partial<ReplicationConnectionOptions> = {}): Promise<ReplicationConnection> {
  const conn = await ReplicationConnection.connect(options(overrides));
  open.push(conn);
  return conn;
}

/** The rejection of `promise`, which must be a ReplicationError. */
async function failure(promise: Promise<unknown>): Promise<ReplicationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ReplicationError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  pg = await startPostgres();
  admin = new Client({ connectionString: pg.connectionString() });
  await admin.connect();
  await admin.query(`
    CREATE TABLE orders (id int PRIMARY KEY);
    CREATE TABLE customers (id int PRIMARY KEY);
    CREATE TABLE "Mixed Case" (id int PRIMARY KEY);
    CREATE PUBLICATION everything FOR ALL TABLES;
    CREATE ROLE plain LOGIN PASSWORD 'plain-pw';
    CREATE ROLE replicator LOGIN REPLICATION PASSWORD 'repl-pw';
    GRANT CREATE ON DATABASE postgres TO replicator;
  `);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await admin?.end();
  await pg?.stop();
});

describe('replication errors', () => {
  it('refuses a second consumer on an active slot, naming the slot and the PID that holds it', async () => {
    const first = await connect();
    await first.createSlot({ slot: 'busy', snapshot: 'nothing' });
    await first.startReplication({ slot: 'busy', publicationNames: ['everything'] });
    const slot = await getSlotInfo(admin, 'busy');
    expect(slot).toMatchObject({ active: true, activePid: first.backendPid });

    const second = await connect();
    const error = await failure(second.startReplication({ slot: 'busy', publicationNames: ['everything'] }));
    expect(error.code).toBe('SLOT_IN_USE');
    expect(error.sqlState).toBe('55006');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain(`replication slot "busy" is in use by another connection`);
    expect(error.message).toContain(`active for PID ${first.backendPid!}`);
    // The refused connection is still usable.
    await expect(second.identifySystem()).resolves.toMatchObject({ dbName: 'postgres' });

    // Dropping an active slot fails the same way, unless told to end the walsender.
    const dropError = await failure(dropSlot(admin, { slot: 'busy' }));
    expect(dropError.code).toBe('SLOT_IN_USE');
    await expect(dropSlot(admin, { slot: 'busy', terminateActive: true })).resolves.toBe(true);
    expect(await getSlotInfo(admin, 'busy')).toBeUndefined();
    await expect(dropSlot(admin, { slot: 'busy' })).resolves.toBe(false);
    await expect(failure(dropSlot(admin, { slot: 'busy', ifExists: false }))).resolves.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('names wrong passwords and missing databases', async () => {
    const wrong = await failure(ReplicationConnection.connect(options({ password: 'not-the-password' })));
    expect(wrong.code).toBe('AUTHENTICATION_FAILED');
    expect(wrong.sqlState).toBe('28P01');
    expect(wrong.message).toBe(
      `authentication failed for role "postgres" at ${pg.host}:${pg.port}: wrong password (password authentication failed for user "postgres")`,
    );
    expect(wrong.message).not.toContain('not-the-password');

    const missing = await failure(ReplicationConnection.connect(options({ database: 'no_such_db' })));
    expect(missing.code).toBe('DATABASE_NOT_FOUND');
    expect(missing.sqlState).toBe('3D000');
    expect(missing.message).toContain(`database "no_such_db" does not exist at ${pg.host}:${pg.port}`);
  });

  it('reports an unreachable server as a retriable connection error', async () => {
    const error = await failure(ReplicationConnection.connect(options({ port: 1 })));
    expect(error.code).toBe('CONNECTION');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain(`cannot reach PostgreSQL at ${pg.host}:1`);
  });

  it('tells a role without REPLICATION what to grant', async () => {
    const error = await failure(ReplicationConnection.connect(options({ user: 'plain', password: 'plain-pw' })));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.sqlState).toBe('42501');
    expect(error.message).toMatch(/^role "plain" may not use replication \(.*\); grant it with ALTER ROLE \.\.\. REPLICATION/);

    const plain = new Client({ host: pg.host, port: pg.port, user: 'plain', password: 'plain-pw', database: 'postgres' });
    await plain.connect();
    try {
      const preflight = await failure(checkReplicationRole(plain));
      expect(preflight.code).toBe('PERMISSION_DENIED');
      expect(preflight.message).toContain('role "plain" has neither the REPLICATION attribute nor superuser rights');
    } finally {
      await plain.end();
    }
    await expect(checkReplicationRole(admin)).resolves.toBeUndefined();
    await expect(checkWalLevel(admin)).resolves.toBeUndefined();
  });

  it('explains publication privileges a replication role lacks', async () => {
    const repl = new Client({ host: pg.host, port: pg.port, user: 'replicator', password: 'repl-pw', database: 'postgres' });
    await repl.connect();
    try {
      await expect(checkReplicationRole(repl)).resolves.toBeUndefined();
      const allTables = await failure(ensurePublication(repl, { publication: 'repl_all', mode: 'all_tables' }));
      expect(allTables.code).toBe('PERMISSION_DENIED');
      expect(allTables.message).toBe(
        'permission denied while creating publication "repl_all" as role "replicator": must be superuser to create FOR ALL TABLES publication',
      );
      const filtered = await failure(ensurePublication(repl, { publication: 'repl_some', mode: 'filtered', tables: [{ schema: 'public', table: 'orders' }] }));
      expect(filtered.code).toBe('PERMISSION_DENIED');
      expect(filtered.message).toContain('must be owner of table orders');
      // The replication connection itself is allowed.
      const conn = await connect({ user: 'replicator', password: 'repl-pw' });
      await expect(conn.identifySystem()).resolves.toMatchObject({ dbName: 'postgres' });
    } finally {
      await repl.end();
    }
  });

  it('manages publications in filtered and disabled modes, naming uncovered tables', async () => {
    const orders = { schema: 'public', table: 'orders' };
    const customers = { schema: 'public', table: 'customers' };
    const mixed = { schema: 'public', table: 'Mixed Case' };

    const created = await ensurePublication(admin, { publication: 'Some Tables', mode: 'filtered', tables: [orders, mixed], publish: ['insert', 'update', 'delete'] });
    expect(created.action).toBe('created');
    expect(created.publication).toMatchObject({ name: 'Some Tables', allTables: false, publish: ['insert', 'update', 'delete'], tables: [mixed, orders] });
    expect((await ensurePublication(admin, { publication: 'Some Tables', mode: 'filtered', tables: [mixed, orders] })).action).toBe('unchanged');
    const altered = await ensurePublication(admin, { publication: 'Some Tables', mode: 'filtered', tables: [orders, customers] });
    expect(altered.action).toBe('altered');
    expect(altered.publication.tables).toEqual([customers, orders]);

    const missing = await failure(ensurePublication(admin, { publication: 'absent', mode: 'disabled', tables: [orders] }));
    expect(missing.code).toBe('PUBLICATION');
    expect(missing.message).toContain('publication "absent" does not exist and publication.autocreate.mode is disabled');
    expect(missing.message).toContain('CREATE PUBLICATION "absent" FOR TABLE "public"."orders"');

    const uncovered = await failure(ensurePublication(admin, { publication: 'Some Tables', mode: 'disabled', tables: [orders, mixed, customers] }));
    expect(uncovered.code).toBe('PUBLICATION');
    expect(uncovered.message).toBe(
      'publication "Some Tables" does not cover the captured table public.Mixed Case (publication.autocreate.mode is disabled); ' +
        'add it with ALTER PUBLICATION "Some Tables" ADD TABLE "public"."Mixed Case"',
    );
    await expect(ensurePublication(admin, { publication: 'everything', mode: 'disabled', tables: [orders, mixed] })).resolves.toMatchObject({
      action: 'unchanged',
      publication: { allTables: true },
    });
    expect((await ensurePublication(admin, { publication: 'all_mine', mode: 'all_tables' })).action).toBe('created');
    expect(await describePublication(admin, 'nope')).toBeUndefined();
    await expect(failure(ensurePublication(admin, { publication: 'empty', mode: 'filtered', tables: [] }))).resolves.toMatchObject({ code: 'PUBLICATION' });
    const noTable = await failure(ensurePublication(admin, { publication: 'ghost', mode: 'filtered', tables: [{ schema: 'public', table: 'ghost' }] }));
    expect(noTable.code).toBe('NOT_FOUND');
    expect(noTable.message).toContain('relation "public.ghost" does not exist');
  });

  it('reports slot mistakes: duplicate names, unknown slots, unknown publications', async () => {
    const conn = await connect();
    // Not temporary: a failed command on a replication connection drops that session's temporary slots.
    await conn.createSlot({ slot: 'dup', snapshot: 'nothing' });
    const dup = await failure(conn.createSlot({ slot: 'dup', snapshot: 'nothing' }));
    expect(dup.code).toBe('SLOT_EXISTS');
    expect(dup.message).toContain('replication slot "dup" already exists');

    const unknown = await failure(conn.startReplication({ slot: 'nobody', publicationNames: ['everything'] }));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('replication slot "nobody" does not exist');

    await expect(failure(conn.createSlot({ slot: 'Bad-Name' }))).resolves.toMatchObject({ code: 'INVALID_ARGUMENT' });

    // pgoutput resolves publications when it decodes the first change, so this surfaces from the stream.
    const stream = await conn.startReplication({ slot: 'dup', publicationNames: ['no_such_pub'] });
    await admin.query('INSERT INTO orders VALUES (1)');
    const error = await failure(stream.read({ signal: AbortSignal.timeout(10_000) }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('publication "no_such_pub" does not exist');
  });
});
