// One test file's slice of the real stack: its own database (copied from the migrated template),
// its own SMTP server, a worker on its own task queue, and the API listening on a real port.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { buildApp } from '../../api/app';
import type { NewAccount } from '../../api/services/accounts';
import { createDb, type Db } from '../../db';
import { databaseUrl, ensureDatabase } from '../../db/databases';
import { startMailInbox, type MailInbox } from '../../scripts/local-stack/mail-inbox';
import { freePort } from '../../scripts/local-stack/ports';
import { startTwilioEndpoint, type TwilioEndpoint } from '../../scripts/local-stack/twilio-endpoint';
import { LOCAL_TWILIO } from '../../config';
import { PayloadEncryptionCodec } from '../../config/payload-codec';
import { connectClient, connectWorker, dataConverter, localTemporal, workerDeployment } from '../../config/temporal';
import { createOnboardingWorker } from '../../worker';
import { activitiesWithServices } from '../../worker/activity-services';
import { accountCreator, apiCaller, type ApiHarness } from './api-calls';
import { TEST_PAYLOAD_KEYS } from './payload-keys';
import { testStackEnv } from './stack-env';
import { testLogStream } from './test-logs';

export const MAIL_FROM = 'Invitations <invitations@onboarding.test>';

export type { ApiResponse } from './api-calls';

export interface TestStack extends ApiHarness {
  baseUrl: string;
  inbox: MailInbox;
  /** The local Twilio-compatible endpoint: every request as Twilio would receive it. */
  twilio: TwilioEndpoint;
  workerSettings: WorkerSettings;
}

export interface TestStackOptions {
  account?: Partial<NewAccount>;
  /** Mailboxes the test SMTP server refuses for good. */
  rejectRecipient?: (address: string) => boolean;
  /** Hold SMTP replies to DATA (see MailInbox). */
  ackDelayMs?: number;
  /** false: no worker in this process (a test runs workers as child processes, see worker-process.ts). */
  inProcessWorker?: boolean;
  rateLimits?: Partial<import('../../api/plugins/rate-limits').RateLimitSettings>;
  /** The API's deadlines (e.g. a longer wait for a worker that the test restarts on purpose). */
  deadlines?: Partial<import('../../api/deadlines').DeadlineSettings>;
  /** The worker's carrier-level spacing between two texts to one number (a minute by default). */
  textSpacingSeconds?: number;
  /** A PostgreSQL server of the test's own (e.g. one it stops and restarts), holding a migrated template database of the same name as the shared one's. */
  postgresAdminUrl?: string;
  /** A Temporal server of the test's own (e.g. one it stops and restarts) instead of the shared one. */
  temporalAddress?: string;
  /** Capture the API's logs (pino JSON lines) at this level; by default `info` into the test file's api.log. */
  logLevel?: string;
  logStream?: NodeJS.WritableStream;
  /** The payload keys of the stack's client, API and worker (`id:base64key,…`); the test key by default. */
  payloadKeys?: string;
  /** Accounts whose admins may use the API's codec endpoint (/codec); none by default. */
  codecSupportAccounts?: string[];
  /** The worker's webhook delivery settings (fast retries for tests); also whether the API takes private addresses. */
  webhooks?: Partial<import('../../domain/webhook-events').WebhookDeliverySettings>;
}

/** What a worker for this stack needs; a child-process worker gets it as JSON. */
export interface WorkerSettings {
  temporalAddress: string;
  taskQueue: string;
  workflowBundlePath: string;
  databaseUrl: string;
  smtpUrl: string;
  twilioUrl: string;
  publicBaseUrl: string;
  invitationTokenSecret: string;
  textSpacingSeconds?: number;
  /** Payload keys (`id:base64key,…`); the test key when absent. */
  payloadKeys?: string;
  /** The worker's deployment build id (Worker Versioning), and whether tasks are routed by it. */
  buildId?: string;
  versioning?: boolean;
  webhooks?: Partial<import('../../domain/webhook-events').WebhookDeliverySettings>;
}

export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const env = testStackEnv();
  const dbName = `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const postgresAdminUrl = opts.postgresAdminUrl ?? env.postgresAdminUrl;
  await ensureDatabase(postgresAdminUrl, dbName, env.postgresTemplate);
  // Whatever started is stopped again if a later step fails, so a failed set-up leaks nothing.
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const db = createDb(databaseUrl(postgresAdminUrl, dbName), { max: 20 });
    cleanups.push(() => db.end());
    const inbox = await startMailInbox({ rejectRecipient: opts.rejectRecipient, ackDelayMs: opts.ackDelayMs });
    cleanups.push(() => inbox.stop());
    const twilio = await startTwilioEndpoint({ mockUrl: env.twilioMockUrl });
    cleanups.push(() => twilio.stop());
    const temporalAddress = opts.temporalAddress ?? env.temporalAddress;
    const temporal = localTemporal(temporalAddress, opts.payloadKeys ?? TEST_PAYLOAD_KEYS);
    const client = await connectClient(temporal);
    cleanups.push(() => client.connection.close());
    const taskQueue = `test-${dbName}`;

    // API and worker share the token secret, as in production; links start with the API's address.
    const invitationTokenSecret = randomBytes(32).toString('hex');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const app = await buildApp({ db, temporal: client, taskQueue, invitationTokenSecret, publicBaseUrl: baseUrl, logLevel: opts.logLevel ?? 'info', logStream: opts.logStream ?? testLogStream('api'), rateLimits: opts.rateLimits, deadlines: opts.deadlines, codec: { codec: new PayloadEncryptionCodec(temporal.payloadKeys!), uiOrigins: ['http://localhost:8233'], supportAccounts: opts.codecSupportAccounts ?? [] }, webhookAllowPrivateAddresses: opts.webhooks?.allowPrivateAddresses });
    cleanups.push(() => app.close());
    await app.listen({ port, host: '127.0.0.1' });

    const workerSettings: WorkerSettings = {
      temporalAddress,
      taskQueue,
      workflowBundlePath: env.workflowBundlePath,
      databaseUrl: databaseUrl(postgresAdminUrl, dbName),
      smtpUrl: inbox.smtpUrl,
      twilioUrl: twilio.url,
      publicBaseUrl: baseUrl,
      invitationTokenSecret,
      textSpacingSeconds: opts.textSpacingSeconds,
      payloadKeys: opts.payloadKeys,
      webhooks: opts.webhooks,
    };
    if (opts.inProcessWorker !== false) {
      const worker = await startWorker(workerSettings, db);
      cleanups.push(() => worker.stop());
    }

    const createAccount = accountCreator(db);
    const account = await createAccount({ id: 'acme', ...opts.account });

    const api = apiCaller(account.credential, async ({ method, path, headers, payload }) => {
      const res = await fetch(baseUrl + path, { method, headers, body: payload });
      return { status: res.status, headers: res.headers, text: await res.text() };
    });

    return {
      baseUrl,
      db,
      inbox,
      twilio,
      workerSettings,
      client,
      taskQueue,
      account,
      api,
      createAccount,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Polls `fn` until it returns something truthy (workflow stages move asynchronously). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A worker with real activities for the stack's services (used in-process and by worker-main.ts). */
export async function startWorker(settings: WorkerSettings, db: Db): Promise<{ stop(): Promise<void> }> {
  const temporal = localTemporal(settings.temporalAddress, settings.payloadKeys ?? TEST_PAYLOAD_KEYS);
  const connection = await connectWorker(temporal);
  const client = await connectClient(temporal);
  const clientConnection = client.connection;
  const worker: Worker = await createOnboardingWorker({
    connection,
    namespace: 'default',
    taskQueue: settings.taskQueue,
    workflowBundlePath: settings.workflowBundlePath,
    dataConverter: dataConverter(temporal),
    workerDeploymentOptions: workerDeployment({ TEMPORAL_DEPLOYMENT_NAME: 'onboarding', TEMPORAL_WORKER_BUILD_ID: settings.buildId, TEMPORAL_WORKER_VERSIONING: settings.versioning }),
    activities: activitiesWithServices(db, client, {
      smtpUrl: settings.smtpUrl,
      mailFrom: MAIL_FROM,
      twilio: { ...LOCAL_TWILIO, apiBaseUrl: settings.twilioUrl },
      publicBaseUrl: settings.publicBaseUrl,
      invitationTokenSecret: settings.invitationTokenSecret,
      textSpacingSeconds: settings.textSpacingSeconds,
      webhooks: settings.webhooks,
    }),
  });
  const run = worker.run();
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run;
      await connection.close();
      await clientConnection.close();
    },
  };
}
