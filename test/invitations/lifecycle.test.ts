// The invitation lifecycle through the real stack: HTTP API → Temporal → worker → SMTP → PostgreSQL.
import { addPersonWithCredential } from '../../api/services/accounts';
import { birthDateForAge, linkInMail, linkInNthMailTo, submitSignup, validSignup } from '../support/invitee';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ rejectRecipient: (a) => a.startsWith('nobody@') });
});
afterAll(() => stack?.stop());

const invite = (body: Record<string, unknown>, credential?: string) =>
  stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', ...body }, credential });
const invitationPath = (id: string, account = 'acme') => `/v1/accounts/${account}/invitations/${encodeURIComponent(id)}`;
const stageOf = async (id: string) => (await stack.api('GET', invitationPath(id))).body.stage;
const mailTo = (address: string) => stack.inbox.waitFor((m) => m.to.includes(address));
const mailsTo = (address: string) => stack.inbox.messages.filter((m) => m.to.includes(address));

describe('email invitations: who, how many, in what form', () => {
  test('20 addresses in one invitation are accepted and each receives its email', async () => {
    const emails = Array.from({ length: 20 }, (_, i) => `twenty${i}@acme.test`);
    const res = await invite({ emails });
    expect(res.status).toBe(201);
    expect(res.body.invitations).toHaveLength(20);
    await Promise.all(emails.map((e) => mailTo(e)));
  });

  test('21 addresses are refused as a whole, and nothing is sent', async () => {
    const emails = Array.from({ length: 21 }, (_, i) => `many${i}@acme.test`);
    const res = await invite({ emails });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors[0].message).toMatch(/At most 20 email addresses/);
    const { rowCount } = await stack.db.query(`SELECT 1 FROM invitations WHERE invitee_email LIKE 'many%'`);
    expect(rowCount).toBe(0);
  });

  test('comma- and semicolon-separated lists are split, trimmed, lower-cased and merged', async () => {
    const res = await invite({ emails: ' Mix1@acme.test, mix2@acme.test;MIX1@acme.test ;; mix3@gmail.com ' });
    expect(res.status).toBe(201);
    expect(res.body.invitations.map((i: { invitee: string }) => i.invitee)).toEqual(['mix1@acme.test', 'mix2@acme.test', 'mix3@gmail.com']);
  });

  test('one invalid address refuses the whole request and names every bad address', async () => {
    const res = await invite({ emails: 'ok1@acme.test, not-an-address; ok2@acme.test, also@bad' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { message: string }) => e.message)).toEqual([
      '"not-an-address" is not a valid email address',
      '"also@bad" is not a valid email address',
    ]);
    const { rowCount } = await stack.db.query(`SELECT 1 FROM invitations WHERE invitee_email IN ('ok1@acme.test', 'ok2@acme.test')`);
    expect(rowCount).toBe(0);
  });

  test('co-workers by company domain, guests by any other (webmail always), admins when invited as admin', async () => {
    const res = await invite({ emails: 'colleague@acme.test, friend@gmail.com, partner@other.test' });
    expect(res.body.invitations.map((i: { inviteeType: string }) => i.inviteeType)).toEqual(['coworker', 'guest', 'guest']);
    const admin = await invite({ emails: 'newadmin@acme.test', role: 'admin' });
    expect(admin.body.invitations[0]).toMatchObject({ inviteeType: 'admin', role: 'admin' });
  });

  test('users may invite only while the account allows it; otherwise 403 that says to ask the admin', async () => {
    const user = await addPersonWithCredential(stack.db, 'acme', { email: 'user@acme.test', firstName: 'Uma', lastName: 'User', role: 'user' });
    expect((await invite({ emails: 'byuser@acme.test' }, user.credential)).status).toBe(201);
    expect((await invite({ emails: 'asadmin@acme.test', role: 'admin' }, user.credential)).status).toBe(403);
    await stack.db.query(`UPDATE accounts SET users_may_invite = false WHERE id = 'acme'`);
    try {
      const refused = await invite({ emails: 'byuser2@acme.test' }, user.credential);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/Inviting people is disabled for this account.*ask your company account admin/);
      expect((await invite({ emails: 'byadmin@acme.test' })).status).toBe(201);
    } finally {
      await stack.db.query(`UPDATE accounts SET users_may_invite = true WHERE id = 'acme'`);
    }
  });

  test('inviting the same person again returns the live invitation; an active user gets 409', async () => {
    const first = await invite({ emails: 'again@acme.test' });
    const second = await invite({ emails: 'AGAIN@acme.test' });
    expect(second.body.invitations[0]).toMatchObject({ id: first.body.invitations[0].id, created: false });
    await mailTo('again@acme.test');
    expect(mailsTo('again@acme.test')).toHaveLength(1);

    const conflict = await invite({ emails: 'boss@acme.test, someone-new@acme.test' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ type: '/problems/already-a-user', addresses: ['boss@acme.test'] });
  });
});

describe('signup', () => {
  test('age 15 is refused with the field named, and the invitation keeps waiting; at 16 the account is created and active', async () => {
    const res = await invite({ emails: 'teen@acme.test' });
    const id = res.body.invitations[0].id;
    const { url } = linkInMail(await mailTo('teen@acme.test'));

    const young = await submitSignup(url, { ...validSignup, dateOfBirth: birthDateForAge(16, 1) });
    expect(young.status).toBe(422);
    expect(young.html).toContain('id="dateOfBirth-error"');
    expect(young.html).toContain('at least 16 years old');
    expect(await stageOf(id)).toBe('awaiting_signup');

    const many = await submitSignup(url, { dateOfBirth: birthDateForAge(30), password: 'short', passwordConfirmation: 'other' });
    expect(many.status).toBe(422);
    for (const f of ['firstName', 'lastName', 'password', 'passwordConfirmation', 'acceptTerms', 'acceptPrivacy', 'acceptAcceptableUse']) {
      expect(many.html).toContain(`id="${f}-error"`);
    }

    const ok = await submitSignup(url, { ...validSignup, dateOfBirth: birthDateForAge(16) });
    expect(ok.status).toBe(200);
    expect(ok.html).toContain('Your account is ready');
    expect(await stageOf(id)).toBe('activated');
    const { rows } = await stack.db.query(`SELECT status, user_type, license, password_hash FROM users WHERE email = 'teen@acme.test'`);
    expect(rows[0]).toMatchObject({ status: 'active', user_type: 'coworker', license: 'video_pro' });
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(rows[0].password_hash).not.toContain(validSignup.password);

    // The link is used up: the page says so, and a second submission creates nothing.
    expect((await fetch(url)).status).toBe(410);
    expect((await submitSignup(url, validSignup)).html).toContain('already been used');
  });
});

describe('resend, revoke, expiry', () => {
  test('resend issues a new link and the old one stops working', async () => {
    const res = await invite({ emails: 'resend@acme.test' });
    const id = res.body.invitations[0].id;
    const old = linkInMail(await mailTo('resend@acme.test'));
    await eventually(async () => (await stageOf(id)) === 'awaiting_signup');
    const resent = await stack.api('POST', `${invitationPath(id)}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body.messages).toHaveLength(2);
    const fresh = await linkInNthMailTo(stack.inbox, 'resend@acme.test', 2);
    expect(fresh.token).not.toBe(old.token);
    expect((await fetch(old.url)).status).toBe(404);
    expect((await submitSignup(old.url, validSignup)).status).toBe(404);
    expect((await fetch(fresh.url)).status).toBe(200);
  });

  test('revoke: the link then shows that the invitation was cancelled', async () => {
    const res = await invite({ emails: 'revoke@acme.test' });
    const id = res.body.invitations[0].id;
    const { url } = linkInMail(await mailTo('revoke@acme.test'));
    await eventually(async () => (await stageOf(id)) === 'awaiting_signup');
    const revoked = await stack.api('DELETE', invitationPath(id));
    expect(revoked.body.stage).toBe('revoked');
    const page = await fetch(url);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This invitation was cancelled');
    expect((await stack.api('DELETE', invitationPath(id))).status).toBe(409);

    // Invited again after the revocation: a new invitation with a new link; the old link stays dead.
    const again = await invite({ emails: 'revoke@acme.test' });
    expect(again.body.invitations[0]).toMatchObject({ id, created: true });
    const fresh = await linkInNthMailTo(stack.inbox, 'revoke@acme.test', 2);
    expect(fresh.url).not.toBe(url);
    expect((await fetch(fresh.url)).status).toBe(200);
    expect((await fetch(url)).status).toBe(404);
  });

  test('a link expires after the account\'s lifetime; resend revives it with a new link', async () => {
    await stack.db.query(`UPDATE accounts SET invitation_lifetime_seconds = 2 WHERE id = 'acme'`);
    try {
      const res = await invite({ emails: 'expire@acme.test' });
      const id = res.body.invitations[0].id;
      const { url } = linkInMail(await mailTo('expire@acme.test'));
      await eventually(async () => (await stageOf(id)) === 'expired', 15_000, 'expiry');
      const page = await fetch(url);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('has expired');
      const revived = await stack.api('POST', `${invitationPath(id)}/resend`);
      expect(revived.body.stage).toBe('awaiting_signup');
      await eventually(async () => mailsTo('expire@acme.test').length === 2);
    } finally {
      await stack.db.query(`UPDATE accounts SET invitation_lifetime_seconds = 1209600 WHERE id = 'acme'`);
    }
  });

  test('a mailbox refused for good ends in delivery_failed with the reason, without endless retries', async () => {
    const res = await invite({ emails: 'nobody@acme.test' });
    const id = res.body.invitations[0].id;
    const view = await eventually(async () => {
      const r = await stack.api('GET', invitationPath(id));
      return r.body.stage === 'delivery_failed' ? r.body : undefined;
    });
    expect(view.deliveryFailure).toMatch(/550.*User unknown/);
    const { rows } = await stack.db.query(`SELECT status, attempts FROM message_outbox WHERE invitation_id = $1`, [id]);
    expect(rows).toEqual([{ status: 'failed', attempts: 1 }]);
  });
});

describe('scheduled invitations', () => {
  test('a scheduled invitation waits, then goes out at its time', async () => {
    const at = new Date(Math.ceil((Date.now() + 4_000) / 1000) * 1000);
    // The wall-clock time in Tokyo (UTC+9, no DST) that is `at`.
    const local = new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 19);
    const res = await invite({ emails: 'later@acme.test', schedule: { localDateTime: local, timeZone: 'Asia/Tokyo' } });
    expect(res.status).toBe(201);
    const inv = res.body.invitations[0];
    expect(inv).toMatchObject({ stage: 'scheduled', sendAt: at.toISOString() });
    await new Promise((r) => setTimeout(r, 500));
    expect(await stageOf(inv.id)).toBe('scheduled');
    expect(mailsTo('later@acme.test')).toHaveLength(0);
    const mail = await mailTo('later@acme.test');
    expect(mail.receivedAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
    await eventually(async () => (await stageOf(inv.id)) === 'awaiting_signup');
  });

  test('a time in the past or one skipped by a DST change is refused', async () => {
    const past = await invite({ emails: 'past@acme.test', schedule: { localDateTime: '2020-01-01T09:00', timeZone: 'Europe/Paris' } });
    // Gone by: 409 (the same request was fine before that time); a time that never exists: 400.
    expect(past.status).toBe(409);
    expect(past.body.type).toBe('/problems/schedule-in-the-past');
    expect(past.body.errors[0]).toMatchObject({ field: 'body.schedule.localDateTime', message: 'The scheduled time is in the past' });
    const gap = await invite({ emails: 'gap@acme.test', schedule: { localDateTime: '2030-03-31T02:30', timeZone: 'Europe/Paris' } });
    expect(gap.status).toBe(400);
    expect(gap.body.errors[0].message).toMatch(/does not exist in Europe\/Paris/);
  });
});
