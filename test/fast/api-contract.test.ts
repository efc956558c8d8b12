// The API as a front door, through app.inject with no worker: credentials, what bad input gets,
// security headers, the OpenAPI document, how errors from the database and the Temporal server
// reach a caller, and the signup rate limit. (Moved from test/api/contract.test.ts, which keeps
// what needs workflows to run.)
import { addPersonWithCredential } from '../../api/services/accounts';
import { defaultRateLimits } from '../../api/plugins/rate-limits';
import { startApiOnly, type ApiOnly } from '../support/api-only';
import { validSignup } from '../support/invitee';

let api: ApiOnly;
beforeAll(async () => {
  api = await startApiOnly();
});
afterAll(() => api?.stop());

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const isProblem = (r: { headers: Headers; body: unknown }) =>
  r.headers.get('content-type')?.startsWith('application/problem+json') && typeof (r.body as { type?: unknown }).type === 'string';

test('credentials: shown once, stored hashed, revocable; a revoked one stops working at once; roles apply', async () => {
  const user = await addPersonWithCredential(api.db, 'acme', { email: 'plain@acme.test', firstName: 'Pat', lastName: 'Plain', role: 'user' });
  const issued = await api.api('POST', '/v1/accounts/acme/credentials', { body: { userId: user.userId, label: 'laptop' } });
  expect(issued.status).toBe(201);
  expect(issued.body.secret).toMatch(/^po_/);
  const { rows } = await api.db.query(`SELECT secret_hash FROM api_credentials WHERE id = $1`, [issued.body.id]);
  expect(rows[0].secret_hash).not.toContain(issued.body.secret);
  expect(JSON.stringify((await api.api('GET', '/v1/accounts/acme/credentials')).body)).not.toContain(issued.body.secret);

  expect((await api.api('GET', '/v1/accounts/acme/licenses', { credential: issued.body.secret })).status).toBe(200);
  // A user cannot issue for someone else, nor revoke the Super Admin's.
  expect((await api.api('POST', '/v1/accounts/acme/credentials', { body: { userId: api.account.superAdminId }, credential: user.credential })).status).toBe(403);
  expect((await api.api('DELETE', `/v1/accounts/acme/credentials/${issued.body.id}`)).status).toBe(204);
  const refused = await api.api('GET', '/v1/accounts/acme/licenses', { credential: issued.body.secret });
  expect(refused.status).toBe(401);
  expect(refused.body.type).toBe('/problems/unauthenticated');
});

test('bad input is a 4xx problem, never a 500: malformed JSON, wrong content type, oversized body, unknown fields', async () => {
  const path = '/v1/accounts/acme/invitations';
  const cases = [
    await api.api('POST', path, { body: '{"channel": "email", ' }),
    await api.api('POST', path, { body: 'channel=email', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    await api.api('POST', path, { body: 'hello', headers: { 'content-type': 'text/plain' } }),
    await api.api('POST', path, { body: JSON.stringify({ channel: 'email', emails: 'a'.repeat(300_000) }) }),
    await api.api('POST', path, { body: { channel: 'email', emails: 'ok@acme.test', admin: true } }),
    await api.api('POST', path, { body: { channel: 'fax', number: '1' } }),
  ];
  for (const res of cases) {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(isProblem(res)).toBe(true);
  }
  expect(cases[3]!.status).toBe(413);
  expect(cases[4]!.body.errors).toEqual([{ field: 'body.admin', message: expect.stringContaining('Unrecognized key') }]);
});

test('security headers are set and CORS is closed by default', async () => {
  const res = await api.api('GET', '/health', { credential: null, headers: { origin: 'https://evil.example' } });
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  const preflight = await api.api('OPTIONS', '/v1/accounts/acme/invitations', {
    credential: null,
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
});

test('the OpenAPI document describes every route with its schemas and security', async () => {
  const doc = (await api.api('GET', '/docs/json', { credential: null })).body;
  const routes = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown; responses?: object }>>).flatMap(([p, ops]) =>
    Object.entries(ops).map(([m, op]) => ({ route: `${m.toUpperCase()} ${p}`, secured: Array.isArray(op.security), responses: Object.keys(op.responses ?? {}) })),
  );
  const names = routes.map((r) => r.route);
  for (const expected of [
    'POST /v1/accounts/{accountId}/invitations', 'GET /v1/accounts/{accountId}/invitations/{invitationId}',
    'POST /v1/accounts/{accountId}/invitations/{invitationId}/resend', 'DELETE /v1/accounts/{accountId}/invitations/{invitationId}',
    'POST /v1/accounts/{accountId}/invitations/{invitationId}/license', 'GET /v1/accounts/{accountId}/licenses',
    'POST /v1/accounts/{accountId}/licenses/{license}/seats', 'GET /v1/accounts/{accountId}/invite-link', 'POST /v1/accounts/{accountId}/invite-link',
    'DELETE /v1/accounts/{accountId}/invite-link', 'POST /v1/accounts/{accountId}/invite-link/share', 'GET /v1/accounts/{accountId}/credentials',
    'POST /v1/accounts/{accountId}/credentials', 'DELETE /v1/accounts/{accountId}/credentials/{credentialId}',
    'GET /signup/{token}', 'POST /signup/{token}', 'GET /join/{token}', 'POST /join/{token}', 'GET /health',
  ]) expect(names).toContain(expected);
  for (const r of routes.filter((x) => x.route.includes(' /v1/'))) expect({ route: r.route, secured: r.secured }).toEqual({ route: r.route, secured: true });
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect(doc.paths['/v1/accounts/{accountId}/invitations'].post.requestBody.content['application/json'].schema).toBeDefined();
});

describe('how errors reach a caller', () => {
  test('an unknown route is a 404 problem', async () => {
    const res = await api.api('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(isProblem(res)).toBe(true);
  });

  test('inviting someone who already has an account: 409 already-a-user naming them, and nothing is started', async () => {
    const res = await api.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'boss@acme.test, new-one@acme.test' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: '/problems/already-a-user', addresses: ['boss@acme.test'] });
    expect((await api.db.query(`SELECT 1 FROM invitations WHERE invitee_email = 'new-one@acme.test'`)).rowCount).toBe(0);
  });

  test('an invitation whose workflow has ended cannot be resent or revoked: 409 wrong-stage (Temporal\'s not-found, mapped)', async () => {
    const created = await api.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'ended@acme.test' } });
    expect(created.status).toBe(201);
    const id = created.body.invitations[0].id;
    // The workflow really started on the Temporal server (no worker runs it here); it is ended there.
    await api.client.workflow.getHandle(id).terminate('test: the workflow has ended');
    for (const [method, path] of [['POST', '/resend'], ['DELETE', '']] as const) {
      const res = await api.api(method, `/v1/accounts/acme/invitations/${encodeURIComponent(id)}${path}`);
      expect({ method, status: res.status, type: res.body.type }).toEqual({ method, status: 409, type: '/problems/wrong-stage' });
      expect(isProblem(res)).toBe(true);
    }
  });

  test('a person who was not added by an admin cannot be activated: 409 wrong-stage', async () => {
    const person = await addPersonWithCredential(api.db, 'acme', { email: 'self-made@acme.test', firstName: 'Sam', lastName: 'Self', role: 'user' });
    const res = await api.api('POST', `/v1/accounts/acme/users/${person.userId}/activation`, { body: { option: 'send_invite' } });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('/problems/wrong-stage');
  });

  test('a request that buys: 409 with the quote to review, 404 for an unknown quote, 400 until the charges are acknowledged', async () => {
    const body = { continueWithoutEmergencyAddress: true, users: [{ userType: 'ringex', email: 'buy@acme.test', firstName: 'B', lastName: 'Uy', setup: { option: 'activate_later' } }] };
    const path = '/v1/accounts/acme/provisioning-requests';
    const first = await api.api('POST', path, { body });
    expect(first.status).toBe(409);
    expect(first.body).toMatchObject({ type: '/problems/purchase-confirmation-required', quote: { id: expect.any(String), totalCents: 3000 } });
    const unknown = await api.api('POST', path, { body: { ...body, quoteId: '00000000-0000-4000-8000-000000000000', acknowledgeCharges: true } });
    expect(unknown.status).toBe(404);
    expect(isProblem(unknown)).toBe(true);
    const unacknowledged = await api.api('POST', path, { body: { ...body, quoteId: first.body.quote.id } });
    expect(unacknowledged.status).toBe(400);
    expect(unacknowledged.body.errors).toEqual([{ field: 'body.acknowledgeCharges', message: expect.any(String) }]);
    expect((await api.db.query(`SELECT 1 FROM provisioning_requests WHERE account_id = 'acme'`)).rowCount).toBe(0);
  });
});

// Last: it uses up this address's signup quota for the minute.
test('signup tokens cannot be brute-forced: 429 after a few dozen tries a minute from one address', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) {
    const guess = `${'g'.repeat(40)}${i.toString().padStart(3, '0')}`;
    statuses.push((await api.api('POST', `/signup/${guess}`, { body: new URLSearchParams(validSignup).toString(), headers: form, credential: null })).status);
  }
  // Wrong tokens are told apart from the limit until the quota (20 a minute) is spent; from then on every try is refused.
  const firstLimited = statuses.indexOf(429);
  expect(firstLimited).toBe(defaultRateLimits.signupSubmitsPerMinute);
  expect(statuses.slice(0, firstLimited).every((s) => s === 404)).toBe(true);
  expect(statuses.slice(firstLimited).every((s) => s === 429)).toBe(true);
  const limited = await api.api('POST', `/signup/${'h'.repeat(43)}`, { body: 'a=b', headers: form, credential: null });
  expect(limited.status).toBe(429);
  expect(isProblem(limited)).toBe(true);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
});
