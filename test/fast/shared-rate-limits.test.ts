// Rate limits hold across API processes: two apps built by `buildApp`, each with its own pool and
// its own in-process state, against one database, as `docker compose up --scale api=2` runs them
// behind the proxy. A caller spread over both gets the limit once, not once per process.
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { buildApp } from '../../api/app';
import { createDb, type Db } from '../../db';
import { startApiOnly, type ApiOnly } from '../support/api-only';
import { recordCounts } from '../support/test-logs';

const LIMITS = { apiPerMinute: 100, signupSubmitsPerMinute: 3 };

let a: ApiOnly;
let bDb: Db;
let b: Awaited<ReturnType<typeof buildApp>>;
/** The rate-limit statements each process sends to PostgreSQL. */
const statements = { a: 0, b: 0 };

function countRateLimitStatements(db: Db, process: 'a' | 'b') {
  const query = db.query.bind(db) as (...args: unknown[]) => unknown;
  (db as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('rate_limit_hits')) statements[process] += 1;
    return query(...args);
  };
}

beforeAll(async () => {
  a = await startApiOnly({ rateLimits: LIMITS });
  bDb = createDb((a.db as unknown as { options: { connectionString: string } }).options.connectionString, { max: 5 });
  b = await buildApp({ db: bDb, temporal: a.client, taskQueue: a.taskQueue, invitationTokenSecret: randomBytes(32).toString('hex'), publicBaseUrl: 'http://127.0.0.1:1', rateLimits: LIMITS });
  countRateLimitStatements(a.db, 'a');
  countRateLimitStatements(bDb, 'b');
});
afterAll(async () => {
  await b?.close();
  await bDb?.end();
  await a?.stop();
});

const apps = () => [a.app, b] as const;
async function call(app: (typeof apps extends () => readonly (infer T)[] ? T : never), options: InjectOptions) {
  const res = await app.inject(options);
  return { status: res.statusCode, retryAfter: res.headers['retry-after'], type: res.statusCode === 429 ? (res.json() as { type: string }).type : undefined };
}

test('one credential spread over two API processes gets its limit once, within a twentieth per extra process', async () => {
  const headers = { authorization: `Bearer ${a.account.credential}` };
  const statuses: number[] = [];
  // Round-robin, as the proxy spreads requests; one at a time so the order is the test's.
  for (let i = 0; i < 130; i++) statuses.push((await call(apps()[i % 2]!, { method: 'GET', url: '/v1/accounts/acme/licenses', headers })).status);
  const admitted = statuses.filter((s) => s === 200).length;
  recordCounts('shared rate limit: 130 requests over 2 processes, limit 100', { admitted, statements, statementsPerRequest: (statements.a + statements.b) / 130 });
  expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  // Each process alone would admit 100 (200 in all); shared, the limit is 100, overshot by at most 100/20 with two processes.
  expect(admitted).toBeGreaterThanOrEqual(LIMITS.apiPerMinute);
  expect(admitted).toBeLessThanOrEqual(LIMITS.apiPerMinute + LIMITS.apiPerMinute / 20);
  // Once limited, limited on both.
  expect(statuses.slice(statuses.indexOf(429)).every((s) => s === 429)).toBe(true);
  const limited = await call(b, { method: 'GET', url: '/v1/accounts/acme/licenses', headers });
  expect(limited).toMatchObject({ status: 429, type: '/problems/rate-limited' });
  expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  // Most requests were decided without a round trip of their own.
  expect(statements.a + statements.b).toBeLessThan(130 / 2);
});

test('a small limit is exact across processes: a route limit of 3 a minute per address, tried on both', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    statuses.push((await call(apps()[i % 2]!, { method: 'POST', url: `/signup/${'q'.repeat(40)}${i}`, headers: form, payload: 'a=b', remoteAddress: '203.0.113.7' })).status);
  }
  expect(statuses.slice(0, LIMITS.signupSubmitsPerMinute).every((s) => s !== 429)).toBe(true);
  expect(statuses.slice(LIMITS.signupSubmitsPerMinute)).toEqual([429, 429, 429]);
  // Another address has its own count.
  expect((await call(b, { method: 'POST', url: `/signup/${'q'.repeat(43)}`, headers: form, payload: 'a=b', remoteAddress: '203.0.113.8' })).status).not.toBe(429);
});

test('behind the proxy, each client address has its own count (TRUST_PROXY)', async () => {
  const proxied = await buildApp({ db: bDb, temporal: a.client, taskQueue: a.taskQueue, invitationTokenSecret: randomBytes(32).toString('hex'), publicBaseUrl: 'http://127.0.0.1:1', rateLimits: LIMITS, trustProxy: '127.0.0.1' });
  try {
    const submit = (app: typeof proxied, client: string, i: number) =>
      call(app, { method: 'POST', url: `/signup/${'p'.repeat(40)}${i}`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client }, payload: 'a=b' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await submit(proxied, '198.51.100.1', i)).status);
    expect(statuses.map((s) => s === 429)).toEqual([false, false, false, true]);
    // Another client through the same proxy is not limited by the first one's tries.
    expect((await submit(proxied, '198.51.100.2', 9)).status).not.toBe(429);
    // Without trusting the proxy, X-Forwarded-For is ignored: everyone is the proxy's address (127.0.0.1 here).
    const untrusted: number[] = [];
    for (let i = 0; i < 4; i++) untrusted.push((await submit(b, `198.51.100.${10 + i}`, i)).status);
    expect(untrusted.map((s) => s === 429)).toEqual([false, false, false, true]);
  } finally {
    await proxied.close();
  }
});
