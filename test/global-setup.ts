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
import { WORKFLOW_BUNDLE_SOURCES } from '../worker';
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

interface Services {
  postgres?: { stop(): Promise<void> };
  temporal?: { stop(): Promise<void> };
  twilioMock?: { url: string; stop(): Promise<void> };
  postgresDir: string;
  tmp: string;
  env: TestStackEnv;
  log(m: string): void;
}

/**
 * Starts what the run's test files need, once: PostgreSQL and Temporal for every file; the workflow
 * bundle and Prism only for files that run workers (the stack project). Each project names its
 * own global setup (this one, or global-setup-fast.ts): Jest runs each of those present in the run,
 * one after the other in this process, so the second only adds what the first did not start.
 */
export async function setUpServices({ forWorkers }: { forWorkers: boolean }): Promise<void> {
  const started = Date.now();
  const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const g = globalThis as { __testStack?: Services };
  let base: Promise<unknown> = Promise.resolve();
  if (!g.__testStack) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-test-'));
    // Test files' processes inherit it (test/support/test-logs.ts), the reporter reads it.
    const logDir = (process.env.TEST_LOG_DIR = newRunLogDir());
    const log = (m: string) => fs.appendFileSync(path.join(logDir, 'setup.log'), `${new Date().toISOString()} ${m}\n`);
    const postgresDir = throwawayDir('onboarding-test-pg-');
    const env: TestStackEnv = { postgresAdminUrl: '', postgresTemplate: 'onboarding_template', temporalAddress: '', workflowBundlePath: '', twilioMockUrl: '', tmpDir: tmp };
    const services: Services = (g.__testStack = { postgres: undefined, temporal: undefined, postgresDir, tmp, env, log });
    base = Promise.all([
      (async () => {
        const port = await freePort();
        const pg = (services.postgres = await startLocalPostgres({ dataDir: path.join(postgresDir, 'data'), port, persistent: false, log }));
        await ensureDatabase(pg.adminUrl, env.postgresTemplate);
        await migrateToLatest(pg.urlFor(env.postgresTemplate));
        env.postgresAdminUrl = pg.adminUrl;
        log(`PostgreSQL ready, template migrated in ${since()} (:${port})`);
      })(),
      (async () => {
        if (process.env.TEMPORAL_ADDRESS) {
          env.temporalAddress = process.env.TEMPORAL_ADDRESS;
          return;
        }
        const port = await freePort();
        const temporal = (services.temporal = await startTemporalDevServer({ port, log, logFile: path.join(logDir, 'temporal-server.log') }));
        env.temporalAddress = temporal.address;
        log(`Temporal dev server ready in ${since()} (${temporal.address})`);
      })(),
    ]);
  }
  const services = g.__testStack;
  let workers: Promise<unknown> = Promise.resolve();
  if (forWorkers && !services.twilioMock) {
    const { log, env } = services;
    workers = Promise.all([
      bundleWorkflowCode({ ...WORKFLOW_BUNDLE_SOURCES, logger: new DefaultLogger('WARN', (e) => log(`workflow bundle: [${e.level}] ${e.message}`)) }).then((bundle) => {
        env.workflowBundlePath = path.join(services.tmp, 'workflow-bundle.js');
        fs.writeFileSync(env.workflowBundlePath, bundle.code);
        log(`workflows bundled in ${since()}`);
      }),
      freePort().then(async (port) => {
        services.twilioMock = await startTwilioMock({ port, log });
        env.twilioMockUrl = services.twilioMock.url;
        log(`Prism ready in ${since()}`);
      }),
    ]);
  }
  // Whatever started is in g.__testStack, so global teardown stops it even if another part failed.
  await Promise.all([base, workers]);
  process.env.TEST_STACK = JSON.stringify(services.env);
}

export default function globalSetup(): Promise<void> {
  return setUpServices({ forWorkers: true });
}
