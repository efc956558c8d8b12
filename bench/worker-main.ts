// The benchmark's worker, in a process of its own so its memory is measured alone: the product's
// workflows and activities plus the engine floor's no-op, on the real local services.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { LOCAL_TWILIO } from '../config';
import { connectClient, connectWorker, dataConverter, localTemporal } from '../config/temporal';
import { createDb } from '../db';
import { createOnboardingWorker, WORKER_DB_POOL_SIZE, type WorkerTuning } from '../worker';
import { activitiesWithServices } from '../worker/activity-services';

export interface BenchWorkerSettings {
  temporalAddress: string;
  taskQueue: string;
  bundlePath: string;
  databaseUrl: string;
  smtpUrl: string;
  twilioUrl: string;
  publicBaseUrl: string;
  invitationTokenSecret: string;
  tuning: Partial<WorkerTuning> & BenchWorkerLevers;
  /** Bundle `workflows/` at start instead of loading the prebuilt bundle (a memory lever). */
  bundleAtStart?: boolean;
}

/** Worker options the memory levers try besides the product's tuning. */
export interface BenchWorkerLevers {
  reuseV8Context?: boolean;
}

async function main() {
  const s = JSON.parse(process.env.BENCH_WORKER ?? '') as BenchWorkerSettings;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const db = createDb(s.databaseUrl, { max: WORKER_DB_POOL_SIZE });
  const client = await connectClient(localTemporal(s.temporalAddress));
  const worker = await createOnboardingWorker({
    connection: await connectWorker(localTemporal(s.temporalAddress)),
    dataConverter: dataConverter(localTemporal(s.temporalAddress)),
    namespace: 'default',
    taskQueue: s.taskQueue,
    workflowBundlePath: s.bundleAtStart ? undefined : s.bundlePath,
    tuning: s.tuning,
    activities: {
      ...activitiesWithServices(db, client, {
        smtpUrl: s.smtpUrl,
        mailFrom: 'Bench <bench@onboarding.test>',
        twilio: { ...LOCAL_TWILIO, apiBaseUrl: s.twilioUrl },
        publicBaseUrl: s.publicBaseUrl,
        invitationTokenSecret: s.invitationTokenSecret,
        // Scenario 9 delivers to a receiver on this machine.
        webhooks: { allowPrivateAddresses: true, pollIntervalMs: 50 },
      }),
      benchNoop: async () => undefined,
    } as never,
  });
  process.once('SIGTERM', () => worker.shutdown());
  const run = worker.run();
  process.stdout.write('WORKER READY\n');
  await run;
  await db.end();
  process.exit(0);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
