// Builds the onboarding worker: every workflow type plus the activities built from real services.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../activities';

export interface OnboardingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests, production images); without it the worker bundles `workflows/` at start. */
  workflowBundlePath?: string;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** A send holds its database connection from claim to commit (activities/outbox.ts): room for that many sends at once. */
export const WORKER_DB_POOL_SIZE = 30;

export function createOnboardingWorker(opts: OnboardingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: opts.activities,
    // Invitations wait for days; keeping many cached avoids replaying their histories on every signal.
    maxCachedWorkflows: 2_000,
    // Ends in-flight activities promptly on shutdown (Ctrl-C in dev, SIGTERM in containers).
    shutdownGraceTime: '5 seconds',
  });
}
