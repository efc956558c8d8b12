// Churn: CHURN_USERS users are deactivated while a batch of as many invitations onboards, and the
// worker is killed (SIGKILL) in the middle. Every seat, number and deskphone ends in exactly one
// place, nothing is released twice, and the seats freed go to the users waiting for one.
import { csv, endedBatch, setBatchPace, uploadCsv } from '../support/batches';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { recordCounts } from '../support/test-logs';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { deactivate, inventoryLedger, seatWaiter, seedActiveUser, usersPath } from './offboarding-support';

/**
 * 100 in the suite (about a minute on a quiet 2-core machine, most of it the kill's timeouts and the
 * batch's emails); `CHURN_USERS=500 npx jest test/offboarding/churn.test.ts` runs the 500,
 * and `npm run bench -- --only 7` measures deactivations per second.
 */
const CHURN_USERS = Number(process.env.CHURN_USERS ?? 100);
/** Of the users: RingEX with a number (a deskphone for every other one); the rest hold Video Pro+ seats. */
const RINGEX = Math.round(CHURN_USERS * 0.8);
const PRO_PLUS = CHURN_USERS - RINGEX;
const WAITERS = 5;
/** How long the waits may take: the 500 take minutes on a loaded 2-core machine. */
const WAIT_MS = Math.max(90_000, CHURN_USERS * 600);

let stack: TestStack;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false, account: { plan: 'video_pro_plus' }, deadlines: { requestMs: 15_000 } });
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await stack?.stop();
});

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function seedUsers(): Promise<{ users: string[]; deskphoneOwners: Map<string, string> }> {
  await stack.db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ('acme', 'ringex', $1), ('acme', 'video_pro_plus', $2)`, [RINGEX, PRO_PLUS]);
  const users: string[] = [];
  const deskphoneOwners = new Map<string, string>();
  for (let i = 0; i < CHURN_USERS; i++) {
    const ringex = i < RINGEX;
    const deskphone = ringex && i % 2 === 0 ? `DP-${i}` : undefined;
    const id = await seedActiveUser(stack, 'acme', {
      email: `leaver${i}@acme.test`, license: ringex ? 'ringex' : 'video_pro_plus', extension: 1000 + i,
      ...(ringex ? { number: `+1650556${String(i).padStart(4, '0')}` } : {}), ...(deskphone ? { deskphone } : {}),
    });
    users.push(id);
    if (deskphone) deskphoneOwners.set(deskphone, id);
  }
  return { users, deskphoneOwners };
}

/** Invitees who signed up and were assigned Video Pro+, waiting for a seat, longest first. */
async function seatWaiters(): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < WAITERS; i++) ids.push(await seatWaiter(stack, `waiter${i}@acme.test`));
  return ids;
}

/** How many leavers stand in each offboarding stage (null: not yet recorded). */
async function stagesNow(): Promise<Record<string, number>> {
  const { rows } = await stack.db.query(`SELECT coalesce(offboarding_stage, 'none') AS stage, count(*)::int AS n FROM users WHERE account_id = 'acme' AND email LIKE 'leaver%' GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
}

test(`${CHURN_USERS} deactivations while ${CHURN_USERS} invitations onboard, the worker killed in the middle: everything in exactly one place`, async () => {
  workers.push(await spawnWorkerProcess(stack.workerSettings));
  await stack.api('PUT', '/v1/accounts/acme/number-quarantine', { body: { quarantineSeconds: 3 } });
  await setBatchPace(stack, 'acme', 60_000);
  const { users, deskphoneOwners } = await seedUsers();
  const waiters = await seatWaiters();
  const started = Date.now();

  const invitees = Array.from({ length: CHURN_USERS }, (_, i) => `joiner${i}@acme.test`);
  const batch = await uploadCsv(stack, 'acme', csv('email', invitees));
  expect(batch.status).toBe(202);
  const answers: number[] = [];
  let retried = 0;
  let killedAfter = 0;
  // As an identity provider does: a 503 (Temporal slower than the API's deadline) is retried after its Retry-After.
  const deactivations = inParallel(users, 16, async (id) => {
    for (;;) {
      const res = await deactivate(stack, 'acme', id);
      if (res.status !== 503) return void answers.push(res.status);
      retried += 1;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  });
  // The kill lands mid-way: some offboardings done, others in every stage.
  const offboarded = async () => (await stack.db.query(`SELECT count(*)::int AS n FROM users WHERE account_id = 'acme' AND offboarding_stage IS NOT NULL`)).rows[0].n as number;
  await eventually(async () => (await offboarded()) >= CHURN_USERS / 3, WAIT_MS, 'a third of the offboardings under way');
  killedAfter = await offboarded();
  await workers.at(-1)!.kill();
  workers.push(await spawnWorkerProcess(stack.workerSettings));
  await deactivations;

  // The quarantine ends; deskphones come back as an admin records each (twice for some: once counts).
  await eventually(async () => {
    const stages = await stagesNow();
    if (stages.awaiting_deskphone_return !== deskphoneOwners.size) throw new Error(JSON.stringify(stages));
    return true;
  }, WAIT_MS, 'every deskphone owner awaiting the return');
  const returns: number[] = [];
  await inParallel([...deskphoneOwners.entries()], 16, async ([deviceId, userId]) => {
    returns.push((await stack.api('POST', `${usersPath('acme')}/${userId}/deskphone-return`, { body: { deviceId } })).status);
  });
  await eventually(async () => {
    const stages = await stagesNow();
    if (stages.offboarded !== CHURN_USERS) throw new Error(JSON.stringify(stages));
    return true;
  }, WAIT_MS, 'every user offboarded');
  const offboardedMs = Date.now() - started;
  const ended = await endedBatch(stack, 'acme', batch.body.batchId, undefined, WAIT_MS);
  await eventually(async () => new Set(stack.inbox.messages.filter((m) => m.to[0]!.startsWith('joiner')).map((m) => m.to[0])).size === CHURN_USERS, WAIT_MS, 'every joiner\'s invitation');

  // The freed seats reach the waiters through their own workflows (seatsAdded, then the seat): wait for
  // those to settle before reading the ledger, or a loaded machine reads it half-way.
  const stagesOfWaiters = () => Promise.all(waiters.map(async (id) => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`)).body.stage as string));
  await eventually(async () => (await stagesOfWaiters()).every((s) => s === 'activated'), WAIT_MS, 'every waiter activated').catch(() => undefined);
  const ledger = await inventoryLedger(stack, 'acme');
  const waiterStages = await stagesOfWaiters();
  const { rows: releases } = await stack.db.query(`SELECT kind, count(*)::int AS n, count(DISTINCT ref)::int AS distinct_refs FROM offboarding_releases WHERE account_id = 'acme' GROUP BY kind ORDER BY kind`);
  const { rows: statuses } = await stack.db.query(`SELECT status, count(*)::int AS n FROM users WHERE account_id = 'acme' AND email LIKE 'leaver%' GROUP BY status`);
  const joinerMails = stack.inbox.messages.filter((m) => m.to[0]!.startsWith('joiner'));
  // A message the killed worker had handed to SMTP may arrive again with the same Message-ID (the outbox's key): the same message, not a second one.
  const distinctJoinerMessages = new Set(joinerMails.map((m) => `${m.to[0]} ${m.messageId}`)).size;
  const counts = {
    users: CHURN_USERS, ringex: RINGEX, proPlus: PRO_PLUS, waiters: WAITERS, deskphones: deskphoneOwners.size,
    deactivationsRetriedAfter503: retried,
    deactivationAnswers: Object.fromEntries([...new Set(answers)].map((s) => [s, answers.filter((a) => a === s).length])),
    deskphoneReturnAnswers: Object.fromEntries([...new Set(returns)].map((s) => [s, returns.filter((a) => a === s).length])),
    killedAfterOffboardingsStarted: killedAfter,
    offboardedInMs: offboardedMs,
    statuses: Object.fromEntries(statuses.map((r) => [r.status, r.n])),
    seats: ledger.seats, numbers: Object.fromEntries(ledger.numbers.map((r: any) => [r.status, r.n])), deskphonePlaces: Object.fromEntries(ledger.deskphones.map((r: any) => [r.place, r.n])),
    releases: Object.fromEntries(releases.map((r) => [r.kind, { rows: r.n, distinct: r.distinct_refs }])),
    waiterStages,
    batch: ended.totals, joinerMessages: distinctJoinerMessages, sameMessageRedelivered: joinerMails.length - distinctJoinerMessages,
    joinersReached: new Set(joinerMails.map((m) => m.to[0])).size,
  };
  recordCounts(`${CHURN_USERS} deactivations during a ${CHURN_USERS}-row batch, worker killed`, counts);

  expect(counts.deactivationAnswers).toEqual({ 202: CHURN_USERS });
  expect(counts.statuses).toEqual({ disabled: CHURN_USERS });
  // Seats: the freed Video Pro+ seats went to every waiter, and no more; nothing else holds one.
  expect(ledger.seats).toEqual([
    { license: 'ringex', seats_total: RINGEX, used: 0, held_by_disabled: 0 },
    { license: 'video_pro_plus', seats_total: PRO_PLUS, used: WAITERS, held_by_disabled: 0 },
  ]);
  expect(waiterStages).toEqual(waiters.map(() => 'activated'));
  // Numbers: every one back in the inventory, no user holds one, none twice.
  expect(counts.numbers).toEqual({ available: RINGEX });
  expect(ledger).toMatchObject({ numberMismatches: [], numbersOnTwoUsers: [], releasedTwice: [] });
  expect(counts.deskphonePlaces).toEqual({ inventory: deskphoneOwners.size });
  // Each thing released once: one row per seat, number and deskphone, each distinct.
  expect(counts.releases).toEqual({
    deskphone: { rows: deskphoneOwners.size, distinct: deskphoneOwners.size },
    number: { rows: RINGEX, distinct: RINGEX },
    seat: { rows: CHURN_USERS, distinct: CHURN_USERS },
  });
  // The batch onboarded meanwhile: one invitation each, each reached once.
  expect(ended.totals).toMatchObject({ started: CHURN_USERS, failed: 0 });
  expect(counts.joinersReached).toBe(CHURN_USERS);
  expect(counts.joinerMessages).toBe(CHURN_USERS);
}, 60_000 + 4 * WAIT_MS);
