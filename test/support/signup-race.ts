// Two requests reaching an invitation's workflow in one workflow task, the way a real race does:
// a test with a worker of its own stops it, so that a signup and another request both wait at the
// server, and starts it again to take them together.
import type { WorkflowHandle } from '@temporalio/client';
import { toSubmission } from '../../api/services/signup/signup-submission';
import { hashToken } from '../../domain/invitation-tokens';
import { signUp, type SignupResult } from '../../workflows/invitation/definitions';
import { validSignup } from './invitee';
import { eventually, startWorker, type TestStack } from './stack';

/** The test's own worker (the stack started with `inProcessWorker: false`), stopped and started at will. */
export interface OwnWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function ownWorker(stack: TestStack): OwnWorker {
  let running: { stop(): Promise<void> } | undefined;
  return {
    async start() {
      running = await startWorker(stack.workerSettings, stack.db);
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
  };
}

/**
 * Has a signup (`token`'s, with validSignup) and `ask` reach the workflow in one workflow task: with
 * the worker stopped, both wait at the server, and the worker started again takes them together.
 * Both pass their validators (the invitation is still awaiting signup); the signup wins. The signup
 * is the update the signup page sent before `passwordId` (the hash itself in the update), which the
 * workflow and its activity still take: so the races also cover signups sent before that change (the
 * page itself first asks the workflow where it stands, which needs a worker). `asked` is the caller's
 * to await: a refusal does not count as unhandled meanwhile.
 */
export async function signupRacing<T>(worker: OwnWorker, handle: WorkflowHandle, token: string, ask: () => Promise<T>): Promise<{ signup: Promise<SignupResult>; asked: Promise<T> }> {
  const submission = await toSubmission(validSignup, { kind: 'invitation-token', tokenHash: hashToken(token) }, false);
  await worker.stop();
  let signup: Promise<SignupResult>;
  let asked: Promise<T>;
  try {
    signup = handle.executeUpdate(signUp, { args: [submission] });
    // The signup waits at the server once a workflow task is pending for it.
    await eventually(async () => (await handle.describe()).raw.pendingWorkflowTask, 10_000, 'the signup to reach the server');
    asked = ask();
    asked.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    await worker.start();
  }
  return { signup, asked };
}
