// Replaying recorded workflow histories on the current workflow code (through the test key's codec:
// encrypted histories decode, older plain ones pass through), and keeping a fresh run's history as a
// fixture when RECORD_HISTORIES=1 (test/replay/workflow-replay.test.ts says when to record).
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { testDataConverter } from './payload-keys';
import { testStackEnv } from './stack-env';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'histories');
export const recording = process.env.RECORD_HISTORIES === '1';

/** Replays `histories` on the bundle at `codePath` (the tests' own bundle of workflows/ by default). */
export async function replay(histories: Array<{ workflowId: string; history: unknown }>, codePath = testStackEnv().workflowBundlePath): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath }, dataConverter: testDataConverter() }, histories)) results.push(r);
  return results;
}

/**
 * A workflow's history (once it has closed, unless `closed: false`; one run's with `runId`) replayed
 * on the current code, and kept as `fixture` when recording: each replay's error message (undefined
 * where it replayed cleanly), and the history.
 */
export async function replayWorkflow(client: Client, workflowId: string, fixture: string, opts: { runId?: string; closed?: boolean } = {}) {
  const handle = client.workflow.getHandle(workflowId, opts.runId);
  if (opts.closed !== false) await handle.result();
  const history = await handle.fetchHistory();
  const errors = (await replay([{ workflowId, history }])).map((r) => r.error?.message);
  if (recording) fs.writeFileSync(path.join(FIXTURES, fixture), historyToJSON(history) + '\n');
  return { errors, history };
}
