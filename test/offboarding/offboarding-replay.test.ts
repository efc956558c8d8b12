// Determinism guard for offboarding: fresh runs of the offboarding workflow, and of the onboarding
// workflows it ends (behind the `ends-at-deactivation-v1` patch), replay on the current code; with
// `RECORD_HISTORIES=1` they are kept as fixtures (test/fixtures/histories/), which the replay suite
// (test/replay/workflow-replay.test.ts) replays with every other recorded history.
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { completedRequest, newUser } from '../support/provisioning-requests';
import { startTestStack, type TestStack } from '../support/stack';
import { replayWorkflow } from '../support/replay';
import { deactivate, offboardingAt, offboardingResult, reactivate, seedActiveUser, usersPath } from './offboarding-support';


let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ account: { plan: 'video_pro_plus' } });
  await stack.api('PUT', '/v1/accounts/acme/number-quarantine', { body: { quarantineSeconds: 1 } });
});
afterAll(() => stack?.stop());

/** Replays a closed workflow's history on the current code; keeps it as a fixture when recording. Returns its markers. */
async function replaysCleanly(workflowId: string, fixture: string): Promise<string[]> {
  const { errors, history } = await replayWorkflow(stack.client, workflowId, fixture);
  expect(errors).toEqual([undefined]);
  // Every marker's details as text (a patch marker names its patch under `patch_data`).
  return (history.events ?? []).flatMap((e) =>
    Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) => (d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString())));
}

test('an offboarding to its end: quarantine, the deskphone received, offboarded', async () => {
  const userId = await seedActiveUser(stack, 'acme', { email: 'replay-off@acme.test', license: 'ringex', extension: 700, number: '+16505550700', deskphone: 'DP-R1' });
  expect((await deactivate(stack, 'acme', userId)).status).toBe(202);
  await offboardingAt(stack, 'acme', userId, 'awaiting_deskphone_return');
  expect((await stack.api('POST', `${usersPath('acme')}/${userId}/deskphone-return`, { body: { deviceId: 'DP-R1' } })).status).toBe(200);
  expect(await offboardingResult(stack, 'acme', userId)).toMatchObject({ stage: 'offboarded' });
  await replaysCleanly(`offboarding:acme:${userId}`, 'offboarding-offboarded.json');
});

test('a reactivation within the quarantine, then a deactivation while awaiting a seat, and the end', async () => {
  await stack.api('PUT', '/v1/accounts/acme/number-quarantine', { body: { quarantineSeconds: 600 } });
  const userId = await seedActiveUser(stack, 'acme', { email: 'replay-back@acme.test', license: 'video_pro_plus', extension: 701 });
  const taker = await seedActiveUser(stack, 'acme', { email: 'replay-taker@acme.test', license: 'video_pro_plus', extension: 702 });
  await stack.db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ('acme', 'video_pro_plus', 2) ON CONFLICT (account_id, license) DO UPDATE SET seats_total = 2`);
  expect((await deactivate(stack, 'acme', userId)).status).toBe(202);
  await offboardingAt(stack, 'acme', userId, 'number_quarantine');
  await stack.db.query(`INSERT INTO license_assignments (reservation_key, account_id, license, user_id) VALUES ('replay-taken', 'acme', 'video_pro_plus', $1)`, [taker]);
  expect((await reactivate(stack, 'acme', userId)).body).toMatchObject({ stage: 'awaiting_seat' });
  expect((await deactivate(stack, 'acme', userId)).status).toBe(202);
  await stack.api('PUT', '/v1/accounts/acme/number-quarantine', { body: { quarantineSeconds: 1 } });
  await offboardingAt(stack, 'acme', userId, 'number_quarantine');
  expect(await offboardingResult(stack, 'acme', userId)).toMatchObject({ stage: 'offboarded' });
  await replaysCleanly(`offboarding:acme:${userId}`, 'offboarding-reactivated-awaiting-seat-deactivated.json');
});

test('onboarding workflows ended by a deactivation: a license-pending invitation, an added user awaiting activation', async () => {
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'replay-pending@acme.test' } });
  const id = res.body.invitations[0].id;
  const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('replay-pending@acme.test')));
  expect((await submitSignup(url, validSignup)).status).toBe(200);
  await stack.db.query(`UPDATE license_inventory SET seats_total = 0 WHERE account_id = 'acme' AND license = 'video_pro_plus'`);
  await stack.api('POST', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}/license`);
  const pendingUser = (await stack.db.query(`SELECT id FROM users WHERE email = 'replay-pending@acme.test'`)).rows[0].id;
  expect((await deactivate(stack, 'acme', pendingUser)).status).toBe(202);
  expect(await replaysCleanly(id, 'invitation-email-license-pending-deactivated.json')).toContainEqual(expect.stringContaining('ends-at-deactivation-v1'));

  const added = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [newUser('replay-later@acme.test')] } });
  const user = (await completedRequest(stack, 'acme', added.body.requestId)).users[0];
  expect((await deactivate(stack, 'acme', user.userId)).status).toBe(202);
  expect(await replaysCleanly(`provisioning:acme:${added.body.requestId}:user-1`, 'user-provisioning-later-deactivated.json')).toContainEqual(expect.stringContaining('ends-at-deactivation-v1'));
});
