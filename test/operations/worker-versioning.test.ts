// Safe rollouts: a worker reports the deployment version it runs (TEMPORAL_DEPLOYMENT_NAME and
// TEMPORAL_WORKER_BUILD_ID), and each workflow task it completes records that version in the
// history, so support can tell which build ran which step of a weeks-old invitation.
import { createDb, type Db } from '../../db';
import { WORKER_DB_POOL_SIZE } from '../../worker';
import { eventually, startTestStack, startWorker, type TestStack } from '../support/stack';

describe('worker deployment version', () => {
  let stack: TestStack;
  let db: Db;
  let worker: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    stack = await startTestStack({ inProcessWorker: false });
    db = createDb(stack.workerSettings.databaseUrl, { max: WORKER_DB_POOL_SIZE });
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.end();
    await stack?.stop();
  });

  test('each workflow task completed records the build that completed it', async () => {
    worker = await startWorker({ ...stack.workerSettings, buildId: 'build-2026-11-30.1' }, db);
    const r = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { channel: 'email', emails: ['versioned@acme.test'] } });
    const path = `/v1/accounts/acme/invitations/${encodeURIComponent(r.body.invitations[0].id)}`;
    await eventually(async () => (await stack.api('GET', path)).body.stage === 'awaiting_signup');
    const history = await stack.client.workflow.getHandle(r.body.invitations[0].id).fetchHistory();
    const completed = history.events!.filter((e) => e.workflowTaskCompletedEventAttributes).map((e) => e.workflowTaskCompletedEventAttributes!);
    expect(completed.length).toBeGreaterThan(0);
    // Unversioned routing: the server keeps the build id in the task's worker version stamp.
    for (const c of completed) expect([c.workerVersion?.buildId, c.deployment?.buildId, c.deploymentVersion?.buildId]).toContain('build-2026-11-30.1');
  });
});
