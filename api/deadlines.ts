// How long the API waits on PostgreSQL and Temporal while answering a request. The API's Temporal
// client (`withRequestDeadlines`, made by buildApp over the connection it is given) bounds every
// workflow call made while answering (start, signal, query, describe, update) by a client
// interceptor: a gRPC deadline through the SDK's `withDeadline`, and a timer for the SDK's retries.
// So a service cannot forget it. The two visibility calls (list, count), which no workflow
// interceptor sees, go through `temporalCall`. The pool that answers requests bounds connecting and
// each statement the same way (db/index.ts `requestPoolOptions`). Past a call's deadline the answer
// is 503 problem+json with Retry-After, never a hang while the SDK retries.
//
// Asking a workflow to act (resend, revoke, assign a license, activate, sign up) has two waits: the
// server and a worker accepting the request, within the request's deadline (no worker, or no server,
// is a prompt 503), then the workflow's answer, which may wait on work (an email being sent) and gets
// the longer `workflowAnswerMs`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, type WorkflowClientInterceptor, type WorkflowUpdateHandle } from '@temporalio/client';
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

/** Runs `call` with a gRPC deadline `ms` from now, and answers 503 past it even while the SDK still retries. */
async function bounded<T>(temporal: Pick<Client, 'connection'>, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooLate()), ms);
  });
  const deadline = Date.now() + ms;
  try {
    return await Promise.race([temporal.connection.withDeadline(deadline, call), expired]);
  } catch (err) {
    // The gRPC deadline can fire before the timer, and the SDK reports it in the call's own words
    // (DEADLINE_EXCEEDED, or CANCELLED for an update's start): past the deadline it is the same 503.
    if (Date.now() >= deadline) throw tooLate();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One call to Temporal while answering a request, for the calls no workflow interceptor sees
 * (visibility: `workflow.list`, `workflow.count`); every other call is bounded by the client itself
 * (`withRequestDeadlines`). Each call has its own deadline (`requestMs` from now), so a request that
 * legitimately makes several calls is not cut short. Outside a request, the call runs as it is.
 */
export async function temporalCall<T>(temporal: Pick<Client, 'connection'>, call: () => Promise<T>): Promise<T> {
  const settings = current.getStore()?.settings;
  return settings ? bounded(temporal, settings.requestMs, call) : call();
}

/**
 * The API's client: the given one's connection and namespace, with an interceptor that gives each
 * workflow call made while answering a request its own deadline. (So a request waits for an
 * update's completion through `askWorkflow`, not `executeUpdate`: the answer has a deadline of its own.)
 */
export function withRequestDeadlines(temporal: Client): Client {
  const connection = temporal.connection;
  const within = <I, O>(next: (input: I) => Promise<O>) => (input: I) => temporalCall({ connection }, () => next(input));
  const deadlines: WorkflowClientInterceptor = {
    startWithDetails: (input, next) => within(next)(input),
    signal: (input, next) => within(next)(input),
    signalWithStart: (input, next) => within(next)(input),
    query: (input, next) => within(next)(input),
    describe: (input, next) => within(next)(input),
    cancel: (input, next) => within(next)(input),
    terminate: (input, next) => within(next)(input),
    startUpdate: (input, next) => within(next)(input),
    startUpdateWithStart: (input, next) => within(next)(input),
  };
  const given = temporal.options.interceptors.workflow;
  return new Client({
    connection,
    namespace: temporal.options.namespace,
    identity: temporal.options.identity,
    // The given client's payload codec (encryption) too: the API's workflows carry encrypted payloads.
    dataConverter: temporal.options.dataConverter,
    interceptors: { ...temporal.options.interceptors, workflow: Array.isArray(given) ? [...given, deadlines] : [deadlines] },
  });
}

/**
 * Asks a workflow to act and waits for its answer: `start` starts the update to be ACCEPTED (one
 * call, within `requestMs`), then its result is awaited within `workflowAnswerMs`.
 */
export async function askWorkflow<Ret>(temporal: Client, start: () => Promise<WorkflowUpdateHandle<Ret>>): Promise<Ret> {
  const handle = await start();
  return workflowAnswer(temporal, () => handle.result());
}

/** Waits for what a workflow answers (an update's result, a short workflow's result) within `workflowAnswerMs`. */
export async function workflowAnswer<T>(temporal: Client, answer: () => Promise<T>): Promise<T> {
  const deadline = current.getStore();
  if (!deadline) return answer();
  return temporal.connection.withDeadline(Date.now() + deadline.settings.workflowAnswerMs, answer);
}
