// Determinism guard: histories recorded from real runs must replay on the current workflow code.
// A change that alters the commands a running workflow would issue fails here; released workflow
// changes go behind `patched()`. `RECORD_HISTORIES=1 npm test -- test/replay` re-records the
// fixtures from fresh runs (only for changes that were never released). Fixtures recorded before a
// patch stay as they are; the fresh runs write the names of the latest code (`-stages`: with
// `stage-read-model-v1`; `-encrypted`: payloads encrypted with the test key, and "assign
// credentials" carrying a stored-credentials id instead of the hashes; `-encrypted-local-steps`: both,
// and adding users with `provisioning-local-steps-v1`; `-once-started`: the welcome email's invitation
// started before the user is reported invited, `invited-once-started-v1`). Every history replays
// through the test key's codec: encrypted ones decode with it, older plain ones pass through.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Worker, type ReplayResult } from '@temporalio/worker';
import { remindInvitee } from '../../workflows/invitation/definitions';
import { FIXTURES, replay, replayWorkflow } from '../support/replay';
import { testStackEnv } from '../support/stack-env';
import { ownWorker, signupRacing, type OwnWorker } from '../support/signup-race';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { linkInMail, signupLinkIn, submitSignup, validSignup } from '../support/invitee';
import { buySeats } from '../support/licenses';
import { address, completedRequest, credentials, newUser, seedInventory } from '../support/provisioning-requests';
import { stalledSweepWorkflow } from '../../workflows';

function loadFixtures() {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'))) }));
}

describe('fresh runs', () => {
  let stack: TestStack;
  // The test's own worker: one test stops it to have two requests reach a workflow in one task.
  let worker: OwnWorker | undefined;
  beforeAll(async () => {
    stack = await startTestStack({ account: { invitationLifetimeSeconds: 2, plan: 'video_pro_plus' }, inProcessWorker: false, deadlines: { requestMs: 20_000 } /* the signup race restarts the worker on purpose */, rejectRecipient: (a) => a.startsWith('nobody') });
    worker = ownWorker(stack);
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
  });

  /** Replays a closed workflow's history on the current code, and keeps it as a fixture when recording. */
  async function replaysCleanly(workflowId: string, fixture: string) {
    const { errors } = await replayWorkflow(stack.client, workflowId, fixture);
    expect(errors).toEqual([undefined]);
  }

  /** Invites `email` by email into `account` (acme by default): the invitation's id and its path. */
  async function invite(email: string, account = stack.account) {
    const res = await stack.api('POST', `/v1/accounts/${account.id}/invitations`, { body: { channel: 'email', emails: [email] }, credential: account.credential });
    expect(res.status).toBe(201);
    const id: string = res.body.invitations[0].id;
    return { id, path: `/v1/accounts/${account.id}/invitations/${encodeURIComponent(id)}` };
  }

  // An email invitation that stops (expired, or refused by the mailbox for good), is resent, then revoked.
  test.each([
    {
      title: 'email invitation: expires unused, is revived by a resend, then revoked',
      email: 'replay@acme.test', stops: 'expired', within: 60_000, what: 'expiry', afterResend: 'awaiting_signup',
      fixture: 'invitation-email-expired-resent-revoked-encrypted.json',
    },
    {
      title: 'email invitation to a mailbox refused for good: resent, refused again, waits for the next resend; revoked',
      email: 'nobody-replay@acme.test', stops: 'delivery_failed', within: 20_000, what: 'the refusal', afterResend: 'delivery_failed',
      fixture: 'invitation-email-undeliverable-resent-revoked-stages.json',
    },
  ])('$title', async ({ email, stops, within, what, afterResend, fixture }) => {
    const { id, path } = await invite(email);
    await eventually(async () => (await stack.api('GET', path)).body.stage === stops, within, what);
    expect((await stack.api('POST', `${path}/resend`)).body.stage).toBe(afterResend);
    expect((await stack.api('DELETE', path)).body.stage).toBe('revoked');
    await replaysCleanly(id, fixture);
  });

  test('a reminder, and a resend, asked during the signup are refused; the invitations close activated', async () => {
    // An account of its own: a link that lives longer than the worker's stop and start.
    const account = await stack.createAccount({ id: 'replay-race', companyDomains: ['replay-race.test'], invitationLifetimeSeconds: 3600 });
    /** As in test/invitations/answered-requests.test.ts: the signup and `ask` reach the workflow in one workflow task (signupRacing). */
    async function duringSignup(email: string, ask: (handle: WorkflowHandle, path: string) => Promise<unknown>) {
      const { id, path } = await invite(email, account);
      const { token } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes(email)));
      await eventually(async () => (await stack.api('GET', path, { credential: account.credential })).body.stage === 'awaiting_signup');
      const handle = stack.client.workflow.getHandle(id);
      const { signup, asked } = await signupRacing(worker!, handle, token, () => ask(handle, path));
      expect(await signup).toMatchObject({ stage: 'activated' });
      return { id, asked };
    }
    const reminded = await duringSignup('remind-replay@replay-race.test', (h) => h.executeUpdate(remindInvitee));
    await expect(reminded.asked).rejects.toMatchObject({ cause: { type: 'WrongStage' } });
    await replaysCleanly(reminded.id, 'invitation-email-reminded-during-signup-refused-stages.json');
    const resent = await duringSignup('resend-replay@replay-race.test', (_h, path) => stack.api('POST', `${path}/resend`, { credential: account.credential }));
    expect(await resent.asked).toMatchObject({ status: 409 });
    await replaysCleanly(resent.id, 'invitation-email-resent-during-signup-refused-stages.json');
  });

  test('email invitation in a Video Pro+ company: signup, no seat, seats added, license assigned, activated', async () => {
    const { id, path } = await invite('pro@acme.test');
    const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('pro@acme.test')));
    expect((await submitSignup(url, validSignup)).status).toBe(200);
    const pending = await stack.api('POST', `${path}/license`);
    expect(pending.body).toMatchObject({ stage: 'license_pending', waitingReason: 'no seat available' });
    expect((await buySeats(stack, 'acme', 'video_pro_plus', 1)).status).toBe(200);
    await replaysCleanly(id, 'invitation-email-license-after-seats-added-stages.json');
  });

  test('text invitation signed up by a guest; the invite link shared by email and used to sign up', async () => {
    const text = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'text', phone: '+14155552699', message: 'Hi 👋' } });
    const textId = text.body.invitations[0].id;
    const sms = await eventually(async () => stack.twilio.requests.find((r) => r.form.To?.[0] === '+14155552699'));
    const { url } = signupLinkIn(sms.form.Body![0]!);
    expect((await submitSignup(url, { ...validSignup, email: 'texted-guest@gmail.com' })).status).toBe(200);
    await replaysCleanly(textId, 'invitation-text-guest-activated-stages.json');

    const link = await stack.api('POST', '/v1/accounts/acme/invite-link', { body: {} });
    const shared = await stack.api('POST', '/v1/accounts/acme/invite-link/share', { body: { emails: ['share-replay@acme.test'] } });
    expect(shared.body.sent).toEqual(['share-replay@acme.test']);
    await replaysCleanly(shared.body.workflowId, 'share-invite-link.json');
    expect((await submitSignup(link.body.url, { ...validSignup, email: 'linked@gmail.com' })).status).toBe(200);
    await replaysCleanly('invitation:acme:linked@gmail.com', 'invitation-link-guest-activated-stages.json');
  });

  test('adding users: a request with every setup option, a refused number purchase compensated, activation later', async () => {
    const account = await stack.createAccount({ id: 'replay-add', companyDomains: ['replay-add.test'] });
    await seedInventory(stack, 'replay-add', { ringexSeats: 1, deskphones: ['DP-R'] });
    stack.twilio.setFault((req) => (req.method === 'POST' && req.path.endsWith('/IncomingPhoneNumbers.json') && req.form.PhoneNumber?.[0]?.startsWith('+1212')
      ? { status: 400, body: { code: 21422, message: 'PhoneNumber requested is not available', status: 400 } } : undefined));
    try {
      const request = {
        shipTo: address,
        continueWithoutEmergencyAddress: true,
        users: [
          newUser('invite@replay-add.test', { userType: 'ringex', phone: { option: 'inventory', deviceId: 'DP-R' }, number: { option: 'new', region: 'CA', areaCode: '415' }, setup: { option: 'send_invite' } }),
          newUser('refused@replay-add.test', { userType: 'ringex', phone: { option: 'purchase', model: 'cisco-6871' }, number: { option: 'new', region: 'NY', areaCode: '212' }, setup: { option: 'assign_credentials', ...credentials } }),
          newUser('later@replay-add.test'),
        ],
      };
      const path = '/v1/accounts/replay-add/provisioning-requests';
      const quoted = await stack.api('POST', path, { body: request, credential: account.credential });
      const res = await stack.api('POST', path, { body: { ...request, quoteId: quoted.body.quote.id, acknowledgeCharges: true }, credential: account.credential });
      expect(res.status).toBe(202);
      const done = await completedRequest(stack, 'replay-add', res.body.requestId, account.credential);
      expect(done.users.map((u: any) => u.outcome)).toEqual(['created', 'failed', 'created']);
      await replaysCleanly(res.body.workflowId, 'provisioning-request-encrypted.json');
      await replaysCleanly(`${res.body.workflowId}:user-2`, 'user-provisioning-compensated-encrypted-local-steps.json');

      const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('invite@replay-add.test')));
      expect((await submitSignup(url, validSignup)).status).toBe(200);
      await replaysCleanly(`${res.body.workflowId}:user-1`, 'user-provisioning-invited-activated-once-started.json');

      const activated = await stack.api('POST', `/v1/accounts/replay-add/users/${done.users[2].userId}/activation`, { body: { option: 'assign_credentials', ...credentials }, credential: account.credential });
      expect(activated.body.activation.stage).toBe('activated');
      await replaysCleanly(`${res.body.workflowId}:user-3`, 'user-provisioning-later-credentials-encrypted-local-steps.json');
    } finally {
      stack.twilio.setFault(undefined);
    }
  });

  test('a stalled-activations sweep, as its schedule runs it', async () => {
    // An account of its own: the Temporal server is shared with other test files' invitations.
    const account = await stack.createAccount({ id: `sweep-${Date.now().toString(36)}`, companyDomains: ['sweep.test'] });
    const { path } = await invite('sweep-replay@sweep.test', account);
    await eventually(async () => (await stack.api('GET', path, { credential: account.credential })).body.stage === 'awaiting_signup');
    const workflowId = `stalled-sweep:replay:${Date.now()}`;
    const counts = await stack.client.workflow.execute(stalledSweepWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [[{ criteria: { stage: 'awaiting_signup', accountId: account.id, expiringWithinMs: 30 * 86_400_000 }, action: 'remind' }]],
    });
    expect(counts).toEqual([{ action: 'remind', found: 1, done: 1, skipped: 0, failed: 0 }]);
    await replaysCleanly(workflowId, 'stalled-sweep.json');
  });
});

describe('recorded histories', () => {
  test('every recorded history replays without a determinism error', async () => {
    const fixtures = loadFixtures();
    expect(fixtures.length).toBeGreaterThan(0);
    const results = await replay(fixtures);
    expect(results.map((r) => ({ id: r.workflowId, error: r.error?.message }))).toEqual(fixtures.map((f) => ({ id: f.workflowId, error: undefined })));
  });

  test('the encrypted fixtures hold ciphertext: without the codec they cannot replay', async () => {
    const encrypted = loadFixtures().filter((f) => f.workflowId.endsWith('-encrypted.json'));
    expect(encrypted.length).toBeGreaterThanOrEqual(5);
    for (const f of encrypted) expect(fs.readFileSync(path.join(FIXTURES, f.workflowId), 'utf8')).toContain(Buffer.from('binary/encrypted').toString('base64'));
    const results: ReplayResult[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: testStackEnv().workflowBundlePath } }, encrypted)) results.push(r);
    expect(results.every((r) => r.error !== undefined)).toBe(true);
  });

  test('the guard bites: a workflow that issues different commands fails to replay', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'nondeterministic-workflows.ts'),
      logger: new DefaultLogger('WARN'),
    });
    const codePath = path.join(testStackEnv().tmpDir, 'nondeterministic-bundle.js');
    fs.writeFileSync(codePath, code);
    const results = await replay(loadFixtures().filter((f) => f.workflowId.startsWith('invitation-email')), codePath);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.error?.name).toBe('DeterminismViolationError');
  });
});
