// Property-based, on the routes that let admins see and move a whole company: the lists and their
// summaries (filters and cursors), invitation batches (CSV and JSON uploads, bulk actions by ids
// and by filter, a batch's page, cancel, report) and invitation requests (the admins' list and
// decisions, the expired-link page's request). Whatever the query string or body, the answer is
// never a 5xx, and every 4xx is problem+json (the link's page answers as an HTML page).
// The seed is in the test's name; FC_SEED=<seed> npx jest test/fast/fuzz-admin-routes.test.ts replays a run.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { startApiOnly, type ApiOnly } from '../support/api-only';
import { recordCounts } from '../support/test-logs';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);

let stack: ApiOnly;
let batchId: string;
let invitationId: string;
beforeAll(async () => {
  stack = await startApiOnly({ rateLimits: { apiPerMinute: 1_000_000, signupSubmitsPerMinute: 1_000_000, signupViewsPerMinute: 1_000_000, invitationRequestsPerHour: 1_000_000 } });
  // Something for ids and filters to find: an invitation (read model only), a batch of it, and a request for it.
  invitationId = 'invitation:acme:fuzz@acme.test';
  await stack.db.query(
    `INSERT INTO invitations (id, account_id, channel, invitee_email, invited_by, stage, stage_since) VALUES ($1, 'acme', 'email', 'fuzz@acme.test', $2, 'expired', now())`,
    [invitationId, stack.account.superAdminId],
  );
  await stack.db.query(`INSERT INTO invitation_requests (account_id, invitation_id, token_hash, invitee, follow_up_started_at) VALUES ('acme', $1, 'h', 'fuzz@acme.test', now())`, [invitationId]);
  const batch = await stack.api('POST', '/v1/accounts/acme/invitation-batches', { body: { action: 'resend', invitationIds: [invitationId] } });
  expect(batch.status).toBe(202);
  batchId = batch.body.batchId;
}, 60_000);
afterAll(() => stack?.stop());

const stages = ['scheduled', 'sending', 'awaiting_signup', 'license_pending', 'activated', 'expired', 'revoked', 'delivery_failed', 'reserving', 'failed', 'completed'];
const nasty = fc.oneof(
  fc.constantFrom('', ' ', ',', ',,', '%', '_', '\\', '\u0000', '😀', '-1', '0', '1e309', 'NaN', 'null', '[]', '{}', 'P', 'PT', 'P-1D', '2d', '36h', '0s', '1000y', '9999999999999999999d'),
  fc.constantFrom('2026-11-01T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-01', '0000-01-01T00:00:00+00:00', '00000000-0000-0000-0000-000000000000', '+14155550123', '+', 'ana@', 'ANA@ACME.TEST'),
  fc.constantFrom(...stages, 'email', 'text', 'link', 'admin', 'user', 'super_admin', 'ringex', 'video_pro_plus', 'video_pro', 'mobile', 'pending', 'approved', 'dismissed', 'done', 'failed'),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const cursor = fc.oneof(
  nasty,
  fc.base64String({ maxLength: 80 }),
  // A well-formed cursor of some list with made-up contents.
  fc.record({ v: fc.constantFrom(1, 2, '1'), k: fc.constantFrom('invitations', 'users', 'provisioning-requests', 'invitation-requests', 'x'), f: fc.string({ maxLength: 20 }), t: fc.oneof(fc.constant('2026-11-01T00:00:00.000000Z'), fc.string({ maxLength: 30 })), i: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })) })
    .map((c) => Buffer.from(JSON.stringify(c)).toString('base64url')),
);
const filterKeys = ['stage', 'channel', 'email', 'emailPrefix', 'phone', 'phonePrefix', 'role', 'license', 'invitedBy', 'createdAfter', 'createdBefore', 'expiringWithin', 'status', 'requestedBy', 'withFailures', 'phoneNumber', 'phoneNumberPrefix', 'outcome', 'dryRun', 'timeZone', 'colour'];
const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...filterKeys, 'limit', 'cursor'), fc.string({ maxLength: 12 })), fc.oneof(nasty, cursor, fc.integer({ min: -5, max: 10_000 }).map(String))), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

const filterValue = fc.oneof(nasty, fc.array(nasty, { maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 6 }), nasty, { maxKeys: 3 }));
const filter = fc.oneof(
  fc.dictionary(fc.constantFrom(...filterKeys), filterValue, { maxKeys: 5 }),
  fc.constantFrom({}, { stage: 'expired' }, { stage: ['expired', 'revoked'], emailPrefix: 'fuzz' }, { createdAfter: '2026-11-01T00:00:00Z', expiringWithin: '2d' }),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
);
const csvLine = fc.array(fc.oneof(nasty, fc.constantFrom('ana@acme.test', 'admin', 'ringex', 'fr', '2030-04-01T09:00 Europe/Paris', '"a,b"', '"unclosed')), { maxLength: 6 }).map((cells) => cells.join(','));
const csv = fc
  .tuple(fc.constantFrom('email,role,license,locale,send at', 'phone', 'email', 'Email;Role', '', 'email,email'), fc.array(csvLine, { maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([h, rows, eol]) => [h, ...rows].join(eol));
const batchBody = fc.oneof(
  fc.record({ action: fc.oneof(fc.constantFrom('resend', 'remind', 'revoke'), nasty), invitationIds: fc.oneof(fc.array(fc.oneof(nasty, fc.constant('invitation:acme:fuzz@acme.test')), { maxLength: 5 }), nasty) }, { requiredKeys: [] }),
  fc.record({ action: fc.oneof(fc.constantFrom('resend', 'remind', 'revoke'), nasty), filter }, { requiredKeys: [] }),
  fc.record({ action: fc.constantFrom('resend', 'revoke'), filter, invitationIds: fc.array(nasty, { maxLength: 2 }) }),
  fc.record({ invitations: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('email', 'phone', 'role', 'license', 'locale', 'sendAt', 'x'), filterValue, { maxKeys: 4 }), { maxLength: 4 }), nasty), timeZone: nasty }, { requiredKeys: [] }),
).map((b) => JSON.stringify(b));

type Request = { method: InjectOptions['method']; url: string; body?: string; type?: string };
const id = () => fc.oneof(fc.constant(batchId), fc.uuid(), nasty);
const request: fc.Arbitrary<Request> = fc.oneof(
  fc.tuple(fc.constantFrom('invitations', 'users', 'provisioning-requests', 'invitation-requests'), fc.boolean(), queryString)
    .map(([list, summary, q]) => ({ method: 'GET' as const, url: `/v1/accounts/acme/${list}${summary && list !== 'invitation-requests' ? '/summary' : ''}?${q}` })),
  fc.tuple(queryString, fc.oneof(batchBody, csv, fc.json(), nasty), fc.constantFrom('application/json', 'text/csv', 'text/csv; charset=utf-8', 'text/plain', undefined))
    .map(([q, body, type]) => ({ method: 'POST' as const, url: `/v1/accounts/acme/invitation-batches?${q}`, body, type })),
  fc.tuple(id(), queryString, fc.constantFrom('', '/cancel', '/report.csv')).map(([b, q, tail]) => ({ method: tail === '/cancel' ? ('POST' as const) : ('GET' as const), url: `/v1/accounts/acme/invitation-batches/${encodeURIComponent(b)}${tail}?${q}` })),
  fc.tuple(id(), fc.constantFrom('', '/approval', '/dismissal')).map(([r, tail]) => ({ method: tail ? ('POST' as const) : ('GET' as const), url: `/v1/accounts/acme/invitation-requests/${encodeURIComponent(r)}${tail}` })),
  fc.tuple(nasty, fc.option(fc.string({ maxLength: 40 }), { nil: undefined })).map(([token, body]) => ({ method: 'POST' as const, url: `/signup/${encodeURIComponent(token)}/invitation-request`, body, type: 'application/x-www-form-urlencoded' })),
);

test(`no generated request to the lists, batches, bulk actions or invitation requests gets a 5xx; every 4xx is a problem (seed ${seed})`, async () => {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(request, fc.constantFrom('valid', 'valid', 'valid', 'none'), async (r, who) => {
      const headers: Record<string, string> = {};
      if (r.body !== undefined && r.type) headers['content-type'] = r.type;
      if (who === 'valid') headers.authorization = `Bearer ${stack.account.credential}`;
      const res = await stack.app.inject({ method: r.method, url: r.url, headers, payload: r.body });
      const route = r.url.replace(/\?.*$/, '').replace(/\/v1\/accounts\/acme\//, '').split('/').slice(0, 1).join('/');
      const key = `${r.method} ${route} ${res.statusCode}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (res.statusCode >= 500) throw new Error(`${r.method} ${r.url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
      if (res.statusCode >= 400) {
        const type = String(res.headers['content-type'] ?? '');
        if (r.url.startsWith('/signup/') && type.startsWith('text/html')) return;
        if (!type.startsWith('application/problem+json')) throw new Error(`${r.method} ${r.url} → ${res.statusCode} as ${type}: ${res.body.slice(0, 200)}`);
        const problem = JSON.parse(res.body) as { type?: unknown; status?: unknown; detail?: unknown };
        if (typeof problem.type !== 'string' || problem.status !== res.statusCode || typeof problem.detail !== 'string') throw new Error(`not a problem: ${res.body.slice(0, 200)}`);
      }
    }),
    { numRuns: 800, seed },
  );
  recordCounts(`fuzzed admin routes (seed ${seed})`, Object.fromEntries([...seen].sort()));
  // The generators reach past validation too: some requests were answered 200/202.
  expect([...seen.keys()].some((k) => / 20[02]$/.test(k))).toBe(true);
}, 240_000);
