// A worker in its own process, so a test can SIGKILL it mid-activity and start another.
import { createDb } from '../../db';
import { startWorker, type WorkerSettings } from './stack';

async function main() {
  const settings = JSON.parse(process.env.WORKER_SETTINGS ?? '') as WorkerSettings;
  const db = createDb(settings.databaseUrl);
  await startWorker(settings, db);
  process.stdout.write('WORKER READY\n');
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
