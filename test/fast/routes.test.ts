// Every /v1 route, through app.inject against a database of its own and the run's Temporal server
// (no worker): who may call it (401 without or with a bad credential, 404 for another account's
// path, 403 for a role that may not), what it refuses (400 naming the field), and 404 for a
// resource that does not exist. Always as problem+json.
import { addPersonWithCredential } from '../../api/services/accounts';
import { startApiOnly, type ApiOnly } from '../support/api-only';

let api: ApiOnly;
let user: { userId: string; credential: string };
let admin: { userId: string; credential: string };
beforeAll(async () => {
  api = await startApiOnly();
  await api.createAccount({ id: 'globex', name: 'Globex', companyDomains: ['globex.test'] });
  user = await addPersonWithCredential(api.db, 'acme', { email: 'plain@acme.test', firstName: 'Pat', lastName: 'Plain', role: 'user' });
  admin = await addPersonWithCredential(api.db, 'acme', { email: 'admin@acme.test', firstName: 'Ada', lastName: 'Admin', role: 'admin' });
});
afterAll(() => api?.stop());

const UUID = '00000000-0000-4000-8000-000000000000';
/** An account id longer than any (64 at most). */
const LONG = 'a'.repeat(65);
const INVITATION = encodeURIComponent('invitation:acme:nobody@acme.test');
const EP = `/webhook-endpoints/ep_${'0'.repeat(24)}`;
const MSG = `msg_${'0'.repeat(32)}`;

interface Route {
  method: string;
  path: string;
  /** A body the route accepts in shape (so a refusal is about the caller, not the body). */
  body?: unknown;
  /** Bad input and the fields the 400 must name. */
  invalid?: { account?: string; path?: string; body?: unknown; fields: string[] };
  /** A role refused with 403 (the route's own rule). */
  forbiddenFor?: 'user' | 'admin';
  /** The path of a resource that does not exist: 404. */
  missing?: string;
}

const routes: Route[] = [
  { method: 'POST', path: '/invitations', body: { channel: 'email', emails: 'a@acme.test', role: 'admin' }, forbiddenFor: 'user',
    invalid: { body: { channel: 'fax', number: '1' }, fields: ['body.channel'] } },
  // An invitation id is refused only when over 400 characters, which Fastify answers first: see the known issue below.
  { method: 'GET', path: `/invitations/${INVITATION}`, missing: `/invitations/${INVITATION}` },
  { method: 'POST', path: `/invitations/${INVITATION}/resend`, missing: `/invitations/${INVITATION}/resend` },
  { method: 'DELETE', path: `/invitations/${INVITATION}`, missing: `/invitations/${INVITATION}` },
  { method: 'POST', path: `/invitations/${INVITATION}/license`, missing: `/invitations/${INVITATION}/license` },
  { method: 'GET', path: '/licenses', invalid: { account: LONG, fields: ['params.accountId'] } },
  { method: 'POST', path: '/licenses/video_pro_plus/seats', body: { seats: 1 }, forbiddenFor: 'admin',
    invalid: { path: '/licenses/gold/seats', body: { seats: 0 }, fields: ['params.license'] } },
  { method: 'GET', path: '/invite-link', invalid: { account: LONG, fields: ['params.accountId'] }, missing: '/invite-link' },
  { method: 'POST', path: '/invite-link', body: {}, forbiddenFor: 'user', invalid: { body: { maxUses: 0, expiresInDays: 366 }, fields: ['body.expiresInDays', 'body.maxUses'] } },
  { method: 'DELETE', path: '/invite-link', forbiddenFor: 'user', invalid: { account: LONG, fields: ['params.accountId'] }, missing: '/invite-link' },
  { method: 'POST', path: '/invite-link/share', body: { emails: 'z@acme.test' }, invalid: { body: { emails: 42 }, fields: ['body.emails'] }, missing: '/invite-link/share' },
  { method: 'GET', path: '/credentials', invalid: { account: LONG, fields: ['params.accountId'] } },
  { method: 'POST', path: '/credentials', body: {}, invalid: { body: { userId: 'not-a-uuid', label: 'x'.repeat(101) }, fields: ['body.userId', 'body.label'] } },
  { method: 'DELETE', path: `/credentials/${UUID}`, invalid: { path: '/credentials/not-a-uuid', fields: ['params.credentialId'] }, missing: `/credentials/${UUID}` },
  { method: 'POST', path: '/provisioning-quotes', body: { users: [{ userType: 'video_pro', email: 'q@acme.test', firstName: 'Q', lastName: 'Q', setup: { option: 'activate_later' } }] }, forbiddenFor: 'user',
    invalid: { body: { users: [{ userType: 'video_pro', email: 'q@acme.test', firstName: 'Q', lastName: 'Q', setup: { option: 'someday' } }] }, fields: ['body.users.0.setup.option'] } },
  { method: 'POST', path: '/provisioning-requests', body: { users: [{ userType: 'video_pro', email: 'r@acme.test', firstName: 'R', lastName: 'R', setup: { option: 'activate_later' } }] }, forbiddenFor: 'user',
    invalid: { body: { users: [{ userType: 'robot', email: 'r@acme.test', firstName: 'R', lastName: 'R', setup: { option: 'activate_later' } }] }, fields: ['body.users.0.userType'] } },
  { method: 'GET', path: `/provisioning-requests/${UUID}`, invalid: { path: '/provisioning-requests/not-a-uuid', fields: ['params.requestId'] }, missing: `/provisioning-requests/${UUID}` },
  { method: 'GET', path: `/users/${UUID}`, invalid: { path: '/users/not-a-uuid', fields: ['params.userId'] }, missing: `/users/${UUID}` },
  { method: 'POST', path: `/users/${UUID}/activation`, body: { option: 'send_invite' }, invalid: { body: { option: 'carrier_pigeon' }, fields: ['body.option'] }, missing: `/users/${UUID}/activation` },
  { method: 'GET', path: '/inventory', forbiddenFor: 'user', invalid: { account: LONG, fields: ['params.accountId'] } },
  { method: 'POST', path: '/invitation-batches', body: { invitations: [{ email: 'b@acme.test' }] }, invalid: { body: { invitations: 'nobody' }, fields: ['body'] } },
  { method: 'GET', path: `/invitation-batches/${UUID}`, invalid: { path: '/invitation-batches/not-a-uuid', fields: ['params.batchId'] }, missing: `/invitation-batches/${UUID}` },
  { method: 'POST', path: `/invitation-batches/${UUID}/cancel`, invalid: { path: '/invitation-batches/not-a-uuid/cancel', fields: ['params.batchId'] }, missing: `/invitation-batches/${UUID}/cancel` },
  { method: 'GET', path: `/invitation-batches/${UUID}/report.csv`, invalid: { path: '/invitation-batches/not-a-uuid/report.csv', fields: ['params.batchId'] }, missing: `/invitation-batches/${UUID}/report.csv` },
  { method: 'GET', path: '/invitations', invalid: { path: '/invitations?limit=0', fields: ['querystring.limit'] } },
  { method: 'GET', path: '/invitations/summary', invalid: { path: '/invitations/summary?stage=lost', fields: ['querystring.stage'] } },
  { method: 'GET', path: '/users', invalid: { path: '/users?limit=201', fields: ['querystring.limit'] } },
  { method: 'GET', path: '/users/summary', invalid: { path: '/users/summary?color=red', fields: ['querystring.color'] } },
  { method: 'GET', path: '/provisioning-requests', forbiddenFor: 'user', invalid: { path: '/provisioning-requests?limit=0', fields: ['querystring.limit'] } },
  { method: 'GET', path: '/provisioning-requests/summary', forbiddenFor: 'user', invalid: { path: '/provisioning-requests/summary?color=red', fields: ['querystring.color'] } },
  { method: 'GET', path: '/invitation-requests', forbiddenFor: 'user', invalid: { path: '/invitation-requests?status=maybe', fields: ['querystring.status'] } },
  { method: 'GET', path: `/invitation-requests/${UUID}`, forbiddenFor: 'user', invalid: { path: '/invitation-requests/not-a-uuid', fields: ['params.requestId'] }, missing: `/invitation-requests/${UUID}` },
  { method: 'POST', path: `/invitation-requests/${UUID}/approval`, forbiddenFor: 'user', invalid: { path: '/invitation-requests/not-a-uuid/approval', fields: ['params.requestId'] }, missing: `/invitation-requests/${UUID}/approval` },
  { method: 'POST', path: `/invitation-requests/${UUID}/dismissal`, forbiddenFor: 'user', invalid: { path: '/invitation-requests/not-a-uuid/dismissal', fields: ['params.requestId'] }, missing: `/invitation-requests/${UUID}/dismissal` },
  { method: 'POST', path: `/users/${UUID}/deactivation`, forbiddenFor: 'user', invalid: { path: '/users/not-a-uuid/deactivation', fields: ['params.userId'] }, missing: `/users/${UUID}/deactivation` },
  { method: 'POST', path: `/users/${UUID}/reactivation`, forbiddenFor: 'user', invalid: { path: '/users/not-a-uuid/reactivation', fields: ['params.userId'] }, missing: `/users/${UUID}/reactivation` },
  { method: 'GET', path: `/users/${UUID}/offboarding`, forbiddenFor: 'user', invalid: { path: '/users/not-a-uuid/offboarding', fields: ['params.userId'] }, missing: `/users/${UUID}/offboarding` },
  { method: 'POST', path: `/users/${UUID}/deskphone-return`, body: { deviceId: 'DP-1' }, forbiddenFor: 'user', invalid: { body: { deviceId: '' }, fields: ['body.deviceId'] }, missing: `/users/${UUID}/deskphone-return` },
  { method: 'GET', path: '/number-quarantine', invalid: { account: LONG, fields: ['params.accountId'] } },
  { method: 'PUT', path: '/number-quarantine', body: { quarantineSeconds: 60 }, forbiddenFor: 'user', invalid: { body: { quarantineSeconds: 0 }, fields: ['body.quarantineSeconds'] } },
  { method: 'GET', path: '/scim-connection', forbiddenFor: 'user', invalid: { account: LONG, fields: ['params.accountId'] } },
  { method: 'PUT', path: '/scim-connection', body: { setupOption: 'send_invite' }, forbiddenFor: 'user', invalid: { body: { setupOption: 'carrier_pigeon' }, fields: ['body.setupOption'] } },
  { method: 'POST', path: '/scim-connection/token', body: {}, forbiddenFor: 'user', invalid: { body: { overlapMinutes: -1 }, fields: ['body.overlapMinutes'] } },
  { method: 'DELETE', path: '/scim-connection/token', forbiddenFor: 'user', invalid: { account: LONG, fields: ['params.accountId'] } },
  { method: 'POST', path: '/webhook-endpoints', body: { url: 'https://93.184.215.14/hook', eventTypes: ['invitation.sent'] }, forbiddenFor: 'user', invalid: { body: { url: 'https://93.184.215.14/hook', eventTypes: [] }, fields: ['body.eventTypes'] } },
  { method: 'GET', path: '/webhook-endpoints', forbiddenFor: 'user', invalid: { account: LONG, fields: ['params.accountId'] } },
  { method: 'GET', path: EP, forbiddenFor: 'user', invalid: { path: '/webhook-endpoints/nope', fields: ['params.endpointId'] }, missing: EP },
  { method: 'PATCH', path: EP, body: { description: 'x' }, forbiddenFor: 'user', invalid: { body: { enabled: 'yes' }, fields: ['body.enabled'] }, missing: EP },
  { method: 'DELETE', path: EP, forbiddenFor: 'user', invalid: { path: '/webhook-endpoints/nope', fields: ['params.endpointId'] }, missing: EP },
  { method: 'POST', path: `${EP}/secret-rotation`, forbiddenFor: 'user', invalid: { path: '/webhook-endpoints/nope/secret-rotation', fields: ['params.endpointId'] }, missing: `${EP}/secret-rotation` },
  { method: 'GET', path: `${EP}/attempts`, forbiddenFor: 'user', invalid: { path: `${EP}/attempts?limit=0`, fields: ['querystring.limit'] }, missing: `${EP}/attempts` },
  { method: 'GET', path: `${EP}/messages`, forbiddenFor: 'user', invalid: { path: `${EP}/messages?status=lost`, fields: ['querystring.status'] }, missing: `${EP}/messages` },
  { method: 'POST', path: `${EP}/messages/${MSG}/replay`, forbiddenFor: 'user', invalid: { path: `${EP}/messages/nope/replay`, fields: ['params.messageId'] }, missing: `${EP}/messages/${MSG}/replay` },
  { method: 'POST', path: `${EP}/replay`, body: { since: '2026-01-01T00:00:00Z' }, forbiddenFor: 'user', invalid: { body: { since: 'yesterday' }, fields: ['body.since'] }, missing: `${EP}/replay` },
  { method: 'POST', path: `${EP}/test`, forbiddenFor: 'user', invalid: { path: '/webhook-endpoints/nope/test', fields: ['params.endpointId'] }, missing: `${EP}/test` },
];

const name = (r: Route) => `${r.method} /v1/accounts/{account}${r.path.replace(INVITATION, '{invitation}').replace(UUID, '{id}').replace(EP, '/webhook-endpoints/{endpoint}').replace(MSG, '{message}')}`;
const at = (account: string, path: string) => `/v1/accounts/${account}${path}`;

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, type: string) {
  expect({ status: res.status, type: res.body?.type }).toEqual({ status, type });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

test('the table covers every /v1 route of the OpenAPI document', async () => {
  const doc = (await api.api('GET', '/docs/json', { credential: null })).body;
  const documented = Object.entries(doc.paths as Record<string, object>)
    .filter(([p]) => p.startsWith('/v1/'))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace('/v1/accounts/{accountId}', '')}`.replace(/\{\w+\}/g, '{}')));
  const tested = routes.map((r) => `${r.method} ${r.path.replace(INVITATION, '{}').replace(UUID, '{}').replace('video_pro_plus', '{}').replace(EP, '/webhook-endpoints/{}').replace(MSG, '{}')}`);
  expect(tested.sort()).toEqual(documented.sort());
});

describe.each(routes.map((r) => [name(r), r] as const))('%s', (_name, r) => {
  const send = (path: string, credential?: string | null, body = r.body, headers?: Record<string, string>) =>
    api.api(r.method, path, { body: r.method === 'GET' || r.method === 'DELETE' ? undefined : body ?? {}, credential, headers });

  test('401 without a credential, with an unknown one, with another scheme', async () => {
    for (const [credential, headers] of [[null, undefined], ['po_0000000000000000000000000000000000000000000', undefined], [null, { authorization: 'Basic Zm9vOmJhcg==' }]] as const) {
      const res = await send(at('acme', r.path), credential, r.body, headers);
      expectProblem(res, 401, '/problems/unauthenticated');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  test('404 for another account\'s path, the same as for no account at all', async () => {
    const other = await send(at('globex', r.path));
    const none = await send(at('no-such-account', r.path));
    expectProblem(other, 404, '/problems/not-found');
    expectProblem(none, 404, '/problems/not-found');
    expect(other.body.detail.replace('globex', 'X')).toBe(none.body.detail.replace('no-such-account', 'X'));
  });

  if (r.invalid) {
    const invalid = r.invalid;
    test('400 naming what is wrong', async () => {
      const res = await send(at(invalid.account ?? 'acme', invalid.path ?? r.path), undefined, invalid.body ?? r.body);
      expectProblem(res, 400, '/problems/validation-error');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(invalid.fields));
      for (const e of res.body.errors) expect(e.message).toEqual(expect.any(String));
    });
  }

  if (r.forbiddenFor) {
    test(`403 for ${r.forbiddenFor === 'user' ? 'a user' : 'an admin without purchasing permission'}`, async () => {
      const res = await send(at('acme', r.path), (r.forbiddenFor === 'user' ? user : admin).credential);
      expectProblem(res, 403, '/problems/forbidden');
    });
  }

  if (r.missing) {
    test('404 for what does not exist', async () => {
      expectProblem(await send(at('acme', r.missing!)), 404, '/problems/not-found');
    });
  }
});

// Fastify's default maxParamLength (100) used to answer a longer path parameter with 414
// application/json before the route's schema ran (issue 14, fault 1): ids up to the schema's limit work.
test('an invitation id of 101 to 400 characters is looked up (404), a longer one is refused with 400 problem+json', async () => {
  const long = encodeURIComponent(`invitation:acme:${'l'.repeat(120)}@acme.test`);
  expectProblem(await api.api('GET', `/v1/accounts/acme/invitations/${long}`), 404, '/problems/not-found');
  const res = await api.api('GET', `/v1/accounts/acme/invitations/${'x'.repeat(401)}`);
  expectProblem(res, 400, '/problems/validation-error');
  expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['params.invitationId']);
});
