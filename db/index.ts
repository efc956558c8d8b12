import { Pool, type PoolClient, type PoolConfig } from 'pg';

export type Db = Pool;

export function createDb(connectionString: string, options: Omit<PoolConfig, 'connectionString'> = {}): Db {
  const pool = new Pool({ connectionString, max: 10, connectionTimeoutMillis: 5_000, ...options });
  // An idle client losing its connection (e.g. Postgres restarting) must not crash the process;
  // the next query gets a fresh connection or a clear error.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A pool that answers API requests: getting a connection and each statement are bounded by the
 * request deadline (client side, and `statement_timeout` on the server), so an outage or a stuck
 * query is a prompt error (the API's 503), never a hang. Activities keep pools of their own.
 */
export function requestPoolOptions(deadlineMs: number): Omit<PoolConfig, 'connectionString'> {
  return { connectionTimeoutMillis: deadlineMs, query_timeout: deadlineMs, statement_timeout: deadlineMs };
}

/**
 * Runs `fn` on one connection held throughout. The database can go away meanwhile (an outage, a
 * restart): that reports on the next query, and the connection's 'error' event must not end the
 * process. A connection that saw an error, or whose work threw, is discarded, not reused.
 */
export async function withConnection<T>(db: Db, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } catch (err) {
    broken ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Runs `fn` in one transaction, rolling back on any error. */
export async function inTransaction<T>(db: Db, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withConnection(db, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
