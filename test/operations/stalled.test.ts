// The stalled-activations job against the real server: the dry run lists exactly the seeded
// stalled invitations, a real run resumes them, and a second run does nothing.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { testStackEnv } from '../support/stack-env';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const run = promisify(execFile);
const ACCOUNT = `ops-${Date.now().toString(36)}`;
let bounceFixed = false;
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    account: { id: ACCOUNT, plan: 'video_pro_plus', companyDomains: ['ops.test'], invitationLifetimeSeconds: 86400 },
    rejectRecipient: (a) => a === 'bounce@ops.test' && !bounceFixed,
  });
});
afterAll(() => stack?.stop());

/** `npm run stalled -- ...` as an operator runs it (JSON output). */
async function stalled(...args: string[]): Promise<any> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../scripts/stalled.ts'), '--account', ACCOUNT, '--json', ...args], {
    // Reminders and resends go through batches: recorded in the stack's database, run by its worker.
    env: { ...process.env, TEMPORAL_ADDRESS: testStackEnv().temporalAddress, DATABASE_URL: stack.workerSettings.databaseUrl, TEMPORAL_TASK_QUEUE: stack.taskQueue },
  });
  return JSON.parse(stdout);
}
const invite = async (email: string) => (await stack.api('POST', `/v1/accounts/${ACCOUNT}/invitations`, { body: { channel: 'email', emails: email } })).body.invitations[0].id as string;
const stageOf = async (id: string) => (await stack.api('GET', `/v1/accounts/${ACCOUNT}/invitations/${encodeURIComponent(id)}`)).body.stage;
const listed = async (...args: string[]) => ((await stalled(...args)).invitations as Array<{ workflowId: string }>).map((i) => i.workflowId).sort();

test('dry run lists exactly the stalled invitations; a real run resumes them; a second run does nothing', async () => {
  // Seed one invitation stalled in each stage.
  const waiting = await invite('seat@ops.test');
  await submitSignup(linkInMail(await stack.inbox.waitFor((m) => m.to.includes('seat@ops.test'))).url, validSignup);
  expect((await stack.api('POST', `/v1/accounts/${ACCOUNT}/invitations/${encodeURIComponent(waiting)}/license`)).body.waitingReason).toBe('no seat available');
  const bounced = await invite('bounce@ops.test');
  const quiet = await invite('quiet@ops.test');
  await stack.db.query(`UPDATE accounts SET invitation_lifetime_seconds = 4 WHERE id = $1`, [ACCOUNT]);
  const lapsed = await invite('lapsed@ops.test');
  await stack.db.query(`UPDATE accounts SET invitation_lifetime_seconds = 86400 WHERE id = $1`, [ACCOUNT]);
  await eventually(async () => (await stageOf(bounced)) === 'delivery_failed' && (await stageOf(lapsed)) === 'expired' && (await stageOf(quiet)) === 'awaiting_signup', 20_000, 'the seeded stages');

  // Dry runs: exactly the seeded ones (visibility catches up within moments). Each is a run of the
  // command of its own, so they run side by side.
  await Promise.all([
    eventually(async () => (await listed('--stage', 'license_pending')).join() === waiting, 15_000, 'license_pending listing'),
    eventually(async () => (await listed('--stage', 'delivery_failed', '--action', 'retry-delivery', '--dry-run')).join() === bounced, 15_000, 'delivery_failed listing'),
    eventually(async () => (await listed('--stage', 'expired')).join() === lapsed, 15_000, 'expired listing'),
  ]);
  // `waiting` has been license_pending since before `lapsed` was invited, so for longer than its 4-second lifetime.
  const [expiring2d, expiring1h, olderThan1h, olderThan1s] = await Promise.all([
    listed('--stage', 'awaiting_signup', '--expiring-within', '2d'),
    listed('--stage', 'awaiting_signup', '--expiring-within', '1h'),
    listed('--stage', 'license_pending', '--older-than', '1h'),
    listed('--stage', 'license_pending', '--older-than', '1s'),
  ]);
  expect({ expiring2d, expiring1h, olderThan1h, olderThan1s }).toEqual({ expiring2d: [quiet], expiring1h: [], olderThan1h: [], olderThan1s: [waiting] });
  // The dry run changed nothing.
  expect(await stageOf(bounced)).toBe('delivery_failed');

  // Reminders first (the other actions produce fresh links that would be due a reminder too).
  const remind = await stalled('--stage', 'awaiting_signup', '--expiring-within', '2d', '--action', 'remind');
  expect({ found: remind.found, done: remind.done }).toEqual({ found: 1, done: 1 });
  // Carried out by the bulk-action mechanism: one batch of the account, recorded by the sweep, its row done.
  expect(remind.batches).toHaveLength(1);
  const batch = await stack.api('GET', `/v1/accounts/${ACCOUNT}/invitation-batches/${remind.batches[0].batchId}`);
  expect(batch.body).toMatchObject({ kind: 'remind', source: 'sweep', status: 'completed', rowCount: 1, totals: { done: 1 } });
  expect(batch.body.rows[0]).toMatchObject({ invitationId: quiet, invitee: 'quiet@ops.test', outcome: 'done' });
  const reminder = await stack.inbox.waitFor((m) => m.to.includes('quiet@ops.test') && m.subject.startsWith('Reminder: '));
  expect(linkInMail(reminder).token).toBe(linkInMail(stack.inbox.messages.find((m) => m.to.includes('quiet@ops.test'))!).token);
  const remindAgain = await stalled('--stage', 'awaiting_signup', '--expiring-within', '2d', '--action', 'remind');
  expect({ found: remindAgain.found, done: remindAgain.done, skipped: remindAgain.skipped, batches: remindAgain.batches }).toEqual({ found: 1, done: 0, skipped: 1, batches: [] });
  expect(stack.inbox.messages.filter((m) => m.subject.startsWith('Reminder: ') && m.to.includes('quiet@ops.test'))).toHaveLength(1);

  // The other real runs, each repeated at once: the repeat finds nothing left to do.
  await stack.db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, 'video_pro_plus', 1)`, [ACCOUNT]);
  bounceFixed = true;
  for (const [stage, action] of [['license_pending', 'recheck-seats'], ['delivery_failed', 'retry-delivery'], ['expired', 'resend']] as const) {
    const first = await stalled('--stage', stage, '--action', action);
    expect({ action, found: first.found, done: first.done, failed: first.failed }).toEqual({ action, found: 1, done: 1, failed: 0 });
    const second = await stalled('--stage', stage, '--action', action);
    expect({ action, found: second.found }).toEqual({ action, found: 0 });
  }
  await eventually(async () => (await stageOf(waiting)) === 'activated', 15_000, 'activation after the seat re-check');
  expect(await stageOf(bounced)).toBe('awaiting_signup');
  await stack.inbox.waitFor((m) => m.to.includes('bounce@ops.test'));
  expect(stack.inbox.messages.filter((m) => m.to.includes('lapsed@ops.test'))).toHaveLength(2);
  // About a dozen runs of the command, each a Node process of its own: longer than one test's default on a busy machine.
}, 180_000);

test('the same sweep on a Temporal Schedule: created, visible, fires on its own, updated, deleted', async () => {
  const scheduleId = `stalled-sweep:test:${ACCOUNT}`;
  const schedule = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../scripts/stalled-schedule.ts'), '--id', scheduleId, ...args], {
      env: { ...process.env, TEMPORAL_ADDRESS: testStackEnv().temporalAddress, TEMPORAL_TASK_QUEUE: stack.taskQueue },
    });
  await invite('scheduled-reminder@ops.test');
  await stack.inbox.waitFor((m) => m.to.includes('scheduled-reminder@ops.test'));

  const created = await schedule('--every', '2s', '--stage', 'awaiting_signup', '--expiring-within', '2d', '--account', ACCOUNT, '--action', 'remind');
  expect(created.stdout).toContain(`Schedule ${scheduleId} created`);
  try {
    const reminder = await stack.inbox.waitFor((m) => m.to.includes('scheduled-reminder@ops.test') && m.subject.startsWith('Reminder: '), 30_000);
    expect(reminder).toBeDefined();
    const described = await stack.client.schedule.getHandle(scheduleId).describe();
    expect(described.info.recentActions.length).toBeGreaterThanOrEqual(1);
    const ids: string[] = [];
    for await (const s of stack.client.schedule.list()) ids.push(s.scheduleId);
    expect(ids).toContain(scheduleId);

    const updated = await schedule('--every', '1h', '--stage', 'awaiting_signup', '--expiring-within', '2d', '--account', ACCOUNT, '--action', 'remind');
    expect(updated.stdout).toContain(`Schedule ${scheduleId} updated`);
    const spec = (await stack.client.schedule.getHandle(scheduleId).describe()).spec;
    expect(spec.intervals?.[0]?.every).toBe(3_600_000);
    // Firing again and again never reminds twice for the same link.
    expect(stack.inbox.messages.filter((m) => m.to.includes('scheduled-reminder@ops.test') && m.subject.startsWith('Reminder: '))).toHaveLength(1);
  } finally {
    await schedule('--delete', '--stage', 'awaiting_signup', '--action', 'remind');
  }
});
