// A throwaway stack on free ports for the checkers that run against the live API (`npm run contract`,
// `npm run scim:check`): PostgreSQL, the Temporal dev server, an SMTP inbox, the Twilio-compatible
// endpoint, a worker and the API. Everything it starts is pushed onto the caller's `stops`, so a
// start that fails half-way is stopped like a finished run.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp, type AppDependencies } from '../../api/app';
import { defaultDeadlines } from '../../api/deadlines';
import { LOCAL_TWILIO } from '../../config';
import { connectClient, connectWorker, dataConverter, localTemporal, type ConnectedClient } from '../../config/temporal';
import { createDb, requestPoolOptions, type Db } from '../../db';
import { ensureDatabase } from '../../db/databases';
import { migrateToLatest } from '../../db/migrate';
import { createOnboardingWorker } from '../../worker';
import { activitiesWithServices } from '../../worker/activity-services';
import { installWorkerRuntime } from '../../worker/runtime';
import { startMailInbox } from './mail-inbox';
import { freePort } from './ports';
import { startLocalPostgres, throwawayDir } from './postgres';
import { startTemporalDevServer } from './temporal-server';
import { startTwilioEndpoint, startTwilioMock } from './twilio-endpoint';

export type Stops = Array<() => Promise<unknown>>;

export interface ThrowawayStackOptions {
  /** Names the database (without dashes), the task queue, the temp folder and the mail sender's domain. */
  name: string;
  /** Where temporal.log, worker.log and api.log go. */
  out: string;
  log: (msg: string) => void;
  stops: Stops;
  /** The worker's pool (the API has its own, bounded by the request deadline as in production). */
  workerPoolMax: number;
  /** Options for buildApp beyond the stack's own (e.g. rate limits). */
  app?: Partial<AppDependencies>;
}

export interface ThrowawayStack {
  /** The worker's pool, for seeding. */
  db: Db;
  temporal: ConnectedClient;
  baseUrl: string;
}

export async function startThrowawayStack(o: ThrowawayStackOptions): Promise<ThrowawayStack> {
  const { name, out, log, stops } = o;
  const [pgPort, temporalPort, twilioMockPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const pgDir = throwawayDir(`${name}-pg-`);
  stops.push(async () => fs.rmSync(pgDir, { recursive: true, force: true }));
  log('starting PostgreSQL, the Temporal dev server and the Twilio mock');
  const [pg, temporalServer, twilioMock] = await Promise.all([
    startLocalPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort, persistent: false, log }),
    startTemporalDevServer({ port: temporalPort, log, logFile: path.join(out, 'temporal.log') }),
    startTwilioMock({ port: twilioMockPort, log }),
  ]);
  stops.push(() => pg.stop(), () => temporalServer.stop(), () => twilioMock.stop());
  const database = name.replace(/-/g, '');
  await ensureDatabase(pg.adminUrl, database);
  const databaseUrl = pg.urlFor(database);
  await migrateToLatest(databaseUrl);
  const db = createDb(databaseUrl, { max: o.workerPoolMax });
  stops.push(() => db.end());

  const inbox = await startMailInbox({ port: await freePort() });
  stops.push(() => inbox.stop());
  const twilio = await startTwilioEndpoint({ mockUrl: twilioMock.url });
  stops.push(() => twilio.stop());

  // Encrypted payloads, as in production: the checkers see what the codec costs and breaks.
  const settings = localTemporal(temporalServer.address);
  const temporal = await connectClient(settings);
  stops.push(() => temporal.connection.close());
  const taskQueue = name;
  const invitationTokenSecret = randomBytes(32).toString('hex');
  const baseUrl = `http://127.0.0.1:${apiPort}`;

  log('starting a worker (bundling the workflows)');
  installWorkerRuntime({ logLevel: 'warn', destination: fs.createWriteStream(path.join(out, 'worker.log')) });
  const workerConnection = await connectWorker(settings);
  const worker = await createOnboardingWorker({
    connection: workerConnection,
    dataConverter: dataConverter(settings),
    namespace: settings.namespace,
    taskQueue,
    activities: activitiesWithServices(db, temporal, {
      smtpUrl: inbox.smtpUrl,
      mailFrom: `Invitations <invitations@${name}.test>`,
      twilio: { ...LOCAL_TWILIO, apiBaseUrl: twilio.url },
      publicBaseUrl: baseUrl,
      invitationTokenSecret,
      // Local, as in `npm run dev`: webhooks may go to a checker's own helper on 127.0.0.1.
      webhooks: { allowPrivateAddresses: true },
    }),
  });
  const workerRun = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await workerConnection.close();
  });

  const apiDb = createDb(databaseUrl, requestPoolOptions(defaultDeadlines.requestMs));
  stops.push(() => apiDb.end());
  const app = await buildApp({
    db: apiDb,
    temporal,
    taskQueue,
    invitationTokenSecret,
    publicBaseUrl: baseUrl,
    logLevel: 'warn',
    logStream: fs.createWriteStream(path.join(out, 'api.log')),
    webhookAllowPrivateAddresses: true,
    ...o.app,
  });
  await app.listen({ port: apiPort, host: '127.0.0.1' });
  stops.push(() => app.close());
  return { db, temporal, baseUrl };
}

/**
 * A Python checker's venv under .data, installed once and again when the pinned `packages` change
 * (a marker file in the venv keeps what was installed).
 */
export function ensurePythonVenv(o: { venv: string; packages: string[]; log: (msg: string) => void }): void {
  const marker = path.join(o.venv, '.installed');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === o.packages.join(' ')) return;
  const python = ['python3.11', 'python3'].find((p) => {
    try {
      execFileSync(p, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) throw new Error(`Python 3 (3.11 or later) is needed for ${o.packages.join(', ')}`);
  o.log(`installing ${o.packages.join(', ')} into ${path.relative(process.cwd(), o.venv)} (once)`);
  execFileSync(python, ['-m', 'venv', o.venv], { stdio: 'inherit' });
  execFileSync(path.join(o.venv, 'bin', 'pip'), ['install', '--quiet', ...o.packages], { stdio: 'inherit' });
  fs.writeFileSync(marker, o.packages.join(' '));
}

/** Runs a checker's `main`, stops what it started (in reverse order) and exits with its code. */
export function runThenStop(main: () => Promise<number>, stops: Stops): void {
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  main()
    .then(async (code) => {
      await stopAll();
      process.exit(code);
    })
    .catch(async (err) => {
      console.error(err);
      await stopAll();
      process.exit(1);
    });
}
