import { startPostgres, type RunningPostgres } from '../../helpers/postgres';

describe('PostgreSQL test server', () => {
  let pg: RunningPostgres;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('runs with logical decoding and password authentication on loopback', async () => {
    const [row] = await pg.query<{ wal_level: string }>('SHOW wal_level');
    expect(row!.wal_level).toBe('logical');
    await pg.createDatabase('target');
    const [db] = await pg.query<{ db: string }>('SELECT current_database() AS db', [], 'target');
    expect(db!.db).toBe('target');
  });
});
