// Starts the services the whole test run shares: a real PostgreSQL (throwaway directory, schema
// migrated into a template database) and a real Temporal dev server (in-memory SQLite), and
// bundles the workflow code once for every test worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { migrateToLatest } from '../db/migrate';
import { ensureDatabase } from '../db/databases';
import { startLocalPostgres, throwawayDir } from '../scripts/local-stack/postgres';
import { freePort } from '../scripts/local-stack/ports';
import { startTemporalDevServer } from '../scripts/local-stack/temporal-server';
import { startTwilioMock } from '../scripts/local-stack/twilio-endpoint';
import { WORKFLOWS_PATH } from '../worker';
import type { TestStackEnv } from './support/stack-env';
import { TEST_LOGS_ROOT } from './support/test-logs';

/** Runs whose logs are kept in .data/test-logs/ (older ones are removed as a run starts). */
const KEPT_RUNS = 10;

/** This run's log folder, .data/test-logs/<start time>/, linked as `latest`. */
function newRunLogDir(): string {
  fs.mkdirSync(TEST_LOGS_ROOT, { recursive: true });
  const runs = fs.readdirSync(TEST_LOGS_ROOT).filter((d) => /^\d{4}-\d\d-\d\dT/.test(d)).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - (KEPT_RUNS - 1)))) fs.rmSync(path.join(TEST_LOGS_ROOT, old), { recursive: true, force: true });
  const name = new Date().toISOString().replace(/:/g, '-').replace(/\..*/, '') + `-${process.pid}`;
  const dir = path.join(TEST_LOGS_ROOT, name);
  fs.mkdirSync(dir, { recursive: true });
  const latest = path.join(TEST_LOGS_ROOT, 'latest');
  fs.rmSync(latest, { force: true });
  fs.symlinkSync(name, latest);
  return dir;
}

export default async function globalSetup(globalConfig?: { selectProjects?: string[] }): Promise<void> {
  const started = Date.now();
  // `npm run test:fast` (jest --selectProjects fast) runs no worker and sends nothing: no bundle, no Prism.
  const fastOnly = !!globalConfig?.selectProjects?.length && globalConfig.selectProjects.every((p) => p === 'fast');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-test-'));
  // Test files' processes inherit it (test/support/test-logs.ts), the reporter reads it.
  const logDir = (process.env.TEST_LOG_DIR = newRunLogDir());
  const log = (m: string) => fs.appendFileSync(path.join(logDir, 'setup.log'), `${new Date().toISOString()} ${m}\n`);

  const postgresDir = throwawayDir('onboarding-test-pg-');
  const [pgPort, temporalPort, twilioPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const [postgres, temporal, bundle, twilioMock] = await Promise.all([
    (async () => {
      const pg = await startLocalPostgres({ dataDir: path.join(postgresDir, 'data'), port: pgPort, persistent: false, log });
      await ensureDatabase(pg.adminUrl, 'onboarding_template');
      await migrateToLatest(pg.urlFor('onboarding_template'));
      return pg;
    })(),
    process.env.TEMPORAL_ADDRESS
      ? Promise.resolve({ address: process.env.TEMPORAL_ADDRESS, stop: async () => undefined })
      : startTemporalDevServer({ port: temporalPort, log, logFile: path.join(logDir, 'temporal-server.log') }),
    fastOnly ? { code: '' } : bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN', (e) => log(`workflow bundle: [${e.level}] ${e.message}`)) }),
    fastOnly ? { url: '', stop: async () => undefined } : startTwilioMock({ port: twilioPort, log }),
  ]);
  const workflowBundlePath = path.join(tmp, 'workflow-bundle.js');
  fs.writeFileSync(workflowBundlePath, bundle.code);

  const env: TestStackEnv = {
    postgresAdminUrl: postgres.adminUrl,
    postgresTemplate: 'onboarding_template',
    temporalAddress: temporal.address,
    workflowBundlePath,
    twilioMockUrl: twilioMock.url,
    tmpDir: tmp,
  };
  process.env.TEST_STACK = JSON.stringify(env);
  (globalThis as Record<string, unknown>).__testStack = { postgres, temporal, twilioMock, postgresDir, tmp };
  log(`services ready in ${((Date.now() - started) / 1000).toFixed(1)} s (Temporal ${temporal.address}, Postgres :${pgPort})`);
}
