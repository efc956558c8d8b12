// The served OpenAPI document is exactly as strict as the validation, and `Allow` names exactly the
// methods a path takes: what `npm run contract` (Schemathesis) checks from outside, here through
// app.inject with the document's own schemas. A value is accepted by a route if and only if the
// document's schema for it accepts it (ST202 "schema-valid request rejected" and its mirror).
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { addPersonWithCredential } from '../../api/services/accounts';
import { startApiOnly, type ApiOnly } from '../support/api-only';

let api: ApiOnly;
let doc: { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema: object }> }>> };
beforeAll(async () => {
  // Hundreds of requests: the test is about the contract, not the limiter.
  api = await startApiOnly({ rateLimits: { apiPerMinute: 1_000_000 } });
  doc = (await api.api('GET', '/docs/json', { credential: null })).body;
});
afterAll(() => api?.stop());

const ajv = addFormats(new Ajv2020({ strict: false }));

/** Values near every filter's edges, and some the fuzzer found: each is sent alone, as a string. */
const edges = [
  '', ' ', '\t', '\u0000', 'a\u0000b', '\u00a0', '\u2028', '0', '00', 'x', ' x ', ',', 'a,,b',
  'expired', 'expired,revoked', 'expired, revoked ', ' expired', 'expired,', ',expired', 'expired,,revoked', 'EXPIRED', 'email', 'email,text', 'fax',
  'admin', 'user,admin', 'ringex', 'video_pro_plus,mobile', 'active', 'not_activated', 'completed', 'purchasing,provisioning', 'awaiting_activation',
  'ana', 'Ana@Acme.test', ' ana@acme.test ', '@', 'a'.repeat(321),
  '+14155550123', '+1 (415) 555-0123', '415.555.0123', '+', '++1', '1'.repeat(15), '1'.repeat(16), '+1-', '(', '١٢٣',
  '2d', '36h', '90m', '1w', '2 d', 'P2D', 'pt36h', 'PT90M', 'P1W', '0d', '-2d', '1y', '1.5h', '999999d', 'soon', 'P', 'PT', 'P2DT3H',
  'true', 'false', 'TRUE',
  '00000000-0000-4000-8000-000000000000', '00000000-0000-1000-8000-000000000000', 'not-a-uuid',
  '2026-11-01T00:00:00Z', '0020-02-29T00:00:00Z', '2026-11-01T00:00:00', '2026-13-01T00:00:00Z',
];

// Each summary takes its list's filters, with the same schemas (api/routes/list-routes.ts): the lists stand for both.
const listPaths = ['invitations', 'users', 'provisioning-requests'].map((p) => `/v1/accounts/{accountId}/${p}`);

/** The operation's string-valued query filters (the page's `limit` and opaque `cursor` aside) and their schemas. */
function filtersOf(path: string) {
  const params = doc.paths[path]!.get!.parameters ?? [];
  return params.filter((p) => p.in === 'query' && p.name !== 'limit' && p.name !== 'cursor');
}

/** Status of GET path?name=value, and whether the 400 (if any) names this parameter. */
async function answer(path: string, name: string, value: string) {
  const url = `${path.replace('{accountId}', 'acme')}?${new URLSearchParams({ [name]: value })}`;
  const res = await api.api('GET', url);
  return { status: res.status, fields: (res.body.errors ?? []).map((e: { field: string }) => e.field) };
}

test.each(listPaths)('GET %s: every filter value the document accepts is accepted, every one it refuses is refused', async (path) => {
  const filters = filtersOf(path);
  expect(filters.length).toBeGreaterThan(3);
  const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
  const random = fc.sample(fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[ ,a-z_0-9+().PTdhmw-]{0,14}$/)), { numRuns: 20, seed });
  const disagreements: unknown[] = [];
  for (const filter of filters) {
    const valid = ajv.compile(filter.schema);
    for (const value of [...edges, ...random]) {
      const { status, fields } = await answer(path, filter.name, value);
      const documented = valid(value);
      // The NUL check (api/validation.ts) names the field `query.…`, the schema's `querystring.…`.
      const refused = status === 400 && fields.some((f: string) => f.startsWith(`querystring.${filter.name}`) || f === `query.${filter.name}`);
      if (documented === refused || (documented && status !== 200)) disagreements.push({ filter: filter.name, value, documented, status, fields, seed });
    }
  }
  expect(disagreements.slice(0, 10)).toEqual([]);
});

test('a batch\'s time zone: the document lists the zones the batch takes', async () => {
  const op = doc.paths['/v1/accounts/{accountId}/invitation-batches']!.post as unknown as { parameters: Array<{ name: string; schema: object }> };
  const valid = ajv.compile(op.parameters.find((p) => p.name === 'timeZone')!.schema);
  for (const zone of ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', '0', 'UTC', 'europe/paris', 'Mars/Olympus_Mons', '']) {
    const res = await api.api('POST', `/v1/accounts/acme/invitation-batches?dryRun=true&timeZone=${encodeURIComponent(zone)}`, {
      headers: { 'content-type': 'text/csv' },
      body: 'email\nana@acme.test\n',
    });
    expect({ zone, accepted: res.status === 200 }).toEqual({ zone, accepted: valid(zone) });
  }
});

test('`Allow` names exactly the methods a path takes: …/invitations/summary is no invitation id', async () => {
  for (const method of ['OPTIONS', 'DELETE', 'POST', 'PUT'] as const) {
    const res = await api.api(method, '/v1/accounts/acme/invitations/summary');
    expect({ method, status: res.status, allow: res.headers.get('allow') }).toEqual({ method, status: 405, allow: 'GET, HEAD' });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  }
  // An invitation id is still an invitation id, whatever it starts with.
  for (const id of ['invitation:acme:nobody@acme.test', 'summaryx', 'summary2']) {
    const res = await api.api('DELETE', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`);
    expect({ id, status: res.status }).toEqual({ id, status: 404 });
  }
  const one = await api.api('OPTIONS', `/v1/accounts/acme/invitations/${encodeURIComponent('invitation:acme:nobody@acme.test')}`);
  expect(one.headers.get('allow')!.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD']);
});

describe('a request the document accepts is refused only for the state of the data (404, 409), never as invalid', () => {
  const credentials = { option: 'assign_credentials', password: 'hunter2hunter2', passwordConfirmation: 'hunter2hunter2', pin: '4321', pinConfirmation: '4321', securityQuestion: 'First pet?', securityAnswer: 'Rex' };

  test('activating a user: what the account or the user is now answers 409 (locations, sites, "Require unique email", the license\'s emergency location)', async () => {
    const { userId } = await addPersonWithCredential(api.db, 'acme', { email: 'later@acme.test', firstName: 'Lee', lastName: 'Later', role: 'user' });
    // Added by an admin with "activate later" (its workflow is not asked: every answer below comes first).
    await api.db.query(`UPDATE users SET license = 'ringex', provisioning_workflow_id = 'provisioning:acme:later:user-0' WHERE id = $1`, [userId]);
    const activate = (body: object) => api.api('POST', `/v1/accounts/acme/users/${userId}/activation`, { body });
    const cases: Array<[object, string, string]> = [
      [credentials, '/problems/missing-emergency-address', 'body.emergencyResponseLocation'],
      [{ ...credentials, emergencyResponseLocation: { locationId: '00000000-0000-4000-8000-000000000000' } }, '/problems/conflicts-with-account', 'body.emergencyResponseLocation.locationId'],
      [{ ...credentials, emergencyResponseLocation: { nickname: 'Lee', site: 'HQ', address: { street: '1 Main St', city: 'San Mateo', region: 'CA', postalCode: '94401', country: 'US' } } },
        '/problems/conflicts-with-account', 'body.emergencyResponseLocation.site'],
    ];
    for (const [body, type, field] of cases) {
      const res = await activate(body);
      expect({ type, status: res.status, body: res.body }).toMatchObject({ type, status: 409, body: { type, errors: [expect.objectContaining({ field })] } });
    }
    await api.db.query(`UPDATE accounts SET require_unique_email = false WHERE id = 'acme'`);
    const invite = await activate({ option: 'send_invite' });
    expect(invite.status).toBe(409);
    expect(invite.body).toMatchObject({ type: '/problems/conflicts-with-account', errors: [{ field: 'body.option' }] });
    await api.db.query(`UPDATE accounts SET require_unique_email = true WHERE id = 'acme'`);
  });

  test('a bulk action naming invitations that do not exist: 404 listing them by line, nothing done', async () => {
    const res = await api.api('POST', '/v1/accounts/acme/invitation-batches', { body: { action: 'remind', invitationIds: ['0', 'invitation:acme:nobody@acme.test'] } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/not-found', errorCount: 2, errors: [{ line: 1, field: 'invitationIds' }, { line: 2, field: 'invitationIds' }] });
  });
});
