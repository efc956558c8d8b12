// Every request to an invitation gets its answer, and no answered request acts again: a resend that
// also fails waits for the next resend, and a reminder or resend asked while a signup is being
// processed is refused once the signup has made the user, so the invitation still closes.
// Real stack; the worker here is the test's own, so a test can stop it and have two requests
// reach the workflow in one workflow task, the way a real race does.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { remindInvitee } from '../../workflows/invitation/definitions';
import { linkInMail } from '../support/invitee';
import { ownWorker, signupRacing, type OwnWorker } from '../support/signup-race';
import { eventually, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
let worker: OwnWorker | undefined;
const invited: string[] = [];
const refusedRecipients: string[] = [];
beforeAll(async () => {
  stack = await startTestStack({
    inProcessWorker: false,
    // The race tests stop the worker on purpose: the API's resend waits for the restarted one to
    // accept it (with the default 2 s it may answer 503 first on a loaded machine).
    deadlines: { requestMs: 20_000 },
    rejectRecipient: (a) => {
      if (!a.startsWith('nobody')) return false;
      refusedRecipients.push(a);
      return true;
    },
  });
  worker = ownWorker(stack);
  await worker.start();
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

describe('requests racing a signup', () => {
  /** The signup and `ask` in one workflow task (signupRacing); the signup wins. */
  async function duringSignup<T>(email: string, ask: (handle: WorkflowHandle, id: string) => Promise<T>) {
    const id = await invite(email);
    const { token } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes(email)));
    await eventually(async () => (await stageOf(id)) === 'awaiting_signup');
    const handle = stack.client.workflow.getHandle(id);
    const { signup, asked } = await signupRacing(worker!, handle, token, () => ask(handle, id));
    expect(await within(30_000, 'the signup', signup)).toMatchObject({ stage: 'activated' });
    return { id, handle, asked };
  }

  test('a reminder asked during a signup is refused (WrongStage) and does not keep the invitation open', async () => {
    const { id, handle, asked } = await duringSignup('remind-race@acme.test', (h) => h.executeUpdate(remindInvitee));

    const refusal = await within(20_000, 'the reminder', asked.then(() => undefined, (err: unknown) => err));
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'WrongStage', message: expect.stringMatching(/signed up/) });
    const closed = await within(20_000, 'the invitation to close', handle.result());
    expect(closed).toMatchObject({ stage: 'activated' });
    expect(closed.messages).toHaveLength(1); // no reminder went out
    expect(await stageOf(id)).toBe('activated');
  });

  test('a resend asked during a signup is refused with 409 and does not keep the invitation open', async () => {
    const { handle, asked } = await duringSignup('resend-race@acme.test', (_h, id) => stack.api('POST', `${invitationPath(id)}/resend`));

    const res = await within(20_000, 'the resend', asked);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/signed up/);
    const closed = await within(20_000, 'the invitation to close', handle.result());
    expect(closed).toMatchObject({ stage: 'activated' });
    expect(closed.messages).toHaveLength(1);
  });
});
