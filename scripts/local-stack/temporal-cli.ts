// Finds the Temporal CLI (which carries the dev server and its Web UI), building the pinned
// version from the Go module proxy when none is installed. Order: TEMPORAL_CLI_PATH, `temporal`
// on PATH, this project's cache, `go install` into that cache. Returns undefined only when none
// of these is possible; the caller then falls back to the SDK's own download.
import { execFileSync, spawnSync } from 'node:child_process';
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

export function findOrBuildTemporalCli(log: (msg: string) => void = console.log): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH?.trim();
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH: no file at ${fromEnv}`);
    return fromEnv;
  }
  const installed = onPath('temporal');
  if (installed) return installed;

  const cacheDir = temporalCliCacheDir();
  const cached = path.join(cacheDir, 'temporal');
  if (fs.existsSync(cached)) return cached;

  const go = onPath('go');
  if (!go) {
    log('Temporal CLI not found and Go is not installed; falling back to the SDK download.');
    return undefined;
  }
  log(`Building Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${cacheDir} (first run only; takes a few minutes)...`);
  fs.mkdirSync(cacheDir, { recursive: true });
  // Build into a temporary directory and rename, so an interrupted build never leaves a broken binary.
  const staging = fs.mkdtempSync(path.join(cacheDir, 'build-'));
  try {
    execFileSync(
      go,
      [
        'install',
        '-ldflags',
        `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
      ],
      { env: { ...process.env, CGO_ENABLED: '0', GOBIN: staging }, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    fs.renameSync(path.join(staging, 'temporal'), cached);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return cached;
}

// `npm run setup:temporal` builds the CLI ahead of time (CI does this before the tests).
if (require.main === module) {
  const cli = findOrBuildTemporalCli();
  console.log(cli ?? 'no Temporal CLI (the SDK download will be used)');
}
