import { DatabaseError } from 'pg';
import { ReplicationError } from '../../../../../connectors/postgres/replication/errors';
import { toReplicationError } from '../../../../../connectors/postgres/replication/server-errors';

function serverError(code: string, message: string): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = 'ERROR';
  return error;
}

const context = { operation: 'starting replication', slot: 'dbz', user: 'cdc', database: 'shop', server: '127.0.0.1:5432' };

describe('server error mapping', () => {
  it.each([
    ['55006', 'replication slot "dbz" is active for PID 4242', 'SLOT_IN_USE', true, /replication slot "dbz" is in use by another connection \(replication slot "dbz" is active for PID 4242\)/],
    ['42501', 'must be superuser or replication role to start walsender', 'PERMISSION_DENIED', false, /role "cdc" may not use replication .*ALTER ROLE \.\.\. REPLICATION/],
    ['42501', 'must be owner of table orders', 'PERMISSION_DENIED', false, /permission denied while starting replication as role "cdc": must be owner of table orders/],
    ['28P01', 'password authentication failed for user "cdc"', 'AUTHENTICATION_FAILED', false, /authentication failed for role "cdc" at 127\.0\.0\.1:5432: wrong password/],
    ['28000', 'no pg_hba.conf entry for host', 'AUTHENTICATION_FAILED', false, /rejected role "cdc"/],
    ['3D000', 'database "shop" does not exist', 'DATABASE_NOT_FOUND', false, /database "shop" does not exist at 127\.0\.0\.1:5432/],
    ['55000', 'logical decoding requires wal_level >= logical', 'WAL_LEVEL', false, /logical decoding is not enabled on the server at 127\.0\.0\.1:5432: .*Set wal_level = logical/],
    ['55000', 'can no longer get changes from replication slot "dbz"', 'WAL_REMOVED', false, /replication slot "dbz" can no longer be used/],
    ['58P01', 'requested WAL segment 000000010000000000000001 has already been removed', 'WAL_REMOVED', false, /a new snapshot is required/],
    ['42710', 'replication slot "dbz" already exists', 'SLOT_EXISTS', false, /already exists/],
    ['42704', 'publication "nope" does not exist', 'NOT_FOUND', false, /publication "nope" does not exist \(while starting replication\)/],
    ['53400', 'all replication slots are in use', 'RESOURCE_LIMIT', true, /server limit reached/],
    ['57P01', 'terminating connection due to administrator command', 'CONNECTION', true, /connection to PostgreSQL at 127\.0\.0\.1:5432 failed/],
    ['XX000', 'something odd', 'SERVER', false, /something odd \(SQLSTATE XX000\)/],
  ])('maps SQLSTATE %s', (code, message, expected, retriable, pattern) => {
    const mapped = toReplicationError(serverError(code, message), context);
    expect(mapped).toBeInstanceOf(ReplicationError);
    expect(mapped.code).toBe(expected);
    expect(mapped.retriable).toBe(retriable);
    expect(mapped.sqlState).toBe(code);
    expect(mapped.message).toMatch(pattern);
    expect(mapped.cause).toBeInstanceOf(DatabaseError);
  });

  it('maps socket and driver errors to retriable connection errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toReplicationError(refused, context)).toMatchObject({ code: 'CONNECTION', retriable: true });
    expect(toReplicationError(refused, context).message).toBe(
      'cannot reach PostgreSQL at 127.0.0.1:5432 while starting replication: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(toReplicationError(new Error('Connection terminated unexpectedly'), context)).toMatchObject({ code: 'CONNECTION' });
    expect(toReplicationError('weird', context)).toMatchObject({ code: 'SERVER', message: 'error while starting replication: weird' });
  });

  it('passes ReplicationErrors through and keeps detail and hint', () => {
    const original = new ReplicationError('x', { code: 'DECODE' });
    expect(toReplicationError(original, context)).toBe(original);
    const withHint = serverError('42501', 'permission denied for table t');
    withHint.hint = 'ask the owner';
    withHint.detail = 'details';
    expect(toReplicationError(withHint, context)).toMatchObject({ hint: 'ask the owner', detail: 'details' });
  });
});
