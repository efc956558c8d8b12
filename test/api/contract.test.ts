// The API as a front door: tenancy, credentials, idempotency, limits, headers, errors, OpenAPI,
// and no secret in logs or workflow histories.
import { PassThrough } from 'node:stream';
import { addPersonWithCredential } from '../../api/services/accounts';
import { credentials, newUser } from '../support/provisioning-requests';
import { historyText } from '../support/history-text';
import { linkInMail, submitSignup, validSignup } from '../support/invitee';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const logLines: string[] = [];
let globex: { id: string; credential: string };
beforeAll(async () => {
  const logStream = new PassThrough();
  logStream.on('data', (b: Buffer) => logLines.push(...b.toString().split('\n').filter(Boolean)));
  stack = await startTestStack({ logLevel: 'debug', logStream });
  globex = await stack.createAccount({ id: 'globex', name: 'Globex', companyDomains: ['globex.test'] });
});
afterAll(() => stack?.stop());

const isProblem = (r: { headers: Headers; body: unknown }) =>
  r.headers.get('content-type')?.startsWith('application/problem+json') && typeof (r.body as { type?: unknown }).type === 'string';

test('no caller reaches another account: every resource answers 404, never a hint it exists', async () => {
  const inv = await stack.api('POST', '/v1/accounts/globex/invitations', { body: { channel: 'email', emails: 'x@globex.test' }, credential: globex.credential });
  const globexInvitation = encodeURIComponent(inv.body.invitations[0].id);
  await stack.api('POST', '/v1/accounts/globex/invite-link', { body: {}, credential: globex.credential });
  const creds = await stack.api('GET', '/v1/accounts/globex/credentials', { credential: globex.credential });
  const globexCredential = creds.body.credentials[0].id;
  const added = await stack.api('POST', '/v1/accounts/globex/provisioning-requests', { body: { users: [newUser('later@globex.test')] }, credential: globex.credential });
  const globexRequest = added.body.requestId;
  const globexUser = (await eventually(async () => {
    const r = await stack.api('GET', `/v1/accounts/globex/provisioning-requests/${globexRequest}`, { credential: globex.credential });
    return r.body.stage === 'completed' ? r.body : undefined;
  })).users[0].userId;

  const attempts: Array<[string, string, unknown?]> = [
    ['POST', '/v1/accounts/globex/invitations', { channel: 'email', emails: 'y@globex.test' }],
    ['GET', `/v1/accounts/globex/invitations/${globexInvitation}`],
    ['POST', `/v1/accounts/globex/invitations/${globexInvitation}/resend`],
    ['DELETE', `/v1/accounts/globex/invitations/${globexInvitation}`],
    ['POST', `/v1/accounts/globex/invitations/${globexInvitation}/license`],
    ['GET', '/v1/accounts/globex/licenses'],
    ['POST', '/v1/accounts/globex/licenses/video_pro_plus/seats', { seats: 1 }],
    ['GET', '/v1/accounts/globex/invite-link'],
    ['POST', '/v1/accounts/globex/invite-link', {}],
    ['DELETE', '/v1/accounts/globex/invite-link'],
    ['POST', '/v1/accounts/globex/invite-link/share', { emails: 'z@acme.test' }],
    ['GET', '/v1/accounts/globex/credentials'],
    ['POST', '/v1/accounts/globex/credentials', {}],
    ['DELETE', `/v1/accounts/globex/credentials/${globexCredential}`],
    // Globex's invitation addressed through Acme's own path is not Acme's either.
    ['GET', `/v1/accounts/acme/invitations/${globexInvitation}`],
    ['DELETE', `/v1/accounts/acme/invitations/${globexInvitation}`],
    ['DELETE', `/v1/accounts/acme/credentials/${globexCredential}`],
    ['POST', '/v1/accounts/globex/provisioning-quotes', { users: [newUser('q@globex.test')] }],
    ['POST', '/v1/accounts/globex/provisioning-requests', { users: [newUser('r@globex.test')] }],
    ['GET', `/v1/accounts/globex/provisioning-requests/${globexRequest}`],
    ['GET', `/v1/accounts/globex/users/${globexUser}`],
    ['POST', `/v1/accounts/globex/users/${globexUser}/activation`, { option: 'send_invite' }],
    ['GET', '/v1/accounts/globex/inventory'],
    ['GET', `/v1/accounts/acme/provisioning-requests/${globexRequest}`],
    ['GET', `/v1/accounts/acme/users/${globexUser}`],
    ['POST', `/v1/accounts/acme/users/${globexUser}/activation`, { option: 'send_invite' }],
  ];
  for (const [method, path, body] of attempts) {
    const res = await stack.api(method, path, { body });
    expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    expect(isProblem(res)).toBe(true);
  }
  // And nothing changed over there.
  expect((await stack.api('GET', `/v1/accounts/globex/invitations/${globexInvitation}`, { credential: globex.credential })).body.stage).not.toBe('revoked');
  expect((await stack.api('GET', '/v1/accounts/globex/invite-link', { credential: globex.credential })).status).toBe(200);
  expect((await stack.api('GET', `/v1/accounts/globex/users/${globexUser}`, { credential: globex.credential })).body.activation.stage).toBe('awaiting_activation');
});

test('credentials: shown once, stored hashed, revocable; a revoked one stops working at once; roles apply', async () => {
  const user = await addPersonWithCredential(stack.db, 'acme', { email: 'plain@acme.test', firstName: 'Pat', lastName: 'Plain', role: 'user' });
  const issued = await stack.api('POST', '/v1/accounts/acme/credentials', { body: { userId: user.userId, label: 'laptop' } });
  expect(issued.status).toBe(201);
  expect(issued.body.secret).toMatch(/^po_/);
  const { rows } = await stack.db.query(`SELECT secret_hash FROM api_credentials WHERE id = $1`, [issued.body.id]);
  expect(rows[0].secret_hash).not.toContain(issued.body.secret);
  expect(JSON.stringify((await stack.api('GET', '/v1/accounts/acme/credentials')).body)).not.toContain(issued.body.secret);

  expect((await stack.api('GET', '/v1/accounts/acme/licenses', { credential: issued.body.secret })).status).toBe(200);
  // A user cannot issue for someone else, nor revoke the Super Admin's.
  expect((await stack.api('POST', '/v1/accounts/acme/credentials', { body: { userId: stack.account.superAdminId }, credential: user.credential })).status).toBe(403);
  expect((await stack.api('DELETE', `/v1/accounts/acme/credentials/${issued.body.id}`)).status).toBe(204);
  const refused = await stack.api('GET', '/v1/accounts/acme/licenses', { credential: issued.body.secret });
  expect(refused.status).toBe(401);
  expect(refused.body.type).toBe('/problems/unauthenticated');
});

test('Idempotency-Key: the same request again returns the first result and does the work once', async () => {
  const headers = { 'idempotency-key': 'invite-ida-1' };
  const first = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'ida@acme.test' }, headers });
  const again = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'ida@acme.test' }, headers });
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body).toEqual(first.body);
  const other = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'someone-else@acme.test' }, headers });
  expect(other.status).toBe(422);
  expect(other.body.type).toBe('/problems/idempotency-key-reused');
  await stack.inbox.waitFor((m) => m.to.includes('ida@acme.test'));
  await new Promise((r) => setTimeout(r, 300));
  expect(stack.inbox.messages.filter((m) => m.to.includes('ida@acme.test'))).toHaveLength(1);
});

test('bad input is a 4xx problem, never a 500: malformed JSON, wrong content type, oversized body, unknown fields', async () => {
  const path = '/v1/accounts/acme/invitations';
  const cases = [
    await stack.api('POST', path, { body: '{"channel": "email", ' }),
    await stack.api('POST', path, { body: 'channel=email', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    await stack.api('POST', path, { body: 'hello', headers: { 'content-type': 'text/plain' } }),
    await stack.api('POST', path, { body: JSON.stringify({ channel: 'email', emails: 'a'.repeat(300_000) }) }),
    await stack.api('POST', path, { body: { channel: 'email', emails: 'ok@acme.test', admin: true } }),
    await stack.api('POST', path, { body: { channel: 'fax', number: '1' } }),
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
  const res = await fetch(`${stack.baseUrl}/health`, { headers: { origin: 'https://evil.example' } });
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  const preflight = await fetch(`${stack.baseUrl}/v1/accounts/acme/invitations`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
});

test('the OpenAPI document describes every route with its schemas and security', async () => {
  const doc = (await stack.api('GET', '/docs/json', { credential: null })).body;
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

test('no secret is ever written to the logs or to a workflow history', async () => {
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'secretive@acme.test' } });
  const id = res.body.invitations[0].id;
  const { url, token } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('secretive@acme.test')));
  await fetch(url);
  const password = 'Very-secret-pass-9';
  expect((await submitSignup(url, { ...validSignup, password, passwordConfirmation: password })).status).toBe(200);
  const issued = await stack.api('POST', '/v1/accounts/acme/credentials', { body: { label: 'scan' } });
  const link = await stack.api('POST', '/v1/accounts/acme/invite-link', { body: {} });
  const linkToken = link.body.url.split('/join/')[1];
  await fetch(link.body.url);
  // Credentials an admin assigns while adding a user: password, PIN and security answer.
  const assigned = { ...credentials, password: 'Assigned-pass-77', passwordConfirmation: 'Assigned-pass-77', pin: '736251', pinConfirmation: '736251', securityAnswer: 'Sesame street' };
  const added = await stack.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [newUser('assigned@acme.test', { setup: { option: 'assign_credentials', ...assigned } })] } });
  expect(added.status).toBe(202);
  await eventually(async () => (await stack.api('GET', `/v1/accounts/acme/provisioning-requests/${added.body.requestId}`)).body.stage === 'completed');

  await eventually(async () => logLines.some((l) => l.includes('/signup/[token]')), 5_000, 'request logs');
  const secrets = [token, password, stack.account.credential, issued.body.secret, linkToken, assigned.password, assigned.pin, assigned.securityAnswer];
  const logs = logLines.join('\n');
  for (const secret of secrets) expect(logs).not.toContain(secret);

  const histories: string[] = [];
  for await (const wf of stack.client.workflow.list({ query: `AccountId = "acme"` })) {
    histories.push(historyText(await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
  }
  expect(histories.length).toBeGreaterThan(0);
  const all = histories.join('\n');
  expect(all).toContain(id);
  // The payloads are read, not just the envelope: the assigned security question is there in clear, its answer only hashed.
  expect(all).toContain('First pet?');
  expect(all).toContain('scrypt$');
  for (const secret of secrets) expect(all).not.toContain(secret);
});

// Last: it uses up this address's signup quota for the minute.
test('signup tokens cannot be brute-forced: 429 after a few dozen tries a minute from one address', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) {
    const guess = `${'g'.repeat(40)}${i.toString().padStart(3, '0')}`;
    statuses.push((await submitSignup(`${stack.baseUrl}/signup/${guess}`, validSignup)).status);
  }
  // Wrong tokens are told apart from the limit until the quota (20 a minute, this file's earlier
  // signups included) is spent; from then on every try is refused.
  const firstLimited = statuses.indexOf(429);
  expect(firstLimited).toBeGreaterThan(10);
  expect(firstLimited).toBeLessThanOrEqual(20);
  expect(statuses.slice(0, firstLimited).every((s) => s === 404)).toBe(true);
  expect(statuses.slice(firstLimited).every((s) => s === 429)).toBe(true);
  const limited = await stack.api('POST', `/signup/${'h'.repeat(43)}`, { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' }, credential: null });
  expect(limited.status).toBe(429);
  expect(isProblem(limited)).toBe(true);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
});
