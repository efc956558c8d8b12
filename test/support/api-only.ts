// The fast tier's slice of the stack: a database of its own (copied from the migrated template)
// and the API built by `buildApp`, with a client of the run's one Temporal server, answering
// through Fastify's `inject` (no port, no worker, no SMTP server, no Twilio endpoint). Enough for
// what the API decides before any workflow runs: validation, authorization, error mapping.
import { randomBytes, randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { buildApp, type AppDependencies } from '../../api/app';
import type { NewAccount } from '../../api/services/accounts';
import { connectClient, localTemporal } from '../../config/temporal';
import { createDb } from '../../db';
import { databaseUrl, ensureDatabase } from '../../db/databases';
import { accountCreator, apiCaller, type ApiHarness } from './api-calls';
import { TEST_PAYLOAD_KEYS } from './payload-keys';
import { testStackEnv } from './stack-env';
import { testLogStream } from './test-logs';

/** Like TestStack, but `api` goes through app.inject, and no worker polls `taskQueue`. */
export interface ApiOnly extends ApiHarness {
  app: Awaited<ReturnType<typeof buildApp>>;
}

export async function startApiOnly(opts: { account?: Partial<NewAccount>; rateLimits?: AppDependencies['rateLimits'] } = {}): Promise<ApiOnly> {
  const env = testStackEnv();
  const dbName = `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    await ensureDatabase(env.postgresAdminUrl, dbName, env.postgresTemplate);
    const db = createDb(databaseUrl(env.postgresAdminUrl, dbName), { max: 5 });
    cleanups.push(() => db.end());
    const client = await connectClient(localTemporal(env.temporalAddress, TEST_PAYLOAD_KEYS));
    cleanups.push(() => client.connection.close());
    const taskQueue = `no-worker-${dbName}`;
    const app = await buildApp({
      db,
      temporal: client,
      taskQueue,
      invitationTokenSecret: randomBytes(32).toString('hex'),
      publicBaseUrl: 'http://127.0.0.1:1',
      logLevel: 'info',
      logStream: testLogStream('api'),
      rateLimits: opts.rateLimits,
    });
    cleanups.push(() => app.close());

    const createAccount = accountCreator(db);
    const account = await createAccount({ id: 'acme', ...opts.account });

    const api = apiCaller(account.credential, async ({ method, path, headers, payload }) => {
      const res = await app.inject({ method: method as InjectOptions['method'], url: path, headers, payload });
      const responseHeaders = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : String(v));
      return { status: res.statusCode, headers: responseHeaders, text: res.body };
    });

    return { app, db, client, taskQueue, account, api, createAccount, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
