// A SCIM user's groups give their role and license through their assignment workflow
// (workflows/scim-assignment/): a paid license takes a free seat or waits in license pending, in the
// same line of seat waiters as invitations (SCIM never buys); seats bought through the admin API go
// to it; moving between groups moves role, license and seat; a membership pushed before the user
// row exists is applied once it does. The assignment workflows' histories replay on the current
// code; with `RECORD_HISTORIES=1` they are kept as fixtures for the replay suite (test/replay/).
import { replayWorkflow } from '../support/replay';
import { getScimAssignmentStatus, scimAssignmentWorkflowId } from '../../workflows/scim-assignment/definitions';
import { buySeats } from '../support/licenses';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { connectScim, groupSchema, patchSchema, scimCaller, userSchema, type ScimCall } from './scim-client';

let stack: TestStack;
let scim: ScimCall;
beforeAll(async () => {
  stack = await startTestStack({ account: { companyDomains: ['acme.test'] } });
  const token = await connectScim(stack, 'acme', stack.account.credential, {
    setupOption: 'activate_later',
    defaultLicense: 'video_pro',
    groupMappings: [{ group: 'Sales', role: 'user', license: 'video_pro_plus' }, { group: 'IT', role: 'admin', license: 'ringex' }],
  });
  scim = scimCaller(stack.baseUrl, token);
});
afterAll(() => stack?.stop());

const person = (n: string, extra: Record<string, unknown> = {}) => ({
  schemas: [userSchema],
  userName: `${n}@acme.test`,
  externalId: `ext-${n}`,
  name: { givenName: n, familyName: 'Scim' },
  emails: [{ primary: true, type: 'work', value: `${n}@acme.test` }],
  active: true,
  ...extra,
});
/** Replays a closed workflow's history on the current code; keeps it as a fixture when recording. */
async function replaysCleanly(workflowId: string, fixture: string): Promise<void> {
  const { errors } = await replayWorkflow(stack.client, workflowId, fixture, { closed: false });
  expect(errors).toEqual([undefined]);
}

const patch = (...Operations: unknown[]) => ({ schemas: [patchSchema], Operations });

/** The user as the admin API's users list shows them. */
async function listed(email: string): Promise<any> {
  const res = await stack.api('GET', `/v1/accounts/acme/users?email=${encodeURIComponent(email)}`);
  return res.body.items?.[0];
}
const becomes = (email: string, want: Record<string, unknown>, what: string) =>
  eventually(async () => {
    const u = await listed(email);
    return u && Object.entries(want).every(([k, v]) => u[k] === v) ? u : undefined;
  }, 20_000, what);

const seatsHeld = async (userId: string) =>
  (await stack.db.query(`SELECT license FROM license_assignments WHERE user_id = $1 AND released_at IS NULL ORDER BY license`, [userId])).rows.map((r) => r.license);

describe('groups give role and license through the assignment workflow', () => {
  let ana: any;
  let sales: any;
  let it: any;

  test('a Sales (Video Pro+) member with no free seat waits in license pending; a seat bought through the admin API goes to them', async () => {
    ana = (await scim('POST', '/Users', person('ana'))).body;
    await becomes('ana@acme.test', { license: 'video_pro', status: 'not_activated' }, 'ana made');
    sales = (await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'Sales', members: [{ value: ana.id }] })).body;
    const u = await becomes('ana@acme.test', { status: 'license_pending', license: 'video_pro', role: 'user' }, 'ana license pending');
    const handle = stack.client.workflow.getHandle(scimAssignmentWorkflowId('acme', ana.id));
    expect(await handle.query(getScimAssignmentStatus)).toMatchObject({ stage: 'license_pending', waitingReason: 'no seat available', wanted: { license: 'video_pro_plus' }, userId: u.id });
    expect(await seatsHeld(u.id)).toEqual([]);

    expect((await buySeats(stack, 'acme', 'video_pro_plus', 1)).status).toBe(200);
    await becomes('ana@acme.test', { status: 'not_activated', license: 'video_pro_plus' }, 'ana given Video Pro+');
    expect(await seatsHeld(u.id)).toEqual(['video_pro_plus']);
    expect(await handle.result()).toMatchObject({ stage: 'assigned', applied: { role: 'user', license: 'video_pro_plus' } });
    await replaysCleanly(scimAssignmentWorkflowId('acme', ana.id), 'scim-assignment-license-pending-seats-bought.json');
  });

  test('moving from Sales to IT changes role and license, and the Video Pro+ seat goes back', async () => {
    expect((await buySeats(stack, 'acme', 'ringex', 1)).status).toBe(200);
    it = (await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'IT', members: [] })).body;
    expect((await scim('PATCH', `/Groups/${sales.id}`, patch({ op: 'remove', path: `members[value eq "${ana.id}"]` }))).status).toBe(200);
    expect((await scim('PATCH', `/Groups/${it.id}`, patch({ op: 'add', path: 'members', value: [{ value: ana.id }] }))).status).toBe(200);
    const u = await becomes('ana@acme.test', { role: 'admin', license: 'ringex', status: 'not_activated' }, 'ana an IT admin with RingEX');
    expect(await seatsHeld(u.id)).toEqual(['ringex']);
    const free = (await stack.api('GET', '/v1/accounts/acme/licenses')).body;
    expect(JSON.stringify(free)).toContain('video_pro_plus');
    const { rows } = await stack.db.query(
      `SELECT i.seats_total - (SELECT count(*)::int FROM license_assignments a WHERE a.account_id = i.account_id AND a.license = i.license AND a.released_at IS NULL) AS free
         FROM license_inventory i WHERE i.account_id = 'acme' AND i.license = 'video_pro_plus'`,
    );
    expect(rows[0].free).toBe(1);
  });

  test('deleting the group: back to the default role and license, the RingEX seat goes back', async () => {
    expect((await scim('DELETE', `/Groups/${it.id}`)).status).toBe(204);
    const u = await becomes('ana@acme.test', { role: 'user', license: 'video_pro' }, 'ana back to the defaults');
    expect(await seatsHeld(u.id)).toEqual([]);
  });

  test('a membership pushed before the user row exists applies once the user is created', async () => {
    // Created inactive: kept, not onboarded, so no user row yet.
    const bo = (await scim('POST', '/Users', person('bo', { active: false }))).body;
    expect((await stack.db.query(`SELECT 1 FROM users WHERE lower(email) = 'bo@acme.test'`)).rowCount).toBe(0);
    expect((await scim('PATCH', `/Groups/${sales.id}`, patch({ op: 'add', path: 'members', value: [{ value: bo.id }] }))).status).toBe(200);
    const handle = stack.client.workflow.getHandle(scimAssignmentWorkflowId('acme', bo.id));
    await eventually(async () => (await handle.query(getScimAssignmentStatus)).stage === 'awaiting_user', 20_000, 'bo\'s assignment waiting for the user');
    // The Video Pro+ seat ana gave back is free: bo takes it once onboarded.
    expect((await scim('PATCH', `/Users/${bo.id}`, patch({ op: 'replace', value: { active: true } }))).status).toBe(200);
    const u = await becomes('bo@acme.test', { license: 'video_pro_plus', role: 'user' }, 'bo given Video Pro+');
    expect(await seatsHeld(u.id)).toEqual(['video_pro_plus']);
    const ended = await handle.result();
    expect(ended).toMatchObject({ stage: 'assigned', userId: u.id, applied: { license: 'video_pro_plus' } });
    expect(ended.stageTimes.awaiting_user).toBeDefined();
    await replaysCleanly(scimAssignmentWorkflowId('acme', bo.id), 'scim-assignment-awaiting-user.json');
  });

  test('a create whose default license needs a paid seat is not refused: license pending until one is free', async () => {
    const put = await stack.api('PUT', '/v1/accounts/acme/scim-connection', { body: { defaultLicense: 'video_pro_plus' } });
    expect(put.status).toBe(200);
    const cy = await scim('POST', '/Users', person('cy'));
    expect(cy.status).toBe(201);
    await becomes('cy@acme.test', { status: 'license_pending', license: 'video_pro' }, 'cy license pending');
    expect((await buySeats(stack, 'acme', 'video_pro_plus', 1)).status).toBe(200);
    await becomes('cy@acme.test', { status: 'not_activated', license: 'video_pro_plus' }, 'cy given Video Pro+');
  });

  test('a license-pending user deactivated meanwhile takes no seat: the seat bought stays free', async () => {
    const dee = (await scim('POST', '/Users', person('dee'))).body;
    await becomes('dee@acme.test', { status: 'license_pending' }, 'dee license pending (the default license needs a seat)');
    expect((await scim('PATCH', `/Users/${dee.id}`, patch({ op: 'replace', value: { active: false } }))).status).toBe(200);
    const u = await becomes('dee@acme.test', { status: 'disabled' }, 'dee deactivated');
    expect((await buySeats(stack, 'acme', 'video_pro_plus', 1)).status).toBe(200);
    const handle = stack.client.workflow.getHandle(scimAssignmentWorkflowId('acme', dee.id));
    expect(await handle.result()).toMatchObject({ stage: 'user_disabled' });
    expect(await seatsHeld(u.id)).toEqual([]);
    expect((await stack.db.query(`SELECT 1 FROM license_seat_waiters WHERE user_id = $1`, [u.id])).rowCount).toBe(0);
  });
});
