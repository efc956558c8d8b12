// The SCIM connection an admin sets up: the token is shown once and stored hashed, a rotation keeps
// the previous token working for the overlap asked (none: it stops at once), revoking stops every
// token, only admins manage it, and the token opens /scim/v2 of its own account only. A user the
// identity provider sends without an email is kept, and onboarded once it has one.
import { createHash } from 'node:crypto';
import { addPersonWithCredential } from '../../api/services/accounts';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { connectScim, expectScimError, patchSchema, scimCaller, userSchema } from './scim-client';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const api = (method: string, path: string, body?: unknown, credential?: string) => stack.api(method, `/v1/accounts/acme/scim-connection${path}`, { body, credential });

test('set up, token shown once and kept as a hash, rotation with and without overlap, revocation', async () => {
  const unset = await api('GET', '');
  expect(unset.status).toBe(404);
  const put = await api('PUT', '', { setupOption: 'send_invite', groupMappings: [{ group: 'Sales', role: 'user', license: 'video_pro' }] });
  expect(put.status).toBe(200);
  expect(put.body).toEqual({ baseUrl: `${stack.baseUrl}/scim/v2`, setupOption: 'send_invite', defaultLicense: 'video_pro', groupMappings: [{ group: 'Sales', role: 'user', license: 'video_pro' }], tokens: [] });

  const first = await api('POST', '/token', {});
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ token: expect.stringMatching(/^scim_/), baseUrl: `${stack.baseUrl}/scim/v2`, previousTokensExpireAt: null });
  const { rows } = await stack.db.query(`SELECT secret_hash FROM scim_tokens WHERE account_id = 'acme'`);
  expect(rows).toEqual([{ secret_hash: createHash('sha256').update(first.body.token).digest('hex') }]);
  expect(JSON.stringify((await api('GET', '')).body)).not.toContain(first.body.token);

  // Rotated with an hour's overlap: both work.
  const second = await api('POST', '/token', { overlapMinutes: 60 });
  expect(Date.parse(second.body.previousTokensExpireAt) - Date.now()).toBeGreaterThan(59 * 60_000);
  for (const t of [first.body.token, second.body.token]) expect((await scimCaller(stack.baseUrl, t)('GET', '/Users')).status).toBe(200);

  // Rotated with no overlap: the earlier ones stop at once.
  const third = await api('POST', '/token', { overlapMinutes: 0 });
  expectScimError(await scimCaller(stack.baseUrl, first.body.token)('GET', '/Users'), 401);
  expectScimError(await scimCaller(stack.baseUrl, second.body.token)('GET', '/Users'), 401);
  expect((await scimCaller(stack.baseUrl, third.body.token)('GET', '/Users')).status).toBe(200);

  // Good for SCIM only: the admin API does not take it.
  expect((await stack.api('GET', '/v1/accounts/acme/users', { credential: third.body.token })).status).toBe(401);

  expect((await api('DELETE', '/token')).status).toBe(204);
  expectScimError(await scimCaller(stack.baseUrl, third.body.token)('GET', '/Users'), 401);
  expect((await api('GET', '')).body.tokens.every((t: { revokedAt: string | null }) => t.revokedAt !== null)).toBe(true);
});

test('only admins manage it; only a Super Admin maps a group to Super Admin or Video Pro+', async () => {
  const user = await addPersonWithCredential(stack.db, 'acme', { email: 'pat@acme.test', firstName: 'Pat', lastName: 'User', role: 'user' });
  expect((await api('POST', '/token', {}, user.credential)).status).toBe(403);
  const admin = await addPersonWithCredential(stack.db, 'acme', { email: 'ada@acme.test', firstName: 'Ada', lastName: 'Admin', role: 'admin' });
  const refused = await api('PUT', '', { groupMappings: [{ group: 'Execs', role: 'super_admin', license: 'video_pro' }] }, admin.credential);
  expect(refused.status).toBe(403);
  expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect((await api('PUT', '', { groupMappings: [{ group: 'Sales', role: 'user', license: 'mobile' }] }, admin.credential)).status).toBe(200);
});

test('a token opens its own account only', async () => {
  const other = await stack.createAccount({ id: 'other', companyDomains: ['other.test'] });
  const otherScim = scimCaller(stack.baseUrl, await connectScim(stack, 'other', other.credential));
  const acmeScim = scimCaller(stack.baseUrl, await connectScim(stack, 'acme', stack.account.credential));
  const mine = await acmeScim('POST', '/Users', { schemas: [userSchema], userName: 'only@acme.test' });
  expect(mine.status).toBe(201);
  expectScimError(await otherScim('GET', `/Users/${mine.body.id}`), 404);
  expect((await otherScim('GET', '/Users')).body.totalResults).toBe(0);
});

test('a user without an email is kept, and onboarded (welcome email) once it has one', async () => {
  const scim = scimCaller(stack.baseUrl, await connectScim(stack, 'acme', stack.account.credential));
  const created = await scim('POST', '/Users', { schemas: [userSchema], userName: 'jdoe', name: { givenName: 'Jo', familyName: 'Doe' } });
  expect(created.status).toBe(201);
  expect((await stack.db.query(`SELECT started FROM scim_users WHERE id = $1`, [created.body.id])).rows[0].started).toBe(false);
  const patched = await scim('PATCH', `/Users/${created.body.id}`, { schemas: [patchSchema], Operations: [{ op: 'add', path: 'emails', value: [{ value: 'jo.doe@acme.test', type: 'work', primary: true }] }] });
  expect(patched.status).toBe(200);
  await stack.inbox.waitFor((m) => m.to.includes('jo.doe@acme.test'));
  await eventually(async () => (await stack.db.query(`SELECT 1 FROM users WHERE email = 'jo.doe@acme.test' AND first_name = 'Jo'`)).rowCount === 1, 20_000, 'the user row');
});

test('a create interrupted before its workflow started is finished by its replay; one whose answer was lost is not run twice', async () => {
  const scim = scimCaller(stack.baseUrl, await connectScim(stack, 'acme', stack.account.credential));
  const body = (n: string) => ({ schemas: [userSchema], externalId: `ext-${n}`, userName: `${n}@acme.test`, name: { givenName: 'Re', familyName: n }, emails: [{ value: `${n}@acme.test`, type: 'work', primary: true }] });
  // Recorded, then the process died before the workflow started. (Addresses of their own: the
  // Temporal server is shared by every test file, and an invitation's workflow id is account + address.)
  const id = '6f1c1a8e-3d7b-4c51-9a7e-0b1d2c3e4f50', requestId = '7a2d2b9f-4e8c-4d62-8b8f-1c2e3d4f5a61';
  await stack.db.query(
    `INSERT INTO scim_users (id, account_id, user_name, external_id, resource, request_id, provisioning_key) VALUES ($1, 'acme', 'scim-cut@acme.test', 'ext-scim-cut', $2, $3, $4)`,
    [id, JSON.stringify(body('scim-cut')), requestId, `${requestId}:0`],
  );
  const resumed = await scim('POST', '/Users', body('scim-cut'));
  expect(resumed.status).toBe(200);
  expect(resumed.body.id).toBe(id);
  await stack.inbox.waitFor((m) => m.to.includes('scim-cut@acme.test'));

  // Started, but its answer was lost: the replay finds the workflow and starts nothing.
  const first = await scim('POST', '/Users', body('scim-lost'));
  await stack.inbox.waitFor((m) => m.to.includes('scim-lost@acme.test'));
  await stack.db.query(`UPDATE scim_users SET started = false WHERE id = $1`, [first.body.id]);
  const replay = await scim('POST', '/Users', body('scim-lost'));
  expect(replay.status).toBe(200);
  expect((await stack.db.query(`SELECT started FROM scim_users WHERE id = $1`, [first.body.id])).rows[0].started).toBe(true);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(stack.inbox.messages.filter((m) => m.to.includes('scim-lost@acme.test'))).toHaveLength(1);
});
