// Adding users as an admin, through the API to the real workflows: the 25-user limit, unique
// emails, each of the four setup options end to end, and the emergency address prompt.
import { DateTime } from 'luxon';
import { addPersonWithCredential } from '../../api/services/accounts';
import { verifyPassword } from '../../api/services/password-hash';
import { address, completedRequest, credentials, inSeconds, newUser, seedInventory } from '../support/provisioning-requests';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  await seedInventory(stack, 'acme', { ringexSeats: 20 });
});
afterAll(() => stack?.stop());

const add = (body: unknown, credential?: string) => stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body, credential });
const userView = (id: string) => stack.api('GET', `/v1/accounts/acme/users/${id}`);

describe('how many users', () => {
  test('26 users are refused with the limit named; 25 are all created, each with its own extension', async () => {
    const users = Array.from({ length: 26 }, (_, i) => newUser(`many${i}@acme.test`));
    const refused = await add({ users });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ type: '/problems/validation-error' });
    expect(refused.body.errors).toContainEqual({ field: 'body.users', message: 'You can add up to 25 users at a time' });
    expect((await stack.db.query(`SELECT 1 FROM users WHERE email LIKE 'many%'`)).rowCount).toBe(0);

    const accepted = await add({ users: users.slice(0, 25) });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ userCount: 25, workflowId: `provisioning:acme:${accepted.body.requestId}` });
    const done = await completedRequest(stack, 'acme', accepted.body.requestId);
    expect(done.users).toHaveLength(25);
    expect(done.users.every((u: any) => u.outcome === 'created' && u.stage === 'awaiting_activation')).toBe(true);
    const extensions = done.users.map((u: any) => u.extension);
    expect(new Set(extensions).size).toBe(25);
    const { rows } = await stack.db.query(`SELECT status, license, extension FROM users WHERE email LIKE 'many%' ORDER BY extension`);
    expect(rows).toHaveLength(25);
    expect(rows.every((r) => r.status === 'not_activated' && r.license === 'video_pro')).toBe(true);
    // Activate later sends nothing.
    expect(stack.inbox.messages.filter((m) => m.to.some((t) => t.startsWith('many')))).toHaveLength(0);
  });

  test('only admins add users; giving Video Pro+ or the Super Admin role takes a Super Admin', async () => {
    const user = await addPersonWithCredential(stack.db, 'acme', { email: 'plain@acme.test', firstName: 'Pat', lastName: 'Plain', role: 'user' });
    expect((await add({ users: [newUser('x1@acme.test')] }, user.credential)).status).toBe(403);
    const admin = await addPersonWithCredential(stack.db, 'acme', { email: 'admin2@acme.test', firstName: 'Ad', lastName: 'Min', role: 'admin' });
    const proPlus = await add({ users: [newUser('x2@acme.test', { userType: 'video_pro_plus' })] }, admin.credential);
    expect(proPlus.status).toBe(403);
    expect(proPlus.body.detail).toMatch(/Super Admin to assign Video Pro\+/);
    expect((await add({ users: [newUser('x3@acme.test', { role: 'super_admin' })] }, admin.credential)).status).toBe(403);
    expect((await add({ users: [newUser('x4@acme.test')] }, admin.credential)).status).toBe(202);
  });
});

describe('require unique email', () => {
  test('on (the default): an address of an existing user, or twice in one request, is refused and nothing is created', async () => {
    const taken = await add({ users: [newUser('fresh1@acme.test'), newUser('BOSS@acme.test')] });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ type: '/problems/email-in-use', addresses: ['boss@acme.test'] });
    // Twice in one request is no fault of the request as such: this account requires unique emails (409).
    const twice = await add({ users: [newUser('twice@acme.test'), newUser('twice@acme.test')] });
    expect(twice.status).toBe(409);
    expect(twice.body.type).toBe('/problems/conflicts-with-account');
    expect(twice.body.errors).toContainEqual({ field: 'body.users.1.email', message: 'twice@acme.test is already given to user 1 of this request.' });
    expect((await stack.db.query(`SELECT 1 FROM users WHERE email IN ('fresh1@acme.test', 'twice@acme.test')`)).rowCount).toBe(0);
  });

  test('off: inviting by email is refused; credentials and activate later may reuse an address', async () => {
    const other = await stack.createAccount({ id: 'shared-mail', companyDomains: ['shared.test'] });
    await stack.db.query(`UPDATE accounts SET require_unique_email = false WHERE id = 'shared-mail'`);
    const path = '/v1/accounts/shared-mail/provisioning-requests';
    const invite = await stack.api('POST', path, { credential: other.credential, body: { users: [newUser('desk@shared.test', { setup: { option: 'send_invite' } }), newUser('later@shared.test', { setup: inSeconds(600) })] } });
    // The account's setting, not the request, rules email out: 409.
    expect(invite.status).toBe(409);
    expect(invite.body.type).toBe('/problems/conflicts-with-account');
    expect(invite.body.errors.map((e: any) => e.field)).toEqual(['body.users.0.setup.option', 'body.users.1.setup.option']);
    expect(invite.body.errors[0].message).toMatch(/activate by assigning credentials" or "activate later/);

    const reuse = await stack.api('POST', path, {
      credential: other.credential,
      body: { users: [newUser('boss@shared.test', { setup: { option: 'assign_credentials', ...credentials } }), newUser('boss@shared.test')] },
    });
    expect(reuse.status).toBe(202);
    const done = await completedRequest(stack, 'shared-mail', reuse.body.requestId, other.credential);
    expect(done.users.map((u: any) => u.outcome)).toEqual(['created', 'created']);
    const { rows } = await stack.db.query(`SELECT count(*)::int AS n FROM users WHERE account_id = 'shared-mail' AND email = 'boss@shared.test'`);
    expect(rows[0].n).toBe(3);
  });
});

describe('the four setup options', () => {
  test('send invite, schedule invite, assign credentials and activate later, in one request', async () => {
    const sendAt = inSeconds(10);
    const res = await add({
      users: [
        newUser('invited@acme.test', { userType: 'ringex', setup: { option: 'send_invite' } }),
        newUser('scheduled@acme.test', { setup: sendAt }),
        newUser('creds@acme.test', { userType: 'video_pro', setup: { option: 'assign_credentials', ...credentials } }),
        newUser('creds-later@acme.test', { userType: 'mobile' }),
      ],
    });
    expect(res.status).toBe(202);
    const requested = Date.now();
    const done = await completedRequest(stack, 'acme', res.body.requestId);
    const [invited, scheduled, creds, later] = done.users;
    const scheduledStatus = await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(done.users[1].invitationId)}`);
    const answeredAt = Date.now();
    // The request reports a user invited once the invitation exists, so it reads at once. Answered
    // before its time it is scheduled (a timer never fires early); a loaded machine may answer after
    // the time (10 s), and then it may already be on its way: what matters is that the mail waits for
    // the time (below). Once on its way the answer no longer carries sendAt: the time is the request's.
    const sendAtMs = scheduledStatus.body.sendAt ? Date.parse(scheduledStatus.body.sendAt) : DateTime.fromISO(sendAt.localDateTime, { zone: sendAt.timeZone }).toMillis();
    if (answeredAt < sendAtMs) expect(scheduledStatus.body.stage).toBe('scheduled');
    else expect(['scheduled', 'sending', 'awaiting_signup']).toContain(scheduledStatus.body.stage);
    expect(invited).toMatchObject({ outcome: 'created', stage: 'invited', invitationId: 'invitation:acme:invited@acme.test' });
    expect(scheduled).toMatchObject({ outcome: 'created', stage: 'invited', invitationId: 'invitation:acme:scheduled@acme.test' });
    expect(creds).toMatchObject({ outcome: 'created', stage: 'activated' });
    expect(later).toMatchObject({ outcome: 'created', stage: 'awaiting_activation' });

    // Send invite: the welcome email now; signing up activates the user the admin created, with their extension and RingEX license.
    const mail = await stack.inbox.waitFor((m) => m.to.includes('invited@acme.test'));
    expect((await submitSignup(linkInMail(mail).url, validSignup)).status).toBe(200);
    const active = await eventually(async () => {
      const v = await userView(invited.userId);
      return v.body.activation?.stage === 'activated' ? v.body : undefined;
    });
    expect(active).toMatchObject({ status: 'active', userType: 'ringex', extension: invited.extension });
    const { rows: signedUp } = await stack.db.query(`SELECT password_hash FROM users WHERE id = $1`, [invited.userId]);
    expect(await verifyPassword(validSignup.password, signedUp[0].password_hash)).toBe(true);

    // Schedule invite: nothing before the chosen time (read as soon as the request settled), the email
    // after it; the link's lifetime counts from the send.
    const scheduledMail = await stack.inbox.waitFor((m) => m.to.includes('scheduled@acme.test'), 40_000);
    expect(sendAtMs).toBeGreaterThan(requested);
    expect(scheduledMail.receivedAt.getTime()).toBeGreaterThanOrEqual(sendAtMs - 50);
    const sent = await eventually(async () => {
      const r = await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(scheduled.invitationId)}`);
      return r.body.stage === 'awaiting_signup' ? r.body : undefined;
    });
    expect(Date.parse(sent.expiresAt) - Date.parse(sent.messages[0].sentAt)).toBeGreaterThan(14 * 86_400_000 - 60_000);

    // Assign credentials: active at once, no email, secrets stored as hashes only, temporary password on by default.
    const { rows: c } = await stack.db.query(`SELECT status, password_hash, pin_hash, security_answer_hash, security_question, temporary_password FROM users WHERE id = $1`, [creds.userId]);
    expect(c[0]).toMatchObject({ status: 'active', security_question: 'First pet?', temporary_password: true });
    expect(await verifyPassword(credentials.password, c[0].password_hash)).toBe(true);
    expect(await verifyPassword(credentials.pin, c[0].pin_hash)).toBe(true);
    expect(await verifyPassword('rex the dog', c[0].security_answer_hash)).toBe(true);
    expect(JSON.stringify(c[0])).not.toContain(credentials.pin);
    expect(stack.inbox.messages.filter((m) => m.to.includes('creds@acme.test') || m.to.includes('creds-later@acme.test'))).toHaveLength(0);

    // Activate later, then by credentials through the API: the waiting workflow goes on.
    expect((await userView(later.userId)).body).toMatchObject({ status: 'not_activated', activation: { stage: 'awaiting_activation' } });
    const mismatch = await stack.api('POST', `/v1/accounts/acme/users/${later.userId}/activation`, { body: { option: 'assign_credentials', ...credentials, pinConfirmation: '000000' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors).toEqual([{ field: 'body.pinConfirmation', message: 'The PINs do not match.' }]);
    const activated = await stack.api('POST', `/v1/accounts/acme/users/${later.userId}/activation`, { body: { option: 'assign_credentials', ...credentials, temporaryPassword: false } });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ status: 'active', mustChangePassword: false, activation: { stage: 'activated' } });
    const again = await stack.api('POST', `/v1/accounts/acme/users/${later.userId}/activation`, { body: { option: 'send_invite' } });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/wrong-stage');
  });

  test('activate later, then send the welcome email through the API', async () => {
    const res = await add({ users: [newUser('welcome-later@acme.test')] });
    const [user] = (await completedRequest(stack, 'acme', res.body.requestId)).users;
    const sent = await stack.api('POST', `/v1/accounts/acme/users/${user.userId}/activation`, { body: { option: 'send_invite' } });
    expect(sent.status).toBe(200);
    expect(sent.body.activation).toMatchObject({ stage: 'invited', invitationId: 'invitation:acme:welcome-later@acme.test' });
    const mail = await stack.inbox.waitFor((m) => m.to.includes('welcome-later@acme.test'));
    expect((await submitSignup(linkInMail(mail).url, validSignup)).status).toBe(200);
    await eventually(async () => (await userView(user.userId)).body.activation?.stage === 'activated');
  });

  test('a scheduled invite in the past is refused: 409, as the same request was fine before that time', async () => {
    const res = await add({ users: [newUser('past-add@acme.test', { setup: { option: 'schedule_invite', localDateTime: '2020-01-01T09:00', timeZone: 'America/New_York' } })] });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('/problems/schedule-in-the-past');
    expect(res.body.errors).toEqual([{ field: 'body.users.0.setup.localDateTime', message: 'The scheduled time is in the past' }]);
  });
});

describe('emergency response location', () => {
  const ringexWithCredentials = (email: string, extra: Record<string, unknown> = {}) =>
    newUser(email, { userType: 'ringex', setup: { option: 'assign_credentials', ...credentials, ...extra } });

  test('missing for a user with phone service: refused without the acknowledgement; with it, the user is flagged to add one at first sign-in', async () => {
    const body = { users: [ringexWithCredentials('no-era@acme.test'), newUser('free@acme.test', { setup: { option: 'assign_credentials', ...credentials } })] };
    const refused = await add(body);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: '/problems/missing-emergency-address' });
    expect(refused.body.errors.map((e: any) => e.field)).toEqual(['body.users.0.setup.emergencyResponseLocation']);

    const accepted = await add({ ...body, continueWithoutEmergencyAddress: true });
    expect(accepted.status).toBe(202);
    const [flagged, free] = (await completedRequest(stack, 'acme', accepted.body.requestId)).users;
    expect(flagged).toMatchObject({ stage: 'activated', mustAddEmergencyAddress: true });
    expect(free).toMatchObject({ stage: 'activated', mustAddEmergencyAddress: false });
    expect((await userView(flagged.userId)).body).toMatchObject({ mustAddEmergencyAddress: true, emergencyResponseLocationId: null });
  });

  test('a new location is validated, created and assigned', async () => {
    const bad = await add({ users: [ringexWithCredentials('era@acme.test', { emergencyResponseLocation: { nickname: 'Era', address: { ...address, region: 'ZZ', postalCode: '9' } } })] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['body.users.0.setup.emergencyResponseLocation.address.region', 'body.users.0.setup.emergencyResponseLocation.address.postalCode']);
    const ok = await add({ users: [ringexWithCredentials('era@acme.test', { emergencyResponseLocation: { nickname: 'Era at HQ', address } })] });
    const [user] = (await completedRequest(stack, 'acme', ok.body.requestId)).users;
    const view = (await userView(user.userId)).body;
    expect(view.mustAddEmergencyAddress).toBe(false);
    const { rows } = await stack.db.query(`SELECT nickname, address FROM emergency_response_locations WHERE id = $1`, [view.emergencyResponseLocationId]);
    expect(rows[0]).toEqual({ nickname: 'Era at HQ', address: { street: '20 Davis Dr', city: 'Belmont', region: 'CA', postalCode: '94002', country: 'US' } });
  });
});
