// Offboarding through the API to the real workflows: an active user's seat goes to the longest
// waiter, their number rests in quarantine and comes back to the inventory, their deskphone comes
// back when received; a second deactivation changes nothing; a reactivation within the quarantine
// gets the same number back; deactivating a user still onboarding ends that onboarding.
import { addPersonWithCredential } from '../../api/services/accounts';
import { createLicenseActivities } from '../../activities/licenses';
import { buySeats } from '../support/licenses';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { completedRequest, credentials, newUser, seedInventory } from '../support/provisioning-requests';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { deactivate, inventoryLedger, seatWaiter, offboardingAt, offboardingResult, reactivate, seedActiveUser, usersPath } from './offboarding-support';

let stack: TestStack;
beforeAll(async () => {
  // A longer request deadline: on a loaded shared machine a start can take over the default 2 s (a 503), which is not what these tests are about.
  stack = await startTestStack({ account: { plan: 'video_pro_plus' }, deadlines: { requestMs: 15_000 } });
});
afterAll(() => stack?.stop());

const inventory = async (accountId = 'acme', credential?: string) => (await stack.api('GET', `/v1/accounts/${accountId}/inventory`, { credential })).body;
const userRow = async (id: string) => (await stack.db.query(`SELECT status, phone_number, license FROM users WHERE id = $1`, [id])).rows[0];
const invitationStage = async (id: string) => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`)).body.stage;

describe('deactivating an active user', () => {
  test('the seat goes to the longest waiter, the number rests in quarantine then returns, the deskphone returns when received; twice is once', async () => {
    const quarantine = await stack.api('PUT', '/v1/accounts/acme/number-quarantine', { body: { quarantineSeconds: 4 } });
    expect(quarantine).toMatchObject({ status: 200, body: { quarantineSeconds: 4 } });
    await seedInventory(stack, 'acme', { ringexSeats: 1, numbers: ['+16505550101'], deskphones: ['DP-1'] });
    await stack.db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ('acme', 'video_pro_plus', 1)`);
    // Added by an admin through the API: RingEX with the inventory's number and deskphone, active at once.
    const added = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', {
      body: { continueWithoutEmergencyAddress: true, users: [newUser('leaver@acme.test', { userType: 'ringex', phone: { option: 'inventory', deviceId: 'DP-1' }, number: { option: 'inventory', phoneNumber: '+16505550101' }, setup: { option: 'assign_credentials', ...credentials } })] },
    });
    expect(added.status).toBe(202);
    const leaver = (await completedRequest(stack, 'acme', added.body.requestId)).users[0];
    expect(leaver).toMatchObject({ outcome: 'created', stage: 'activated', phoneNumber: '+16505550101' });
    // The Video Pro+ seat's holder, and two invitees who wait for one, A before B.
    const holder = await seedActiveUser(stack, 'acme', { email: 'holder@acme.test', license: 'video_pro_plus', extension: 900 });
    const [a, b] = [await seatWaiter(stack, 'wait-a@acme.test'), await seatWaiter(stack, 'wait-b@acme.test')];

    const first = await deactivate(stack, 'acme', holder, { idempotencyKey: 'off-holder-1' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ workflowId: `offboarding:acme:${holder}` });
    // The same key answers the first result; a new request finds the offboarding under way or done.
    const replayed = await deactivate(stack, 'acme', holder, { idempotencyKey: 'off-holder-1' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect((await deactivate(stack, 'acme', holder)).body.workflowId).toBe(first.body.workflowId);
    await eventually(async () => (await invitationStage(a)) === 'activated', 20_000, 'A activated with the freed seat');
    await new Promise((r) => setTimeout(r, 1_000)); // room for a wrong winner to show
    expect(await invitationStage(b)).toBe('license_pending');
    expect(await userRow(holder)).toMatchObject({ status: 'disabled' });

    const off = await deactivate(stack, 'acme', leaver.userId);
    expect(off.status).toBe(202);
    const resting = await offboardingAt(stack, 'acme', leaver.userId, 'number_quarantine');
    expect(resting.status).toMatchObject({ seatsReleased: ['ringex'], phoneNumber: '+16505550101', deskphonesOut: ['DP-1'] });
    // In quarantine: not assignable; the deskphone is still out.
    const during = await inventory();
    expect(during.phoneNumbers.map((n: any) => n.phoneNumber)).not.toContain('+16505550101');
    expect(during.deskphones.map((d: any) => d.id)).not.toContain('DP-1');
    expect(during.seats).toContainEqual(expect.objectContaining({ license: 'ringex', seatsFree: 1 }));
    // Sign-in and credentials are off.
    const ownCredential = await addPersonWithCredential(stack.db, 'acme', { email: 'selfie@acme.test', firstName: 'Self', lastName: 'Ie', role: 'admin' });
    expect((await deactivate(stack, 'acme', ownCredential.userId, { credential: ownCredential.credential })).status).toBe(403);

    const awaiting = await offboardingAt(stack, 'acme', leaver.userId, 'awaiting_deskphone_return', 20_000);
    expect(awaiting.status).toMatchObject({ numberReturned: true, deskphonesOut: ['DP-1'] });
    expect((await inventory()).phoneNumbers.map((n: any) => n.phoneNumber)).toContain('+16505550101');
    expect(await userRow(leaver.userId)).toMatchObject({ status: 'disabled', phone_number: null });

    const wrongPhone = await stack.api('POST', `${usersPath('acme')}/${leaver.userId}/deskphone-return`, { body: { deviceId: 'DP-NOPE' } });
    expect(wrongPhone.status).toBe(409);
    expect(wrongPhone.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const received = await stack.api('POST', `${usersPath('acme')}/${leaver.userId}/deskphone-return`, { body: { deviceId: 'DP-1' } });
    expect(received.status).toBe(200);
    expect(received.body.status.deskphonesReceived).toEqual(['DP-1']);
    expect(await offboardingResult(stack, 'acme', leaver.userId)).toMatchObject({ stage: 'offboarded' });
    expect((await inventory()).deskphones.map((d: any) => d.id)).toContain('DP-1');
    // Asked again once offboarded: the same answer, nothing started.
    expect((await deactivate(stack, 'acme', leaver.userId)).body).toEqual({ workflowId: `offboarding:acme:${leaver.userId}`, stage: 'offboarded' });

    // The user list shows them disabled with their offboarding stage; the record is kept.
    const list = await stack.api('GET', `${usersPath('acme')}?status=disabled`);
    const listed = list.body.items.find((u: any) => u.id === leaver.userId);
    expect(listed).toMatchObject({ status: 'disabled', email: 'leaver@acme.test', offboarding: { stage: 'offboarded', workflowId: `offboarding:acme:${leaver.userId}` } });
    // Visible in Temporal by stage.
    const ledger = await inventoryLedger(stack, 'acme');
    expect(ledger).toMatchObject({ numberMismatches: [], numbersOnTwoUsers: [], releasedTwice: [] });
    const { rows: releases } = await stack.db.query(`SELECT kind, ref FROM offboarding_releases WHERE user_id = $1 ORDER BY kind`, [leaver.userId]);
    expect(releases).toEqual([{ kind: 'deskphone', ref: 'DP-1' }, { kind: 'number', ref: '+16505550101' }, { kind: 'seat', ref: `${added.body.requestId}:0` }]);
  });
});

describe('reactivation', () => {
  test('within the quarantine: the same number, the deskphone kept, a seat again (license pending until one is free)', async () => {
    const re = await stack.createAccount({ id: 're', name: 'Re Inc', companyDomains: ['re.test'] });
    const as = re.credential;
    expect((await stack.api('PUT', '/v1/accounts/re/number-quarantine', { body: { quarantineSeconds: 600 }, credential: as })).status).toBe(200);
    await seedInventory(stack, 're', { ringexSeats: 1 });
    const back = await seedActiveUser(stack, 're', { email: 'back@re.test', license: 'ringex', extension: 901, number: '+16505550102', deskphone: 'DP-2' });
    expect((await deactivate(stack, 're', back, { credential: as })).status).toBe(202);
    await offboardingAt(stack, 're', back, 'number_quarantine', 20_000, as);
    // Someone takes the freed RingEX seat meanwhile: the reactivated user waits for one.
    const taker = await seedActiveUser(stack, 're', { email: 'taker@re.test', license: 'ringex', extension: 902 });
    expect((await inventory('re', as)).seats.find((s: any) => s.license === 'ringex').seatsFree).toBe(0);

    const reactivated = await reactivate(stack, 're', back, as);
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ stage: 'awaiting_seat', status: { phoneNumber: '+16505550102', waitingReason: 'no seat available' } });
    expect(await userRow(back)).toMatchObject({ status: 'license_pending', phone_number: '+16505550102' });
    expect((await stack.db.query(`SELECT status FROM phone_numbers WHERE number = '+16505550102'`)).rows[0].status).toBe('reserved');
    expect((await stack.db.query(`SELECT return_requested_at FROM deskphone_inventory WHERE id = 'DP-2'`)).rows[0].return_requested_at).toBeNull();
    // Asked again: the same answer.
    expect((await reactivate(stack, 're', back, as)).body.stage).toBe('awaiting_seat');

    // The taker leaves: the seat goes to the reactivated user, who is active again.
    expect((await deactivate(stack, 're', taker, { credential: as })).status).toBe(202);
    expect(await offboardingResult(stack, 're', back)).toMatchObject({ stage: 'reactivated' });
    expect(await userRow(back)).toMatchObject({ status: 'active', phone_number: '+16505550102', license: 'ringex' });
  });

  test('after the quarantine: the user is onboarded again by a new invitation, and active after signing up', async () => {
    const later = await stack.createAccount({ id: 'later', name: 'Later Inc', companyDomains: ['later.test'] });
    const as = later.credential;
    await stack.api('PUT', '/v1/accounts/later/number-quarantine', { body: { quarantineSeconds: 1 }, credential: as });
    const { rows } = await stack.db.query<{ id: string }>(
      `INSERT INTO users (account_id, email, first_name, last_name, status, license, activated_at) VALUES ('later', 'gone@later.test', 'Gone', 'Away', 'active', 'video_pro', now()) RETURNING id`,
    );
    const gone = rows[0]!.id;
    expect((await deactivate(stack, 'later', gone, { credential: as })).status).toBe(202);
    expect(await offboardingResult(stack, 'later', gone)).toMatchObject({ stage: 'offboarded' });

    const again = await reactivate(stack, 'later', gone, as);
    expect(again).toMatchObject({ status: 200, body: { stage: 'reonboarding', status: { reonboardingInvitationId: 'invitation:later:gone@later.test' } } });
    expect(await userRow(gone)).toMatchObject({ status: 'not_activated' });
    const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('gone@later.test')));
    expect((await submitSignup(url, validSignup)).status).toBe(200);
    await eventually(async () => (await userRow(gone)).status === 'active', 20_000, 'the user active again');
    expect((await stack.db.query(`SELECT count(*)::int AS n FROM users WHERE email = 'gone@later.test'`)).rows[0].n).toBe(1);
  });

  test('a user who is not deactivated cannot be reactivated; plain users may do neither', async () => {
    const active = await seedActiveUser(stack, 'acme', { email: 'stays@acme.test', license: 'video_pro_plus', extension: 903 });
    const refused = await reactivate(stack, 'acme', active);
    expect(refused).toMatchObject({ status: 409, body: { type: '/problems/wrong-stage' } });
    const plain = await addPersonWithCredential(stack.db, 'acme', { email: 'plain@acme.test', firstName: 'Pat', lastName: 'Plain', role: 'user' });
    expect((await deactivate(stack, 'acme', active, { credential: plain.credential })).status).toBe(403);
    expect((await stack.api('POST', `${usersPath('acme')}/00000000-0000-4000-8000-000000000000/deactivation`)).status).toBe(404);
  });
});

describe('deactivating during onboarding', () => {
  test('an invitee waiting for their license: the invitation ends revoked, the user is disabled, nobody is activated later', async () => {
    const other = await stack.createAccount({ id: 'onb', name: 'Onb Inc', companyDomains: ['onb.test'], plan: 'video_pro_plus' });
    const as = { credential: other.credential };
    const res = await stack.api('POST', '/v1/accounts/onb/invitations', { body: { channel: 'email', emails: 'mid@onb.test' }, ...as });
    const id = res.body.invitations[0].id;
    const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('mid@onb.test')));
    expect((await submitSignup(url, validSignup)).status).toBe(200);
    expect((await stack.api('POST', `/v1/accounts/onb/invitations/${encodeURIComponent(id)}/license`, as)).body).toMatchObject({ stage: 'license_pending' });
    const userId = (await stack.db.query(`SELECT id FROM users WHERE email = 'mid@onb.test'`)).rows[0].id;

    expect((await deactivate(stack, 'onb', userId, { credential: other.credential })).status).toBe(202);
    // The invitation ends (revoked), not racing the offboarding.
    const ended = await stack.client.workflow.getHandle(id).result();
    expect(ended).toMatchObject({ stage: 'revoked' });
    const status = await offboardingAt(stack, 'onb', userId, 'number_quarantine', 20_000, other.credential);
    expect(status.status.onboardingEnded).toContain(id);
    // A seat bought now finds no one to activate: the departed user left the line.
    expect((await buySeats(stack, 'onb', 'video_pro_plus', 1, other.credential)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await userRow(userId)).toMatchObject({ status: 'disabled' });
    expect((await stack.db.query(`SELECT count(*)::int AS n FROM license_seat_waiters WHERE user_id = $1`, [userId])).rows[0].n).toBe(0);
  });

  test('an added user whose welcome email is still open: the invitation is revoked and the provisioning ends', async () => {
    const added = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [newUser('welcome@acme.test', { setup: { option: 'send_invite' } })] } });
    const user = (await completedRequest(stack, 'acme', added.body.requestId)).users[0];
    await stack.inbox.waitFor((m) => m.to.includes('welcome@acme.test'));
    const provisioning = stack.client.workflow.getHandle(`provisioning:acme:${added.body.requestId}:user-1`);
    expect((await deactivate(stack, 'acme', user.userId)).status).toBe(202);
    expect(await provisioning.result()).toMatchObject({ stage: 'awaiting_activation', waitingReason: 'the invitation ended revoked' });
    expect(await stack.client.workflow.getHandle(user.invitationId).result()).toMatchObject({ stage: 'revoked' });
    expect(await userRow(user.userId)).toMatchObject({ status: 'disabled' });
  });
});

test('a seat held again under the same reservation (onboarded again after an offboarding) is released by the next offboarding too', async () => {
  await stack.createAccount({ id: 'again', companyDomains: ['again.test'] });
  await seedInventory(stack, 'again', { ringexSeats: 1 });
  const person = await addPersonWithCredential(stack.db, 'again', { email: 'back@again.test', firstName: 'Bea', lastName: 'Back', role: 'user' });
  const licenses = createLicenseActivities({ db: stack.db, temporal: stack.client });
  // The invitation id is the seat's reservation key, the same each time the person is invited again.
  const seat = { invitationId: 'invitation:again:back@again.test', accountId: 'again', userId: person.userId, license: 'ringex' as const };
  const held = async () => (await stack.db.query(`SELECT count(*)::int AS n FROM license_assignments WHERE user_id = $1 AND released_at IS NULL`, [person.userId])).rows[0].n;
  for (const run of ['first', 'second']) {
    expect(await licenses.reserveLicenseSeat(seat)).toEqual({ reserved: true });
    expect(await held()).toBe(1);
    expect(await licenses.releaseUserSeat({ offboardingKey: `offboarding:again:${person.userId}/${run}`, accountId: 'again', userId: person.userId })).toEqual({ released: ['ringex'] });
    expect(await held()).toBe(0);
  }
  const { rows } = await stack.db.query(`SELECT offboarding_key FROM offboarding_releases WHERE user_id = $1 AND kind = 'seat' ORDER BY offboarding_key`, [person.userId]);
  expect(rows.map((r) => r.offboarding_key)).toEqual([`offboarding:again:${person.userId}/first`, `offboarding:again:${person.userId}/second`]);
});
