// The SMTP server and the Twilio endpoint fail half of all attempts with transient errors: every
// message is still delivered exactly once. Permanent refusals end in delivery_failed with the
// reason after one attempt, never an endless retry. `npm run chaos` runs it with more messages and
// failures drawn at random instead of every other attempt.
import { invalidNumberFault } from '../../scripts/local-stack/twilio-endpoint';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { recordCounts } from '../support/test-logs';

const CHAOS = process.env.CHAOS === '1';
const EMAILS = CHAOS ? 400 : 40;
const TEXTS = CHAOS ? 50 : 10;
/** Every other attempt fails (exactly half, and the suite stays fast); under chaos, a coin flip. */
const fails = (attemptsBefore: number) => (CHAOS ? Math.random() < 0.5 : attemptsBefore % 2 === 0);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ rejectRecipient: (a) => a === 'bounce@acme.test' });
});
afterAll(() => stack?.stop());

test('half of all SMTP and Twilio attempts fail transiently: everything is delivered once; permanent refusals fail fast with the reason', async () => {
  const emails = Array.from({ length: EMAILS }, (_, i) => `flaky${i}@acme.test`);
  const phones = Array.from({ length: TEXTS }, (_, i) => `+1415555${String(3000 + i)}`);
  const textAttempts = new Map<string, number>();
  let textsRefused = 0;
  stack.inbox.setTransientFailure((_to, before) => fails(before));
  stack.twilio.setFault((req) => {
    const to = req.form.To?.[0];
    if (!req.path.endsWith('/Messages.json') || !to) return undefined;
    if (to === '+14155559999') return invalidNumberFault(to);
    const before = textAttempts.get(to) ?? 0;
    textAttempts.set(to, before + 1);
    if (!fails(before)) return undefined;
    textsRefused += 1;
    return { status: 503, body: { code: 20503, message: 'Service Unavailable', more_info: 'https://www.twilio.com/docs/errors/20503', status: 503 } };
  });
  try {
    for (let i = 0; i < emails.length; i += 20) {
      expect((await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: emails.slice(i, i + 20) } })).status).toBe(201);
    }
    for (const phone of [...phones, '+14155559999']) {
      expect((await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'text', phone } })).status).toBe(201);
    }
    expect((await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'bounce@acme.test' } })).status).toBe(201);

    const stageOf = async (id: string) => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`)).body;
    const ids = [...emails, ...phones].map((who) => `invitation:acme:${who}`);
    await eventually(async () => {
      const stages = await Promise.all(ids.map(async (id) => (await stageOf(id)).stage));
      return stages.every((s) => s === 'awaiting_signup');
    }, CHAOS ? 600_000 : 60_000, 'every invitation delivered');

    const received = stack.inbox.messages.filter((m) => emails.includes(m.to[0]!));
    const texted = stack.twilio.requests.filter((r) => r.path.endsWith('/Messages.json') && r.status === 201 && phones.includes(r.form.To![0]!));
    const { rows } = await stack.db.query(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, sum(attempts)::int AS attempts FROM message_outbox WHERE recipient = ANY($1)`, [[...emails, ...phones]]);
    const counts = {
      invited: emails.length + phones.length,
      sent: rows[0].sent,
      received: received.length + texted.length,
      duplicates: received.length - new Set(received.map((m) => m.to[0])).size + texted.length - new Set(texted.map((r) => r.form.To![0])).size,
      lost: emails.filter((e) => !received.some((m) => m.to[0] === e)).length + phones.filter((p) => !texted.some((r) => r.form.To![0] === p)).length,
      transientFailures: stack.inbox.transientlyRefused + textsRefused,
      attempts: rows[0].attempts,
    };
    recordCounts('flaky providers', counts);
    expect(counts).toMatchObject({ invited: EMAILS + TEXTS, sent: EMAILS + TEXTS, received: EMAILS + TEXTS, duplicates: 0, lost: 0 });
    // Every failed attempt was retried, and nothing else: attempts = deliveries + transient failures.
    expect(counts.attempts).toBe(counts.sent + counts.transientFailures);
    if (!CHAOS) expect(counts.transientFailures).toBe(EMAILS + TEXTS);

    // Permanent refusals: delivery_failed at once, with the provider's reason, one attempt each.
    for (const [id, reason] of [['invitation:acme:bounce@acme.test', /Recipient address rejected/], ['invitation:acme:+14155559999', /not a valid phone number/]] as const) {
      const failed = await eventually(async () => {
        const v = await stageOf(id);
        return v.stage === 'delivery_failed' ? v : undefined;
      });
      expect(failed.deliveryFailure).toMatch(reason);
      const { rows: outbox } = await stack.db.query(`SELECT status, attempts FROM message_outbox WHERE invitation_id = $1`, [id]);
      expect(outbox).toEqual([{ status: 'failed', attempts: 1 }]);
    }
  } finally {
    stack.inbox.setTransientFailure(undefined);
    stack.twilio.setFault(undefined);
  }
}, CHAOS ? 900_000 : 90_000);
