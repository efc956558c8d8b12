// What operators watch: the worker's JSON logs carry workflowId and runId, the worker exposes the
// SDK's Prometheus metrics, and the API's /metrics has request and business series.
import { freePort } from '../../scripts/local-stack/ports';
import { inviteByEmail } from '../support/invitee';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

let stack: TestStack;
let worker: WorkerProcess;
let metricsAddress: string;
beforeAll(async () => {
  stack = await startTestStack({ account: { id: 'observed' }, inProcessWorker: false });
  metricsAddress = `127.0.0.1:${await freePort()}`;
  worker = await spawnWorkerProcess(stack.workerSettings, { WORKER_METRICS_ADDRESS: metricsAddress });
});
afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

test('logs, SDK metrics and business metrics follow an invitation', async () => {
  const { id } = await inviteByEmail(stack, 'watched@acme.test', 'observed');
  await eventually(async () => (await stack.api('GET', `/v1/accounts/observed/invitations/${encodeURIComponent(id)}`)).body.stage === 'awaiting_signup');

  // Structured logs: one JSON object a line, with the workflow's identity on what it does.
  const lines = await eventually(async () => {
    const found = worker.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    return found.some((l) => l.workflowId === id && String(l.msg).startsWith('Invitation sent to')) ? found : undefined;
  }, 10_000, 'the workflow\'s log line');
  const sent = lines.find((l) => l.workflowId === id && String(l.msg).startsWith('Invitation sent to'))!;
  expect(sent).toMatchObject({ workflowId: id, workflowType: 'invitationWorkflow', runId: expect.any(String), stage: 'awaiting_signup', component: 'worker' });

  // The worker's SDK metrics.
  const sdk = await eventually(async () => {
    const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
    return /temporal_activity_execution_latency/.test(text) ? text : undefined;
  }, 10_000, 'SDK metrics');
  expect(sdk).toMatch(/temporal_workflow_task_execution_latency/);
  expect(sdk).toMatch(/temporal_workflow_completed_total|temporal_request_total/);

  // The API's own and the business series.
  const api = await eventually(async () => {
    const text = (await stack.api('GET', '/metrics', { credential: null })).body as string;
    return /onboarding_invitations\{stage="awaiting_signup"\} [1-9]/.test(text) ? text : undefined;
  }, 10_000, 'business metrics');
  expect(api).toMatch(/onboarding_api_requests_total\{method="POST",route="\/v1\/accounts\/:accountId\/invitations",status="201"\} 1/);
  expect(api).toMatch(/onboarding_api_request_duration_seconds_bucket/);
  expect(api).toMatch(/onboarding_messages\{channel="email",status="sent"\} [1-9]/);
});
