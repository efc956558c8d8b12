// The account's shareable invite link: create, read to copy, share by email, sign up through it
// (co-worker or guest by domain), rotate, revoke, expiry and maximum uses.
import { addPersonWithCredential } from '../../api/services/accounts';
import { submitSignup, validSignup } from '../support/invitee';
import { startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const LINK = '/v1/accounts/acme/invite-link';

test('an admin creates the link; it can be read again to copy, shared by email, and used to sign up as co-worker or guest', async () => {
  const created = await stack.api('POST', LINK, { body: { maxUses: 10 } });
  expect(created.status).toBe(201);
  expect(created.body.url).toMatch(new RegExp(`^${stack.baseUrl}/join/[A-Za-z0-9_-]{40,}$`));
  const read = await stack.api('GET', LINK);
  expect(read.body).toMatchObject({ id: created.body.id, url: created.body.url, uses: 0, maxUses: 10 });

  const shared = await stack.api('POST', `${LINK}/share`, { body: { emails: 'friend1@acme.test; friend2@gmail.com' } });
  expect(shared.body).toMatchObject({ sent: expect.arrayContaining(['friend1@acme.test', 'friend2@gmail.com']), failed: [] });
  const mail = await stack.inbox.waitFor((m) => m.to.includes('friend2@gmail.com'));
  expect(mail.text).toContain(created.body.url);

  // Opening the link changes nothing.
  for (let i = 0; i < 3; i++) expect((await fetch(created.body.url)).status).toBe(200);
  expect((await stack.api('GET', LINK)).body.uses).toBe(0);

  const coworker = await submitSignup(created.body.url, { ...validSignup, email: 'joiner@acme.test' });
  expect(coworker.status).toBe(200);
  expect(coworker.html).toContain('Your account is ready');
  const guest = await submitSignup(created.body.url, { ...validSignup, email: 'joiner@gmail.com', firstName: 'Gus' });
  expect(guest.status).toBe(200);
  const { rows } = await stack.db.query(`SELECT email, user_type, status FROM users WHERE email LIKE 'joiner@%' ORDER BY email`);
  expect(rows).toEqual([
    { email: 'joiner@acme.test', user_type: 'coworker', status: 'active' },
    { email: 'joiner@gmail.com', user_type: 'guest', status: 'active' },
  ]);
  expect((await stack.api('GET', LINK)).body.uses).toBe(2);

  // A refused form uses nothing up.
  const refused = await submitSignup(created.body.url, { ...validSignup, email: 'young@acme.test', dateOfBirth: '2020-01-01' });
  expect(refused.status).toBe(422);
  expect(refused.html).toContain('at least 16 years old');
  expect((await stack.api('GET', LINK)).body.uses).toBe(2);

  // Someone who already has an account is told so.
  const again = await submitSignup(created.body.url, { ...validSignup, email: 'joiner@acme.test' });
  expect(again.status).toBe(422);
  expect(again.html).toContain('already has an account');
});

test('rotating makes the old link stop working; revoking ends the new one; users cannot do either', async () => {
  const first = await stack.api('POST', LINK, {});
  const second = await stack.api('POST', LINK, {});
  expect(second.body.url).not.toBe(first.body.url);
  expect((await fetch(first.body.url)).status).toBe(404);
  expect((await fetch(second.body.url)).status).toBe(200);

  const user = await addPersonWithCredential(stack.db, 'acme', { email: 'linkuser@acme.test', firstName: 'Lu', lastName: 'User', role: 'user' });
  expect((await stack.api('POST', LINK, { credential: user.credential })).status).toBe(403);
  expect((await stack.api('GET', LINK, { credential: user.credential })).body.url).toBe(second.body.url);

  expect((await stack.api('DELETE', LINK)).status).toBe(204);
  expect((await fetch(second.body.url)).status).toBe(404);
  expect((await submitSignup(second.body.url, { ...validSignup, email: 'late@acme.test' })).status).toBe(410);
  expect((await stack.api('GET', LINK)).status).toBe(404);
});

test('a link accepts at most its maximum number of signups', async () => {
  const link = await stack.api('POST', LINK, { body: { maxUses: 1 } });
  expect((await submitSignup(link.body.url, { ...validSignup, email: 'only-one@acme.test' })).status).toBe(200);
  const second = await submitSignup(link.body.url, { ...validSignup, email: 'one-too-many@acme.test' });
  expect(second.status).toBe(410);
  expect(second.html).toContain('used up');
  const { rowCount } = await stack.db.query(`SELECT 1 FROM users WHERE email = 'one-too-many@acme.test'`);
  expect(rowCount).toBe(0);
});

test('an expired link no longer opens', async () => {
  const link = await stack.api('POST', LINK, { body: { expiresInDays: 1 } });
  await stack.db.query(`UPDATE invite_links SET expires_at = now() - interval '1 second' WHERE id = $1`, [link.body.id]);
  expect((await fetch(link.body.url)).status).toBe(404);
  expect((await submitSignup(link.body.url, { ...validSignup, email: 'expired-link@acme.test' })).status).toBe(410);
});
