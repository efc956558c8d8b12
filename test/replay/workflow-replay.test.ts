// Determinism guard: histories recorded from real runs must replay on the current workflow code.
// A change that alters the commands a running workflow would issue fails here; released workflow
// changes go behind `patched()`. `RECORD_HISTORIES=1 npm test -- test/replay` re-records the
// fixtures from fresh runs (only for changes that were never released).
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker, type ReplayResult } from '@temporalio/worker';
import type { InvitationStatus } from '../../workflows/definitions';
import { testStackEnv } from '../support/stack-env';
import { startTestStack, type TestStack } from '../support/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'histories');
const record = process.env.RECORD_HISTORIES === '1';

async function replay(codePath: string, histories: Array<{ workflowId: string; history: unknown }>): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath } }, histories)) results.push(r);
  return results;
}

function loadFixtures() {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'))) }));
}

describe('fresh runs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ account: { invitationLifetimeSeconds: 1 } });
  });
  afterAll(() => stack?.stop());

  test('an email invitation that expires unused replays on the current code', async () => {
    const res = await stack.api('POST', '/v1/accounts/acme/invitations', { body: { emails: ['replay@acme.test'] } });
    expect(res.status).toBe(201);
    const handle = stack.client.workflow.getHandle(res.body.invitations[0].id);
    const outcome = (await handle.result()) as InvitationStatus;
    expect(outcome.stage).toBe('expired');

    const history = await handle.fetchHistory();
    const results = await replay(testStackEnv().workflowBundlePath, [{ workflowId: handle.workflowId, history }]);
    expect(results).toHaveLength(1);
    expect(results[0]!.error).toBeUndefined();
    if (record) fs.writeFileSync(path.join(FIXTURES, 'invitation-email-expired.json'), historyToJSON(history) + '\n');
  });
});

describe('recorded histories', () => {
  test('every recorded history replays without a determinism error', async () => {
    const fixtures = loadFixtures();
    expect(fixtures.length).toBeGreaterThan(0);
    const results = await replay(testStackEnv().workflowBundlePath, fixtures);
    expect(results.map((r) => ({ id: r.workflowId, error: r.error?.message }))).toEqual(fixtures.map((f) => ({ id: f.workflowId, error: undefined })));
  });

  test('the guard bites: a workflow that issues different commands fails to replay', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'nondeterministic-workflows.ts'),
      logger: new DefaultLogger('WARN'),
    });
    const codePath = path.join(testStackEnv().tmpDir, 'nondeterministic-bundle.js');
    fs.writeFileSync(codePath, code);
    const results = await replay(codePath, loadFixtures().filter((f) => f.workflowId.startsWith('invitation-')));
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.error?.name).toBe('DeterminismViolationError');
  });
});
