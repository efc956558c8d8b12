// `npm run bench [-- --n 200 --concurrency 8 --reps 3 --waiting 1000 --bulk 8 --bulk-concurrency 4 --batch 10000 --offboard 500 --scim 10000 --webhooks 2000 --only 1,6]`
// (scenarios: 1 engine floor, 2 invitations end to end, 3 API starts, 4 invitations waiting and worker
// memory, 5 adding users, 6 a CSV batch, 7 offboarding, 8 SCIM creates, 9 webhooks, 10 worker memory levers,
// 11 one vs two worker processes): figures against the real
// local stack (Temporal dev server, PostgreSQL, a real SMTP server in this process, the local
// Twilio-compatible endpoint), each comparable figure printed with its ratio to a baseline measured
// in the same run (these machines are shared and noisy). The worker runs in a process of its own,
// so its memory is its own. Writes the same figures as JSON under bench/results/.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectClient, localTemporal } from '../config/temporal';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { deriveInvitationToken, hashToken } from '../domain/invitation-tokens';
import { buildApp } from '../api/app';
import { createAccountWithSuperAdmin } from '../api/services/accounts';
import { clientStartOptions } from '../api/services/invitations';
import { hashPassword } from '../api/services/password-hash';
import { createDb } from '../db';
import { recordWebhookEvents } from '../db/webhook-events';
import { ensureDatabase } from '../db/databases';
import { migrateToLatest } from '../db/migrate';
import { startMailInbox } from '../scripts/local-stack/mail-inbox';
import { freePort } from '../scripts/local-stack/ports';
import { startLocalPostgres, throwawayDir } from '../scripts/local-stack/postgres';
import { startTemporalDevServer } from '../scripts/local-stack/temporal-server';
import { startTwilioEndpoint, startTwilioMock } from '../scripts/local-stack/twilio-endpoint';
import { defaultWorkerTuning, WORKER_NODE_FLAGS, WORKFLOW_BUNDLE_SOURCES } from '../worker';
import { assignLicense, getInvitationStatus, signUp } from '../workflows/invitation/definitions';
import { invitationStart } from '../workflows/invitation/start';
import type { BenchWorkerSettings } from './worker-main';
import { request } from './http-client';
import { cpuSeconds, cpuSpent, machineBusy, median, pct, pool, postgresPid, sleep, spread, treeCpuSeconds } from './measure';
import { invitationWorkflow } from '../workflows';
import { OFFBOARDING_BENCH_ACCOUNT, offboardingScenario, type OffboardingBenchResult } from './offboarding';
import { benchScimCreates, type ScimBenchResult } from './scim';

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    /** Repetitions of the engine floor with invitations end to end, and of the API starts: medians and spread. */
    reps: { type: 'string', default: '3' },
    /** Invitations each worker-memory lever (scenario 10) runs with; 10,000 is scenario 4 with the chosen settings. */
    'lever-waiting': { type: 'string', default: '2000' },
    /** Invitations of the one-vs-two worker processes scenario (11). */
    'multi-n': { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '8' },
    waiting: { type: 'string', default: '1000' },
    bulk: { type: 'string', default: '8' },
    'bulk-concurrency': { type: 'string', default: '4' },
    /** Rows of the CSV batch scenario (6); the target is for 10,000. */
    batch: { type: 'string', default: '10000' },
    /** The batch account's pace in messages a minute (scenario 6); unthrottled unless given, so the engine is what is measured. */
    'batch-pace': { type: 'string', default: '1000000' },
    /** Webhook events of scenario 9, recorded at once and delivered to a local receiver. */
    webhooks: { type: 'string', default: '2000' },
    /** Users deactivated in the offboarding scenario (7). */
    offboard: { type: 'string', default: '500' },
    /** Users an identity provider creates through SCIM (scenario 8), and its parallelism. */
    scim: { type: 'string', default: '10000' },
    'scim-concurrency': { type: 'string', default: '25' },
    /** Scenarios to run, e.g. `--only 1,6` (the engine floor is always measured). */
    only: { type: 'string' },
    cache: { type: 'string' },
    'wft-slots': { type: 'string' },
    /** The worker process's V8 old-space limit (node --max-old-space-size), in MB; as in production (WORKER_NODE_FLAGS) unless given. */
    'worker-heap-mb': { type: 'string' },
    /** The worker process's V8 young-generation semi space (node --max-semi-space-size), in MB; as in production unless given. */
    'worker-semi-space-mb': { type: 'string' },
  },
});
const N = Number(flags.n);
const C = Number(flags.concurrency);
const WAITING = Number(flags.waiting);
const BULK = Number(flags.bulk);
const BULK_CONCURRENCY = Math.min(BULK, Number(flags['bulk-concurrency']));
const BATCH = Number(flags.batch);
const WEBHOOKS = Number(flags.webhooks);
const REPS = Math.max(1, Number(flags.reps));
const LEVER_WAITING = Number(flags['lever-waiting']);
const MULTI_N = Number(flags['multi-n']);
const only = flags.only ? new Set(flags.only.split(',').map(Number)) : undefined;
const runs = (scenario: number) => !only || only.has(scenario);
const tuning = {
  ...(flags.cache ? { maxCachedWorkflows: Number(flags.cache) } : {}),
  ...(flags['wft-slots'] ? { maxConcurrentWorkflowTaskExecutions: Number(flags['wft-slots']) } : {}),
};

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

/** Resident and peak memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** The worker process's V8 flags: production's (WORKER_NODE_FLAGS), each replaced where a flag of the bench says otherwise. */
const heapFlags = () => [
  ...WORKER_NODE_FLAGS.filter((f) => !(flags['worker-heap-mb'] && f.startsWith('--max-old-space-size=')) && !(flags['worker-semi-space-mb'] && f.startsWith('--max-semi-space-size='))),
  ...(flags['worker-heap-mb'] ? [`--max-old-space-size=${Number(flags['worker-heap-mb'])}`] : []),
  ...(flags['worker-semi-space-mb'] ? [`--max-semi-space-size=${Number(flags['worker-semi-space-mb'])}`] : []),
];

async function startWorkerProcess(settings: BenchWorkerSettings, nodeFlags = heapFlags()) {
  // BENCH_WORKER_CPU_PROF=<dir>: the worker writes a CPU profile there when it stops (read it with bench/cpu-profile.ts).
  const profile = process.env.BENCH_WORKER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...nodeFlags, ...profile, '--import', 'tsx', path.join(__dirname, 'worker-main.ts')], {
    env: { ...process.env, BENCH_WORKER: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('WORKER READY') && resolve());
    child.once('exit', (code) => reject(new Error(`bench worker exited (${code})`)));
  });
  child.removeAllListeners('exit');
  // A bench that fails midway leaves no worker behind.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  return {
    pid: child.pid!,
    async stop() {
      process.off('exit', orphan);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-bench-'));
  const pgDir = throwawayDir('onboarding-bench-pg-');
  const [pgPort, temporalPort, apiPort, idleApiPort, prismPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  log('starting PostgreSQL, the Temporal dev server and the Twilio-compatible endpoint');
  const [pg, temporal, prism] = await Promise.all([
    startLocalPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort, persistent: false }),
    startTemporalDevServer({ port: temporalPort, log, logFile: path.join(tmp, 'temporal.log') }),
    startTwilioMock({ port: prismPort, log }),
  ]);
  const twilio = await startTwilioEndpoint({ mockUrl: prism.url });
  // PostgreSQL's server process, whose backends' CPU the scenarios that split CPU count.
  const pgPid = postgresPid(pgPort);
  await ensureDatabase(pg.adminUrl, 'bench');
  await migrateToLatest(pg.urlFor('bench'));
  const db = createDb(pg.urlFor('bench'), { max: 30 });
  const inbox = await startMailInbox();
  const client = await connectClient(localTemporal(temporal.address));
  const connection = client.connection;
  const secret = randomBytes(32).toString('hex');
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const { code } = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_SOURCES, workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') });
  const bundlePath = path.join(tmp, 'bundle.js');
  fs.writeFileSync(bundlePath, code);

  const workerSettings: BenchWorkerSettings = {
    temporalAddress: temporal.address, taskQueue: 'bench', bundlePath, databaseUrl: pg.urlFor('bench'),
    smtpUrl: `${inbox.smtpUrl}/?pool=true&maxConnections=10`, twilioUrl: twilio.url, publicBaseUrl: baseUrl, invitationTokenSecret: secret, tuning,
  };
  const worker = await startWorkerProcess(workerSettings);
  const workerIdle = memoryOf(worker.pid);
  // Waits of 30 s rather than the API's 2 s: on a shared 2-core machine a slow moment is measured, not turned into a 503.
  const appOptions = { db, temporal: client, invitationTokenSecret: secret, publicBaseUrl: baseUrl, rateLimits: { apiPerMinute: 10_000_000 }, deadlines: { requestMs: 30_000 }, logLevel: process.env.BENCH_API_LOG ?? 'silent', logStream: process.stderr, webhookAllowPrivateAddresses: true };
  log(`worker node flags for scenarios 1–7: ${heapFlags().join(' ') || 'none'}`);
  const app = await buildApp({ ...appOptions, taskQueue: 'bench' });
  await app.listen({ port: apiPort, host: '127.0.0.1' });
  // The API-overhead scenario starts on a queue no worker polls, as its direct-client baseline does.
  const idleApp = await buildApp({ ...appOptions, taskQueue: 'bench-idle' });
  await idleApp.listen({ port: idleApiPort, host: '127.0.0.1' });

  const account = await createAccountWithSuperAdmin(db, { id: 'bench', name: 'Bench Co', companyDomains: ['bench.test'], plan: 'video_pro_plus', superAdmin: { email: 'boss@bench.test', firstName: 'Ben', lastName: 'Ch' } });
  await db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ('bench', 'video_pro_plus', 1000000), ('bench', 'ringex', 1000000)`);
  const call = (base: string, method: string, route: string, body?: unknown) =>
    request(`${base}/v1/accounts/bench${route}`, { method, headers: { authorization: `Bearer ${account.credential}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const invite = (emails: string[], base = baseUrl) => call(base, 'POST', '/invitations', { channel: 'email', emails });

  const results: Record<string, unknown> = { when: new Date().toISOString(), n: N, concurrency: C, waiting: WAITING, bulk: BULK, batchRows: BATCH, cpus: os.cpus().length, workerTuning: { ...defaultWorkerTuning, ...tuning }, workerNodeFlags: heapFlags() };

  /** Emails to `addresses` as they reach the SMTP server: waits for all, then each one's latency from `sentAt`. */
  const sentAt = new Map<string, number>();
  let retried503 = 0;
  const received = async (addresses: string[]): Promise<number[]> => {
    const wanted = new Set(addresses);
    const latencies: number[] = [];
    for (let scanned = 0; wanted.size > 0;) {
      for (; scanned < inbox.messages.length; scanned++) {
        const m = inbox.messages[scanned]!;
        const to = m.to[0]!;
        if (wanted.delete(to)) latencies.push(m.receivedAt.getTime() - sentAt.get(to)!);
      }
      await sleep(20);
    }
    return latencies;
  };
  /** Invites `addresses` through `base`, 20 a request, C requests at a time. */
  const inviteAll = async (addresses: string[], base = baseUrl) => {
    const requests = Array.from({ length: Math.ceil(addresses.length / 20) }, (_, r) => addresses.slice(r * 20, r * 20 + 20));
    await pool(requests, C, async (emails) => {
      const at = Date.now();
      emails.forEach((e) => sentAt.set(e, at));
      // A 503 says "try again shortly", as a client would (counted: results.retried503).
      let res = await invite(emails, base);
      for (let tries = 1; res.status === 503 && tries < 5; tries++) {
        retried503 += 1;
        await sleep(1_000);
        res = await invite(emails, base);
      }
      if (res.status !== 201) throw new Error(`invite: ${res.status} ${await res.text()}`);
    });
  };

  let t = 0;
  // 1. Engine floor: minimal workflows (one no-op activity), started directly, same worker.
  const floorRun = async (tag: string) => {
    const at = performance.now();
    await pool(Array.from({ length: N }, (_, i) => i), C * 4, async (i) => {
      await client.workflow.execute('benchNoopWorkflow', { taskQueue: 'bench', workflowId: `floor-${tag}-${i}` });
    });
    return N / ((performance.now() - at) / 1000);
  };
  // 2. Invitations end to end, repeated: each repetition measures the floor right before it, so a
  //    ratio compares two figures taken seconds apart; the median ratio is the figure, with its spread.
  const floors: number[] = [];
  const e2e: Array<{ perSecond: number; ratio: number; latencies: number[] }> = [];
  // CPU seconds by process, for the floor's workflows and for the invitations: what one costs more than the other.
  const serverCpu = {
    temporal: temporal.pid === undefined ? undefined : () => cpuSeconds(temporal.pid!),
    postgres: pgPid === undefined ? undefined : () => treeCpuSeconds(pgPid),
  };
  const processCpu = { worker: () => cpuSeconds(worker.pid), ...serverCpu };
  const cpuOf = { floor: [] as Array<Record<string, number>>, invitations: [] as Array<Record<string, number>> };
  for (let rep = 0; rep < (runs(2) ? REPS : 1); rep++) {
    log(`1. engine floor: ${N} workflows (repetition ${rep + 1})`);
    let spent = cpuSpent(processCpu);
    const floorRep = await floorRun(String(rep));
    cpuOf.floor.push(spent());
    floors.push(floorRep);
    if (!runs(2)) break;
    log(`2. invitations end to end: ${N} through the API (repetition ${rep + 1} of ${REPS})`);
    const addresses = Array.from({ length: N }, (_, i) => `p${rep}-${i}@bench.test`);
    t = performance.now();
    spent = cpuSpent(processCpu);
    await inviteAll(addresses);
    const latencies = await received(addresses);
    cpuOf.invitations.push(spent());
    const perSecond = N / ((performance.now() - t) / 1000);
    e2e.push({ perSecond, ratio: perSecond / floorRep, latencies });
  }
  /** Milliseconds of CPU per workflow (floor) or invitation, by process, over the repetitions. */
  /** Milliseconds of CPU per unit, by process, over the repetitions (`units` a repetition). */
  const cpuMsPer = (runs: Array<Record<string, number>>, units = N) => Object.fromEntries(Object.keys(runs[0] ?? {}).map((k) => [k, (runs.reduce((a, r) => a + r[k]!, 0) * 1000) / (units * runs.length)]));
  const floor = median(floors);
  results.engineFloorPerSecond = floor;
  results.engineFloorRepetitions = floors;
  if (runs(2)) {
    const all = e2e.flatMap((r) => r.latencies);
    results.invitations = {
      perSecond: median(e2e.map((r) => r.perSecond)), ratioToFloor: median(e2e.map((r) => r.ratio)), ratios: e2e.map((r) => r.ratio),
      latencyMs: { p50: pct(all, 50), p95: pct(all, 95), p99: pct(all, 99) },
      cpuMs: { floorWorkflow: cpuMsPer(cpuOf.floor), invitation: cpuMsPer(cpuOf.invitations) },
    };
  }

  if (runs(3)) {
    // 3. API overhead: the same invitation starts (same options: search attributes, summary) through
    //    the API and with the client directly, one address a request, on a queue no worker polls;
    //    repeated, direct then API each time, the median ratio with its spread.
    const apiReps: Array<{ direct: number; api: number }> = [];
    // CPU seconds per start, by process: with every core busy, the ratio is what the API adds to each start's CPU.
    const cpu = { direct: [] as Array<Record<string, number>>, api: [] as Array<Record<string, number>> };
    for (let rep = 0; rep < REPS; rep++) {
      log(`3. API overhead: ${N} starts each way (repetition ${rep + 1} of ${REPS})`);
      t = performance.now();
      let spent = cpuSpent(serverCpu);
      await pool(Array.from({ length: N }, (_, i) => i), C, async (i) => {
        const email = `direct${rep}-${i}@bench.test`;
        await client.workflow.start(invitationWorkflow, clientStartOptions(invitationStart(
          { id: 'bench', name: 'Bench Co', plan: 'video_pro_plus', invitation_lifetime_seconds: 3600 }, 'Ben Ch', 'super_admin',
          { id: `invitation:bench:${email}`, channel: 'email', email, type: 'coworker', role: 'user' }, undefined, 1,
        ), 'bench-idle'));
      });
      cpu.direct.push(spent());
      const direct = N / ((performance.now() - t) / 1000);
      t = performance.now();
      spent = cpuSpent(serverCpu);
      await pool(Array.from({ length: N }, (_, i) => i), C, async (i) => {
        const res = await invite([`api${rep}-${i}@bench.test`], `http://127.0.0.1:${idleApiPort}`);
        if (res.status !== 201) throw new Error(`invite: ${res.status}`);
      });
      cpu.api.push(spent());
      apiReps.push({ direct, api: N / ((performance.now() - t) / 1000) });
    }
    const ratios = apiReps.map((r) => r.api / r.direct);
    /** Milliseconds of CPU per start, over the repetitions: machine, this process (bench client, and the API), Temporal, PostgreSQL, the rest (other work on the machine). */
    const perStart = (runs: Array<Record<string, number>>) => {
      const { machine = 0, self = 0, temporal: temporalMs = 0, postgres = 0 } = cpuMsPer(runs);
      return { machine, benchAndApiProcess: self, temporal: temporalMs, postgres, rest: machine - self - temporalMs - postgres };
    };
    results.apiStarts = {
      directPerSecond: median(apiReps.map((r) => r.direct)), apiPerSecond: median(apiReps.map((r) => r.api)), ratio: median(ratios), ratios,
      cpuMsPerStart: { direct: perStart(cpu.direct), api: perStart(cpu.api) },
    };
  }

  if (runs(4)) {
    // 4. Scale of waiting: many invitations open, then signups; worker memory; history of a full lifecycle.
    log(`4. ${WAITING} invitations waiting for signup`);
    const waitAddresses = Array.from({ length: WAITING }, (_, i) => `w${i}@bench.test`);
    const waitStarted = performance.now();
    await inviteAll(waitAddresses);
    await received(waitAddresses);
    const waitingPerSecond = WAITING / ((performance.now() - waitStarted) / 1000);
    const passwordHash = await hashPassword('bench password 1');
    const signupLatencies: number[] = [];
    const step = Math.max(1, Math.floor(WAITING / 200));
    const sample = Array.from({ length: Math.min(200, WAITING) }, (_, i) => `w${i * step}@bench.test`);
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
    const workerMemory = memoryOf(worker.pid);
    const lifecycleId = `invitation:bench:${sample[0]}`;
    await client.workflow.getHandle(lifecycleId).executeUpdate(assignLicense);
    const history = await client.workflow.getHandle(lifecycleId).fetchHistory();
    results.waiting = {
      open: WAITING, startedAndSentPerSecond: waitingPerSecond,
      signupLatencyMs: { p50: pct(signupLatencies, 50), p99: pct(signupLatencies, 99) },
      workerRssMb: workerMemory.rssMb, workerPeakRssMb: workerMemory.peakMb, workerIdleRssMb: workerIdle.rssMb,
      historyEventsFullLifecycle: history.events?.length,
    };
  }

  if (runs(5)) {
    // 5. Bulk add: 25-user requests (a mix of user types, deskphones, numbers and the four setup
    //    options, with the quote acknowledged) until every user is settled, one request after another.
    log(`5. bulk add: ${BULK} requests of 25 users, ${BULK_CONCURRENCY} at a time`);
    const shipTo = { street: '20 Davis Dr', city: 'Belmont', region: 'CA', postalCode: '94002', country: 'US' };
    const credentials = { password: 'Bench pass 1', passwordConfirmation: 'Bench pass 1', pin: '482916', pinConfirmation: '482916', securityQuestion: 'Q?', securityAnswer: 'A' };
    const usersFor = (r: number) => Array.from({ length: 25 }, (_, i) => ({
      userType: i % 5 === 4 ? 'video_pro' : 'ringex',
      email: `bulk${r}-${i}@bench.test`, firstName: 'Bulk', lastName: `User ${i}`,
      ...(i % 5 === 0 ? { phone: { option: 'purchase', model: 'poly-vvx-250' } } : {}),
      ...(i % 5 === 1 ? { number: { option: 'new', region: 'CA', areaCode: '415' } } : {}),
      setup: [{ option: 'send_invite' }, { option: 'assign_credentials', ...credentials }, { option: 'activate_later' }][i % 3],
    }));
    const bulkLatencies: number[] = [];
    const bulkStarted = performance.now();
    let created = 0;
    const spent = cpuSpent({ ...processCpu, twilioMock: prism.pid === undefined ? undefined : () => cpuSeconds(prism.pid!) });
    const busy = machineBusy();
    // Companies add people many requests at once (several admins, a script): requests overlap, as the floor's workflows do.
    await pool(Array.from({ length: BULK }, (_, r) => r), BULK_CONCURRENCY, async (r) => {
      const body = { users: usersFor(r), shipTo, continueWithoutEmergencyAddress: true };
      const at = performance.now();
      const quoted = await (await call(baseUrl, 'POST', '/provisioning-requests', body)).json() as { quote: { id: string } };
      const accepted = await call(baseUrl, 'POST', '/provisioning-requests', { ...body, quoteId: quoted.quote.id, acknowledgeCharges: true });
      if (accepted.status !== 202) throw new Error(`bulk add: ${accepted.status} ${await accepted.text()}`);
      const { requestId } = await accepted.json() as { requestId: string };
      for (;;) {
        const status = await (await call(baseUrl, 'GET', `/provisioning-requests/${requestId}`)).json() as { stage: string; users: Array<{ outcome: string }> };
        if (status.stage === 'completed') {
          created += status.users.filter((u) => u.outcome === 'created').length;
          break;
        }
        // Each look is a query the worker answers: looking often would measure the looking.
        await sleep(200);
      }
      bulkLatencies.push(performance.now() - at);
    });
    const cpu = spent();
    const machineBusyShare = busy();
    const usersPerSecond = (BULK * 25) / ((performance.now() - bulkStarted) / 1000);
    if (created !== BULK * 25) throw new Error(`bulk add: ${created} of ${BULK * 25} users created`);
    const oneUser = await client.workflow.getHandle(`provisioning:bench:${(await db.query<{ id: string }>(`SELECT id FROM provisioning_requests LIMIT 1`)).rows[0]!.id}:user-2`).fetchHistory();
    results.bulkAdd = {
      requests: BULK, usersPerRequest: 25, requestLatencyMs: { first: bulkLatencies[0], p50: pct(bulkLatencies, 50), max: Math.max(...bulkLatencies) },
      usersPerSecond, ratioToFloor: usersPerSecond / floor, historyEventsPerUserWorkflow: oneUser.events?.length,
      machineBusy: machineBusyShare, cpuMsPerUser: cpuMsPer([cpu], BULK * 25),
    };
  }

  if (runs(6)) {
    // 6. A CSV batch: BATCH rows accepted through the API (checked, recorded, its workflow started),
    //    then fanned out by the batch workflow until every email reached the SMTP server. The
    //    account's pace is raised so that the engine, not the pace, is measured; meanwhile another
    //    account invites one person at a time, to show the batch does not starve it.
    log(`6. a ${BATCH}-row CSV batch`);
    const batchAccount = await createAccountWithSuperAdmin(db, { id: 'batch-bench', name: 'Batch Co', companyDomains: ['batch.test'], superAdmin: { email: 'boss@batch.test', firstName: 'Bo', lastName: 'Ss' } });
    const pace = Number(flags['batch-pace']);
    await db.query(`UPDATE accounts SET batch_messages_per_minute = $1 WHERE id = 'batch-bench'`, [pace]);
    const addresses = Array.from({ length: BATCH }, (_, i) => `row${i}@batch.test`);
    const csvText = ['email,role,license,locale,send at', ...addresses.map((e, i) => `${e},user,,${i % 2 ? 'fr' : 'en'},`)].join('\n') + '\n';
    t = performance.now();
    const accepted = await fetch(`${baseUrl}/v1/accounts/batch-bench/invitation-batches`, { method: 'POST', headers: { authorization: `Bearer ${batchAccount.credential}`, 'content-type': 'text/csv' }, body: csvText });
    const acceptMs = performance.now() - t;
    if (accepted.status !== 202) throw new Error(`batch: ${accepted.status} ${await accepted.text()}`);
    const { workflowId } = await accepted.json() as { workflowId: string };
    const wanted = new Set(addresses);
    // Another account's single invitations while the batch runs: API → email received.
    const otherLatencies: number[] = [];
    let batchDone = false;
    const others = (async () => {
      for (let i = 0; !batchDone && i < 30; i++) {
        const email = `other${i}@bench.test`;
        const at = Date.now();
        const res = await invite([email]);
        if (res.status !== 201) throw new Error(`invite: ${res.status}`);
        const mail = await inbox.waitFor((m) => m.to.includes(email), 120_000);
        otherLatencies.push(mail.receivedAt.getTime() - at);
        await sleep(1_000);
      }
    })();
    let received = 0;
    const counted = new Set<string>();
    for (let scanned = 0; received < BATCH;) {
      for (; scanned < inbox.messages.length; scanned++) {
        const to = inbox.messages[scanned]!.to[0]!;
        if (wanted.has(to) && !counted.has(to)) {
          counted.add(to);
          received += 1;
        }
      }
      await sleep(50);
    }
    const batchSeconds = (performance.now() - t) / 1000;
    batchDone = true;
    await others;
    const duplicates = inbox.messages.filter((m) => wanted.has(m.to[0]!)).length - BATCH;
    let events = 0;
    let runsOfWorkflow = 0;
    const handle = client.workflow.getHandle(workflowId);
    const result = await handle.result() as { run: number };
    runsOfWorkflow = result.run;
    events = (await handle.fetchHistory()).events?.length ?? 0;
    const perSecond = BATCH / batchSeconds;
    results.csvBatch = {
      rows: BATCH, acceptMs, emailsPerSecond: perSecond, ratioToFloor: perSecond / floor, duplicates, pacePerMinute: pace,
      workflowRuns: runsOfWorkflow, historyEventsLastRun: events,
      otherAccountLatencyMs: { n: otherLatencies.length, p50: pct(otherLatencies, 50), max: Math.max(...otherLatencies) },
    };
  }

  if (runs(7)) {
    // 7. Offboarding: deactivations through the API until every seat and number is back.
    log(`7. offboarding: ${flags.offboard} deactivations`);
    const offAccount = await createAccountWithSuperAdmin(db, { id: OFFBOARDING_BENCH_ACCOUNT, name: 'Offboard Co', companyDomains: ['offboard.test'], superAdmin: { email: 'boss@offboard.test', firstName: 'Of', lastName: 'Fb' } });
    results.offboarding = await offboardingScenario({ db, client, baseUrl, credential: offAccount.credential, n: Number(flags.offboard), concurrency: C * 2, floor });
  }

  if (runs(8)) {
    // 8. An identity provider creates users through SCIM (bench/scim.ts).
    log(`8. ${flags.scim} users created through SCIM by ${flags['scim-concurrency']} clients in parallel`);
    const r = await benchScimCreates({ db, baseUrl, inbox, users: Number(flags.scim), concurrency: Number(flags['scim-concurrency']), log });
    results.scimCreates = { ...r, ratioToFloor: r.usersPerSecond / floor };
  }

  if (runs(9)) {
    // 9. Webhooks: WEBHOOKS events recorded at once in the outbox (as the stage writes record them),
    //    for 100 people (so per-person order is kept), delivered signed by the endpoint's workflow to
    //    a receiver in this process answering 200. Timed from the recording to the last receipt.
    log(`9. ${WEBHOOKS} webhook events delivered`);
    let receivedEvents = 0;
    const ids = new Set<string>();
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        receivedEvents += 1;
        ids.add(String(req.headers['webhook-id']));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const created = await call(baseUrl, 'POST', '/webhook-endpoints', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bench`, eventTypes: ['invitation.sent'] });
    if (created.status !== 201) throw new Error(`webhook endpoint: ${created.status} ${await created.text()}`);
    const events = Array.from({ length: WEBHOOKS }, (_, i) => ({
      accountId: 'bench', type: 'invitation.sent', subject: `invitation:bench:p${i % 100}@bench.test`, dedupeKey: `bench-webhook-${i}`,
      data: { invitationId: `invitation:bench:p${i % 100}@bench.test`, stage: 'awaiting_signup', n: i },
    }));
    t = performance.now();
    for (let i = 0; i < events.length; i += 500) await recordWebhookEvents(db, events.slice(i, i + 500));
    while (ids.size < WEBHOOKS) await sleep(20);
    const seconds = (performance.now() - t) / 1000;
    results.webhooks = { events: WEBHOOKS, perSecond: WEBHOOKS / seconds, ratioToFloor: WEBHOOKS / seconds / floor, received: receivedEvents, duplicates: receivedEvents - ids.size };
    receiver.close();
  }

  /** An API on a task queue of its own (scenarios 10 and 11 each give their workers one). */
  const appOn = async (taskQueue: string) => {
    const queueApp = await buildApp({ ...appOptions, taskQueue });
    const port = await freePort();
    await queueApp.listen({ port, host: '127.0.0.1' });
    return { base: `http://127.0.0.1:${port}`, close: () => queueApp.close() };
  };

  if (runs(10)) {
    // 10. Worker memory levers: each in a fresh worker process of its own with LEVER_WAITING
    //    invitations started and sent (then waiting for signup); peak resident memory and throughput,
    //    the throughput as a ratio to the current settings' measured in the same run.
    const levers: Array<{ name: string; tuning?: BenchWorkerSettings['tuning']; nodeFlags?: string[]; bundleAtStart?: boolean }> = [
      { name: 'product defaults (cache 50, old space 128 MB, semi space 2 MB, reuseV8Context, prebuilt bundle)' },
      { name: 'before: cache 200, old space 192 MB, V8\'s semi space', tuning: { maxCachedWorkflows: 200 }, nodeFlags: ['--max-old-space-size=192'] },
      { name: 'maxCachedWorkflows 20', tuning: { maxCachedWorkflows: 20 } },
      { name: 'maxCachedWorkflows 200', tuning: { maxCachedWorkflows: 200 } },
      { name: 'V8\'s own semi space (16 MB)', nodeFlags: ['--max-old-space-size=128'] },
      { name: 'reuseV8Context off', tuning: { reuseV8Context: false } },
      { name: 'workflows bundled at start (no prebuilt bundle)', bundleAtStart: true },
    ];
    const leverResults: Array<{ name: string; idleMb: number; peakMb: number; rssMb: number; perSecond: number }> = [];
    for (const [k, lever] of levers.entries()) {
      log(`10. worker memory lever "${lever.name}": ${LEVER_WAITING} invitations`);
      const taskQueue = `bench-lever-${k}`;
      // Each lever against the product's defaults, whatever scenario 4's flags say.
      const leverWorker = await startWorkerProcess({ ...workerSettings, taskQueue, tuning: lever.tuning ?? {}, bundleAtStart: lever.bundleAtStart }, lever.nodeFlags ?? WORKER_NODE_FLAGS);
      const idle = memoryOf(leverWorker.pid);
      const api = await appOn(taskQueue);
      const addresses = Array.from({ length: LEVER_WAITING }, (_, i) => `lever${k}-${i}@bench.test`);
      t = performance.now();
      await inviteAll(addresses, api.base);
      await received(addresses);
      const perSecond = LEVER_WAITING / ((performance.now() - t) / 1000);
      const mem = memoryOf(leverWorker.pid);
      leverResults.push({ name: lever.name, idleMb: idle.rssMb, peakMb: mem.peakMb, rssMb: mem.rssMb, perSecond });
      await api.close();
      await leverWorker.stop();
    }
    results.memoryLevers = { invitations: LEVER_WAITING, levers: leverResults };
  }

  if (runs(11)) {
    // 11. More than one machine: the same invitations with one worker process, then with two on
    //    another queue; throughput ratio, every email once (no loss, no duplicate), and CPU: each
    //    worker's CPU seconds and how busy the machine's cores were.
    const multi: Array<{ workers: number; perSecond: number; missing: number; duplicates: number; machineBusy: number; workerCpuSeconds: number[] }> = [];
    for (const count of [1, 2]) {
      log(`11. ${MULTI_N} invitations with ${count} worker process${count > 1 ? 'es' : ''}`);
      const taskQueue = `bench-workers-${count}`;
      const workers = await Promise.all(Array.from({ length: count }, () => startWorkerProcess({ ...workerSettings, taskQueue })));
      const api = await appOn(taskQueue);
      const addresses = Array.from({ length: MULTI_N }, (_, i) => `multi${count}-${i}@bench.test`);
      const cpuBefore = workers.map((w) => cpuSeconds(w.pid));
      const busy = machineBusy();
      t = performance.now();
      await inviteAll(addresses, api.base);
      await received(addresses);
      const perSecond = MULTI_N / ((performance.now() - t) / 1000);
      const machine = busy();
      const workerCpu = workers.map((w, i) => cpuSeconds(w.pid) - cpuBefore[i]!);
      await sleep(1_000); // a duplicate send would arrive by now
      const wanted = new Set(addresses);
      const sent = inbox.messages.filter((m) => wanted.has(m.to[0]!));
      const distinct = new Set(sent.map((m) => m.to[0]!)).size;
      multi.push({ workers: count, perSecond, missing: MULTI_N - distinct, duplicates: sent.length - distinct, machineBusy: machine, workerCpuSeconds: workerCpu });
      await api.close();
      await Promise.all(workers.map((w) => w.stop()));
    }
    results.workerProcesses = { invitations: MULTI_N, runs: multi, ratio: multi[1]!.perSecond / multi[0]!.perSecond };
  }

  results.retried503 = retried503;
  // Report.
  const inv = results.invitations as undefined | { perSecond: number; ratioToFloor: number; ratios: number[]; latencyMs: Record<string, number>; cpuMs: { floorWorkflow: Record<string, number>; invitation: Record<string, number> } };
  type CpuMs = { machine: number; benchAndApiProcess: number; temporal: number; postgres: number; rest: number };
  const api = results.apiStarts as undefined | { directPerSecond: number; apiPerSecond: number; ratio: number; ratios: number[]; cpuMsPerStart: { direct: CpuMs; api: CpuMs } };
  const levers = results.memoryLevers as undefined | { invitations: number; levers: Array<{ name: string; idleMb: number; peakMb: number; rssMb: number; perSecond: number }> };
  const multi = results.workerProcesses as undefined | { invitations: number; ratio: number; runs: Array<{ workers: number; perSecond: number; missing: number; duplicates: number; machineBusy: number; workerCpuSeconds: number[] }> };
  const w = (runs(4) ? results.waiting : undefined) as undefined | { signupLatencyMs: Record<string, number>; workerRssMb: number; workerPeakRssMb: number; workerIdleRssMb: number; historyEventsFullLifecycle: number; startedAndSentPerSecond: number };
  const b = results.bulkAdd as undefined | { requestLatencyMs: Record<string, number>; usersPerSecond: number; ratioToFloor: number; historyEventsPerUserWorkflow: number; machineBusy: number; cpuMsPerUser: Record<string, number> };
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const bt = results.csvBatch as undefined | { rows: number; acceptMs: number; emailsPerSecond: number; ratioToFloor: number; duplicates: number; pacePerMinute: number; workflowRuns: number; historyEventsLastRun: number; otherAccountLatencyMs: { n: number; p50: number; max: number } };
  const wh = results.webhooks as undefined | { events: number; perSecond: number; ratioToFloor: number; duplicates: number };
  const off = results.offboarding as undefined | OffboardingBenchResult;
  const rows: Array<[string, string, string, string]> = [
    [`1. engine floor (no-op workflow + activity), median of ${floors.length}`, `${floor.toFixed(1)} wf/s`, '1.00 (baseline)', `runs ${spread(floors, 1)} wf/s`],
    ...(inv ? [
      [`2. invitations end to end (API → email received), median of ${inv.ratios.length}`, `${inv.perSecond.toFixed(1)} /s`, `${inv.ratioToFloor.toFixed(2)} of floor (${spread(inv.ratios)})`, `target ≥ 0.80: ${mark(inv.ratioToFloor >= 0.8)}`],
      ['   latency API call → email p50 / p95 / p99', `${inv.latencyMs.p50} / ${inv.latencyMs.p95} / ${inv.latencyMs.p99} ms`, '', ''],
      ...(['floorWorkflow', 'invitation'] as const).map((what): [string, string, string, string] => {
        const c = inv.cpuMs[what];
        const keys = Object.keys(c).filter((k) => k !== 'machine');
        return [`   CPU ms per ${what === 'floorWorkflow' ? 'floor workflow' : 'invitation'}: machine (${keys.join(' / ')})`, `${c.machine!.toFixed(1)} (${keys.map((k) => c[k]!.toFixed(1)).join(' / ')})`, what === 'invitation' ? `${(inv.cpuMs.floorWorkflow.machine! / c.machine!).toFixed(2)} of floor's CPU` : '', ''];
      }),
    ] as Array<[string, string, string, string]> : []),
    ...(api ? [
      [`3. invitation starts: direct client (same options), median of ${api.ratios.length}`, `${api.directPerSecond.toFixed(1)} /s`, '1.00 (baseline)', ''],
      ['   invitation starts: through the API', `${api.apiPerSecond.toFixed(1)} /s`, `${api.ratio.toFixed(2)} of direct (${spread(api.ratios)})`, `target ≥ 0.90: ${mark(api.ratio >= 0.9)}`],
      ...(['direct', 'api'] as const).map((way): [string, string, string, string] => {
        const c = api.cpuMsPerStart[way];
        const ours = c.benchAndApiProcess + c.temporal + c.postgres;
        const directOurs = api.cpuMsPerStart.direct.benchAndApiProcess + api.cpuMsPerStart.direct.temporal + api.cpuMsPerStart.direct.postgres;
        return [`   CPU ms per start ${way === 'api' ? 'through the API' : 'direct'}: this process + Temporal + PostgreSQL (+ other work)`, `${c.benchAndApiProcess.toFixed(2)} + ${c.temporal.toFixed(2)} + ${c.postgres.toFixed(2)} = ${ours.toFixed(2)} (+ ${c.rest.toFixed(2)})`, way === 'api' ? `${(directOurs / ours).toFixed(2)} of direct's CPU` : '', ''];
      }),
    ] as Array<[string, string, string, string]> : []),
    ...(w ? [
      [`4. ${WAITING} invitations started and sent`, `${w.startedAndSentPerSecond.toFixed(1)} /s`, `${(w.startedAndSentPerSecond / floor).toFixed(2)} of floor`, ''],
      [`   signup latency with ${WAITING} waiting, p50 / p99`, `${w.signupLatencyMs.p50?.toFixed(0)} / ${w.signupLatencyMs.p99?.toFixed(0)} ms`, '', ''],
      ['   worker RSS idle, before any workflow', `${w.workerIdleRssMb.toFixed(0)} MB`, '1.00 (baseline)', ''],
      [`   worker RSS with ${WAITING} waiting (peak)`, `${w.workerRssMb.toFixed(0)} MB (${w.workerPeakRssMb.toFixed(0)})`, `${(w.workerPeakRssMb / w.workerIdleRssMb).toFixed(2)} of idle`, `target ≤ 300 MB at 10,000: ${WAITING >= 10_000 ? mark(w.workerPeakRssMb <= 300) : 'run --waiting 10000'}`],
      ['   history events, invite → signup → license → activated', String(w.historyEventsFullLifecycle), '', `target ≤ 40: ${mark(w.historyEventsFullLifecycle <= 40)}`],
    ] as Array<[string, string, string, string]> : []),
    ...(b ? [
      [`5. bulk add: ${BULK} × 25 users, ${BULK_CONCURRENCY} requests at a time`, `${b.usersPerSecond.toFixed(1)} users/s`, `${b.ratioToFloor.toFixed(2)} of floor`, `target ≥ 0.60: ${mark(b.ratioToFloor >= 0.6)}`],
      ['   one 25-user request, API → all settled: first / p50 / max', `${b.requestLatencyMs.first?.toFixed(0)} / ${b.requestLatencyMs.p50?.toFixed(0)} / ${b.requestLatencyMs.max?.toFixed(0)} ms`, '', ''],
      ['   history events of one user\'s workflow (RingEX, number bought)', String(b.historyEventsPerUserWorkflow), '', ''],
      [`   CPU ms per user (machine ${(b.machineBusy * 100).toFixed(0)}% busy): ${Object.keys(b.cpuMsPerUser).join(' / ')}`, Object.values(b.cpuMsPerUser).map((v) => v.toFixed(1)).join(' / '), '', ''],
    ] as Array<[string, string, string, string]> : []),
    ...(bt ? [
      [`6. ${bt.rows}-row CSV batch accepted (checked, recorded, started)`, `${bt.acceptMs.toFixed(0)} ms`, '', `target ≤ 5000 ms at 10,000: ${bt.rows >= 10_000 ? mark(bt.acceptMs <= 5_000) : 'run --batch 10000'}`],
      [`   ${bt.rows} batch emails reaching the SMTP server`, `${bt.emailsPerSecond.toFixed(1)} /s`, `${bt.ratioToFloor.toFixed(2)} of floor`, `target ≥ 0.70: ${mark(bt.ratioToFloor >= 0.7)}`],
      [`   duplicates; batch workflow runs; events in its last run; pace`, `${bt.duplicates}; ${bt.workflowRuns}; ${bt.historyEventsLastRun}; ${bt.pacePerMinute}/min`, '', ''],
      [`   another account's invitation during the batch, p50 / max (${bt.otherAccountLatencyMs.n})`, `${bt.otherAccountLatencyMs.p50} / ${bt.otherAccountLatencyMs.max} ms`, '', ''],
    ] as Array<[string, string, string, string]> : []),
    ...(off ? [
      [`7. ${off.users} deactivations until every seat and ${off.numbers} numbers are back`, `${off.perSecond.toFixed(1)} /s`, `${off.ratioToFloor.toFixed(2)} of floor`, ''],
      ['   deactivations accepted by the API; retried after a 503', `${off.acceptedPerSecond.toFixed(1)} /s; ${off.retriedAfter503}`, '', ''],
      ['   history events of one offboarding (to offboarded)', String(off.historyEventsPerOffboarding), '', ''],
    ] as Array<[string, string, string, string]> : []),
    ...(wh ? [
      [`9. ${wh.events} webhook events delivered (signed, 100 people in order)`, `${wh.perSecond.toFixed(1)} /s`, `${wh.ratioToFloor.toFixed(2)} of floor`, `repeats: ${wh.duplicates}`],
    ] as Array<[string, string, string, string]> : []),
    ...(levers ? [
      [`10. worker memory levers, ${levers.invitations} invitations each, fresh worker`, 'peak RSS (idle)', 'throughput', 'target ≤ 300 MB, throughput ≥ 0.90 of defaults\''],
      ...levers.levers.map((l): [string, string, string, string] => {
        const ratio = l.perSecond / levers.levers[0]!.perSecond;
        return [`   ${l.name}`, `${l.peakMb.toFixed(0)} MB (${l.idleMb.toFixed(0)})`, `${l.perSecond.toFixed(1)} /s, ${ratio.toFixed(2)} of defaults'`, `${mark(l.peakMb <= 300 && ratio >= 0.9)}`];
      }),
    ] as Array<[string, string, string, string]> : []),
    ...(multi ? [
      ...multi.runs.map((r): [string, string, string, string] => [
        `${r.workers === 1 ? '11' : '  '}. ${multi.invitations} invitations, ${r.workers} worker process${r.workers > 1 ? 'es' : ''}`, `${r.perSecond.toFixed(1)} /s`,
        r.workers === 1 ? '1.00 (baseline)' : `${multi.ratio.toFixed(2)} of one`,
        `missing ${r.missing}, duplicates ${r.duplicates}: ${mark(r.missing === 0 && r.duplicates === 0)}`]),
      ...multi.runs.map((r): [string, string, string, string] => [
        `   CPU with ${r.workers}: machine busy; each worker's CPU s per 100 invitations`, `${(100 * r.machineBusy).toFixed(0)}%`,
        r.workerCpuSeconds.map((c) => ((100 * c) / multi.invitations).toFixed(2)).join(' + '), '']),
    ] as Array<[string, string, string, string]> : []),
  ];
  const sc = results.scimCreates as undefined | (ScimBenchResult & { ratioToFloor: number });
  if (sc) {
    rows.push(
      [`8. ${sc.users} SCIM creates (GET filter + POST), ${sc.concurrency} in parallel, until every welcome email is at the SMTP server`, `${sc.usersPerSecond.toFixed(1)} users/s`, `${sc.ratioToFloor.toFixed(2)} of floor`, `${sc.seconds.toFixed(0)} s in all`],
      ['   SCIM calls answered; per user GET + POST p50 / p99', `${sc.requestsSeconds.toFixed(0)} s`, `${sc.requestLatencyMs.p50.toFixed(0)} / ${sc.requestLatencyMs.p99.toFixed(0)} ms`, ''],
      ['   creates retried (429/5xx, as an IdP does); failed; duplicate emails', `${sc.retries}; ${sc.failures}; ${sc.duplicates}`, '', ''],
    );
  }
  const width = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(rows.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  ')).join('\n'));
  console.log(`worker settings: ${JSON.stringify(results.workerTuning)}, node flags: ${heapFlags().join(' ') || 'none'}; invitation requests retried after a 503: ${retried503}`);
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  const out = path.join(__dirname, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`\nfigures written to ${path.relative(process.cwd(), out)}`);

  await Promise.allSettled([app.close(), idleApp.close()]);
  await worker.stop();
  await Promise.allSettled([connection.close(), inbox.stop(), twilio.stop(), db.end()]);
  await Promise.allSettled([temporal.stop(), pg.stop(), prism.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(pgDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
