// "Ask for a new invitation" from an expired or revoked link: the page records only on its POST,
// answers the same whatever the link, the account's admins are emailed once and decide through the
// API (approve: one resend, or a fresh invitation for a revoked one; dismiss), within their
// account only, and asking is limited per link, per address and per IP.
import { addPersonWithCredential } from '../../api/services/accounts';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { linkInMail, linkInNthMailTo, openLink, submitSignup, validSignup } from '../support/invitee';

let stack: TestStack;
let globex: { id: string; credential: string };
let plainUser: { credential: string };
// Quick expiry: every invitation here is expired two seconds after it is sent.
const PER_IP_PER_HOUR = 40;
beforeAll(async () => {
  stack = await startTestStack({ account: { invitationLifetimeSeconds: 2 }, rateLimits: { invitationRequestsPerHour: PER_IP_PER_HOUR } });
  globex = await stack.createAccount({ id: 'globex', name: 'Globex', companyDomains: ['globex.test'], invitationLifetimeSeconds: 2 });
  await addPersonWithCredential(stack.db, 'acme', { email: 'second-admin@acme.test', firstName: 'Adam', lastName: 'Admin', role: 'admin' });
  plainUser = await addPersonWithCredential(stack.db, 'acme', { email: 'plain@acme.test', firstName: 'Pat', lastName: 'Plain', role: 'user' });
});
afterAll(() => stack?.stop());

const requestsPath = (account = 'acme') => `/v1/accounts/${account}/invitation-requests`;
const mailsTo = (to: string) => stack.inbox.messages.filter((m) => m.to.includes(to));
const adminMailsAbout = (invitee: string) => stack.inbox.messages.filter((m) => m.subject.startsWith(`${invitee} asks for a new invitation`));
const stageOf = async (id: string, credential?: string, account = 'acme') =>
  (await stack.api('GET', `/v1/accounts/${account}/invitations/${encodeURIComponent(id)}`, { credential })).body.stage;

/** Invites by email and waits until the link has expired. */
async function expiredInvitation(email: string, opts: { account?: string; credential?: string } = {}) {
  const account = opts.account ?? 'acme';
  const before = mailsTo(email).length;
  const res = await stack.api('POST', `/v1/accounts/${account}/invitations`, { body: { channel: 'email', emails: email }, credential: opts.credential });
  expect(res.status).toBe(201);
  const id: string = res.body.invitations[0].id;
  const { url, token } = linkInMail(await eventually(async () => mailsTo(email)[before], 20_000, `invitation to ${email}`));
  await eventually(async () => (await stageOf(id, opts.credential, account)) === 'expired', 15_000, `${email} expired`);
  return { id, url, token };
}

/** Runs `fn` with the account's invitation lifetime set to `seconds` (invitations started meanwhile keep it, resends included). */
async function withLifetime<T>(seconds: number, fn: () => Promise<T>): Promise<T> {
  await stack.db.query(`UPDATE accounts SET invitation_lifetime_seconds = $1 WHERE id = 'acme'`, [seconds]);
  try {
    return await fn();
  } finally {
    await stack.db.query(`UPDATE accounts SET invitation_lifetime_seconds = 2 WHERE id = 'acme'`);
  }
}

/** Presses "Ask for a new invitation", as the page's form posts it. */
async function ask(linkUrl: string) {
  const res = await fetch(`${linkUrl}/invitation-request`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  return { status: res.status, html: await res.text() };
}

const requestRows = async (invitationId: string) =>
  (await stack.db.query(`SELECT id, status, invitation_stage FROM invitation_requests WHERE invitation_id = $1 ORDER BY requested_at`, [invitationId])).rows;

/** The request for this invitation, once the page's follow-up has checked it. */
async function checkedRequest(invitationId: string, account = 'acme', credential?: string) {
  return eventually(async () => {
    const list = await stack.api('GET', `${requestsPath(account)}?status=pending`, { credential });
    return list.body.invitationRequests.find((r: any) => r.invitationId === invitationId && r.invitationStage);
  }, 10_000, `request for ${invitationId}`);
}

test('opening an expired link offers the request and records nothing; only pressing the button does', async () => {
  const { id, url } = await expiredInvitation('open-only@acme.test');
  const pages = await openLink(url, 3);
  expect(pages.map((p) => p.status)).toEqual([410, 410, 410]);
  for (const { html } of pages) {
    expect(html).toContain('has expired');
    expect(html).toContain('<button type="submit">Ask for a new invitation</button>');
    expect(html).toContain(`action="${new URL(url).pathname}/invitation-request"`);
  }
  expect(await requestRows(id)).toEqual([]);

  // An unknown (well-formed) token offers the same button, so the page does not tell which links exist.
  const unknown = await fetch(`${stack.baseUrl}/signup/${'u'.repeat(43)}`);
  expect(unknown.status).toBe(404);
  expect(await unknown.text()).toContain('Ask for a new invitation');

  expect((await ask(url)).status).toBe(200);
  expect(await requestRows(id)).toHaveLength(1);
});

test('the answer is the same page whatever the link; only a dead invitation link makes a request, emailed once to each admin', async () => {
  const expired = await expiredInvitation('asker@acme.test');
  // A live link: the form is not shown for it, but a hand-made POST answers the same and records nothing that stays.
  const live = await withLifetime(3600, async () => {
    const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'live-long@acme.test' } });
    const link = { id: res.body.invitations[0].id as string, ...linkInMail(await stack.inbox.waitFor((m) => m.to.includes('live-long@acme.test'))) };
    await eventually(async () => (await stageOf(link.id)) === 'awaiting_signup');
    return link;
  });

  const answers = await Promise.all([
    ask(expired.url),
    ask(`${stack.baseUrl}/signup/${'n'.repeat(43)}`),
    ask(`${stack.baseUrl}/signup/short`),
    ask(live.url),
  ]);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
  expect(new Set(answers.map((a) => a.html)).size).toBe(1);
  expect(answers[0]!.html).toContain('Request sent');

  const request = await checkedRequest(expired.id);
  expect(request).toMatchObject({ invitee: 'asker@acme.test', channel: 'email', invitationStage: 'expired', status: 'pending' });
  // The live link's request was dropped once checked, before anyone was told.
  await eventually(async () => (await requestRows(live.id)).length === 0, 10_000, 'live link request dropped');

  // One email to each admin and Super Admin, none to a plain user, through the outbox.
  const boss = await stack.inbox.waitFor((m) => m.to.includes('boss@acme.test') && m.subject.startsWith('asker@acme.test asks for a new invitation'));
  await stack.inbox.waitFor((m) => m.to.includes('second-admin@acme.test') && m.subject.startsWith('asker@acme.test asks for a new invitation'));
  expect(boss.text).toContain(`POST ${stack.baseUrl}/v1/accounts/acme/invitation-requests/${request.id}/approval`);
  expect(boss.text).toContain('had expired');
  // (The mail server has it a moment before the outbox records it sent.)
  const outbox = async () => (await stack.db.query(`SELECT recipient, status FROM message_outbox WHERE key LIKE $1 ORDER BY recipient`, [`invitation-request:${request.id}/%`])).rows;
  await eventually(async () => (await outbox()).every((r) => r.status === 'sent'), 10_000, 'outbox rows sent');
  expect(await outbox()).toEqual([{ recipient: 'boss@acme.test', status: 'sent' }, { recipient: 'second-admin@acme.test', status: 'sent' }]);

  // Pressing again while it is pending adds nothing, and tells nobody again.
  expect((await ask(expired.url)).html).toBe(answers[0]!.html);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await requestRows(expired.id)).toHaveLength(1);
  expect(adminMailsAbout('asker@acme.test')).toHaveLength(2);
  expect(mailsTo('plain@acme.test')).toHaveLength(0);
});

test('approving resends the invitation once; its new link opens the signup form and works', async () => {
  // A resend keeps the invitation's lifetime: long enough here to sign up through the new link.
  const { id, url } = await withLifetime(8, () => expiredInvitation('approve-me@acme.test'));
  await ask(url);
  const request = await checkedRequest(id);

  const approved = await stack.api('POST', `${requestsPath()}/${request.id}/approval`);
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ id: request.id, status: 'approved', outcome: 'resent', decidedBy: stack.account.superAdminId, invitation: { id, stage: 'awaiting_signup' } });
  const fresh = await linkInNthMailTo(stack.inbox, 'approve-me@acme.test', 2);
  expect(fresh.url).not.toBe(url);
  const form = await fetch(fresh.url);
  expect(form.status).toBe(200);
  expect(await form.text()).toContain('Join Acme Corp');
  expect((await submitSignup(fresh.url, validSignup)).status).toBe(200);

  // Decided once: approving or dismissing again is refused, and nothing more is sent.
  expect((await stack.api('POST', `${requestsPath()}/${request.id}/approval`)).status).toBe(409);
  expect((await stack.api('POST', `${requestsPath()}/${request.id}/dismissal`)).status).toBe(409);
  expect(mailsTo('approve-me@acme.test')).toHaveLength(2);
  expect((await stack.api('GET', `${requestsPath()}?status=approved`)).body.invitationRequests.map((r: any) => r.id)).toContain(request.id);
});

test('two admins approving at once resend once', async () => {
  const { id, url } = await expiredInvitation('race@acme.test');
  await ask(url);
  const request = await checkedRequest(id);
  const second = await addPersonWithCredential(stack.db, 'acme', { email: 'racer@acme.test', firstName: 'Rae', lastName: 'Cer', role: 'admin' });
  const results = await Promise.all([
    stack.api('POST', `${requestsPath()}/${request.id}/approval`),
    stack.api('POST', `${requestsPath()}/${request.id}/approval`, { credential: second.credential }),
  ]);
  expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  await eventually(async () => mailsTo('race@acme.test').length === 2);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(mailsTo('race@acme.test')).toHaveLength(2);
});

test('dismissing sends nothing, and the request can no longer be approved', async () => {
  const { id, url } = await expiredInvitation('dismiss-me@acme.test');
  await ask(url);
  const request = await checkedRequest(id);
  const dismissed = await stack.api('POST', `${requestsPath()}/${request.id}/dismissal`);
  expect(dismissed.status).toBe(200);
  expect(dismissed.body).toMatchObject({ status: 'dismissed', decidedBy: stack.account.superAdminId });
  expect(dismissed.body.outcome).toBeUndefined();
  expect((await stack.api('POST', `${requestsPath()}/${request.id}/approval`)).status).toBe(409);
  expect(await stageOf(id)).toBe('expired');
  expect(mailsTo('dismiss-me@acme.test')).toHaveLength(1);
  expect((await stack.api('GET', `${requestsPath()}/${request.id}`)).body.status).toBe('dismissed');
});

test('a revoked invitation\'s request, approved, invites the person again with a new link', async () => {
  const { id, url } = await expiredInvitation('revoked-asker@acme.test');
  expect((await stack.api('DELETE', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`)).body.stage).toBe('revoked');
  const page = await fetch(url);
  expect(page.status).toBe(410);
  const body = await page.text();
  expect(body).toContain('This invitation was cancelled');
  expect(body).toContain('Ask for a new invitation');
  await ask(url);
  const request = await checkedRequest(id);
  expect(request.invitationStage).toBe('revoked');
  await stack.inbox.waitFor((m) => m.to.includes('boss@acme.test') && m.subject.startsWith('revoked-asker@acme.test') && m.text.includes('was revoked'));

  // Invited again as any invitation is started: with the account's lifetime now.
  const approved = await withLifetime(3600, () => stack.api('POST', `${requestsPath()}/${request.id}/approval`));
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ status: 'approved', outcome: 'invited_again', invitation: { id, created: true } });
  const fresh = await linkInNthMailTo(stack.inbox, 'revoked-asker@acme.test', 2);
  expect(fresh.url).not.toBe(url);
  expect((await fetch(fresh.url)).status).toBe(200);
  expect((await fetch(url)).status).toBe(404);
});

test('an approval that cannot be carried out leaves the request pending: the invitation was resent meanwhile', async () => {
  const { id, url } = await withLifetime(8, () => expiredInvitation('resent-meanwhile@acme.test'));
  await ask(url);
  const request = await checkedRequest(id);
  // Resent by hand meanwhile: the approval finds its link working again (for eight seconds).
  expect((await stack.api('POST', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}/resend`)).body.stage).toBe('awaiting_signup');
  const refused = await stack.api('POST', `${requestsPath()}/${request.id}/approval`);
  expect(refused.status).toBe(409);
  expect(refused.body.detail).toContain('dismiss this request');
  expect((await stack.api('GET', `${requestsPath()}/${request.id}`)).body).toMatchObject({ status: 'pending' });
  expect(mailsTo('resent-meanwhile@acme.test')).toHaveLength(2);
});

test('admins see and decide only their own account\'s requests; users not at all', async () => {
  const { id, url } = await expiredInvitation('tenant@acme.test');
  await ask(url);
  const request = await checkedRequest(id);

  // Another account: its own list does not show it, and the id is not found there.
  expect((await stack.api('GET', requestsPath('acme'), { credential: globex.credential })).status).toBe(404);
  const theirs = await stack.api('GET', requestsPath('globex'), { credential: globex.credential });
  expect(theirs.status).toBe(200);
  expect(theirs.body.invitationRequests.map((r: any) => r.id)).not.toContain(request.id);
  for (const action of ['approval', 'dismissal']) {
    expect((await stack.api('POST', `${requestsPath('globex')}/${request.id}/${action}`, { credential: globex.credential })).status).toBe(404);
  }
  expect((await stack.api('GET', `${requestsPath('globex')}/${request.id}`, { credential: globex.credential })).status).toBe(404);
  for (const bad of ['not-a-uuid', '-'.repeat(36)]) expect((await stack.api('GET', `${requestsPath('globex')}/${bad}`, { credential: globex.credential })).status).toBe(400); // not an id at all: a validation problem, as for every other resource's id
  // Globex's admins were not told about acme's invitee.
  expect(mailsTo('boss@globex.test').filter((m) => m.subject.startsWith('tenant@acme.test'))).toHaveLength(0);

  // A plain user of the account: not theirs to see or decide.
  expect((await stack.api('GET', requestsPath(), { credential: plainUser.credential })).status).toBe(403);
  expect((await stack.api('POST', `${requestsPath()}/${request.id}/approval`, { credential: plainUser.credential })).status).toBe(403);
  expect((await stack.api('GET', `${requestsPath()}/${request.id}`)).body.status).toBe('pending');
  expect((await stack.api('GET', `${requestsPath()}?limit=0`)).status).toBe(400);
});

test('asking is limited per link and per address: after a decision, a link may ask again up to 3 times a day, an address 5 times', async () => {
  const acme = await expiredInvitation('persistent@shared.test');
  const globexInvitation = await expiredInvitation('persistent@shared.test', { account: 'globex', credential: globex.credential });

  /** Asks, and dismisses what was recorded; answers whether a request was recorded. */
  async function askAndDismiss(link: { id: string; url: string }, account: string, credential?: string): Promise<boolean> {
    const before = (await requestRows(link.id)).length;
    const answer = await ask(link.url);
    expect(answer.html).toContain('Request sent');
    const rows = await requestRows(link.id);
    if (rows.length === before) return false;
    const request = await checkedRequest(link.id, account, credential);
    expect((await stack.api('POST', `${requestsPath(account)}/${request.id}/dismissal`, { credential })).status).toBe(200);
    return true;
  }

  const acmeAsks = [];
  for (let i = 0; i < 4; i++) acmeAsks.push(await askAndDismiss(acme, 'acme'));
  expect(acmeAsks).toEqual([true, true, true, false]);
  // The same address through another account's link: two more, then the address's day is used up.
  const globexAsks = [];
  for (let i = 0; i < 3; i++) globexAsks.push(await askAndDismiss(globexInvitation, 'globex', globex.credential));
  expect(globexAsks).toEqual([true, true, false]);
});

// Last: it spends this address's hourly quota.
test('asking is limited per IP: the same answer until the hour\'s quota is spent, then 429 problem+json', async () => {
  const statuses: number[] = [];
  let limited: Response | undefined;
  for (let i = 0; i <= PER_IP_PER_HOUR; i++) {
    const res = await fetch(`${stack.baseUrl}/signup/${'q'.repeat(40)}${String(i).padStart(3, '0')}/invitation-request`, { method: 'POST' });
    statuses.push(res.status);
    if (res.status === 429) {
      limited = res;
      break;
    }
  }
  expect(limited).toBeDefined();
  expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
  expect(limited!.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
});
