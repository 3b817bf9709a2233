/** A server with wal_level=replica: the checks and the slot creation must both say what to change. */
import { Client } from 'pg';
import { checkWalLevel, ReplicationConnection, ReplicationError } from '../../../connectors/postgres/replication';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';

jest.setTimeout(30_000);

describe('wal_level below logical', () => {
  let pg: RunningPostgres;

  beforeAll(async () => {
    pg = await startPostgres({ walLevel: 'replica' });
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('fails the pre-flight check with the setting to change', async () => {
    const client = new Client({ connectionString: pg.connectionString() });
    await client.connect();
    try {
      const error = await checkWalLevel(client).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ReplicationError);
      expect(error).toMatchObject({ code: 'WAL_LEVEL', retriable: false });
      expect((error as Error).message).toBe(
        'PostgreSQL runs with wal_level = replica, but logical decoding needs wal_level = logical: ' +
          'set it in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server',
      );
    } finally {
      await client.end();
    }
  });

  it('maps the server refusing a logical slot to WAL_LEVEL', async () => {
    const conn = await ReplicationConnection.connect({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'postgres' });
    try {
      const error = await conn.createSlot({ slot: 'cdc' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ReplicationError);
      expect(error).toMatchObject({ code: 'WAL_LEVEL', sqlState: '55000' });
      expect((error as Error).message).toMatch(
        /^logical decoding is not enabled on the server at 127\.0\.0\.1:\d+: logical decoding requires wal_level >= logical\. Set wal_level = logical/,
      );
    } finally {
      await conn.close();
    }
  });
});
