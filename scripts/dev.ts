// `npm run dev`: the whole product on one machine with no settings. Every service whose address is
// unset is started here for real (Temporal dev server + Web UI, PostgreSQL, an SMTP inbox), then
// the worker and the API run in this process. Ctrl-C stops everything in reverse order.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../api/app';
import { appOptionsFromConfig } from '../api/app-options';
import { createAccountWithSuperAdmin } from '../api/services/accounts';
import { createCredentialService } from '../api/services/credentials';
import { ConfigError, LOCAL_TWILIO, loadConfig, webhookSettings, type Config } from '../config';
import { connectClient, connectWorker, dataConverter, devPayloadKeys, temporalSettings, workerDeployment } from '../config/temporal';
import { createDb, requestPoolOptions, type Db } from '../db';
import { ensureDatabase } from '../db/databases';
import { migrateToLatest } from '../db/migrate';
import { createOnboardingWorker } from '../worker';
import { activitiesWithServices, type ActivityServiceSettings } from '../worker/activity-services';
import { ensureSearchAttributes } from '../worker/ensure-search-attributes';
import { installWorkerRuntime } from '../worker/runtime';
import { startMailInbox } from './local-stack/mail-inbox';
import { assertPortsFree, PortsTakenError, type PortUse } from './local-stack/ports';
import { startLocalPostgres } from './local-stack/postgres';
import { startTemporalDevServer } from './local-stack/temporal-server';
import { startTwilioEndpoint, startTwilioMock } from './local-stack/twilio-endpoint';

const log = (msg: string) => console.log(`[dev] ${msg}`);
const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];

/** Kept under .data so invitation links stay valid across restarts. */
function tokenSecret(dataDir: string): string {
  const file = path.join(dataDir, 'invitation-token-secret');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/** A demo account with a Super Admin, and a fresh credential for this session (older dev ones are revoked). */
async function demoCredential(db: Db): Promise<string> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM users WHERE account_id = 'demo' AND role = 'super_admin' LIMIT 1`);
  if (!rows[0]) {
    const created = await createAccountWithSuperAdmin(db, {
      id: 'demo', name: 'Demo Company', companyDomains: ['demo.example'],
      superAdmin: { email: 'admin@demo.example', firstName: 'Dana', lastName: 'Admin' },
    });
    await db.query(`UPDATE api_credentials SET label = 'dev' WHERE account_id = 'demo'`);
    return created.credential;
  }
  await db.query(`UPDATE api_credentials SET revoked_at = now() WHERE account_id = 'demo' AND label = 'dev' AND revoked_at IS NULL`);
  return (await createCredentialService({ db }).issue('demo', rows[0].id, 'dev')).secret;
}

/** Something in the demo account's inventories to assign when adding users (kept if already there). */
async function seedDemoInventory(db: Db): Promise<void> {
  await db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ('demo', 'ringex', 5) ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO deskphone_inventory (id, account_id, model) VALUES ('DP-100', 'demo', 'poly-vvx-250'), ('DP-101', 'demo', 'yealink-t54w') ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO phone_numbers (number, account_id, region, area_code, status) VALUES ('+16505550100', 'demo', 'CA', '650', 'available'), ('+16505550101', 'demo', 'CA', '650', 'available')
     ON CONFLICT DO NOTHING`,
  );
}

/** Every port this run will listen on, given the settings: checked before anything starts. */
function portsWanted(config: Config): PortUse[] {
  const local = '127.0.0.1';
  const uses: PortUse[] = [{ port: config.PORT, host: config.HOST, service: 'the API', setting: 'PORT' }];
  if (!config.DATABASE_URL) {
    uses.push({ port: config.POSTGRES_PORT, host: local, service: 'PostgreSQL', setting: 'POSTGRES_PORT', instead: 'DATABASE_URL=postgres://... for a PostgreSQL' });
  }
  if (!config.TEMPORAL_ADDRESS) {
    const instead = 'TEMPORAL_ADDRESS=host:port for a Temporal server';
    uses.push({ port: config.TEMPORAL_PORT, host: local, service: 'the Temporal dev server', setting: 'TEMPORAL_PORT', instead });
    uses.push({ port: config.TEMPORAL_UI_PORT, host: local, service: 'the Temporal Web UI', setting: 'TEMPORAL_UI_PORT', instead });
  }
  if (!config.SMTP_URL) {
    const instead = 'SMTP_URL=smtp://... for a mail server';
    uses.push({ port: config.SMTP_PORT, host: local, service: "the mail inbox's SMTP server", setting: 'SMTP_PORT', instead });
    uses.push({ port: config.INBOX_PORT, host: local, service: 'the web inbox', setting: 'INBOX_PORT', instead });
  }
  if (!(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN)) {
    const instead = 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN for Twilio';
    uses.push({ port: config.TWILIO_MOCK_PORT, host: local, service: 'the Twilio-compatible endpoint', setting: 'TWILIO_MOCK_PORT', instead });
    uses.push({ port: config.TWILIO_MOCK_PORT + 1, host: local, service: 'Prism, behind that endpoint', setting: 'TWILIO_MOCK_PORT', offset: 1, instead });
  }
  const metrics = /^\[?(.*?)\]?:(\d+)$/.exec(config.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464');
  if (metrics) {
    const host = metrics[1]!;
    uses.push({ port: Number(metrics[2]), host, service: "the worker's metrics", setting: 'WORKER_METRICS_ADDRESS', settingValue: (p) => `${host}:${p}` });
  }
  return uses;
}

async function main() {
  const config = loadConfig();
  // Before anything starts: a port taken half-way would leave a half-started stack and a bare error.
  await assertPortsFree(portsWanted(config), { sameCheckout: `DATA_DIR=${path.join(config.DATA_DIR, '2')}` });
  const dataDir = path.resolve(config.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    log(`starting PostgreSQL on :${config.POSTGRES_PORT} (data in ${path.join(dataDir, 'postgres')})`);
    fs.chmodSync(dataDir, 0o777); // the server runs as the `postgres` user when we are root
    const pg = await startLocalPostgres({ dataDir: path.join(dataDir, 'postgres'), port: config.POSTGRES_PORT, persistent: true, log });
    stops.push({ name: 'PostgreSQL', stop: () => pg.stop() });
    await ensureDatabase(pg.adminUrl, 'onboarding');
    databaseUrl = pg.urlFor('onboarding');
  }
  await migrateToLatest(databaseUrl);
  const db = createDb(databaseUrl);
  stops.push({ name: 'database pool', stop: () => db.end() });

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi: string | undefined;
  if (!temporalAddress) {
    log(`starting the Temporal dev server on :${config.TEMPORAL_PORT} with its Web UI on :${config.TEMPORAL_UI_PORT}`);
    const server = await startTemporalDevServer({
      port: config.TEMPORAL_PORT, uiPort: config.TEMPORAL_UI_PORT, namespace: config.TEMPORAL_NAMESPACE,
      dbFile: path.join(dataDir, 'temporal.sqlite'), logFile: path.join(dataDir, 'temporal.log'), log,
      // The UI asks the API to decrypt payloads for support staff (README, "Personal data in the engine").
      uiCodecEndpoint: `http://localhost:${config.PORT}/codec`,
    });
    stops.push({ name: 'Temporal dev server', stop: () => server.stop() });
    temporalAddress = server.address;
    temporalUi = server.uiUrl;
  }
  // Payloads are encrypted in dev too, with a key kept in .data/ unless PAYLOAD_ENCRYPTION_KEYS is set.
  const temporal = temporalSettings({ ...config, PAYLOAD_ENCRYPTION_KEYS: config.PAYLOAD_ENCRYPTION_KEYS ?? devPayloadKeys(dataDir) }, temporalAddress);
  const client = await connectClient(temporal);
  const connection = client.connection;
  stops.push({ name: 'Temporal client', stop: () => connection.close() });
  // Also for our own dev server: its start flags register attributes only in a namespace it
  // creates, so a kept .data/temporal.sqlite would miss attributes added since.
  const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) log(`registered search attributes: ${added.join(', ')}`);

  let smtpUrl = config.SMTP_URL;
  let inboxUrl: string | undefined;
  if (!smtpUrl) {
    const inbox = await startMailInbox({ port: config.SMTP_PORT });
    stops.push({ name: 'mail inbox', stop: () => inbox.stop() });
    smtpUrl = inbox.smtpUrl;
    inboxUrl = await inbox.serveWeb(config.INBOX_PORT);
  }

  // Texts: Twilio when credentials are set, otherwise the local Twilio-compatible endpoint.
  let twilio: ActivityServiceSettings['twilio'];
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN) {
    twilio = { accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, apiBaseUrl: config.TWILIO_API_BASE_URL, from: config.TWILIO_FROM_NUMBER ?? LOCAL_TWILIO.from };
  } else {
    log(`starting the local Twilio-compatible endpoint on :${config.TWILIO_MOCK_PORT} (Prism serving Twilio's OpenAPI description)`);
    const mock = await startTwilioMock({ port: config.TWILIO_MOCK_PORT + 1, log });
    stops.push({ name: 'Twilio mock', stop: () => mock.stop() });
    const endpoint = await startTwilioEndpoint({ mockUrl: mock.url, port: config.TWILIO_MOCK_PORT });
    stops.push({ name: 'Twilio endpoint', stop: () => endpoint.stop() });
    twilio = { ...LOCAL_TWILIO, apiBaseUrl: endpoint.url };
  }

  const secret = config.INVITATION_TOKEN_SECRET ?? tokenSecret(dataDir);
  const workerMetrics = config.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464';
  installWorkerRuntime({ logLevel: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, metricsAddress: workerMetrics });
  const workerConnection = await connectWorker(temporal);
  const worker = await createOnboardingWorker({
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter: dataConverter(temporal),
    workerDeploymentOptions: workerDeployment(config),
    activities: activitiesWithServices(db, client, {
      smtpUrl,
      mailFrom: config.MAIL_FROM,
      twilio,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      invitationTokenSecret: secret,
      batchMessagesPerMinute: config.BATCH_MESSAGES_PER_MINUTE,
      webhooks: webhookSettings(config, true),
    }),
  });
  const workerRun = worker.run();
  stops.push({ name: 'worker', stop: async () => { if (worker.getState() === 'RUNNING') worker.shutdown(); await workerRun; await workerConnection.close(); } });

  // The API's own pool, bounded by the request deadline (the worker's activities keep theirs).
  const apiDb = createDb(databaseUrl, requestPoolOptions(config.REQUEST_DEADLINE_MS));
  stops.push({ name: 'API database pool', stop: () => apiDb.end() });
  const app = await buildApp(
    appOptionsFromConfig(config, {
      db: apiDb,
      temporal: client,
      invitationTokenSecret: secret,
      payloadKeys: temporal.payloadKeys,
      // In dev the demo account's admins act as support staff.
      local: { temporalUiUrl: temporalUi, codecSupportAccounts: ['demo'] },
    }),
  );
  await app.listen({ port: config.PORT, host: config.HOST });
  stops.push({ name: 'API', stop: () => app.close() });

  const credential = await demoCredential(db);
  await seedDemoInventory(db);
  const api = `http://localhost:${config.PORT}`;
  console.log(`
  API            ${api}   (OpenAPI: ${api}/docs, health: ${api}/health, metrics: ${api}/metrics)
  Worker metrics http://${workerMetrics}/metrics
  Temporal UI    ${temporalUi ?? `(external server at ${temporalAddress})`}
  Mail inbox     ${inboxUrl ?? `(sending through ${smtpUrl.replace(/\/\/[^@]*@/, '//***@')})`}
  Texts          ${twilio.apiBaseUrl ?? 'Twilio'}

  Demo account "demo", Super Admin admin@demo.example. Credential for this session:
    export TOKEN=${credential}
  Try:
    curl -s -X POST ${api}/v1/accounts/demo/invitations -H "authorization: Bearer $TOKEN" \\
         -H 'content-type: application/json' -d '{"channel":"email","emails":"ana@demo.example, guest@gmail.com"}'
    curl -s -X POST ${api}/v1/accounts/demo/provisioning-requests -H "authorization: Bearer $TOKEN" \\
         -H 'content-type: application/json' -d '{"users":[{"userType":"ringex","email":"kim@demo.example","firstName":"Kim","lastName":"Lee",
           "phone":{"option":"inventory","deviceId":"DP-100"},"number":{"option":"inventory","phoneNumber":"+16505550100"},"setup":{"option":"send_invite"}}]}'

  Ctrl-C stops everything.
`);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const { name, stop } of stops.reverse()) {
    await stop().catch((err) => console.error(`[dev] stopping ${name}: ${String(err)}`));
  }
  process.exit(code);
}
// Ctrl-C arrives more than once (the terminal signals the whole group, and tsx relays it):
// the first starts an orderly stop, later ones are ignored until it is done.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (err) => {
  console.error(err instanceof ConfigError || err instanceof PortsTakenError ? err.message : err);
  await shutdown(1);
});
