// The API dies right after answering "Ask for a new invitation": the request was recorded (the
// page's one statement) but the follow-up that starts the admins' email never ran. The relay (the
// same pass the API runs every few seconds) finds it and starts it: each admin is emailed once.
// The dead API's follow-up arriving late after all, or a second relay pass, sends nothing twice.
import { WorkflowNotFoundError } from '@temporalio/client';
import { addPersonWithCredential } from '../../api/services/accounts';
import { createServices } from '../../api/services';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { linkInMail } from '../support/invitee';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ account: { invitationLifetimeSeconds: 2 } });
  await addPersonWithCredential(stack.db, 'acme', { email: 'second-admin@acme.test', firstName: 'Adam', lastName: 'Admin', role: 'admin' });
});
afterAll(() => stack?.stop());

const aboutAsker = () => stack.inbox.messages.filter((m) => m.subject.startsWith('lost@acme.test asks for a new invitation'));

test('a request recorded by an API that died before its follow-up is relayed, and each admin is emailed exactly once', async () => {
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'lost@acme.test' } });
  const invitationId: string = res.body.invitations[0].id;
  const { token } = linkInMail(await stack.inbox.waitFor((m) => m.to.includes('lost@acme.test'), 60_000));
  await eventually(async () => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(invitationId)}`)).body.stage === 'expired', 60_000, 'the link to expire');

  // The API process that answered the page, up to its answer: the request recorded by the same
  // service the page calls, then the process is gone (its follow-up, after the answer, never runs).
  const dead = createServices({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, invitationTokenSecret: 'unused', publicBaseUrl: stack.baseUrl });
  const requestId = await dead.invitationRequests.ask(token);
  expect(requestId).toBeDefined();
  const row = async () => (await stack.db.query(`SELECT status, invitation_stage, follow_up_started_at FROM invitation_requests WHERE id = $1`, [requestId])).rows[0];
  expect(await row()).toMatchObject({ status: 'pending', follow_up_started_at: null });
  await expect(stack.client.workflow.getHandle(`invitation-request:${requestId}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

  // A request younger than the grace period is left to the API that recorded it.
  const restarted = createServices({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, invitationTokenSecret: 'unused', publicBaseUrl: stack.baseUrl });
  expect(await restarted.invitationRequests.followUpMissed(60_000)).toBe(0);
  // The relay's pass, once it is older: followed up, the admins told.
  expect(await restarted.invitationRequests.followUpMissed(0)).toBe(1);
  expect(await row()).toMatchObject({ status: 'pending', invitation_stage: 'expired', follow_up_started_at: expect.any(Date) });
  await eventually(async () => aboutAsker().length === 2, 60_000, 'both admins emailed');
  expect(aboutAsker().map((m) => m.to[0]).sort()).toEqual(['boss@acme.test', 'second-admin@acme.test']);
  await stack.client.workflow.getHandle(`invitation-request:${requestId}`).result();

  // The dead API's follow-up after all (it was only slow), and the relay again: nothing more.
  await dead.invitationRequests.followUp(requestId!);
  expect(await restarted.invitationRequests.followUpMissed(0)).toBe(0);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(aboutAsker()).toHaveLength(2);
  const runs = [];
  for await (const w of stack.client.workflow.list({ query: `WorkflowId = "invitation-request:${requestId}"` })) runs.push(w.runId);
  expect(runs).toHaveLength(1);
  const outbox = await stack.db.query(`SELECT status, attempts FROM message_outbox WHERE key LIKE $1`, [`invitation-request:${requestId}/%`]);
  expect(outbox.rows).toEqual([{ status: 'sent', attempts: 1 }, { status: 'sent', attempts: 1 }]);

  // The admins' list has it, a page at a time.
  const list = await stack.api('GET', '/v1/accounts/acme/invitation-requests?limit=1');
  expect(list.body.invitationRequests.map((r: any) => r.id)).toEqual([requestId]);
}, 60_000);
