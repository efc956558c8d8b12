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
  dataConverter: DataConverter;
  /** The deployment version this worker reports (config/temporal.ts `workerDeployment`). */
  workerDeploymentOptions?: WorkerOptions['workerDeploymentOptions'];
}

export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
}

/**
 * Chosen from `npm run bench` (README, "Benchmark", scenario 10: each lever in a fresh worker). An
 * invitation is woken only a few times in its life (signup, license, a resend) and replaying its
 * short history on a cache miss takes milliseconds, so the workflow cache is small: 50. With V8's
 * old space held to 128 MB and its young generation's semi space to 2 MB (WORKER_NODE_FLAGS), 2,000
 * invitations peaked at 259 MB at 1.07 of the throughput of the settings before (cache 200, old space
 * 192 MB: 360 MB). Task slots stay at the SDK's defaults: on 2 cores the Temporal server, not the
 * worker, is the limit.
 */
export const defaultWorkerTuning: WorkerTuning = {
  maxCachedWorkflows: 50,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
};

/** The worker process's V8 limits (node flags), as `npm run start:worker`, the Dockerfile and docker-compose run it (test/fast/compose.test.ts checks they agree). */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=2'];

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
    dataConverter: opts.dataConverter,
    ...(opts.workerDeploymentOptions ? { workerDeploymentOptions: opts.workerDeploymentOptions } : {}),
    ...defaultWorkerTuning,
    ...opts.tuning,
    // Ends in-flight activities promptly on shutdown (Ctrl-C in dev, SIGTERM in containers).
    shutdownGraceTime: '5 seconds',
  });
}
