// Builds the onboarding worker: every workflow type plus the activities built from real services.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities';
import { FAILURE_CONVERTER_PATH } from '../config/temporal';

export interface OnboardingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests, production images); without it the worker bundles `workflows/` at start. */
  workflowBundlePath?: string;
  /** Overrides of the measured defaults below (the benchmark tries others). */
  tuning?: Partial<WorkerTuning>;
  /** The payload codec (config/temporal.ts `dataConverter`): every client and worker of a namespace uses the same keys. */
  dataConverter?: DataConverter;
  /** The deployment version this worker reports (config/temporal.ts `workerDeployment`). */
  workerDeploymentOptions?: WorkerOptions['workerDeploymentOptions'];
}

export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
}

/**
 * Chosen from `npm run bench` (README, "Benchmark"). Each cached workflow costs the worker about
 * 0.28 MB (3,000 waiting: 378 MB with 100 cached, 904 MB with 2,000), while an invitation is woken
 * only a few times in its life (signup, license, a resend) and replaying its short history on a
 * cache miss takes milliseconds; so the cache is small. With V8's old space held to 192 MB
 * (`node --max-old-space-size=192`, as `npm run start:worker` and docker-compose run it), 10,000
 * open invitations fit in 378 MB; without that limit V8 let the heap grow to 492 MB at peak.
 * Task slots stay at the SDK's defaults: on 2 cores the Temporal server, not the worker, is the limit.
 */
export const defaultWorkerTuning: WorkerTuning = {
  maxCachedWorkflows: 200,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
};

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** What a prebuilt workflow bundle is built from: the workflows, and the failure converter that puts failure messages into (encrypted) payloads. */
export const WORKFLOW_BUNDLE_SOURCES = { workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH };

/** A send holds its database connection from claim to commit (activities/outbox.ts): room for that many sends at once. */
export const WORKER_DB_POOL_SIZE = 30;

export function createOnboardingWorker(opts: OnboardingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundlePath ? { workflowBundle: { codePath: opts.workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: opts.activities,
    dataConverter: opts.dataConverter ?? { failureConverterPath: FAILURE_CONVERTER_PATH },
    ...(opts.workerDeploymentOptions ? { workerDeploymentOptions: opts.workerDeploymentOptions } : {}),
    ...defaultWorkerTuning,
    ...opts.tuning,
    // Ends in-flight activities promptly on shutdown (Ctrl-C in dev, SIGTERM in containers).
    shutdownGraceTime: '5 seconds',
  });
}
