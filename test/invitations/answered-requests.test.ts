// Every request to an invitation gets its answer, and no answered request acts again: a resend that
// also fails waits for the next resend.
// Real stack; the worker here is the test's own.
import { eventually, startTestStack, startWorker, type TestStack } from '../support/stack';

let stack: TestStack;
let worker: { stop(): Promise<void> } | undefined;
const invited: string[] = [];
const refusedRecipients: string[] = [];
beforeAll(async () => {
  stack = await startTestStack({
    inProcessWorker: false,
    rejectRecipient: (a) => {
      if (!a.startsWith('nobody')) return false;
      refusedRecipients.push(a);
      return true;
    },
  });
  worker = await startWorker(stack.workerSettings, stack.db);
});
afterAll(async () => {
  // Left running only when a test failed (e.g. on code without the fixes, where these never end).
  for (const id of invited) await stack?.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await worker?.stop();
  await stack?.stop();
});

const invitationPath = (id: string) => `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`;
const stageOf = async (id: string) => (await stack.api('GET', invitationPath(id))).body.stage;
const invite = async (email: string): Promise<string> => {
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: [email] } });
  expect(res.status).toBe(201);
  invited.push(res.body.invitations[0].id);
  return res.body.invitations[0].id;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The promise's outcome, or a failure naming what did not happen within `ms` (the bugs here hang rather than fail). */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a resend that fails too', () => {
  test('a resend to an address that is still refused sends exactly one more message and stays delivery_failed', async () => {
    const address = 'nobody-resent@acme.test';
    const id = await invite(address);
    await eventually(async () => (await stageOf(id)) === 'delivery_failed', 20_000, 'the first send to be refused');
    expect(refusedRecipients.filter((a) => a === address)).toHaveLength(1);

    const resent = await within(20_000, 'the resend', stack.api('POST', `${invitationPath(id)}/resend`));
    expect(resent.status).toBe(200);
    // Long enough for a send that repeats on its own to show (each refused attempt takes milliseconds).
    await sleep(3_000);
    expect(refusedRecipients.filter((a) => a === address)).toHaveLength(2);
    expect(resent.body).toMatchObject({ stage: 'delivery_failed', deliveryFailure: expect.stringMatching(/550.*User unknown/) });
    expect(await stageOf(id)).toBe('delivery_failed');
    const { rows } = await stack.db.query(`SELECT status FROM message_outbox WHERE invitation_id = $1`, [id]);
    expect(rows).toEqual([{ status: 'failed' }, { status: 'failed' }]);

    // It waits for the next explicit resend, which is again exactly one attempt; a revocation still ends it.
    const again = await within(20_000, 'the second resend', stack.api('POST', `${invitationPath(id)}/resend`));
    expect(again.body.stage).toBe('delivery_failed');
    await sleep(1_000);
    expect(refusedRecipients.filter((a) => a === address)).toHaveLength(3);
    expect((await within(20_000, 'the revocation', stack.api('DELETE', invitationPath(id)))).body.stage).toBe('revoked');
    await within(20_000, 'the workflow to close', stack.client.workflow.getHandle(id).result());
  });
});
