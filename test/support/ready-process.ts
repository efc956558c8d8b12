// A TypeScript entry point run in a process of its own (node --import tsx: one process, so a signal
// reaches it, not a wrapper), ready once it prints a line matching `ready`.
import { spawn, type ChildProcess } from 'node:child_process';
import { testLog } from './test-logs';

export interface ReadyProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** The match of the ready line. */
  ready: RegExpExecArray;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export async function spawnReadyProcess(script: string, env: Record<string, string>, ready: RegExp, what: string): Promise<ReadyProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Also into the test file's log folder, as it comes: worker-process-<pid>.log, postgresql-<pid>.log.
  const log = testLog(`${what.toLowerCase().replace(/\W+/g, '-')}-${child.pid}`);
  child.stdout!.on('data', (b: Buffer) => log.append(b.toString()));
  child.stderr!.on('data', (b: Buffer) => log.append(b.toString()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready in 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      output += b.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    output: () => output,
    ready: match,
    async stop(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}
