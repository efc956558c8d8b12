// `npm run scim:check`: an independent SCIM compliance checker, scim2-tester (python-scim, from
// PyPI, in a venv under .data/scim-check-venv), run against the live /scim/v2 endpoint of a
// throwaway stack (PostgreSQL, the Temporal dev server, an SMTP inbox, the Twilio-compatible
// endpoint, a worker and the API). It discovers what ServiceProviderConfig, ResourceTypes and Schemas
// say, then creates, reads, replaces, patches, lists, filters and deletes Users and Groups as they
// describe. Exits non-zero when a check finds a MUST broken. Not part of `npm test`.
//
// Environment: SCIM_CHECK_URL and SCIM_CHECK_TOKEN check an endpoint already running instead
// (e.g. `npm run dev` and a token from POST /v1/accounts/{id}/scim-connection/token).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { createAccountWithSuperAdmin } from '../api/services/accounts';
import { LOCAL_TWILIO } from '../config';
import { createDb } from '../db';
import { ensureDatabase } from '../db/databases';
import { migrateToLatest } from '../db/migrate';
import { createOnboardingWorker } from '../worker';
import { activitiesWithServices } from '../worker/activity-services';
import { installWorkerRuntime } from '../worker/runtime';
import { startMailInbox } from './local-stack/mail-inbox';
import { freePort } from './local-stack/ports';
import { startLocalPostgres, throwawayDir } from './local-stack/postgres';
import { startTemporalDevServer } from './local-stack/temporal-server';
import { startTwilioEndpoint, startTwilioMock } from './local-stack/twilio-endpoint';

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.data', 'scim-check-venv');
const PYTHON = path.join(VENV, 'bin', 'python');
/** Pinned: a newer checker may check more; bump on purpose. */
const PACKAGES = ['scim2-tester==0.5.2', 'scim2-client[httpx2]==0.13.2'];
const OUT = path.join(ROOT, '.data', 'scim-check');

const log = (msg: string) => console.log(`[scim:check] ${msg}`);
const stops: Array<() => Promise<unknown>> = [];

/** scim2-tester in its own venv, installed once (and again when the pins change). */
function ensureChecker(): void {
  const marker = path.join(VENV, '.installed');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === PACKAGES.join(' ')) return;
  const python = ['python3.11', 'python3'].find((p) => {
    try {
      execFileSync(p, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) throw new Error('Python 3.10 or later is needed for scim2-tester');
  log(`installing ${PACKAGES.join(', ')} into ${path.relative(ROOT, VENV)} (once)`);
  execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', ...PACKAGES], { stdio: 'inherit' });
  fs.writeFileSync(marker, PACKAGES.join(' '));
}

/** A throwaway stack with an account whose SCIM connection is set up; answers its URL and token. */
async function startStack(): Promise<{ url: string; token: string }> {
  const [pgPort, temporalPort, twilioMockPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const pgDir = throwawayDir('scim-check-pg-');
  stops.push(async () => fs.rmSync(pgDir, { recursive: true, force: true }));
  log('starting PostgreSQL, the Temporal dev server and the Twilio mock');
  const [pg, temporalServer, twilioMock] = await Promise.all([
    startLocalPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort, persistent: false, log }),
    startTemporalDevServer({ port: temporalPort, log, logFile: path.join(OUT, 'temporal.log') }),
    startTwilioMock({ port: twilioMockPort, log }),
  ]);
  stops.push(() => pg.stop(), () => temporalServer.stop(), () => twilioMock.stop());
  await ensureDatabase(pg.adminUrl, 'scimcheck');
  const databaseUrl = pg.urlFor('scimcheck');
  await migrateToLatest(databaseUrl);
  const db = createDb(databaseUrl, { max: 20 });
  stops.push(() => db.end());
  const inbox = await startMailInbox({ port: await freePort() });
  stops.push(() => inbox.stop());
  const twilio = await startTwilioEndpoint({ mockUrl: twilioMock.url });
  stops.push(() => twilio.stop());

  const connection = await Connection.connect({ address: temporalServer.address });
  stops.push(() => connection.close());
  const temporal = new Client({ connection, namespace: 'default' });
  const taskQueue = 'scim-check';
  const invitationTokenSecret = randomBytes(32).toString('hex');
  const baseUrl = `http://127.0.0.1:${apiPort}`;

  log('starting a worker (bundling the workflows)');
  installWorkerRuntime({ logLevel: 'warn', destination: fs.createWriteStream(path.join(OUT, 'worker.log')) });
  const workerConnection = await NativeConnection.connect({ address: temporalServer.address });
  const worker = await createOnboardingWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    activities: activitiesWithServices(db, temporal, {
      smtpUrl: inbox.smtpUrl,
      mailFrom: 'Invitations <invitations@scim-check.test>',
      twilio: { ...LOCAL_TWILIO, apiBaseUrl: twilio.url },
      publicBaseUrl: baseUrl,
      invitationTokenSecret,
    }),
  });
  const workerRun = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await workerConnection.close();
  });

  const app = await buildApp({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl: baseUrl, logLevel: 'warn', logStream: fs.createWriteStream(path.join(OUT, 'api.log')) });
  await app.listen({ port: apiPort, host: '127.0.0.1' });
  stops.push(() => app.close());

  const account = await createAccountWithSuperAdmin(db, {
    id: 'scimcheck', name: 'SCIM Check Co', companyDomains: ['example.com'],
    superAdmin: { email: 'boss@example.com', firstName: 'Sam', lastName: 'Check' },
  });
  const admin = async (method: string, p: string, body: unknown) => {
    const res = await fetch(`${baseUrl}/v1/accounts/scimcheck${p}`, { method, headers: { authorization: `Bearer ${account.credential}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ token: string; baseUrl: string }>;
  };
  // The checker's users have made-up names and addresses: stage them rather than email them.
  await admin('PUT', '/scim-connection', { setupOption: 'activate_later' });
  const { token, baseUrl: url } = await admin('POST', '/scim-connection/token', {});
  return { url, token };
}

async function main(): Promise<number> {
  ensureChecker();
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const started = Date.now();
  const target = process.env.SCIM_CHECK_URL && process.env.SCIM_CHECK_TOKEN ? { url: process.env.SCIM_CHECK_URL, token: process.env.SCIM_CHECK_TOKEN } : await startStack();
  log(`checking ${target.url}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(PYTHON, [path.join(__dirname, 'scim-check.py')], {
      stdio: 'inherit',
      env: { ...process.env, SCIM_URL: target.url, SCIM_TOKEN: target.token, SCIM_CHECK_REPORT: path.join(OUT, 'results.jsonl'), PYTHONDONTWRITEBYTECODE: '1' },
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  log(`scim2-tester exited with ${code} after ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${path.relative(ROOT, OUT)}/results.jsonl`);
  return code;
}

async function stopAll() {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}

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
