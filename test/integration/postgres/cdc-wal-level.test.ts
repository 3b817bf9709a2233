/** A server without logical decoding: the task fails and says which setting to change. */
import type { TestWorker } from '../../helpers/connect-worker';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import { cdcConfig, createConnector, failureOf, startCdcWorker } from './cdc-support';

jest.setTimeout(60_000);

let pg: RunningPostgres;
let worker: TestWorker;

beforeAll(async () => {
  pg = await startPostgres({ walLevel: 'replica' });
  worker = await startCdcWorker();
});

afterAll(async () => {
  await worker?.stop();
  await pg?.stop();
});

test('wal_level = replica', async () => {
  await createConnector(worker, 'cdc', cdcConfig(pg));
  const trace = await failureOf(worker, 'cdc');
  expect(trace).toContain('PostgreSQL runs with wal_level = replica, but logical decoding needs wal_level = logical');
  expect(await pg.query(`SELECT * FROM pg_replication_slots`)).toEqual([]);
});
