// The read model follows the workflows: at every step of an invitation's, a provisioned user's and a
// provisioning request's life, the stage the lists show (served from PostgreSQL) is the stage the
// workflow's own query answers. Real services: Temporal, PostgreSQL, SMTP, the worker and the API.
import { backfillStages } from '../../operations/stage-backfill';
import { getInvitationStatus } from '../../workflows/invitation/definitions';
import { getProvisioningStatus, getUserProvisioningStatus } from '../../workflows/provisioning-request/definitions';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { completedRequest, credentials, newUser } from '../support/provisioning-requests';
import { buySeats } from '../support/licenses';
import { recordCounts } from '../support/test-logs';

// Account ids of this run: workflow ids (`invitation:<account>:<invitee>`) are global on the Temporal
// server every test file shares, and other files invite the same people into `acme`.
const run = Date.now().toString(36);
const A = `reads-${run}`, SHORT = `short-${run}`, ADDS = `adds-${run}`, OLD_ADDS = `old-adds-${run}`;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ account: { id: A, plan: 'video_pro_plus' }, rejectRecipient: (a) => a.startsWith('nobody') });
});
afterAll(() => stack?.stop());

/** One more Video Pro+ seat for the account. */
const addSeat = () => stack.db.query(
  `INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, 'video_pro_plus', 1)
   ON CONFLICT (account_id, license) DO UPDATE SET seats_total = license_inventory.seats_total + 1`,
  [A],
);
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const pathOf = (account: string, id: string) => `/v1/accounts/${account}/invitations/${encodeURIComponent(id)}`;

/** The invitation's row in the list (found by its address), as an admin of the account sees it. */
async function listed(account: string, email: string, credential?: string) {
  const res = await stack.api('GET', `/v1/accounts/${account}/invitations?${q({ email })}`, { credential });
  expect(res.status).toBe(200);
  expect(res.body.items).toHaveLength(1);
  return res.body.items[0];
}

/** The list and the workflow's query say the same, and it is `stage`. */
async function expectListedAsQueried(account: string, email: string, id: string, stage: string, credential?: string) {
  const queried = await stack.client.workflow.getHandle(id).query(getInvitationStatus);
  const row = await listed(account, email, credential);
  expect({ queried: queried.stage, listed: row.stage }).toEqual({ queried: stage, listed: stage });
  expect(row.stageSince).toBe(queried.stageTimes[queried.stage]);
  return row;
}

/** Waits until the workflow's query says `stage` (moves driven by timers and sends), then compares. */
async function whenQueried(account: string, email: string, id: string, stage: string, credential?: string) {
  await eventually(async () => (await stack.client.workflow.getHandle(id).query(getInvitationStatus)).stage === stage, 20_000, `${id} to be ${stage}`);
  return expectListedAsQueried(account, email, id, stage, credential);
}

test('an email invitation in a Video Pro+ company: awaiting signup, license pending (no seat, then seats), activated', async () => {
  const email = 'ana@acme.test';
  const res = await stack.api('POST', `/v1/accounts/${A}/invitations`, { body: { channel: 'email', emails: [email] } });
  const id = res.body.invitations[0].id;
  const row = await whenQueried(A, email, id, 'awaiting_signup');
  expect(row).toMatchObject({
    id, workflowId: id, channel: 'email', invitee: email, role: 'user', license: 'video_pro_plus',
    invitedBy: { userId: stack.account.superAdminId, name: 'Bea Boss' },
    workflowUrl: `http://localhost:8233/namespaces/default/workflows/${encodeURIComponent(id)}`,
  });
  expect(Date.parse(row.expiresAt)).toBeGreaterThan(Date.now());

  // Updates answer once their workflow task is done, local activities included: no waiting here.
  const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes(email)));
  expect((await submitSignup(url, validSignup)).status).toBe(200);
  const signedUp = await expectListedAsQueried(A, email, id, 'license_pending');
  const user = (await stack.api('GET', `/v1/accounts/${A}/users?${q({ email })}`)).body.items[0];
  expect(user).toMatchObject({ id: signedUp.userId, addedByAdmin: false, status: 'not_activated', onboarding: { stage: 'license_pending', workflowId: id } });

  expect((await stack.api('POST', `${pathOf(A, id)}/license`)).body).toMatchObject({ stage: 'license_pending', waitingReason: 'no seat available' });
  await expectListedAsQueried(A, email, id, 'license_pending');
  expect((await buySeats(stack, A, 'video_pro_plus', 1)).status).toBe(200);
  await whenQueried(A, email, id, 'activated');
  const active = (await stack.api('GET', `/v1/accounts/${A}/users?${q({ email })}`)).body.items[0];
  expect(active).toMatchObject({ status: 'active', license: 'video_pro_plus', onboarding: { stage: 'activated' } });
});

test('a full lifecycle with a seat free writes at most 40 history events', async () => {
  await addSeat();
  const email = 'budget@acme.test';
  const res = await stack.api('POST', `/v1/accounts/${A}/invitations`, { body: { channel: 'email', emails: [email] } });
  const id = res.body.invitations[0].id;
  const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes(email)));
  expect((await submitSignup(url, validSignup)).status).toBe(200);
  expect((await stack.api('POST', `${pathOf(A, id)}/license`)).body.stage).toBe('activated');
  await expectListedAsQueried(A, email, id, 'activated');
  await stack.client.workflow.getHandle(id).result();
  const events = (await stack.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  recordCounts('history events, invite → signup → license → activated', events.length);
  expect(events.length).toBeLessThanOrEqual(40);
});

test('expired, revived by a resend, revoked; undeliverable; scheduled then cancelled', async () => {
  const account = await stack.createAccount({ id: SHORT, companyDomains: ['short.test'], invitationLifetimeSeconds: 2 });
  const as = account.credential;
  const invite = async (body: object) => (await stack.api('POST', `/v1/accounts/${SHORT}/invitations`, { body: { channel: 'email', ...body }, credential: as })).body.invitations[0].id as string;

  const id = await invite({ emails: ['eve@short.test'] });
  const expired = await whenQueried(SHORT, 'eve@short.test', id, 'expired', as);
  expect(Date.parse(expired.expiresAt)).toBeLessThanOrEqual(Date.now());
  expect((await stack.api('POST', `${pathOf(SHORT, id)}/resend`, { credential: as })).body.stage).toBe('awaiting_signup');
  await expectListedAsQueried(SHORT, 'eve@short.test', id, 'awaiting_signup', as);
  expect((await stack.api('DELETE', pathOf(SHORT, id), { credential: as })).body.stage).toBe('revoked');
  await expectListedAsQueried(SHORT, 'eve@short.test', id, 'revoked', as);

  const refused = await invite({ emails: ['nobody@short.test'] });
  const failed = await whenQueried(SHORT, 'nobody@short.test', refused, 'delivery_failed', as);
  expect(failed.deliveryFailure).toMatch(/550/);

  const later = await invite({ emails: ['later@short.test'], schedule: { localDateTime: '2039-06-01T09:00', timeZone: 'Europe/Paris' } });
  await whenQueried(SHORT, 'later@short.test', later, 'scheduled', as);
  expect((await stack.api('DELETE', pathOf(SHORT, later), { credential: as })).body.stage).toBe('revoked');
  await expectListedAsQueried(SHORT, 'later@short.test', later, 'revoked', as);

  const summary = (await stack.api('GET', `/v1/accounts/${SHORT}/invitations/summary`, { credential: as })).body;
  expect(summary).toMatchObject({ total: 3, notRecorded: 0, byStage: { revoked: 2, delivery_failed: 1, awaiting_signup: 0 } });
});

test('a provisioning request and its users: the lists say what the workflows say', async () => {
  const account = await stack.createAccount({ id: ADDS, companyDomains: ['adds.test'] });
  const as = account.credential;
  const users = [newUser('later@adds.test'), newUser('now@adds.test', { setup: { option: 'assign_credentials', ...credentials } })];
  const res = await stack.api('POST', `/v1/accounts/${ADDS}/provisioning-requests`, { body: { users }, credential: as });
  expect(res.status).toBe(202);
  await completedRequest(stack, ADDS, res.body.requestId, as);

  const requestQueried = await stack.client.workflow.getHandle(res.body.workflowId).query(getProvisioningStatus);
  const requests = (await stack.api('GET', `/v1/accounts/${ADDS}/provisioning-requests`, { credential: as })).body.items;
  expect(requests).toEqual([expect.objectContaining({ id: res.body.requestId, workflowId: res.body.workflowId, stage: requestQueried.stage, usersFailed: 0, userCount: 2 })]);

  const byEmail = async (email: string) => (await stack.api('GET', `/v1/accounts/${ADDS}/users?${q({ email })}`, { credential: as })).body.items[0];
  const expectUserAsQueried = async (email: string, stage: string) => {
    const row = await byEmail(email);
    const queried = await stack.client.workflow.getHandle(row.onboarding.workflowId).query(getUserProvisioningStatus);
    expect({ queried: queried.stage, listed: row.onboarding.stage }).toEqual({ queried: stage, listed: stage });
    expect(row.onboarding.stageSince).toBe(queried.stageTimes[queried.stage]);
    return row;
  };
  // The request completes when each user has settled; a user's own workflow may still be a step behind.
  await eventually(async () => (await byEmail('now@adds.test')).onboarding.stage === 'activated');
  const later = await expectUserAsQueried('later@adds.test', 'awaiting_activation');
  expect(later).toMatchObject({ addedByAdmin: true, status: 'not_activated', extension: expect.any(Number), license: 'video_pro' });
  await expectUserAsQueried('now@adds.test', 'activated');

  const activated = await stack.api('POST', `/v1/accounts/${ADDS}/users/${later.id}/activation`, { body: { option: 'assign_credentials', ...credentials }, credential: as });
  expect(activated.body.activation.stage).toBe('activated');
  expect(await expectUserAsQueried('later@adds.test', 'activated')).toMatchObject({ status: 'active' });
});

test('rows of workflows started before the read model are filled from visibility; the workflow records from its next stage on', async () => {
  const email = 'before-read-model@acme.test';
  const res = await stack.api('POST', `/v1/accounts/${A}/invitations`, { body: { channel: 'email', emails: [email] } });
  const id = res.body.invitations[0].id;
  const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes(email)));
  expect((await submitSignup(url, validSignup)).status).toBe(200);
  // As a workflow started before `stage-read-model-v1` leaves them: no stage on the invitation or its user.
  const { rows: [{ user_id: userId }] } = await stack.db.query(`UPDATE invitations SET stage = NULL, stage_since = NULL WHERE id = $1 RETURNING user_id`, [id]);
  await stack.db.query(`UPDATE users SET onboarding_stage = NULL, onboarding_stage_since = NULL, onboarding_workflow_id = NULL WHERE id = $1`, [userId]);
  await stack.db.query(`INSERT INTO invitations (id, account_id, channel, invitee_email, invited_by) VALUES ($1, $2, 'email', 'never-started@acme.test', $3)`, [`invitation:${A}:never-started@acme.test`, A, stack.account.superAdminId]);
  expect((await listed(A, email)).stage).toBeNull();
  expect((await stack.api('GET', `/v1/accounts/${A}/invitations/summary?${q({ emailPrefix: 'never-started' })}`)).body).toMatchObject({ total: 1, notRecorded: 1 });

  // And a provisioning request with its user, from before the read model too.
  const added = await stack.createAccount({ id: OLD_ADDS, companyDomains: ['old-adds.test'] });
  const request = await stack.api('POST', `/v1/accounts/${OLD_ADDS}/provisioning-requests`, { body: { users: [newUser('kept@old-adds.test')] }, credential: added.credential });
  await completedRequest(stack, OLD_ADDS, request.body.requestId, added.credential);
  const userWorkflow = `${request.body.workflowId}:user-1`;
  await eventually(async () => (await stack.client.workflow.getHandle(userWorkflow).query(getUserProvisioningStatus)).stage === 'awaiting_activation');
  await stack.db.query(`UPDATE provisioning_requests SET stage = NULL, stage_since = NULL WHERE account_id = $1`, [OLD_ADDS]);
  await stack.db.query(`UPDATE users SET onboarding_stage = NULL, onboarding_stage_since = NULL, onboarding_workflow_id = NULL WHERE account_id = $1`, [OLD_ADDS]);

  // Visibility is updated a moment after the workflows: wait until it says where they stand.
  const visible = async (workflowId: string, stage: string) => (await stack.client.workflow.count(`WorkflowId = "${workflowId}" AND OnboardingStage = "${stage}"`)).count === 1;
  await eventually(async () => (await visible(id, 'license_pending')) && (await visible(userWorkflow, 'awaiting_activation')) && (await visible(request.body.workflowId, 'completed')));
  const counts = await backfillStages(stack.db, stack.client);
  expect(counts).toEqual({ invitations: 1, provisioningRequests: 1, provisionedUsers: 1, signedUpUsers: 1, unknown: 1 });
  expect((await stack.api('GET', `/v1/accounts/${OLD_ADDS}/provisioning-requests`, { credential: added.credential })).body.items[0]).toMatchObject({ stage: 'completed' });
  expect((await stack.api('GET', `/v1/accounts/${OLD_ADDS}/users?email=kept@old-adds.test`, { credential: added.credential })).body.items[0].onboarding).toMatchObject({ stage: 'awaiting_activation', workflowId: userWorkflow });
  await expectListedAsQueried(A, email, id, 'license_pending');
  expect((await stack.api('GET', `/v1/accounts/${A}/users?${q({ email })}`)).body.items[0].onboarding).toMatchObject({ stage: 'license_pending', workflowId: id });
  expect((await listed(A, 'never-started@acme.test')).stage).toBeNull();
  expect(await backfillStages(stack.db, stack.client)).toEqual({ invitations: 0, provisioningRequests: 0, provisionedUsers: 0, signedUpUsers: 0, unknown: 1 });

  await addSeat();
  expect((await stack.api('POST', `${pathOf(A, id)}/license`)).body.stage).toBe('activated');
  await expectListedAsQueried(A, email, id, 'activated');
});
