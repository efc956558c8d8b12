import { Pool, type PoolConfig } from 'pg';

export type Db = Pool;

export function createDb(connectionString: string, options: Omit<PoolConfig, 'connectionString'> = {}): Db {
  const pool = new Pool({ connectionString, max: 10, connectionTimeoutMillis: 5_000, ...options });
  // An idle client losing its connection (e.g. Postgres restarting) must not crash the process;
  // the next query gets a fresh connection or a clear error.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in one transaction, rolling back on any error. */
export async function inTransaction<T>(db: Db, fn: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  // A connection lost mid-transaction reports on the next query; the event itself must not end the process.
  const onConnectionError = () => undefined;
  client.on('error', onConnectionError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onConnectionError);
    client.release();
  }
}
