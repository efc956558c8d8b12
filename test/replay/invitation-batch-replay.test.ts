// Replay fixtures of the invitation batch workflow, from fresh runs: a batch that fans out in
// chunks and continues as new (its first run), a batch that completes, and one cancelled while it
// waits for its pace. `RECORD_HISTORIES=1 npx jest test/replay` re-records them (only right for
// changes never released); test/replay/workflow-replay.test.ts replays every fixture.
import { createBatchesData } from '../../api/services/invitation-batches';
import { invitationBatchWorkflow } from '../../workflows';
import { invitationBatchWorkflowId } from '../../workflows/invitation-batch/definitions';
import { replayWorkflow } from '../support/replay';
import { startTestStack, eventually, type TestStack } from '../support/stack';
import { batchesPath, csv, setBatchPace, uploadCsv } from '../support/batches';
import { recordCounts } from '../support/test-logs';


let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

async function replaysCleanly(workflowId: string, runId: string | undefined, fixture: string) {
  const { errors, history } = await replayWorkflow(stack.client, workflowId, fixture, { runId, closed: false });
  expect(errors).toEqual([undefined]);
  return history;
}

test('a batch in chunks of one: its first run continues as new after 40 chunks, the second completes', async () => {
  const account = await stack.createAccount({ id: 'replay-batch-can', companyDomains: ['can.test'] });
  await setBatchPace(stack, account.id, 1_000_000);
  const batchId = '00000000-0000-4000-8000-000000000045';
  const workflowId = invitationBatchWorkflowId(account.id, batchId);
  const rows = Array.from({ length: 45 }, (_, i) => ({ line: i + 2, invitationId: `invitation:${account.id}:r${i}@can.test`, channel: 'email' as const, email: `r${i}@can.test`, inviteeType: 'coworker' as const, role: 'user' as const, locale: 'en' as const }));
  await createBatchesData(stack.db).insert({ id: batchId, account_id: account.id, created_by: account.superAdminId, kind: 'invite', source: 'csv', row_count: 45, workflow_id: workflowId }, rows);
  const handle = await stack.client.workflow.start(invitationBatchWorkflow, { workflowId, taskQueue: stack.taskQueue, args: [{ batchId, accountId: account.id, kind: 'invite', rowCount: 45, chunkSize: 1 }] });
  const result = await stack.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ stage: 'completed', run: 2, settled: 45, counts: { started: 45 } });
  const first = await replaysCleanly(workflowId, handle.firstExecutionRunId, 'invitation-batch-continued-as-new.json');
  expect(first.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  // Each chunk costs about ten events: a run of 40 stays far below a few thousand.
  expect(first.events!.length).toBeLessThan(500);
  recordCounts('batch history: first run of 40 chunks (events)', first.events!.length);
});

test('a batch from the API that completes, and one cancelled while it waits for its pace', async () => {
  const account = await stack.createAccount({ id: 'replay-batch', companyDomains: ['replay-batch.test'] });
  await setBatchPace(stack, account.id, 1_000_000);
  const done = await uploadCsv(stack, account.id, csv('email,phone,role,license,locale,send at', [
    'a@replay-batch.test,,admin,,fr,', ',+14155550177,user,,,', 'b@replay-batch.test,,,video_pro,,2031-01-01T09:00 Europe/Paris',
  ]), { credential: account.credential });
  expect(done.status).toBe(202);
  await stack.client.workflow.getHandle(done.body.workflowId).result();
  await replaysCleanly(done.body.workflowId, undefined, 'invitation-batch-completed.json');

  await setBatchPace(stack, account.id, 100);
  const slow = await uploadCsv(stack, account.id, csv('email', Array.from({ length: 101 }, (_, i) => `s${i}@replay-batch.test`)), { credential: account.credential });
  await eventually(async () => (await stack.api('GET', `${batchesPath(account.id)}/${slow.body.batchId}`, { credential: account.credential })).body.totals.started === 100);
  expect((await stack.api('POST', `${batchesPath(account.id)}/${slow.body.batchId}/cancel`, { credential: account.credential })).status).toBe(200);
  await replaysCleanly(slow.body.workflowId, undefined, 'invitation-batch-cancelled.json');
});
