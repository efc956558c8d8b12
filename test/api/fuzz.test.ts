// Property-based: thousands of generated bodies, headers and paths at every route (through
// app.inject: the fast tier). Whatever comes in, the answer is never a 5xx, and every 4xx is
// problem+json (the pages a person opens answer their 4xx as HTML pages).
// The seed is in the test's name; FC_SEED=<seed> npx jest test/api/fuzz.test.ts replays a run.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { startApiOnly, type ApiOnly } from '../support/api-only';
import { recordCounts } from '../support/test-logs';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);

let stack: ApiOnly;
beforeAll(async () => {
  // Limits high enough that the generated requests reach the handlers instead of the limiter.
  stack = await startApiOnly({ rateLimits: { apiPerMinute: 1_000_000, signupSubmitsPerMinute: 1_000_000, signupViewsPerMinute: 1_000_000 } });
});
afterAll(() => stack?.stop());

const routes: Array<[string, string]> = [
  ['POST', '/v1/accounts/{account}/invitations'],
  ['GET', '/v1/accounts/{account}/invitations/{id}'],
  ['POST', '/v1/accounts/{account}/invitations/{id}/resend'],
  ['DELETE', '/v1/accounts/{account}/invitations/{id}'],
  ['POST', '/v1/accounts/{account}/invitations/{id}/license'],
  ['GET', '/v1/accounts/{account}/licenses'],
  ['POST', '/v1/accounts/{account}/licenses/{id}/seats'],
  ['GET', '/v1/accounts/{account}/invite-link'],
  ['POST', '/v1/accounts/{account}/invite-link'],
  ['DELETE', '/v1/accounts/{account}/invite-link'],
  ['POST', '/v1/accounts/{account}/invite-link/share'],
  ['GET', '/v1/accounts/{account}/credentials'],
  ['POST', '/v1/accounts/{account}/credentials'],
  ['DELETE', '/v1/accounts/{account}/credentials/{id}'],
  ['POST', '/v1/accounts/{account}/provisioning-quotes'],
  ['POST', '/v1/accounts/{account}/provisioning-requests'],
  ['GET', '/v1/accounts/{account}/provisioning-requests/{id}'],
  ['GET', '/v1/accounts/{account}/users/{id}'],
  ['POST', '/v1/accounts/{account}/users/{id}/activation'],
  ['GET', '/v1/accounts/{account}/inventory'],
  ['GET', '/signup/{id}'],
  ['POST', '/signup/{id}'],
  ['GET', '/join/{id}'],
  ['POST', '/join/{id}'],
  ['GET', '/health'],
  ['GET', '/{id}'],
  ['PATCH', '/v1/accounts/{account}/{id}'],
];

const segment = fc.oneof(
  fc.constantFrom('acme', 'globex', 'invitation:acme:ana@acme.test', 'video_pro_plus', '00000000-0000-0000-0000-000000000000', '..', '%00', '%ZZ', ''),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const fieldValue = fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 30 }), { maxLength: 25 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })));
const plausibleBody = fc.record(
  {
    channel: fc.constantFrom('email', 'text', 'fax', ''),
    emails: fieldValue, phone: fieldValue, message: fieldValue, mediaUrl: fieldValue, role: fieldValue, schedule: fc.oneof(fieldValue, fc.record({ localDateTime: fc.string(), timeZone: fc.string() })),
    seats: fieldValue, maxUses: fieldValue, expiresInDays: fieldValue, label: fieldValue, userId: fieldValue,
    dateOfBirth: fieldValue, firstName: fieldValue, password: fieldValue, acceptTerms: fieldValue, email: fieldValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  plausibleBody.map((b) => JSON.stringify(b)),
  fc.json(),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant(undefined),
);
const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml', undefined);
const credential = fc.constantFrom<'valid' | 'none' | 'bogus' | 'malformed'>('valid', 'valid', 'valid', 'none', 'bogus', 'malformed');
const extraHeader = fc.option(fc.record({ name: fc.constantFrom('idempotency-key', 'x-forwarded-for', 'accept', 'origin', 'accept-language'), value: fc.string({ unit: 'grapheme-ascii', maxLength: 300 }) }), { nil: undefined });

test(`no generated request gets a 5xx, and every 4xx says what is wrong in a machine-readable way (seed ${seed})`, async () => {
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), segment, segment, body, contentType, credential, extraHeader, async ([method, template], account, id, payload, type, who, extra) => {
      const path = template.replace('{account}', encodeURIComponent(account)).replace('{id}', encodeURIComponent(id));
      const headers: Record<string, string> = {};
      if (type && payload !== undefined) headers['content-type'] = type;
      if (who === 'valid') headers.authorization = `Bearer ${stack.account.credential}`;
      if (who === 'bogus') headers.authorization = 'Bearer po_0000000000000000000000000000000000000000000';
      if (who === 'malformed') headers.authorization = 'Basic Zm9vOmJhcg==';
      if (extra) headers[extra.name] = extra.value;
      const res = await stack.app.inject({ method: method as InjectOptions['method'], url: path, headers, payload: ['GET', 'HEAD'].includes(method) ? undefined : payload });
      const text = res.body;
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500) throw new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 300)}`);
      if (res.statusCode >= 400) {
        const typeHeader = String(res.headers['content-type'] ?? '');
        const page = /^\/(signup|join)\//.test(path) && typeHeader.startsWith('text/html');
        if (!page) {
          if (!typeHeader.startsWith('application/problem+json')) throw new Error(`${method} ${path} → ${res.statusCode} as ${typeHeader}: ${text.slice(0, 200)}`);
          const problem = JSON.parse(text) as { type?: unknown; status?: unknown; detail?: unknown };
          if (typeof problem.type !== 'string' || problem.status !== res.statusCode || typeof problem.detail !== 'string') throw new Error(`not a problem: ${text.slice(0, 200)}`);
        }
      }
    }),
    { numRuns: 2_000, seed },
  );
  recordCounts(`fuzzed statuses (seed ${seed})`, Object.fromEntries([...seen].sort()));
  expect([...seen.keys()].every((s) => s < 500)).toBe(true);
}, 300_000);
