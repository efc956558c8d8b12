// `npm run bench [-- --n 400 --concurrency 8 --waiting 2000]`: figures against the real local stack
// (Temporal dev server, PostgreSQL, a real SMTP server in this process), each comparable figure
// printed with its ratio to a baseline measured in the same run (these machines are shared and noisy).
// Writes the same figures as JSON under bench/results/.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { createAccountWithSuperAdmin } from '../api/services/accounts';
import { LOCAL_TWILIO } from '../config';
import { createDb } from '../db';
import { ensureDatabase } from '../db/databases';
import { migrateToLatest } from '../db/migrate';
import { startMailInbox } from '../scripts/local-stack/mail-inbox';
import { freePort } from '../scripts/local-stack/ports';
import { startLocalPostgres, throwawayDir } from '../scripts/local-stack/postgres';
import { startTemporalDevServer } from '../scripts/local-stack/temporal-server';
import { createOnboardingWorker } from '../worker';
import { activitiesWithServices } from '../worker/activity-services';
import { hashPassword } from '../api/services/password-hash';
import { getInvitationStatus, signUp, assignLicense } from '../workflows/definitions';
import { hashToken, deriveInvitationToken } from '../activities/invitation-tokens';

const { values: flags } = parseArgs({
  options: { n: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '8' }, waiting: { type: 'string', default: '2000' } },
});
const N = Number(flags.n);
const C = Number(flags.concurrency);
const WAITING = Number(flags.waiting);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-bench-'));
  const pgDir = throwawayDir('onboarding-bench-pg-');
  const [pgPort, temporalPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  log('starting PostgreSQL and the Temporal dev server');
  const [pg, temporal] = await Promise.all([
    startLocalPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort, persistent: false }),
    startTemporalDevServer({ port: temporalPort, log, logFile: path.join(tmp, 'temporal.log') }),
  ]);
  await ensureDatabase(pg.adminUrl, 'bench');
  await migrateToLatest(pg.urlFor('bench'));
  const db = createDb(pg.urlFor('bench'), { max: 30 });
  const inbox = await startMailInbox();
  const received = new Map<string, number>();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const secret = randomBytes(32).toString('hex');
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') });
  const bundlePath = path.join(tmp, 'bundle.js');
  fs.writeFileSync(bundlePath, code);

  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await createOnboardingWorker({
    connection: nativeConnection, namespace: 'default', taskQueue: 'bench', workflowBundlePath: bundlePath,
    activities: {
      ...activitiesWithServices(db, client, {
        smtpUrl: `${inbox.smtpUrl}/?pool=true&maxConnections=10`,
        mailFrom: 'Bench <bench@onboarding.test>',
        // Texts are not benchmarked: nothing listens there.
        twilio: { ...LOCAL_TWILIO, apiBaseUrl: 'http://127.0.0.1:9' },
        publicBaseUrl: baseUrl,
        invitationTokenSecret: secret,
      }),
      benchNoop: async () => undefined,
    } as never,
  });
  const workerRun = worker.run();
  const app = await buildApp({ db, temporal: client, taskQueue: 'bench', invitationTokenSecret: secret, publicBaseUrl: baseUrl, rateLimits: { apiPerMinute: 10_000_000 } });
  await app.listen({ port: apiPort, host: '127.0.0.1' });
  const account = await createAccountWithSuperAdmin(db, { id: 'bench', name: 'Bench Co', companyDomains: ['bench.test'], plan: 'video_pro_plus', superAdmin: { email: 'boss@bench.test', firstName: 'Ben', lastName: 'Ch' } });
  await db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ('bench', 'video_pro_plus', 1000000)`);
  const post = (emails: string[]) =>
    fetch(`${baseUrl}/v1/accounts/bench/invitations`, { method: 'POST', headers: { authorization: `Bearer ${account.credential}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'email', emails }) });

  const results: Record<string, unknown> = { when: new Date().toISOString(), n: N, concurrency: C, waiting: WAITING, cpus: os.cpus().length };

  // 1. Engine floor: minimal workflows (one no-op activity), started directly.
  log(`1. engine floor: ${N} workflows`);
  let t = performance.now();
  await pool(Array.from({ length: N }, (_, i) => i), C * 4, async (i) => {
    await client.workflow.execute('benchNoopWorkflow', { taskQueue: 'bench', workflowId: `floor-${i}` });
  });
  const floor = N / ((performance.now() - t) / 1000);
  results.engineFloorPerSecond = floor;

  // 2. Invitations end to end: 20 addresses a request through the API until every email arrived.
  log(`2. invitations end to end: ${N} through the API`);
  const requests = Array.from({ length: Math.ceil(N / 20) }, (_, r) => Array.from({ length: Math.min(20, N - r * 20) }, (_, i) => `p${r * 20 + i}@bench.test`));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const allArrived = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      for (const m of inbox.messages) {
        const to = m.to[0]!;
        if (!received.has(to) && sentAt.has(to)) {
          received.set(to, m.receivedAt.getTime());
          latencies.push(m.receivedAt.getTime() - sentAt.get(to)!);
        }
      }
      if (received.size >= N) {
        clearInterval(check);
        resolve();
      }
    }, 20);
  });
  t = performance.now();
  await pool(requests, C, async (emails) => {
    const at = Date.now();
    emails.forEach((e) => sentAt.set(e, at));
    const res = await post(emails);
    if (res.status !== 201) throw new Error(`invite: ${res.status} ${await res.text()}`);
  });
  await allArrived;
  const e2e = N / ((performance.now() - t) / 1000);
  results.invitations = { perSecond: e2e, ratioToFloor: e2e / floor, latencyMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99) } };

  // 3. API overhead: starts per second through the API (1 address a request) vs the client directly.
  log(`3. API overhead: ${N} starts each way`);
  t = performance.now();
  await pool(Array.from({ length: N }, (_, i) => i), C, async (i) => {
    await client.workflow.start('invitationWorkflow', {
      taskQueue: 'bench-idle', workflowId: `direct-${i}`,
      args: [{ invitationId: `direct-${i}`, accountId: 'bench', channel: 'email', inviteeEmail: `d${i}@bench.test`, lifetimeMs: 3_600_000, firstTokenGeneration: 1 }],
    });
  });
  const direct = N / ((performance.now() - t) / 1000);
  t = performance.now();
  await pool(Array.from({ length: N }, (_, i) => i), C, async (i) => {
    const res = await post([`api${i}@bench.test`]);
    if (res.status !== 201) throw new Error(`invite: ${res.status}`);
  });
  const viaApi = N / ((performance.now() - t) / 1000);
  results.apiStarts = { directPerSecond: direct, apiPerSecond: viaApi, ratio: viaApi / direct };

  // 4. Scale of waiting: many invitations open, then signups; memory; history events of a full lifecycle.
  log(`4. ${WAITING} invitations waiting for signup`);
  const waitRequests = Array.from({ length: Math.ceil(WAITING / 20) }, (_, r) => Array.from({ length: 20 }, (_, i) => `w${r * 20 + i}@bench.test`));
  await pool(waitRequests, C, async (emails) => {
    const res = await post(emails);
    if (res.status !== 201) throw new Error(`invite: ${res.status}`);
  });
  while (inbox.messages.length < N + N + waitRequests.length * 20) await new Promise((r) => setTimeout(r, 200));
  const passwordHash = await hashPassword('bench password 1');
  const signupLatencies: number[] = [];
  const sample = Array.from({ length: Math.min(200, WAITING) }, (_, i) => `w${i * Math.floor(WAITING / Math.min(200, WAITING))}@bench.test`);
  await pool(sample, C, async (email) => {
    const id = `invitation:bench:${email}`;
    const status = await client.workflow.getHandle(id).query(getInvitationStatus);
    const token = deriveInvitationToken(secret, id, status.tokenGeneration!);
    const at = performance.now();
    await client.workflow.getHandle(id).executeUpdate(signUp, {
      args: [{ proof: { kind: 'invitation-token', tokenHash: hashToken(token) }, dateOfBirth: '1990-01-01', firstName: 'B', lastName: 'C', passwordHash, passwordMeetsPolicy: true, passwordMatchesConfirmation: true, accepted: { termsOfService: true, privacyNotice: true, acceptableUsePolicy: true } }],
    });
    signupLatencies.push(performance.now() - at);
  });
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  const lifecycleId = `invitation:bench:${sample[0]}`;
  await client.workflow.getHandle(lifecycleId).executeUpdate(assignLicense);
  const history = await client.workflow.getHandle(lifecycleId).fetchHistory();
  results.waiting = {
    open: WAITING, signupLatencyMs: { p50: pct(signupLatencies, 50), p99: pct(signupLatencies, 99) },
    processRssMb: rssMb, note: 'RSS of the bench process: worker, API, SMTP server and load generator together',
    historyEventsFullLifecycle: history.events?.length,
  };

  // Report.
  const inv = results.invitations as { perSecond: number; ratioToFloor: number; latencyMs: Record<string, number> };
  const api = results.apiStarts as { directPerSecond: number; apiPerSecond: number; ratio: number };
  const w = results.waiting as { signupLatencyMs: Record<string, number>; processRssMb: number; historyEventsFullLifecycle: number };
  const rows: Array<[string, string, string, string]> = [
    ['engine floor (no-op workflow + activity)', `${floor.toFixed(1)} wf/s`, '1.00 (baseline)', ''],
    ['invitations end to end (API → email received)', `${inv.perSecond.toFixed(1)} /s`, `${inv.ratioToFloor.toFixed(2)} of floor`, 'target ≥ 0.60'],
    ['  latency API call → email p50 / p95 / p99', `${inv.latencyMs.p50} / ${inv.latencyMs.p95} / ${inv.latencyMs.p99} ms`, '', ''],
    ['workflow starts: direct client', `${api.directPerSecond.toFixed(1)} /s`, '1.00 (baseline)', ''],
    ['workflow starts: through the API', `${api.apiPerSecond.toFixed(1)} /s`, `${api.ratio.toFixed(2)} of direct`, 'target ≥ 0.90'],
    [`signup latency with ${WAITING} waiting, p50 / p99`, `${w.signupLatencyMs.p50?.toFixed(0)} / ${w.signupLatencyMs.p99?.toFixed(0)} ms`, '', ''],
    ['bench process RSS (worker + API + SMTP + load)', `${w.processRssMb.toFixed(0)} MB`, '', 'target ≤ 400 MB (worker)'],
    ['history events, invite → signup → license → activated', String(w.historyEventsFullLifecycle), '', 'target ≤ 40'],
  ];
  const width = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(rows.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  ')).join('\n'));
  const out = path.join(__dirname, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`\nfigures written to ${path.relative(process.cwd(), out)}`);

  await app.close();
  worker.shutdown();
  await workerRun;
  await Promise.allSettled([nativeConnection.close(), connection.close(), inbox.stop(), db.end()]);
  await Promise.allSettled([temporal.stop(), pg.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(pgDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
