// What the fault tests share: a stack whose workers are processes of their own (a SIGKILL takes a
// worker and nothing else), all stopped after the file; and what the invitees' inboxes show.
import { startTestStack, type TestStack, type TestStackOptions } from '../support/stack';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

export interface StackWithWorkerProcesses {
  /** Set in beforeAll. */
  readonly stack: TestStack;
  /** Every worker started, the latest last. */
  readonly workers: WorkerProcess[];
  /** Starts one more worker process on the stack's task queue. */
  spawnWorker(): Promise<WorkerProcess>;
}

/** Call at the top of a test file: beforeAll starts the stack (no worker in the test's process), afterAll kills the workers left and stops it. */
export function stackWithWorkerProcesses(options: Omit<TestStackOptions, 'inProcessWorker'> = {}): StackWithWorkerProcesses {
  let stack: TestStack | undefined;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    stack = await startTestStack({ ...options, inProcessWorker: false });
  });
  afterAll(async () => {
    for (const w of workers) await w.kill();
    await stack?.stop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('the stack starts in beforeAll');
      return stack;
    },
    workers,
    async spawnWorker() {
      const worker = await spawnWorkerProcess(this.stack.workerSettings);
      workers.push(worker);
      return worker;
    },
  };
}

/**
 * What the invitees received. A send the mail server accepted just before a crash or an outage
 * could not be recorded, so it goes again: the same message with the same Message-ID, which mailbox
 * providers drop. It is counted apart (`sameMessageRedelivered`) from a real duplicate: two
 * different messages to one invitee.
 */
export function deliveryCounts(received: ReadonlyArray<{ to: string[]; messageId?: string }>, invitees: readonly string[]) {
  const distinctMessages = new Set(received.map((m) => `${m.to[0]} ${m.messageId}`));
  return {
    received: distinctMessages.size,
    duplicates: distinctMessages.size - new Set(received.map((m) => m.to[0])).size,
    sameMessageRedelivered: received.length - distinctMessages.size,
    lost: invitees.filter((e) => !received.some((m) => m.to[0] === e)).length,
  };
}
