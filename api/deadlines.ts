// How long the API waits on PostgreSQL and Temporal while answering a request. Every call to Temporal
// made while answering carries its own deadline (`temporalCall`: a gRPC deadline through the SDK's
// `withDeadline`, and a timer for the SDK's retries); the pool that answers requests bounds
// connecting and each statement the same way (db/index.ts `requestPoolOptions`). Past a call's
// deadline the answer is 503 problem+json with Retry-After, never a hang while the SDK retries.
//
// Asking a workflow to act (resend, revoke, assign a license, activate, sign up) has two waits: the
// server and a worker accepting the request, within the request's deadline (no worker, or no server,
// is a prompt 503), then the workflow's answer, which may wait on work (an email being sent) and gets
// the longer `workflowAnswerMs`.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client, WorkflowUpdateHandle } from '@temporalio/client';
import { problems } from './problems';

export interface DeadlineSettings {
  /** Reaching PostgreSQL and Temporal while answering a request. */
  requestMs: number;
  /** A workflow's answer once it accepted a request to act. */
  workflowAnswerMs: number;
}

export const defaultDeadlines: DeadlineSettings = { requestMs: 2_000, workflowAnswerMs: 30_000 };

interface RequestDeadline {
  settings: DeadlineSettings;
}

const current = new AsyncLocalStorage<RequestDeadline>();

/** Runs the rest of a request's handling with its deadline settings (plugins/deadlines.ts). */
export function runWithDeadline<T>(deadline: RequestDeadline, fn: () => T): T {
  return current.run(deadline, fn);
}

const tooLate = () => problems.unavailable('Temporal did not answer in time; try again shortly.');

/**
 * One call to Temporal while answering a request: it carries its own deadline (`requestMs` from now)
 * as its gRPC deadline, and past it the answer is a 503 even while the SDK is still retrying. Each
 * call has its own, so a request that legitimately makes several calls is not cut short.
 */
export async function temporalCall<T>(temporal: Client, call: () => Promise<T>): Promise<T> {
  const settings = current.getStore()?.settings;
  if (!settings) return call();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooLate()), settings.requestMs);
  });
  try {
    return await Promise.race([temporal.connection.withDeadline(Date.now() + settings.requestMs, call), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks a workflow to act and waits for its answer: `start` starts the update to be ACCEPTED (one
 * call, within `requestMs`), then its result is awaited within `workflowAnswerMs`.
 */
export async function askWorkflow<Ret>(temporal: Client, start: () => Promise<WorkflowUpdateHandle<Ret>>): Promise<Ret> {
  const handle = await temporalCall(temporal, start);
  return workflowAnswer(temporal, () => handle.result());
}

/** Waits for what a workflow answers (an update's result, a short workflow's result) within `workflowAnswerMs`. */
export async function workflowAnswer<T>(temporal: Client, answer: () => Promise<T>): Promise<T> {
  const deadline = current.getStore();
  if (!deadline) return answer();
  return temporal.connection.withDeadline(Date.now() + deadline.settings.workflowAnswerMs, answer);
}
