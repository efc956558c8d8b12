// Text invitations through the twilio library to the local Twilio-compatible endpoint (Prism
// validating Twilio's own OpenAPI description), and Video Pro+ licenses assigned after signup.
import { addPersonWithCredential } from '../../api/services/accounts';
import { invalidNumberFault } from '../../scripts/local-stack/twilio-endpoint';
import { linkInMail, signupLinkIn, submitSignup, validSignup } from '../support/invitee';
import { buySeats } from '../support/licenses';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
/** The carrier-level spacing between two texts to one number, whoever sends them (a minute in production). */
const TEXT_SPACING_SECONDS = 3;
beforeAll(async () => {
  stack = await startTestStack({ account: { plan: 'video_pro_plus', country: 'US' }, textSpacingSeconds: TEXT_SPACING_SECONDS });
});
afterAll(() => stack?.stop());

const invitationPath = (id: string) => `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`;
const stageOf = async (id: string) => (await stack.api('GET', invitationPath(id))).body.stage;
const textsTo = (to: string) => stack.twilio.requests.filter((r) => r.path.endsWith('/Messages.json') && r.form.To?.[0] === to);

describe('text invitations', () => {
  test('the text reaches Twilio as its API expects: E.164 number, edited message with emoji, the link, and the media URL', async () => {
    const res = await stack.api('POST', '/v1/accounts/acme/invitations', {
      body: { channel: 'text', phone: '(415) 555-2671', message: 'Join us on the team app 🎉', mediaUrl: 'https://files.acme.test/welcome.png' },
    });
    expect(res.status).toBe(201);
    const inv = res.body.invitations[0];
    expect(inv).toMatchObject({ id: 'invitation:acme:+14155552671', channel: 'text', invitee: '+14155552671' });

    const request = await eventually(async () => textsTo('+14155552671')[0]);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json');
    expect(request.authorization).toBe(`Basic ${Buffer.from('AC00000000000000000000000000000000:local-endpoint').toString('base64')}`);
    expect(request.form.From).toEqual(['+14155550100']);
    expect(request.form.MediaUrl).toEqual(['https://files.acme.test/welcome.png']);
    expect(request.form.Body![0]).toMatch(/^Join us on the team app 🎉 http:\/\/127\.0\.0\.1:\d+\/signup\/[A-Za-z0-9_-]+$/);
    // Prism accepted it (Twilio's description validates the request) and answered as Twilio does.
    expect(request.status).toBe(201);
    expect(request.response).toMatchObject({ sid: expect.stringMatching(/^(SM|MM)/) });

    const view = await eventually(async () => {
      const r = await stack.api('GET', invitationPath(inv.id));
      return r.body.stage === 'awaiting_signup' ? r.body : undefined;
    });
    expect(view.messages).toEqual([expect.objectContaining({ channel: 'text', recipient: '+14155552671' })]);

    // The link in the text works; the invitee gives the email they sign up with, which decides their type.
    const { url } = signupLinkIn(request.form.Body![0]!);
    const page = await fetch(url);
    expect(await page.text()).toContain('name="email"');
    const missing = await submitSignup(url, validSignup);
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('id="email-error"');
    const ok = await submitSignup(url, { ...validSignup, email: 'texted@gmail.com' });
    expect(ok.status).toBe(200);
    // A guest (webmail) keeps the free account: no Video Pro+ license needed.
    expect(await stageOf(inv.id)).toBe('activated');
    const { rows } = await stack.db.query(`SELECT user_type FROM users WHERE email = 'texted@gmail.com'`);
    expect(rows[0].user_type).toBe('guest');
  });

  test('the default message is used when none is given, and a second text to the same number within a minute gets 429', async () => {
    const first = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'text', phone: '+1 415 555 2672' } });
    expect(first.status).toBe(201);
    const request = await eventually(async () => textsTo('+14155552672')[0]);
    expect(request.form.Body![0]).toMatch(/^Bea Boss invited you to join Acme Corp\. Create your free account: http/);
    expect(request.form.MediaUrl).toBeUndefined();

    await eventually(async () => (await stageOf(first.body.invitations[0].id)) === 'awaiting_signup');
    const again = await stack.api('POST', `${invitationPath(first.body.invitations[0].id)}/resend`);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(again.body).toMatchObject({ type: '/problems/text-rate-limited' });
    expect(again.body.detail).toMatch(/full minute/);
    expect(textsTo('+14155552672')).toHaveLength(1);
  });

  test('the one-text-a-minute limit is per account: another account texting the same number is not refused, its text waits out the carrier spacing', async () => {
    const initech = await stack.createAccount({ id: 'initech', name: 'Initech', companyDomains: ['initech.test'] });
    const phone = '+14155552680';
    const [a, b] = await Promise.all([
      stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'text', phone } }),
      stack.api('POST', '/v1/accounts/initech/invitations', { body: { channel: 'text', phone }, credential: initech.credential }),
    ]);
    // Neither learns that the other texted this number.
    expect([a.status, b.status]).toEqual([201, 201]);
    // The same account again within the minute: 429.
    const again = await stack.api('POST', `${invitationPath(a.body.invitations[0].id)}/resend`);
    expect(again.status).toBe(429);
    expect(again.body).toMatchObject({ type: '/problems/text-rate-limited' });

    // Both texts go out, one carrier interval apart; neither invitation shows a failure meanwhile.
    const views = async () => Promise.all([
      stack.api('GET', invitationPath(a.body.invitations[0].id)),
      stack.api('GET', `/v1/accounts/initech/invitations/${encodeURIComponent(b.body.invitations[0].id)}`, { credential: initech.credential }),
    ]);
    for (const v of await views()) {
      expect(v.status).toBe(200);
      expect(['sending', 'awaiting_signup']).toContain(v.body.stage);
      expect(v.body.deliveryFailure).toBeUndefined();
    }
    await eventually(async () => textsTo(phone).length === 2, 20_000, 'both texts');
    expect((await views()).map((v) => v.body.stage)).toEqual(['awaiting_signup', 'awaiting_signup']);
    const { rows } = await stack.db.query<{ sent_at: Date }>(`SELECT sent_at FROM message_outbox WHERE recipient = $1 AND status = 'sent' ORDER BY sent_at`, [phone]);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.sent_at.getTime() - rows[0]!.sent_at.getTime()).toBeGreaterThanOrEqual((TEXT_SPACING_SECONDS - 1) * 1000);
  });

  test('an invalid number is refused before anything is sent; a number the provider rejects ends in delivery_failed', async () => {
    const bad = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'text', phone: '12' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'body.phone' });

    stack.twilio.setFault((req) => (req.form.To?.[0] === '+14155552673' ? invalidNumberFault('+14155552673') : undefined));
    try {
      const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'text', phone: '+14155552673' } });
      const view = await eventually(async () => {
        const r = await stack.api('GET', invitationPath(res.body.invitations[0].id));
        return r.body.stage === 'delivery_failed' ? r.body : undefined;
      });
      expect(view.deliveryFailure).toMatch(/not a valid phone number/);
      expect(textsTo('+14155552673')).toHaveLength(1);
    } finally {
      stack.twilio.setFault(undefined);
    }
  });
});

describe('Video Pro+ licenses after signup', () => {
  test('license pending until a Super Admin assigns it; admins cannot; with a seat the person is activated', async () => {
    await stack.db.query(`INSERT INTO license_inventory (account_id, license, seats_total) VALUES ('acme', 'video_pro_plus', 1)`);
    const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'plus@acme.test' } });
    const id = res.body.invitations[0].id;
    const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('plus@acme.test')));
    const signed = await submitSignup(url, validSignup);
    expect(signed.html).toContain('Your company admin now assigns your license');
    expect(await stageOf(id)).toBe('license_pending');

    const admin = await addPersonWithCredential(stack.db, 'acme', { email: 'admin@acme.test', firstName: 'Ada', lastName: 'Admin', role: 'admin' });
    const refused = await stack.api('POST', `${invitationPath(id)}/license`, { credential: admin.credential });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/Only a Super Admin/);

    const assigned = await stack.api('POST', `${invitationPath(id)}/license`);
    expect(assigned.body.stage).toBe('activated');
    const { rows } = await stack.db.query(`SELECT status, license FROM users WHERE email = 'plus@acme.test'`);
    expect(rows[0]).toEqual({ status: 'active', license: 'video_pro_plus' });
    const inventory = await stack.api('GET', '/v1/accounts/acme/licenses');
    expect(inventory.body.inventory).toContainEqual({ license: 'video_pro_plus', seatsTotal: 1, seatsUsed: 1 });
  });

  test('no seat left: it waits with the reason "no seat available" and continues by itself when seats are added', async () => {
    const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'waiting@acme.test' } });
    const id = res.body.invitations[0].id;
    const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('waiting@acme.test')));
    await submitSignup(url, validSignup);
    const pending = await stack.api('POST', `${invitationPath(id)}/license`);
    expect(pending.body).toMatchObject({ stage: 'license_pending', waitingReason: 'no seat available' });
    await eventually(async () => {
      const found: string[] = [];
      for await (const wf of stack.client.workflow.list({ query: `AccountId = "acme" AND OnboardingStage = "license_pending"` })) found.push(wf.workflowId);
      return found.includes(id);
    });

    const user = await addPersonWithCredential(stack.db, 'acme', { email: 'nopurchase@acme.test', firstName: 'No', lastName: 'Buyer', role: 'admin' });
    expect((await stack.api('POST', '/v1/accounts/acme/licenses/video_pro_plus/seats', { body: { seats: 2 }, credential: user.credential })).status).toBe(403);
    const bought = await buySeats(stack, 'acme', 'video_pro_plus', 2);
    expect(bought.status).toBe(200);
    expect(bought.body.invitationsNotified).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await stageOf(id)) === 'activated', 20_000, 'activation after seats were added');
  });

  test('seats go to the longest waiter: three wait in the order A, B, C; one seat added goes to A, the next to B', async () => {
    const queue = await stack.createAccount({ id: 'queue', name: 'Queue Inc', companyDomains: ['queue.test'], plan: 'video_pro_plus' });
    const as = { credential: queue.credential };
    const path = (id: string) => `/v1/accounts/queue/invitations/${encodeURIComponent(id)}`;
    const stage = async (id: string) => (await stack.api('GET', path(id), as)).body.stage;
    const ids: string[] = [];
    for (const who of ['wait-a', 'wait-b', 'wait-c']) {
      const res = await stack.api('POST', '/v1/accounts/queue/invitations', { body: { channel: 'email', emails: `${who}@queue.test` }, ...as });
      ids.push(res.body.invitations[0].id);
      const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes(`${who}@queue.test`)));
      expect((await submitSignup(url, validSignup)).status).toBe(200);
      const pending = await stack.api('POST', `${path(ids.at(-1)!)}/license`, as);
      expect(pending.body).toMatchObject({ stage: 'license_pending', waitingReason: 'no seat available' });
    }
    const [a, b, c] = ids as [string, string, string];
    // Every waiter is woken and tries; only the longest waiter may take the seat.
    const settled = async (activated: string[], waiting: string[]) => {
      await eventually(async () => (await Promise.all(activated.map(stage))).every((s) => s === 'activated'), 20_000, `${activated.join(', ')} activated`);
      await new Promise((r) => setTimeout(r, 1_500)); // room for a wrong winner to show
      expect(await Promise.all([...activated, ...waiting].map(stage))).toEqual([...activated.map(() => 'activated'), ...waiting.map(() => 'license_pending')]);
    };

    expect((await buySeats(stack, 'queue', 'video_pro_plus', 1, queue.credential)).status).toBe(200);
    await settled([a], [b, c]);
    expect((await buySeats(stack, 'queue', 'video_pro_plus', 1, queue.credential)).status).toBe(200);
    await settled([a, b], [c]);
    const { rows } = await stack.db.query(`SELECT email FROM users WHERE account_id = 'queue' AND status = 'active' AND license = 'video_pro_plus' ORDER BY email`);
    expect(rows.map((r) => r.email)).toEqual(['wait-a@queue.test', 'wait-b@queue.test']);

    // A waiter whose invitation ended (here terminated by an operator) holds no one up: D, who came
    // after C, gets the next seat.
    const d = (await stack.api('POST', '/v1/accounts/queue/invitations', { body: { channel: 'email', emails: 'wait-d@queue.test' }, ...as })).body.invitations[0].id;
    const { url } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('wait-d@queue.test')));
    expect((await submitSignup(url, validSignup)).status).toBe(200);
    expect((await stack.api('POST', `${path(d)}/license`, as)).body).toMatchObject({ stage: 'license_pending', waitingReason: 'no seat available' });
    await stack.client.workflow.getHandle(c).terminate('support closed it');
    expect((await buySeats(stack, 'queue', 'video_pro_plus', 1, queue.credential)).status).toBe(200);
    await eventually(async () => (await stage(d)) === 'activated', 20_000, 'D activated');
  });
});
