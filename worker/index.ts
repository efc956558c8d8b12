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
  /** Overrides of the measured defaults below (the benchmark tries others). */
  tuning?: Partial<WorkerTuning>;
}

export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
}

/**
 * Chosen from `npm run bench` (README, "Benchmark"): invitations wait for days, and a cached
 * workflow answers a signal or update without replaying its history; 2,000 cached invitations cost
 * little memory with V8 context reuse (the SDK default). Task slots stay at the SDK's defaults: on
 * 2 cores the Temporal server, not the worker, is the limit.
 */
export const defaultWorkerTuning: WorkerTuning = {
  maxCachedWorkflows: 2_000,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
};

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
    ...defaultWorkerTuning,
    ...opts.tuning,
    // Ends in-flight activities promptly on shutdown (Ctrl-C in dev, SIGTERM in containers).
    shutdownGraceTime: '5 seconds',
  });
}
