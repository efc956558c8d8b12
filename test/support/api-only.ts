// The fast tier's slice of the stack: a database of its own (copied from the migrated template)
// and the API built by `buildApp`, with a client of the run's one Temporal server, answering
// through Fastify's `inject` (no port, no worker, no SMTP server, no Twilio endpoint). Enough for
// what the API decides before any workflow runs: validation, authorization, error mapping.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { InjectOptions } from 'fastify';
import { buildApp, type AppDependencies } from '../../api/app';
import { createAccountWithSuperAdmin, type NewAccount } from '../../api/services/accounts';
import { createDb, type Db } from '../../db';
import { databaseUrl, ensureDatabase } from '../../db/databases';
import type { ApiResponse } from './stack';
import { testStackEnv } from './stack-env';
import { testLogStream } from './test-logs';

export interface ApiOnly {
  app: Awaited<ReturnType<typeof buildApp>>;
  db: Db;
  client: Client;
  /** The task queue the API starts workflows on: no worker polls it. */
  taskQueue: string;
  account: { id: string; superAdminId: string; credential: string };
  /** Like TestStack.api, through app.inject. */
  api<T = any>(method: string, path: string, opts?: { body?: unknown; credential?: string | null; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  createAccount(a: Partial<NewAccount> & { id: string }): Promise<{ id: string; superAdminId: string; credential: string }>;
  stop(): Promise<void>;
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
    const connection = await Connection.connect({ address: env.temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
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

    const createAccount: ApiOnly['createAccount'] = async (a) => {
      const created = await createAccountWithSuperAdmin(db, {
        name: 'Acme Corp',
        companyDomains: ['acme.test'],
        superAdmin: { email: `boss@${a.companyDomains?.[0] ?? 'acme.test'}`, firstName: 'Bea', lastName: 'Boss' },
        ...a,
      });
      return { id: created.accountId, superAdminId: created.superAdminId, credential: created.credential };
    };
    const account = await createAccount({ id: 'acme', ...opts.account });

    const api: ApiOnly['api'] = async (method, url, o = {}) => {
      const credential = o.credential === undefined ? account.credential : o.credential;
      const headers: Record<string, string> = { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...o.headers };
      if (o.body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await app.inject({
        method: method as InjectOptions['method'],
        url,
        headers,
        payload: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
      });
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        /* not JSON: keep the text */
      }
      const responseHeaders = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : String(v));
      return { status: res.statusCode, headers: responseHeaders, body: body as any };
    };

    return { app, db, client, taskQueue, account, api, createAccount, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
