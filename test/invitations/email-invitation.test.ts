// The thin slice through every real part: HTTP API → Temporal workflow → activity → nodemailer →
// a real SMTP server, and the link in the email opens the signup page.
import { createHash } from 'node:crypto';
import { openLink } from '../support/invitee';
import { startTestStack, eventually, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

const linkIn = (text: string) => /https?:\/\/\S+\/signup\/([A-Za-z0-9_-]+)/.exec(text);

test('an admin invites one person by email and the invitation arrives with a working link', async () => {
  const res = await stack.api('POST', `/v1/accounts/${stack.account.id}/invitations`, { body: { channel: 'email', emails: 'Ana@Acme.test' } });
  expect(res.status).toBe(201);
  expect(res.body.invitations).toHaveLength(1);
  const invitation = res.body.invitations[0];
  expect(invitation).toMatchObject({ id: 'invitation:acme:ana@acme.test', channel: 'email', invitee: 'ana@acme.test', inviteeType: 'coworker', created: true });

  const mail = await stack.inbox.waitFor((m) => m.to.includes('ana@acme.test'));
  expect(mail.subject).toBe('Bea Boss invited you to join Acme Corp');
  expect(mail.html).toContain('Create a free account');
  const match = linkIn(mail.text);
  expect(match).not.toBeNull();
  const [url, token] = [match![0], match![1]!];
  expect(url.startsWith(stack.baseUrl)).toBe(true);

  // Opening the link shows who invited whom to which company, and opening it again still works:
  // a GET never consumes the invitation (mail scanners open links first).
  const pages = await openLink(url, 2);
  expect(pages.map((p) => p.status)).toEqual([200, 200]);
  for (const { html } of pages) {
    expect(html).toContain('Bea Boss invited you to join <strong>Acme Corp</strong>');
    expect(html).toContain('name="dateOfBirth"');
  }

  // The workflow is waiting for the signup, and the API reports the message it sent.
  const view = await eventually(async () => {
    const r = await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(invitation.id)}`);
    return r.body.stage === 'awaiting_signup' ? r.body : undefined;
  });
  expect(view.messages).toEqual([expect.objectContaining({ channel: 'email', recipient: 'ana@acme.test', messageId: mail.messageId })]);

  // Only the token's hash is stored, and the token never reaches the workflow history.
  const { rows } = await stack.db.query('SELECT token_hash FROM invitations WHERE id = $1', [invitation.id]);
  expect(rows[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  const history = await stack.client.workflow.getHandle(invitation.id).fetchHistory();
  expect(JSON.stringify(history)).not.toContain(token);

  // Support staff find it in the Temporal UI by the invitee's email.
  const found = await eventually(async () => {
    const ids: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `InviteeEmail = "ana@acme.test" AND OnboardingStage = "awaiting_signup"` })) ids.push(wf.workflowId);
    return ids.length ? ids : undefined;
  });
  expect(found).toEqual([invitation.id]);
});

test('every email says its language: Content-Language and the HTML part\'s lang are the recipient\'s locale (en, fr)', async () => {
  const fr = await stack.createAccount({ id: 'lafrance', name: 'La France SA', companyDomains: ['lafrance.test'], locale: 'fr' });
  const sent = await Promise.all([
    stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'lang-en@acme.test' } }),
    stack.api('POST', '/v1/accounts/lafrance/invitations', { body: { channel: 'email', emails: 'lang-fr@lafrance.test' }, credential: fr.credential }),
    stack.api('POST', '/v1/accounts/lafrance/invite-link', { body: {}, credential: fr.credential }),
  ]);
  expect(sent.map((r) => r.status)).toEqual([201, 201, 201]);
  const shared = await stack.api('POST', '/v1/accounts/lafrance/invite-link/share', { body: { emails: 'lang-link@gmail.com' }, credential: fr.credential });
  expect(shared.body.sent).toEqual(['lang-link@gmail.com']);

  for (const [to, lang] of [['lang-en@acme.test', 'en'], ['lang-fr@lafrance.test', 'fr'], ['lang-link@gmail.com', 'fr']] as const) {
    const mail = await stack.inbox.waitFor((m) => m.to.includes(to));
    expect({ to, contentLanguage: mail.headers['content-language'], htmlLang: /<html\b[^>]*\blang="([^"]*)"/i.exec(mail.html)?.[1] }).toEqual({ to, contentLanguage: lang, htmlLang: lang });
  }
});

test('a link with an unknown token shows a page that says so, not an error', async () => {
  const page = await fetch(`${stack.baseUrl}/signup/${'x'.repeat(43)}`);
  expect(page.status).toBe(404);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(await page.text()).toContain('This invitation link is not valid');
});

test('the API refuses callers without a valid credential, as problem+json', async () => {
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'x@acme.test' }, credential: 'po_nope' });
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ type: '/problems/unauthenticated', status: 401 });
});

test('GET /health reports Postgres and Temporal', async () => {
  const res = await stack.api('GET', '/health', { credential: null });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ok', postgres: { ok: true }, temporal: { ok: true } });
});
