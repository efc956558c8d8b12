// Bulk actions on a filter (the invitation list's filters) against the real stack: the filter
// selects what the list shows, says how many, and goes through the same batch mechanism as ids;
// a filter selecting nothing or more than 10,000 is a 409 saying how to narrow it; a bad filter
// value is a 400 naming it.
import { startTestStack, eventually, type TestStack } from '../support/stack';
import { batchesPath, endedBatch, setBatchPace } from '../support/batches';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const stageOf = async (accountId: string, id: string, credential: string) =>
  (await stack.api('GET', `/v1/accounts/${accountId}/invitations/${encodeURIComponent(id)}`, { credential })).body.stage;

test('resend expired by filter: the list\'s filter selects them, says how many, and each gets one new link', async () => {
  const account = await stack.createAccount({ id: 'bulk-filter', companyDomains: ['filter.test'], invitationLifetimeSeconds: 3 });
  await setBatchPace(stack, account.id, 100_000);
  const expiring = ['x0@filter.test', 'x1@filter.test', 'x2@filter.test'];
  const first = await stack.api('POST', `/v1/accounts/${account.id}/invitations`, { body: { channel: 'email', emails: expiring }, credential: account.credential });
  expect(first.status).toBe(201);
  const expiredIds: string[] = first.body.invitations.map((i: any) => i.id);
  for (const id of expiredIds) await eventually(async () => (await stageOf(account.id, id, account.credential)) === 'expired', 30_000, `${id} to expire`);
  // Invited after the others expired: awaiting signup, so the filter leaves them out.
  await stack.db.query(`UPDATE accounts SET invitation_lifetime_seconds = 86400 WHERE id = $1`, [account.id]);
  const fresh = await stack.api('POST', `/v1/accounts/${account.id}/invitations`, { body: { channel: 'email', emails: ['y0@filter.test', 'y1@filter.test'] }, credential: account.credential });
  for (const i of fresh.body.invitations) await eventually(async () => (await stageOf(account.id, i.id, account.credential)) === 'awaiting_signup');

  const body = { action: 'resend', filter: { stage: 'expired', emailPrefix: 'x' } };
  const dry = await stack.api('POST', `${batchesPath(account.id)}?dryRun=true`, { body, credential: account.credential });
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ dryRun: true, kind: 'resend', matched: 3, rows: 3, byChannel: { email: 3, text: 0 } });
  expect((await stack.db.query(`SELECT count(*)::int AS n FROM invitation_batches WHERE account_id = $1`, [account.id])).rows[0].n).toBe(0);

  const res = await stack.api('POST', batchesPath(account.id), { body, credential: account.credential, headers: { 'idempotency-key': 'resend-expired-1' } });
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({ kind: 'resend', rowCount: 3, matched: 3, created: true });
  const batch = await endedBatch(stack, account.id, res.body.batchId, account.credential);
  expect(batch.totals).toMatchObject({ accepted: 3, done: 3, skipped: 0, failed: 0 });
  expect(new Set(batch.rows.map((r: any) => r.invitationId))).toEqual(new Set(expiredIds));
  for (const e of expiring) await eventually(async () => stack.inbox.messages.filter((m) => m.to[0] === e).length === 2, 20_000, `the new link to ${e}`);
  for (const id of expiredIds) expect(await stageOf(account.id, id, account.credential)).toBe('awaiting_signup');

  // Posted again with its key: the same batch, nothing new; and nobody got a third email.
  const again = await stack.api('POST', batchesPath(account.id), { body, credential: account.credential, headers: { 'idempotency-key': 'resend-expired-1' } });
  expect(again.body.batchId).toBe(res.body.batchId);
  await new Promise((r) => setTimeout(r, 500));
  for (const e of expiring) expect(stack.inbox.messages.filter((m) => m.to[0] === e)).toHaveLength(2);
  for (const e of ['y0@filter.test', 'y1@filter.test']) expect(stack.inbox.messages.filter((m) => m.to[0] === e)).toHaveLength(1);

  // Now nothing is expired: the same filter selects nothing, and says so.
  const none = await stack.api('POST', batchesPath(account.id), { body, credential: account.credential });
  expect(none.status).toBe(409);
  expect(none.body).toMatchObject({ type: expect.stringContaining('bulk-filter-out-of-range'), matched: 0, max: 10_000 });
});

test('a filter selecting more than 10,000 is refused with the count and how to narrow it; a narrower one goes', async () => {
  const account = await stack.createAccount({ id: 'bulk-many', companyDomains: ['many.test'] });
  // 10,050 expired invitations straight into the read model's table (no workflows: the selection is all this test reads).
  await stack.db.query(
    `INSERT INTO invitations (id, account_id, channel, invitee_email, invited_by, stage, stage_since, created_at)
     SELECT 'invitation:bulk-many:p' || n || '@many.test', $1, 'email', 'p' || n || '@many.test', $2, 'expired', now(), now() - n * interval '1 minute'
       FROM generate_series(1, 10050) n`,
    [account.id, account.superAdminId],
  );
  const res = await stack.api('POST', `${batchesPath(account.id)}?dryRun=true`, { body: { action: 'resend', filter: { stage: ['expired'] } }, credential: account.credential });
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ matched: 10_050, max: 10_000, errors: [{ field: 'filter', message: 'selects 10050, more than 10000' }] });
  expect(res.body.detail).toContain('selects 10050 invitations');
  expect(res.body.detail).toMatch(/createdAfter and createdBefore/);

  // Split by time, as the answer says: the older part is within the cap.
  const cut = (await stack.db.query(`SELECT created_at FROM invitations WHERE id = 'invitation:bulk-many:p100@many.test'`)).rows[0].created_at as Date;
  const older = await stack.api('POST', `${batchesPath(account.id)}?dryRun=true`, { body: { action: 'resend', filter: { stage: 'expired', createdBefore: cut.toISOString() } }, credential: account.credential });
  expect(older.status).toBe(200);
  expect(older.body).toMatchObject({ matched: 9_950, rows: 9_950 });
});

test('a bad filter is a 400 naming the field; ids and a filter together are refused; users act on their own invitations only', async () => {
  const account = await stack.createAccount({ id: 'bulk-bad', companyDomains: ['bad.test'] });
  const bad = await stack.api('POST', batchesPath(account.id), { body: { action: 'revoke', filter: { stage: 'sleeping' } }, credential: account.credential });
  expect(bad.status).toBe(400);
  expect(bad.body.errors).toEqual([{ field: 'body.filter.stage', message: expect.stringContaining('awaiting_signup') }]);
  const unknown = await stack.api('POST', batchesPath(account.id), { body: { action: 'revoke', filter: { colour: 'red' } }, credential: account.credential });
  expect(unknown.status).toBe(400);
  expect(unknown.body.errors).toEqual([{ field: 'body.filter.colour', message: expect.any(String) }]);
  const both = await stack.api('POST', batchesPath(account.id), { body: { action: 'revoke', filter: {}, invitationIds: ['x'] }, credential: account.credential });
  expect(both.status).toBe(400);
  expect(both.body.errors[0].message).toContain('exactly one');

  // A user's filter sees what the list shows them: their own invitations.
  const user = await stack.db.query(`INSERT INTO users (account_id, email, first_name, last_name, role, status) VALUES ($1, 'u@bad.test', 'Uma', 'User', 'user', 'active') RETURNING id`, [account.id]);
  const userCredential = (await stack.api('POST', `/v1/accounts/${account.id}/credentials`, { body: { userId: user.rows[0].id }, credential: account.credential })).body.secret;
  await stack.db.query(
    `INSERT INTO invitations (id, account_id, channel, invitee_email, invited_by, stage, stage_since)
     VALUES ('invitation:bulk-bad:a@bad.test', $1, 'email', 'a@bad.test', $2, 'awaiting_signup', now()),
            ('invitation:bulk-bad:b@bad.test', $1, 'email', 'b@bad.test', $3, 'awaiting_signup', now())`,
    [account.id, account.superAdminId, user.rows[0].id],
  );
  const mine = await stack.api('POST', `${batchesPath(account.id)}?dryRun=true`, { body: { action: 'remind', filter: { stage: 'awaiting_signup' } }, credential: userCredential });
  expect(mine.status).toBe(200);
  expect(mine.body.matched).toBe(1);
  const admin = await stack.api('POST', `${batchesPath(account.id)}?dryRun=true`, { body: { action: 'remind', filter: { stage: 'awaiting_signup' } }, credential: account.credential });
  expect(admin.body.matched).toBe(2);
});
