/**
 * The one thing the management helpers need from a normal (non-replication) connection. A connected pg.Client,
 * a PoolClient, or a Pool all fit.
 */
import type { ClientBase } from 'pg';

export type SqlClient = Pick<ClientBase, 'query'>;
