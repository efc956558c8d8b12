// Starts the Temporal CLI dev server (real server, SQLite, Web UI) as a child process.
import { spawn } from 'node:child_process';
import { killWithParent } from './processes';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { customSearchAttributes } from '../../workflows/search-attributes';
import { ensureTemporalCli } from './temporal-cli';

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  /** The server's process, when this started it (the bench reads its CPU time). */
  pid?: number;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would (fault tests); a persistent database file survives it. */
  kill?(): Promise<void>;
}

export interface TemporalDevServerOptions {
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** Persistent SQLite file; omit for an in-memory database. */
  dbFile?: string;
  namespace?: string;
  log?: (msg: string) => void;
  /** Where the server's own log goes (defaults to discarding it). */
  logFile?: string;
  /** The Web UI's codec endpoint (`--ui-codec-endpoint`): it shows payloads decrypted by it. */
  uiCodecEndpoint?: string;
}

const CLI_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList',
};

export function searchAttributeFlags(): string[] {
  return customSearchAttributes.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE_NAMES[k.type]}`]);
}

async function waitUntilServing(address: string, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = exited();
    if (why) throw new Error(`Temporal dev server exited during start-up: ${why}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const log = opts.log ?? console.log;
  const namespace = opts.namespace ?? 'default';
  const cli = await ensureTemporalCli(log);

  if (!cli) {
    // Last resort on a machine with internet but neither a CLI nor Go: the SDK downloads one.
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1', port: opts.port, uiPort: opts.uiPort, namespace, dbFilename: opts.dbFile,
        searchAttributes: customSearchAttributes,
      },
    });
    return { address: env.address, uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined, stop: () => env.teardown() };
  }

  const address = `127.0.0.1:${opts.port}`;
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--namespace', namespace,
    '--log-level', 'warn',
    // WAL with synchronous=off: a crash of the *machine* may lose the last writes, a crash of the
    // server process does not; default pragmas make the dev server far too slow (single-digit wf/s).
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=off',
    ...searchAttributeFlags(),
  ];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.uiPort && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }

  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(cli, args, { stdio: ['ignore', out, out] });
  killWithParent(child);
  let exitReason: string | undefined;
  child.on('exit', (code, signal) => {
    exitReason = `code ${code ?? '-'} signal ${signal ?? '-'}${opts.logFile ? ` (see ${opts.logFile})` : ''}`;
  });
  child.on('error', (err) => {
    exitReason = err.message;
  });

  try {
    await waitUntilServing(address, 60_000, () => exitReason);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    address,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined,
    pid: child.pid,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
