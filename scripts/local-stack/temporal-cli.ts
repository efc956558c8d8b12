// Finds the Temporal CLI (which carries the dev server and its Web UI), building the pinned
// version from the Go module proxy when none is installed. Order: TEMPORAL_CLI_PATH, `temporal`
// on PATH, this project's cache, `go install` into that cache. Returns undefined only when none
// of these is possible; the caller then falls back to the SDK's own download.
//
// The first build downloads and compiles the Temporal server and its dependencies: minutes on two
// cores and several GB of Go module and build caches. It says what it is doing while it runs, and
// the caches it created for itself are deleted once the binary is in place (GOMODCACHE or GOCACHE
// set by the user, in the environment or with `go env -w`, are used and left alone).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.5.1';

export function temporalCliCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'provisioning-orchestrator', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : undefined;
}

/** The CLI if there is one already (TEMPORAL_CLI_PATH, PATH, this project's cache); never builds. */
export function findTemporalCli(): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH?.trim();
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH: no file at ${fromEnv}`);
    return fromEnv;
  }
  const installed = onPath('temporal');
  if (installed) return installed;
  const cached = path.join(temporalCliCacheDir(), 'temporal');
  return fs.existsSync(cached) ? cached : undefined;
}

/** Finds the CLI, or builds it with Go (printing its progress). Undefined: no CLI and no Go. */
export async function ensureTemporalCli(log: (msg: string) => void = console.log): Promise<string | undefined> {
  const found = findTemporalCli();
  if (found) return found;
  const go = onPath('go');
  if (!go) {
    log('Temporal CLI not found and Go is not installed; falling back to the SDK download.');
    return undefined;
  }
  const cacheDir = temporalCliCacheDir();
  fs.mkdirSync(cacheDir, { recursive: true });
  const cached = path.join(cacheDir, 'temporal');
  const unlock = await buildLock(cacheDir, cached, log);
  try {
    if (!fs.existsSync(cached)) await buildTemporalCli(go, cacheDir, cached, log);
  } finally {
    unlock();
  }
  return cached;
}

/**
 * Synchronous form, for callers that cannot await: the build (if one is needed) runs in a child
 * process, this very script, with the same progress output.
 */
export function findOrBuildTemporalCli(log: (msg: string) => void = console.log): string | undefined {
  const found = findTemporalCli();
  if (found) return found;
  if (!onPath('go')) {
    log('Temporal CLI not found and Go is not installed; falling back to the SDK download.');
    return undefined;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`building the Temporal CLI failed (exit ${r.status ?? r.signal}); see the output above`);
  return findTemporalCli();
}

const MB = 1024 * 1024;
const size = (bytes: number) => (bytes >= 1024 * MB ? `${(bytes / 1024 / MB).toFixed(1)} GB` : `${Math.round(bytes / MB)} MB`);

/** Bytes under `dir` (0 if absent); best effort, for progress lines. */
function diskUsage(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        try {
          total += fs.lstatSync(p).size;
        } catch {
          /* gone meanwhile */
        }
      }
    }
  };
  walk(dir);
  return total;
}

/** Go settings the user changed (environment or `go env -w`), which the build must respect. */
function goSettingsChanged(go: string): Set<string> {
  try {
    return new Set(Object.keys(JSON.parse(execFileSync(go, ['env', '-changed', '-json'], { encoding: 'utf8' })) as object));
  } catch {
    // Older Go without -changed: only the environment can tell.
    return new Set(['GOMODCACHE', 'GOCACHE'].filter((k) => process.env[k]));
  }
}

async function buildTemporalCli(go: string, cacheDir: string, cached: string, log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  // Everything the build writes goes under `work`: a retry after a failure resumes from it, a
  // success deletes it.
  const work = path.join(cacheDir, 'go-build');
  const changed = goSettingsChanged(go);
  const env: NodeJS.ProcessEnv = { ...process.env, CGO_ENABLED: '0', GOBIN: path.join(work, 'bin') };
  const ownModCache = !changed.has('GOMODCACHE');
  const ownBuildCache = !changed.has('GOCACHE');
  if (ownModCache) env.GOMODCACHE = path.join(work, 'mod');
  if (ownBuildCache) env.GOCACHE = path.join(work, 'cache');
  const modCache = env.GOMODCACHE ?? execFileSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const goVersion = execFileSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();

  log(
    `Building Temporal CLI v${TEMPORAL_CLI_VERSION} with ${goVersion} into ${cacheDir} (first run only): ` +
      'it downloads about 270 MB of Go modules from the module proxy and compiles about 1,300 packages, ' +
      'about 5 minutes on 2 cores, with up to 4.5 GB of disk in use meanwhile (Go caches, deleted afterwards; ' +
      'the CLI itself is 240 MB). `npm run setup:temporal` does this ahead of time.',
  );
  try {
    const free = fs.statfsSync(cacheDir);
    const freeGb = (free.bavail * free.bsize) / 1024 ** 3;
    if (freeGb < 5) log(`warning: only ${freeGb.toFixed(1)} GB free at ${cacheDir}; the build needs up to 4.5 GB`);
  } catch {
    /* statfs unsupported here */
  }

  fs.mkdirSync(work, { recursive: true });
  const child = spawn(
    go,
    ['install', '-v', '-ldflags', `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`, `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`],
    { env, stdio: ['ignore', 'inherit', 'pipe'] },
  );
  const stopWithUs = () => child.kill('SIGTERM');
  process.on('exit', stopWithUs);

  // `go install -v` names each package as it is compiled: counted, not printed; anything else
  // (download notes, errors) is passed through.
  let packages = 0;
  let lastPackage = '';
  const tail: string[] = [];
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (/^[\w.~/-]+$/.test(line)) {
        packages += 1;
        lastPackage = line;
      } else if (!line.startsWith('go: downloading ')) {
        log(`go: ${line.replace(/^go: /, '')}`);
      }
    }
  });
  const progress = setInterval(() => {
    const downloaded = size(diskUsage(path.join(modCache, 'cache', 'download')));
    const phase = packages === 0 ? 'downloading modules' : `${packages} packages compiled (last: ${lastPackage})`;
    log(`still building the Temporal CLI: ${seconds()} s, ${downloaded} of modules downloaded, ${phase}`);
  }, 20_000);

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (err) => {
      tail.push(String(err));
      resolve({ code: -1, signal: null });
    });
  });
  clearInterval(progress);
  process.off('exit', stopWithUs);
  if (exit.code !== 0) {
    throw new Error(
      `building the Temporal CLI failed after ${seconds()} s (exit ${exit.code ?? exit.signal}):\n${tail.join('\n')}\n` +
        `The Go caches of this build are kept in ${work} so that a retry resumes; delete that directory to reclaim the space.`,
    );
  }

  fs.renameSync(path.join(work, 'bin', 'temporal'), cached);
  const used = diskUsage(work);
  // Go makes its module cache read-only; `go clean -modcache` is the way to delete it.
  if (ownModCache) spawnSync(go, ['clean', '-modcache'], { env, stdio: 'ignore' });
  fs.rmSync(work, { recursive: true, force: true });
  const kept = [!ownModCache && `GOMODCACHE (${modCache})`, !ownBuildCache && `GOCACHE (${env.GOCACHE ?? 'yours'})`].filter(Boolean);
  log(
    `Temporal CLI built in ${seconds()} s: ${cached} (${size(fs.statSync(cached).size)}); ` +
      `removed ${size(used)} of Go caches the build created` +
      (kept.length ? `; your ${kept.join(' and ')} kept as set` : ''),
  );
}

/**
 * One build at a time per cache directory: a second process (another `npm run dev`, a test run)
 * waits for the first instead of building a second copy. Resolves with the release function.
 */
async function buildLock(cacheDir: string, cached: string, log: (msg: string) => void): Promise<() => void> {
  const lock = path.join(cacheDir, 'build.lock');
  const started = Date.now();
  let lastNote = 0;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return () => fs.rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fs.existsSync(cached)) return () => undefined;
    let pid = NaN;
    let age = 0;
    try {
      age = Date.now() - fs.statSync(lock).mtimeMs;
      pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8') || NaN);
    } catch {
      /* released meanwhile, or its pid not written yet */
    }
    let alive = false;
    try {
      alive = Number.isInteger(pid) && process.kill(pid, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive && (Number.isInteger(pid) || age > 10_000)) {
      fs.rmSync(lock, { recursive: true, force: true }); // left by a build that died
      continue;
    }
    if (Date.now() - lastNote > 30_000) {
      lastNote = Date.now();
      log(`another process (pid ${pid}) is building the Temporal CLI into ${cacheDir}; waiting for it (${Math.round((lastNote - started) / 1000)} s)`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

// `npm run setup:temporal` builds the CLI ahead of time; findOrBuildTemporalCli runs it too.
if (require.main === module) {
  ensureTemporalCli((m) => console.error(m)).then(
    (cli) => console.log(cli ?? 'no Temporal CLI (the SDK download will be used)'),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
