// A worker in its own process, so a test can SIGKILL it mid-activity and start another.
import { createDb } from '../../db';
import { WORKER_DB_POOL_SIZE } from '../../worker';
import { installWorkerRuntime } from '../../worker/runtime';
import { startWorker, type WorkerSettings } from './stack';

async function main() {
  const settings = JSON.parse(process.env.WORKER_SETTINGS ?? '') as WorkerSettings;
  // As in production: JSON logs on stdout, SDK metrics where the test asks for them.
  installWorkerRuntime({ logLevel: 'info', metricsAddress: process.env.WORKER_METRICS_ADDRESS });
  const db = createDb(settings.databaseUrl, { max: WORKER_DB_POOL_SIZE });
  await startWorker(settings, db);
  process.stdout.write('WORKER READY\n');
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
