// The lists' filters, pages and summaries, on rows written straight into the read model (the
// workflows writing it are read-model.test.ts): every filter against the same predicate computed
// here; the cursor while rows are inserted and changed between pages; tenancy; bad input.
import fc from 'fast-check';
import { addPersonWithCredential } from '../../api/services/accounts';
import { invitationStages } from '../../domain/stages';
import { startTestStack, type ApiResponse, type TestStack } from '../support/stack';

let stack: TestStack;
let admin: { userId: string; credential: string };
let plainUser: { userId: string; credential: string };
let account: { id: string; superAdminId: string; credential: string };
const NOW = Date.now();
const MIN = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

interface Seeded {
  id: string; channel: string; email: string | null; phone: string | null; role: string; license: string;
  invitedBy: string; stage: string | null; createdAt: number; expiresAt: number | null;
}
const seeded: Seeded[] = [];

/** 64 invitations: every stage (and none recorded), channel, role, license and inviter, a minute apart, links expiring around now. */
async function seedInvitations() {
  const channels = ['email', 'email', 'text', 'link'];
  const expiries = [HOUR, DAY + HOUR, 3 * DAY + HOUR, -DAY];
  for (let i = 0; i < 64; i++) {
    const channel = channels[i % 4]!;
    const r: Seeded = {
      id: `invitation:lists:${i}`, channel,
      email: channel === 'text' ? null : `p${i}@${i % 3 === 0 ? 'lists.test' : 'gmail.com'}`,
      phone: channel === 'text' ? `+1415555${String(i).padStart(4, '0')}` : null,
      role: i % 5 === 0 ? 'admin' : 'user',
      license: i % 3 === 0 ? 'video_pro_plus' : 'video_pro',
      invitedBy: i % 2 ? admin.userId : plainUser.userId,
      stage: i % 9 === 8 ? null : invitationStages[(i * 5 + Math.floor(i / 7)) % 8]!,
      createdAt: NOW - DAY + i * MIN,
      expiresAt: null,
    };
    if (r.stage === 'awaiting_signup' || r.stage === 'expired') r.expiresAt = NOW + expiries[i % 4]!;
    seeded.push(r);
    await stack.db.query(
      `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_phone, role, invited_by, license, stage, stage_since, expires_at, created_at)
       VALUES ($1, 'lists', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [r.id, r.channel, r.email, r.phone, r.role, r.invitedBy, r.license, r.stage, r.stage ? new Date(r.createdAt + MIN / 2) : null, r.expiresAt ? new Date(r.expiresAt) : null, new Date(r.createdAt)],
    );
  }
}

beforeAll(async () => {
  stack = await startTestStack();
  account = await stack.createAccount({ id: 'lists', companyDomains: ['lists.test'] });
  admin = await addPersonWithCredential(stack.db, 'lists', { email: 'admin@lists.test', firstName: 'Ada', lastName: 'Min', role: 'admin' });
  plainUser = await addPersonWithCredential(stack.db, 'lists', { email: 'user@lists.test', firstName: 'Ulla', lastName: 'Ser', role: 'user' });
  await seedInvitations();
});
afterAll(() => stack?.stop());

/** Every row of a list, page after page. */
async function all(path: string, credential = account.credential, limit = 7): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: ApiResponse = await stack.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { credential });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    rows.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return rows;
}

const newestFirst = (rows: Seeded[]) => [...rows].sort((a, b) => b.createdAt - a.createdAt).map((r) => r.id);

describe('invitation filters: each one, and together, answers what the same predicate picks', () => {
  const cases: Array<[string, (r: Seeded) => boolean]> = [
    ['', () => true],
    ['stage=awaiting_signup', (r) => r.stage === 'awaiting_signup'],
    ['stage=expired,revoked', (r) => r.stage === 'expired' || r.stage === 'revoked'],
    ['stage=scheduled&stage=delivery_failed', (r) => r.stage === 'scheduled' || r.stage === 'delivery_failed'],
    ['channel=text', (r) => r.channel === 'text'],
    ['channel=link,text', (r) => r.channel !== 'email'],
    ['email=P13@GMAIL.COM', (r) => r.email === 'p13@gmail.com'],
    ['emailPrefix=p1', (r) => !!r.email?.startsWith('p1')],
    ['emailPrefix=p3@lists.', (r) => !!r.email?.startsWith('p3@lists.')],
    ['phone=%2B1415%20555-0006', (r) => r.phone === '+14155550006'],
    ['phonePrefix=%2B141555500', (r) => !!r.phone?.startsWith('+141555500')],
    ['role=admin', (r) => r.role === 'admin'],
    ['license=video_pro_plus', (r) => r.license === 'video_pro_plus'],
    ['invitedBy={admin}', (r) => r.invitedBy === admin.userId],
    [`createdAfter=${new Date(NOW - DAY + 20.5 * MIN).toISOString()}`, (r) => r.createdAt >= NOW - DAY + 20.5 * MIN],
    [`createdBefore=${new Date(NOW - DAY + 10.5 * MIN).toISOString()}`, (r) => r.createdAt < NOW - DAY + 10.5 * MIN],
    ['expiringWithin=2d', (r) => r.stage === 'awaiting_signup' && r.expiresAt! > NOW && r.expiresAt! <= NOW + 2 * DAY],
    ['expiringWithin=PT2H', (r) => r.stage === 'awaiting_signup' && r.expiresAt! > NOW && r.expiresAt! <= NOW + 2 * HOUR],
    ['stage=awaiting_signup,expired&channel=email&role=user', (r) => (r.stage === 'awaiting_signup' || r.stage === 'expired') && r.channel === 'email' && r.role === 'user'],
    ['license=video_pro&invitedBy={admin}&emailPrefix=p', (r) => r.license === 'video_pro' && r.invitedBy === admin.userId && !!r.email?.startsWith('p')],
  ];
  test.each(cases)('?%s', async (query, picks) => {
    const rows = await all(`/v1/accounts/lists/invitations?${query.replace('{admin}', admin.userId)}`);
    const expected = newestFirst(seeded.filter(picks));
    expect(rows.map((r) => r.id)).toEqual(expected);
    if (query) expect(expected.length).toBeGreaterThan(0);
  });

  test('the summary counts by stage under the same filters, in one call', async () => {
    const res = await stack.api('GET', '/v1/accounts/lists/invitations/summary?channel=email', { credential: account.credential });
    expect(res.status).toBe(200);
    const email = seeded.filter((r) => r.channel === 'email');
    expect(res.body.total).toBe(email.length);
    expect(res.body.notRecorded).toBe(email.filter((r) => r.stage === null).length);
    for (const stage of invitationStages) expect([stage, res.body.byStage[stage]]).toEqual([stage, email.filter((r) => r.stage === stage).length]);
  });

  test('a row: its workflow and a link to it in the Temporal UI; inviter named', async () => {
    const r = seeded.find((x) => x.channel === 'email' && x.stage === 'awaiting_signup' && x.invitedBy === plainUser.userId)!;
    const [row] = (await stack.api('GET', `/v1/accounts/lists/invitations?email=${r.email}`, { credential: account.credential })).body.items;
    expect(row).toEqual({
      id: r.id, workflowId: r.id, workflowUrl: `http://localhost:8233/namespaces/default/workflows/${r.id.replace(/:/g, '%3A')}`,
      channel: 'email', invitee: r.email, email: r.email, phone: null, inviteeType: null, role: r.role, license: r.license,
      invitedBy: { userId: plainUser.userId, name: 'Ulla Ser' }, stage: 'awaiting_signup', stageSince: new Date(r.createdAt + MIN / 2).toISOString(),
      expiresAt: new Date(r.expiresAt!).toISOString(), deliveryFailure: null, userId: null, createdAt: new Date(r.createdAt).toISOString(),
    });
  });

  test('a user sees only the invitations they sent; asking for another inviter\'s is refused', async () => {
    const rows = await all('/v1/accounts/lists/invitations', plainUser.credential);
    expect(rows.map((r) => r.id)).toEqual(newestFirst(seeded.filter((r) => r.invitedBy === plainUser.userId)));
    expect((await stack.api('GET', `/v1/accounts/lists/invitations?invitedBy=${admin.userId}`, { credential: plainUser.credential })).status).toBe(403);
    const summary = (await stack.api('GET', '/v1/accounts/lists/invitations/summary', { credential: plainUser.credential })).body;
    expect(summary.total).toBe(rows.length);
  });
});

describe('user and provisioning-request filters', () => {
  interface SeededUser { id?: string; email: string; role: string; license: string; status: string; stage: string | null; phone: string | null; createdAt: number }
  const users: SeededUser[] = [];
  interface SeededRequest { id: string; stage: string | null; failed: number | null; by: string; createdAt: number }
  const requests: SeededRequest[] = [];

  beforeAll(async () => {
    const stages = ['reserving', 'awaiting_activation', 'invited', 'activated', 'license_pending', null];
    for (let i = 0; i < 24; i++) {
      const u: SeededUser = {
        email: `${i % 2 ? 'Kim' : 'lee'}${i}@lists.test`, role: i % 4 === 0 ? 'admin' : 'user', license: ['ringex', 'video_pro', 'video_pro_plus'][i % 3]!,
        status: i % 5 === 0 ? 'active' : 'not_activated', stage: stages[(i * 7) % 6]!, phone: i % 3 === 0 ? `+1650555${String(i).padStart(4, '0')}` : null, createdAt: NOW - 2 * DAY + i * MIN,
      };
      const { rows } = await stack.db.query(
        `INSERT INTO users (account_id, email, role, license, status, onboarding_stage, onboarding_stage_since, onboarding_workflow_id, phone_number, extension, created_at)
         VALUES ('lists', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [u.email, u.role, u.license, u.status, u.stage, u.stage ? new Date(u.createdAt) : null, u.stage ? `provisioning:lists:r:user-${i}` : null, u.phone, 200 + i, new Date(u.createdAt)],
      );
      u.id = rows[0].id;
      users.push(u);
    }
    await stack.db.query(`INSERT INTO deskphone_inventory (id, account_id, model, user_id) VALUES ('DP-L1', 'lists', 'poly-vvx-250', $1)`, [users[3]!.id]);
    for (let i = 0; i < 12; i++) {
      const r: SeededRequest = { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, stage: ['purchasing', 'provisioning', 'completed', null][i % 4]!, failed: i % 4 === 2 ? i % 3 : null, by: i % 2 ? admin.userId : account.superAdminId, createdAt: NOW - DAY + i * MIN };
      requests.push(r);
      await stack.db.query(
        `INSERT INTO provisioning_requests (id, account_id, requested_by, user_count, workflow_id, stage, stage_since, users_failed, created_at) VALUES ($1, 'lists', $2, 3, $3, $4, $5, $6, $7)`,
        [r.id, r.by, `provisioning:lists:${r.id}`, r.stage, r.stage ? new Date(r.createdAt) : null, r.failed, new Date(r.createdAt)],
      );
    }
  });

  const userIds = async (query: string, credential = account.credential) => (await all(`/v1/accounts/lists/users?${query}`, credential)).filter((u) => u.email.endsWith('@lists.test') && /^(kim|lee)\d/i.test(u.email)).map((u) => u.id);
  const expectedUsers = (picks: (u: SeededUser) => boolean) => [...users].filter(picks).sort((a, b) => b.createdAt - a.createdAt).map((u) => u.id);

  test.each<[string, (u: SeededUser) => boolean]>([
    ['', () => true],
    ['stage=awaiting_activation,license_pending', (u) => u.stage === 'awaiting_activation' || u.stage === 'license_pending'],
    ['status=active', (u) => u.status === 'active'],
    ['license=ringex', (u) => u.license === 'ringex'],
    ['role=admin', (u) => u.role === 'admin'],
    ['email=kim5@LISTS.test', (u) => u.email === 'Kim5@lists.test'],
    ['emailPrefix=KIM1', (u) => u.email.toLowerCase().startsWith('kim1')],
    ['phoneNumber=%2B16505550003', (u) => u.phone === '+16505550003'],
    ['phoneNumberPrefix=%2B165055500', (u) => !!u.phone?.startsWith('+165055500')],
    [`createdAfter=${new Date(NOW - 2 * DAY + 11.5 * MIN).toISOString()}&createdBefore=${new Date(NOW - 2 * DAY + 17.5 * MIN).toISOString()}`, (u) => u.createdAt > NOW - 2 * DAY + 11.5 * MIN && u.createdAt < NOW - 2 * DAY + 17.5 * MIN],
  ])('users ?%s', async (query, picks) => {
    expect(await userIds(query)).toEqual(expectedUsers(picks));
  });

  test('a user row: onboarding stage and workflow, license, number, deskphone; a user sees only themselves', async () => {
    const u = users[3]!;
    const [row] = (await stack.api('GET', `/v1/accounts/lists/users?email=${encodeURIComponent(u.email)}`, { credential: account.credential })).body.items;
    expect(row).toMatchObject({
      id: u.id, license: u.license, status: u.status, phoneNumber: u.phone, extension: 203, deskphone: { kind: 'inventory', deviceId: 'DP-L1' },
      onboarding: { stage: u.stage, workflowId: 'provisioning:lists:r:user-3', workflowUrl: 'http://localhost:8233/namespaces/default/workflows/provisioning%3Alists%3Ar%3Auser-3' },
    });
    expect((await all('/v1/accounts/lists/users', plainUser.credential)).map((r) => r.id)).toEqual([plainUser.userId]);
    const summary = (await stack.api('GET', '/v1/accounts/lists/users/summary?emailPrefix=kim', { credential: account.credential })).body;
    const kims = users.filter((x) => x.email.startsWith('Kim'));
    expect(summary.total).toBe(kims.length);
    expect(summary.byStage.awaiting_activation).toBe(kims.filter((x) => x.stage === 'awaiting_activation').length);
  });

  test.each<[string, (r: SeededRequest) => boolean]>([
    ['', () => true],
    ['stage=completed', (r) => r.stage === 'completed'],
    ['requestedBy={admin}', (r) => r.by === admin.userId],
    ['withFailures=true', (r) => (r.failed ?? 0) > 0],
    ['withFailures=false', (r) => r.failed === 0],
    [`createdBefore=${new Date(NOW - DAY + 4.5 * MIN).toISOString()}`, (r) => r.createdAt < NOW - DAY + 4.5 * MIN],
  ])('provisioning requests ?%s', async (query, picks) => {
    const rows = await all(`/v1/accounts/lists/provisioning-requests?${query.replace('{admin}', admin.userId)}`);
    expect(rows.map((r) => r.id)).toEqual([...requests].filter(picks).sort((a, b) => b.createdAt - a.createdAt).map((r) => r.id));
  });

  test('provisioning requests are for admins', async () => {
    const res = await stack.api('GET', '/v1/accounts/lists/provisioning-requests', { credential: plainUser.credential });
    expect([res.status, res.body.type]).toEqual([403, '/problems/forbidden']);
    const [row] = (await stack.api('GET', '/v1/accounts/lists/provisioning-requests?stage=completed&limit=1', { credential: admin.credential })).body.items;
    const r = requests[10]!;
    expect(row).toMatchObject({ id: r.id, workflowId: `provisioning:lists:${r.id}`, stage: 'completed', usersFailed: 1, userCount: 3, requestedBy: { userId: account.superAdminId, name: 'Bea Boss' } });
  });
});

describe('the cursor', () => {
  test('while rows are inserted and change stage between pages: no duplicate, no gap among the rows there at the first page', async () => {
    const paging = await stack.createAccount({ id: 'paging', companyDomains: ['paging.test'] });
    const inviter = paging.superAdminId;
    const insert = (ids: string[], createdAt: string) => stack.db.query(
      `INSERT INTO invitations (id, account_id, channel, invitee_email, invited_by, stage, created_at)
       SELECT id, 'paging', 'email', id || '@paging.test', $2, 'awaiting_signup', ${createdAt} FROM unnest($1::text[]) id`,
      [ids, inviter],
    );
    // 150 rows a second apart, and 40 created in the same microsecond (only the id orders them).
    await insert(Array.from({ length: 150 }, (_, i) => `old-${i}`), `now() - interval '1 hour' + (split_part(id, '-', 2)::int * interval '1 second')`);
    await insert(Array.from({ length: 40 }, (_, i) => `tie-${i}`), `timestamptz '2026-01-01 00:00:00.123456+00'`);
    const snapshot = new Set((await stack.db.query(`SELECT id FROM invitations WHERE account_id = 'paging'`)).rows.map((r: { id: string }) => r.id));

    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const res: ApiResponse = await stack.api('GET', `/v1/accounts/paging/invitations?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { credential: paging.credential });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
      // Between pages: new invitations arrive, and some already listed or still to come change stage.
      await insert(Array.from({ length: 5 }, (_, i) => `new-${page}-${i}`), 'now()');
      await stack.db.query(`UPDATE invitations SET stage = 'expired', stage_since = now() WHERE account_id = 'paging' AND id IN ($1, $2)`, [`old-${page * 7}`, `tie-${page}`]);
      page += 1;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect([...snapshot].filter((id) => !seen.includes(id))).toEqual([]);
    expect(page).toBeGreaterThanOrEqual(8);
  });

  test('a cursor that is not one, was altered, belongs to another list or to other filters is a 400 naming the cursor', async () => {
    const first = await stack.api('GET', '/v1/accounts/lists/invitations?limit=5&stage=awaiting_signup', { credential: account.credential });
    const cursor: string = first.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...decoded, t: 'yesterday' })).toString('base64url');
    const bad: Array<[string, RegExp]> = [
      ['/v1/accounts/lists/invitations?cursor=not-a-cursor', /not a cursor/],
      [`/v1/accounts/lists/invitations?stage=awaiting_signup&cursor=${altered}`, /not a cursor/],
      [`/v1/accounts/lists/users?cursor=${cursor}`, /another list/],
      [`/v1/accounts/lists/invitations?stage=expired&cursor=${cursor}`, /other filters/],
      [`/v1/accounts/lists/invitations?cursor=${cursor}`, /other filters/],
    ];
    for (const [path, message] of bad) {
      const res = await stack.api('GET', path, { credential: account.credential });
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 400, expect.stringContaining('application/problem+json')]);
      expect(res.body).toMatchObject({ type: '/problems/validation-error', errors: [{ field: 'querystring.cursor', message: expect.stringMatching(message) }] });
    }
    const next = await stack.api('GET', `/v1/accounts/lists/invitations?limit=5&stage=awaiting_signup&cursor=${cursor}`, { credential: account.credential });
    expect(next.status).toBe(200);
  });
});

describe('bad filters, tenancy and routing', () => {
  test.each([
    ['stage=sent', 'querystring.stage'],
    ['stage=', 'querystring.stage'],
    ['channel=fax', 'querystring.channel'],
    ['limit=0', 'querystring.limit'],
    ['limit=201', 'querystring.limit'],
    ['limit=ten', 'querystring.limit'],
    ['expiringWithin=soon', 'querystring.expiringWithin'],
    ['expiringWithin=', 'querystring.expiringWithin'],
    ['expiringWithin=-2d', 'querystring.expiringWithin'],
    ['createdAfter=yesterday', 'querystring.createdAfter'],
    ['invitedBy=me', 'querystring.invitedBy'],
    ['phone=call-me', 'querystring.phone'],
    ['colour=blue', 'querystring'],
  ])('?%s is a 400 naming %s', async (query, field) => {
    const res = await stack.api('GET', `/v1/accounts/lists/invitations?${query}`, { credential: account.credential });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContainEqual(expect.stringContaining(field));
  });

  test('another account\'s lists and summaries are 404, never a hint that it exists', async () => {
    await stack.createAccount({ id: 'other', companyDomains: ['other.test'] });
    for (const path of ['invitations', 'invitations/summary', 'users', 'users/summary', 'provisioning-requests', 'provisioning-requests/summary']) {
      const res = await stack.api('GET', `/v1/accounts/other/${path}`, { credential: account.credential });
      expect([path, res.status, res.body.type]).toEqual([path, 404, '/problems/not-found']);
      expect((await stack.api('GET', `/v1/accounts/lists/${path}`, { credential: null })).status).toBe(401);
    }
  });

  test('/invitations/summary and /users/summary are not taken for an invitation or a user', async () => {
    expect((await stack.api('GET', '/v1/accounts/lists/invitations/summary', { credential: account.credential })).body).toHaveProperty('byStage');
    expect((await stack.api('GET', '/v1/accounts/lists/users/summary', { credential: account.credential })).body).toHaveProperty('byStage');
    expect((await stack.api('GET', '/v1/accounts/lists/provisioning-requests/summary', { credential: account.credential })).body).toHaveProperty('byStage');
    expect((await stack.api('GET', `/v1/accounts/lists/invitations/${encodeURIComponent('invitation:lists:10')}`, { credential: account.credential })).status).not.toBe(400);
  });

  test('generated query strings never get a 5xx: a page, or a 400 problem', async () => {
    const key = fc.constantFrom('stage', 'channel', 'email', 'emailPrefix', 'phone', 'phonePrefix', 'role', 'license', 'invitedBy', 'createdAfter', 'createdBefore', 'expiringWithin', 'limit', 'cursor', 'x');
    const value = fc.oneof(fc.constantFrom('awaiting_signup', 'email', '+1415', 'p1', '%', '_', '\\', '2026-01-01T00:00:00Z', '2d', '0', '200', 'eyJ2IjoxfQ', ''), fc.string({ maxLength: 30 }));
    const list = fc.constantFrom('invitations', 'users', 'provisioning-requests', 'invitations/summary', 'users/summary');
    await fc.assert(fc.asyncProperty(list, fc.array(fc.tuple(key, value), { maxLength: 4 }), async (path, params) => {
      const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
      const res = await stack.api('GET', `/v1/accounts/lists/${path}?${query}`, { credential: account.credential });
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) expect(res.body.type).toBe('/problems/validation-error');
    }), { numRuns: 150 });
  });
});
