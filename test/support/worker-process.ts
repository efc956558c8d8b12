import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { spawnReadyProcess } from './ready-process';
import type { WorkerSettings } from './stack';

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (pino JSON lines). */
  output(): string;
  /** SIGKILL: no shutdown, no cleanup, as when a machine dies. */
  kill(): Promise<void>;
}

export async function spawnWorkerProcess(settings: WorkerSettings, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const p = await spawnReadyProcess(path.join(__dirname, 'worker-main.ts'), { ...env, WORKER_SETTINGS: JSON.stringify(settings) }, /WORKER READY/, 'worker process');
  return { child: p.child, output: p.output, kill: () => p.stop('SIGKILL') };
}
