// The worker dies (SIGKILL) in the middle of sending an invitation, while the SMTP server is
// still holding its reply; a new worker takes over. The invitee gets exactly one email.
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

let stack: TestStack;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  stack = await startTestStack({ inProcessWorker: false, ackDelayMs: 1_500 });
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await stack?.stop();
});

test('a worker killed mid-send is replaced and the message is delivered exactly once', async () => {
  workers.push(await spawnWorkerProcess(stack.workerSettings));
  const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: 'crash@acme.test' } });
  expect(res.status).toBe(201);
  const id = res.body.invitations[0].id;

  // The message is on the wire and the server has not answered yet: kill the worker now.
  await stack.inbox.waitForUnacknowledged();
  await workers[0]!.kill();
  await eventually(async () => stack.inbox.dropped.length === 1, 5_000, 'the server to drop the unacknowledged message');
  expect(stack.inbox.messages.filter((m) => m.to.includes('crash@acme.test'))).toHaveLength(0);

  workers.push(await spawnWorkerProcess(stack.workerSettings));
  const mail = await stack.inbox.waitFor((m) => m.to.includes('crash@acme.test'), 60_000);
  await eventually(async () => (await stack.api('GET', `/v1/accounts/acme/invitations/${encodeURIComponent(id)}`)).body.stage === 'awaiting_signup', 30_000);

  const delivered = stack.inbox.messages.filter((m) => m.to.includes('crash@acme.test'));
  const { rows } = await stack.db.query(`SELECT status, attempts FROM message_outbox WHERE invitation_id = $1`, [id]);
  const counts = { sent: rows.filter((r) => r.status === 'sent').length, received: delivered.length, duplicates: delivered.length - new Set(delivered.map((m) => m.messageId)).size, lost: delivered.length === 0 ? 1 : 0, attempts: rows[0]?.attempts };
  console.log(`worker crash mid-send: ${JSON.stringify(counts)}`);
  expect(counts).toEqual({ sent: 1, received: 1, duplicates: 0, lost: 0, attempts: 2 });
  expect(mail.messageId).toBe(stack.inbox.dropped[0]!.messageId);
});
