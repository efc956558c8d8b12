// Bench scenario 8: a company's identity provider pushes its people through SCIM. Each user is what
// Entra ID sends for a new assignment: a GET by `userName eq` (does it exist?) then a POST /Users;
// the connection sends invitations, so every user is onboarded by its one-user provisioning request
// until the welcome email reaches the SMTP server. The parallelism is an identity provider's:
// Microsoft asks SCIM apps to take 25 requests a second per provisioning job (and does not rate-limit
// custom, non-gallery apps), so 25 clients in parallel are sent here, as fast as the server answers.
import type { Db } from '../db';
import { createAccountWithSuperAdmin } from '../api/services/accounts';
import type { MailInbox } from '../scripts/local-stack/mail-inbox';
import { pct, pool, sleep } from './measure';

export interface ScimBenchResult {
  users: number;
  concurrency: number;
  /** All SCIM calls answered (GET + POST per user). */
  requestsSeconds: number;
  /** Until the last welcome email reached the SMTP server. */
  seconds: number;
  usersPerSecond: number;
  requestLatencyMs: { p50: number; p99: number };
  duplicates: number;
  failures: number;
  /** Creates answered 429 or 5xx and sent again. */
  retries: number;
}


export async function benchScimCreates(o: { db: Db; baseUrl: string; inbox: MailInbox; users: number; concurrency: number; log: (m: string) => void }): Promise<ScimBenchResult> {
  const { db, baseUrl, inbox, users, concurrency } = o;
  const account = await createAccountWithSuperAdmin(db, { id: 'scim-bench', name: 'SCIM Co', companyDomains: ['scim.test'], superAdmin: { email: 'boss@scim.test', firstName: 'Sc', lastName: 'Im' } });
  const admin = async (method: string, p: string, body: unknown) => {
    const res = await fetch(`${baseUrl}/v1/accounts/scim-bench${p}`, { method, headers: { authorization: `Bearer ${account.credential}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ token: string }>;
  };
  await admin('PUT', '/scim-connection', { setupOption: 'send_invite' });
  const { token } = await admin('POST', '/scim-connection/token', {});
  const scim = (method: string, p: string, body?: unknown) =>
    fetch(`${baseUrl}/scim/v2${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  const emails = Array.from({ length: users }, (_, i) => `person${i}@scim.test`);
  const wanted = new Set(emails);
  const before = inbox.messages.length;
  const latencies: number[] = [];
  let failures = 0;
  let retries = 0;
  const t = performance.now();
  await pool(emails.map((email, i) => ({ email, i })), concurrency, async ({ email, i }) => {
    const at = performance.now();
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    await found.arrayBuffer();
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], externalId: `ext-${i}`, userName: email, active: true,
      name: { givenName: `Person${i}`, familyName: 'Bench' }, emails: [{ primary: true, type: 'work', value: email }],
    };
    // As identity providers do: a 429 or 5xx is retried after Retry-After (a replay finds the first create).
    let created = await scim('POST', '/Users', body);
    for (let attempt = 0; attempt < 5 && (created.status === 429 || created.status >= 500); attempt++) {
      retries++;
      if (created.status === 500) o.log(`SCIM create ${email}: 500 ${await created.text()}`);
      else await created.arrayBuffer();
      await sleep(1000 * Number(created.headers.get('retry-after') ?? 1));
      created = await scim('POST', '/Users', body);
    }
    if (created.status !== 201 && created.status !== 200) {
      failures++;
      if (failures <= 5) o.log(`SCIM create ${email}: ${created.status} ${await created.text()}`);
      else await created.arrayBuffer();
    } else await created.arrayBuffer();
    latencies.push(performance.now() - at);
    if (i % 1000 === 999) o.log(`  ${i + 1} SCIM users created`);
  });
  const requestsSeconds = (performance.now() - t) / 1000;
  const counted = new Set<string>();
  let scanned = before;
  for (const deadline = Date.now() + 30 * 60_000; counted.size < users - failures && Date.now() < deadline;) {
    for (; scanned < inbox.messages.length; scanned++) {
      const to = inbox.messages[scanned]!.to[0]!;
      if (wanted.has(to)) counted.add(to);
    }
    await sleep(100);
  }
  const seconds = (performance.now() - t) / 1000;
  const duplicates = inbox.messages.slice(before).filter((m) => wanted.has(m.to[0]!)).length - counted.size;
  return {
    users, concurrency, requestsSeconds, seconds, usersPerSecond: counted.size / seconds,
    requestLatencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99) }, duplicates, failures, retries,
  };
}
