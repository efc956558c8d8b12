// The invitation-requests list pages like every list: newest first by keyset, an opaque cursor tied
// to its list and filter, no row twice and none skipped while requests arrive underneath.
import { startApiOnly, type ApiOnly } from '../support/api-only';

let stack: ApiOnly;
beforeAll(async () => {
  stack = await startApiOnly();
});
afterAll(() => stack?.stop());

const path = '/v1/accounts/acme/invitation-requests';
let n = 0;

/** A request as the page records it (with its invitation), `ago` seconds back; pending unless decided. */
async function request(ago: number, status: 'pending' | 'dismissed' = 'pending'): Promise<string> {
  n += 1;
  const email = `asker${n}@acme.test`;
  const invitationId = `invitation:acme:${email}`;
  await stack.db.query(
    `INSERT INTO invitations (id, account_id, channel, invitee_email, invited_by, stage, stage_since) VALUES ($1, 'acme', 'email', $2, $3, 'expired', now())`,
    [invitationId, email, stack.account.superAdminId],
  );
  const { rows } = await stack.db.query(
    `INSERT INTO invitation_requests (account_id, invitation_id, token_hash, invitee, status, requested_at, follow_up_started_at)
     VALUES ('acme', $1, $2, $3, $4, now() - make_interval(secs => $5), now()) RETURNING id`,
    [invitationId, `hash-${n}`, email, status, ago],
  );
  return rows[0].id;
}

async function allPages(query: string, between?: () => Promise<void>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: any = await stack.api('GET', `${path}?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.invitationRequests.map((r: any) => r.id));
    cursor = res.body.nextCursor;
    pages += 1;
    if (between) await between();
  } while (cursor);
  return { ids, pages };
}

test('pages newest first with an opaque cursor; requests made meanwhile are neither repeated nor make a row skip', async () => {
  const made: string[] = [];
  for (let i = 0; i < 7; i++) made.push(await request(100 - i)); // made[6] is the newest
  // Two requested in the same instant: the id breaks the tie, each shows once.
  await stack.db.query(`UPDATE invitation_requests SET requested_at = (SELECT requested_at FROM invitation_requests WHERE id = $1) WHERE id = $2`, [made[3], made[4]]);
  const dismissed = await request(50, 'dismissed');

  const arriving: string[] = [];
  const { ids, pages } = await allPages('limit=2&status=pending', async () => {
    arriving.push(await request(0));
  });
  expect(pages).toBe(4);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual([...made].sort());
  expect(ids).not.toContain(dismissed);

  const first = await stack.api('GET', `${path}?limit=3`);
  expect(first.body.invitationRequests[0].id).toBe(arriving.at(-1));
  expect(typeof first.body.nextCursor).toBe('string');
});

test('a cursor from another filter, another list or altered is a 400 naming the cursor', async () => {
  await request(10);
  await request(9);
  const page = await stack.api('GET', `${path}?limit=1&status=pending`);
  const cursor = page.body.nextCursor as string;
  const other = await stack.api('GET', `${path}?limit=1&status=dismissed&cursor=${cursor}`);
  expect(other.status).toBe(400);
  expect(other.body.errors).toEqual([{ field: 'querystring.cursor', message: expect.stringContaining('other filters') }]);
  const invitationsCursor = (await stack.api('GET', '/v1/accounts/acme/invitations?limit=1')).body.nextCursor as string;
  const wrongList = await stack.api('GET', `${path}?limit=1&status=pending&cursor=${invitationsCursor}`);
  expect(wrongList.status).toBe(400);
  expect(wrongList.body.errors[0].message).toContain('another list');
  expect((await stack.api('GET', `${path}?cursor=${cursor.slice(0, -3)}xyz`)).status).toBe(400);
  expect((await stack.api('GET', `${path}?limit=0`)).status).toBe(400);
  expect((await stack.api('GET', `${path}?limit=201`)).status).toBe(400);
});
