// The faults found from outside (issue 14), each held to its fix: ids that work in their own URLs,
// every error as problem+json (the framework's own included), reads that need no worker, prompt
// answers while Temporal is down, probes outside the rate limits, an optional body documented as
// optional, NUL bytes refused as bad input, and an OpenAPI document that names every error answer.
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../api/app';
import { freePort } from '../../scripts/local-stack/ports';
import { eventually, startTestStack, type ApiResponse, type TestStack } from '../support/stack';
import { recordCounts } from '../support/test-logs';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const PROBLEM_FIELDS = { type: expect.stringMatching(/^\/problems\//), title: expect.any(String), status: expect.any(Number), detail: expect.any(String) };

function expectProblem(res: ApiResponse, status: number) {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
  expect(res.body).toMatchObject({ ...PROBLEM_FIELDS, status });
}

/** A valid address of exactly `length` characters (64-character local part, 63-character labels). */
function addressOfLength(length: number): string {
  const local = 'l'.repeat(64);
  let domain = 'test';
  while (local.length + 1 + domain.length < length) {
    const room = length - (local.length + 1 + domain.length) - 1;
    domain = `${'d'.repeat(Math.min(63, Math.max(1, room)))}.${domain}`;
  }
  return `${local}@${domain}`;
}

test('an invitation to a 254-character address can be read, resent and revoked through its own id', async () => {
  const email = addressOfLength(254);
  expect(email).toHaveLength(254);
  const created = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: [email] } });
  expect(created.status).toBe(201);
  const path = `/v1/accounts/acme/invitations/${encodeURIComponent(created.body.invitations[0].id)}`;
  expect((await stack.api('GET', path)).status).toBe(200);
  // Sent (or, as the test inbox refuses such long addresses, undeliverable): either way it can be revoked.
  await eventually(async () => (await stack.api('GET', path)).body.stage !== 'sending', 20_000, 'the first send');
  const revoked = await stack.api('DELETE', path);
  expect({ status: revoked.status, stage: revoked.body.stage }).toEqual({ status: 200, stage: 'revoked' });
  // Resend reaches the invitation too: a revoked one is not resent (409), which is not a 414.
  const resent = await stack.api('POST', `${path}/resend`);
  expect({ status: resent.status, type: resent.body.type }).toEqual({ status: 409, type: '/problems/wrong-stage' });

  // One character more is not an address: refused when inviting, so no id is ever too long.
  const tooLong = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: [addressOfLength(255)] } });
  expectProblem(tooLong, 400);
});

test('what the framework answers by itself is problem+json with the same fields as the API\'s own problems', async () => {
  const raw = async (method: string, path: string, init: RequestInit = {}): Promise<ApiResponse> => {
    const res = await fetch(stack.baseUrl + path, { method, ...init, headers: { authorization: `Bearer ${stack.account.credential}`, ...init.headers } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  };
  expectProblem(await raw('GET', '/no/such/route'), 404);

  const wrongMethod = await raw('PATCH', '/v1/accounts/acme/invite-link');
  expectProblem(wrongMethod, 405);
  expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST, DELETE');

  const json = { 'content-type': 'application/json' };
  expectProblem(await raw('POST', '/v1/accounts/acme/invitations', { body: '{"channel": ', headers: json }), 400);
  expectProblem(await raw('POST', '/v1/accounts/acme/invitations', { body: 'x'.repeat(300_000), headers: json }), 413);
  expectProblem(await raw('POST', '/v1/accounts/acme/invitations', { body: '<a/>', headers: { 'content-type': 'application/xml' } }), 415);
  expectProblem(await raw('GET', `/v1/accounts/acme/invitations/${'i'.repeat(2_000)}`), 414);
  expectProblem(await raw('GET', '/v1/accounts/acme/invitations/%E0%A4%A'), 400);

  // Refused by Node before Fastify sees it: headers too large.
  const huge = await fetch(`${stack.baseUrl}/health/live`, { headers: { 'x-big': 'h'.repeat(20_000) } });
  expect(huge.status).toBe(431);
  expect(huge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await huge.json()).toMatchObject({ ...PROBLEM_FIELDS, status: 431 });
});

test('a NUL byte anywhere in a path parameter or a body string is a 400 validation problem, never a 500', async () => {
  for (const [method, path] of [
    ['GET', '/v1/accounts/acme/invitations/a%00b'],
    ['DELETE', '/v1/accounts/acme/invitations/a%00b'],
    ['POST', '/v1/accounts/acme/invitations/a%00b/resend'],
    ['GET', '/signup/a%00b'],
    ['GET', '/v1/accounts/ac%00me/licenses'],
  ] as const) {
    const res = await stack.api(method, path);
    expectProblem(res, 400);
    expect(res.body.type).toBe('/problems/validation-error');
  }
  const inBody = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'text', phone: '+1415555\u00000100' } });
  expectProblem(inBody, 400);
  expect(inBody.body.errors).toEqual([{ field: 'body.phone', message: expect.stringContaining('NUL') }]);
  const inForm = await stack.api('POST', `/join/${'t'.repeat(43)}`, { body: { firstName: 'A\u0000' }, credential: null });
  expectProblem(inForm, 400);
});

test('probes and metrics are not rate-limited; liveness checks nothing, readiness checks PostgreSQL and Temporal', async () => {
  const limited = await startTestStack({ rateLimits: { apiPerMinute: 2 }, inProcessWorker: false });
  try {
    for (let i = 0; i < 5; i++) {
      for (const path of ['/health/live', '/health/ready', '/health', '/metrics']) {
        expect({ path, status: (await limited.api('GET', path)).status }).toEqual({ path, status: 200 });
      }
    }
    expect((await limited.api('GET', '/health/live')).body).toEqual({ status: 'ok' });
    expect((await limited.api('GET', '/health/ready')).body).toMatchObject({ status: 'ok', postgres: { ok: true }, temporal: { ok: true } });
    // The API itself still is.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await limited.api('GET', '/v1/accounts/acme/licenses')).status);
    expect(statuses).toEqual([200, 200, 429]);
  } finally {
    await limited.stop();
  }
});

test('with no worker, reading an invitation, a request or a user answers 503 problem+json with Retry-After, not 500', async () => {
  const noWorker = await startTestStack({ inProcessWorker: false });
  try {
    const invited = await noWorker.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'nobody-polls@acme.test' } });
    expect(invited.status).toBe(201);
    const invitation = `/v1/accounts/acme/invitations/${encodeURIComponent(invited.body.invitations[0].id)}`;
    const requested = await noWorker.api('POST', '/v1/accounts/acme/provisioning-requests', { body: { users: [{ userType: 'video_pro', email: 'later@acme.test', firstName: 'La', lastName: 'Ter', setup: { option: 'activate_later' } }] } });
    expect(requested.status).toBe(202);
    const { rows } = await noWorker.db.query<{ id: string }>(
      `INSERT INTO users (account_id, email, provisioning_workflow_id) VALUES ('acme', 'waiting@acme.test', $1) RETURNING id`,
      [requested.body.workflowId],
    );
    for (const [method, path] of [
      ['GET', invitation],
      ['GET', `/v1/accounts/acme/provisioning-requests/${requested.body.requestId}`],
      ['GET', `/v1/accounts/acme/users/${rows[0]!.id}`],
      ['POST', `${invitation}/resend`],
    ] as const) {
      const started = Date.now();
      const res = await noWorker.api(method, path);
      expect({ path, status: res.status }).toEqual({ path, status: 503 });
      expectProblem(res, 503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  } finally {
    await noWorker.stop();
  }
});

test('with the Temporal server down, every call answers 503 problem+json with Retry-After within 3 s', async () => {
  const invited = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'before-outage@acme.test' } });
  const invitation = `/v1/accounts/acme/invitations/${encodeURIComponent(invited.body.invitations[0].id)}`;
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` }); // nothing listens there
  const app = await buildApp({ db: stack.db, temporal: new Client({ connection }), taskQueue: stack.taskQueue, invitationTokenSecret: 'x'.repeat(32), publicBaseUrl: 'http://127.0.0.1' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    for (const [method, url, body] of [
      ['GET', invitation, undefined],
      ['POST', '/v1/accounts/acme/invitations', { channel: 'email', emails: 'during-outage@acme.test' }],
      ['POST', `${invitation}/resend`, undefined],
      ['DELETE', invitation, undefined],
      ['GET', '/health/ready', undefined],
    ] as const) {
      const started = Date.now();
      const res = await fetch(base + url, {
        method,
        headers: { authorization: `Bearer ${stack.account.credential}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const answer = await res.json();
      const elapsed = Date.now() - started;
      recordCounts('with Temporal down', { method, url, status: res.status, elapsedMs: elapsed });
      expect({ url, status: res.status }).toEqual({ url, status: 503 });
      if (url === '/health/ready') {
        expect(answer).toMatchObject({ status: 'degraded', postgres: { ok: true }, temporal: { ok: false } });
      } else {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(answer).toMatchObject({ ...PROBLEM_FIELDS, status: 503, type: '/problems/service-unavailable' });
      }
      expect({ url, elapsed: elapsed < 3_000 }).toEqual({ url, elapsed: true });
    }
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    // The SDK's retries of the calls above end at their deadline; the connection closes after them.
    await new Promise((r) => setTimeout(r, 4_000));
  } finally {
    await app.close();
    await connection.close();
  }
});

test('the OpenAPI document names every error answer of every operation as problem+json, and the optional body as optional', async () => {
  const doc = (await stack.api('GET', '/docs/json', { credential: null })).body;
  const problems: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }>; security?: unknown[] }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const statuses = Object.keys(op.responses);
      const expected = [...(path.startsWith('/health/live') ? [] : ['503']), ...(op.security ? ['400', '401', '403', '404', '429'] : [])];
      for (const s of expected) if (!statuses.includes(s)) problems.push(`${method} ${path}: no ${s}`);
      for (const [status, r] of Object.entries(op.responses)) {
        const types = Object.keys(r.content ?? {});
        // The pages a person opens answer their own 4xx as HTML pages.
        const page = /^\/(signup|join)\//.test(path) && types.join() === 'text/html';
        if (Number(status) >= 400 && !page && !types.includes('application/problem+json')) problems.push(`${method} ${path} ${status}: ${types.join(', ')}`);
        if (Number(status) >= 400 && types.includes('application/json') && !path.startsWith('/health')) problems.push(`${method} ${path} ${status}: application/json`);
      }
    }
  }
  expect(problems).toEqual([]);
  expect(doc.paths['/v1/accounts/{accountId}/invitations/{invitationId}'].get.responses['503'].content['application/problem+json'].schema.properties)
    .toMatchObject({ type: expect.anything(), title: expect.anything(), status: expect.anything(), detail: expect.anything() });
  expect(doc.paths['/v1/accounts/{accountId}/invite-link'].post.requestBody.required).not.toBe(true);
  expect((await stack.api('POST', '/v1/accounts/acme/invite-link')).status).toBe(201);
  expect(doc.paths['/health/live'].get).toBeDefined();
  expect(doc.paths['/health/ready'].get).toBeDefined();
});
