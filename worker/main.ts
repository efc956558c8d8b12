// Production entry point: a worker process against services that already run (docker-compose, k8s).
import { loadConfig, requireRuntimeConfig, webhookSettings } from '../config';
import { connectClient, connectWorker, dataConverter, temporalSettings, workerDeployment } from '../config/temporal';
import { createDb } from '../db';
import { createOnboardingWorker, WORKER_DB_POOL_SIZE } from '.';
import { activitiesWithServices } from './activity-services';
import { installWorkerRuntime } from './runtime';

async function main() {
  const config = requireRuntimeConfig(loadConfig());
  installWorkerRuntime({ logLevel: config.LOG_LEVEL, metricsAddress: config.WORKER_METRICS_ADDRESS });
  const temporal = temporalSettings(config);
  const connection = await connectWorker(temporal);
  const client = await connectClient(temporal);
  const db = createDb(config.DATABASE_URL, { max: WORKER_DB_POOL_SIZE });
  const worker = await createOnboardingWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    dataConverter: dataConverter(temporal),
    workerDeploymentOptions: workerDeployment(config),
    activities: activitiesWithServices(db, client, {
      smtpUrl: config.SMTP_URL,
      mailFrom: config.MAIL_FROM,
      twilio: { accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, apiBaseUrl: config.TWILIO_API_BASE_URL, from: config.TWILIO_FROM_NUMBER },
      publicBaseUrl: config.PUBLIC_BASE_URL,
      invitationTokenSecret: config.INVITATION_TOKEN_SECRET,
      batchMessagesPerMinute: config.BATCH_MESSAGES_PER_MINUTE,
      webhooks: webhookSettings(config),
    }),
  });
  await worker.run(); // returns after SIGINT/SIGTERM once in-flight tasks are done
  await db.end();
  await connection.close();
  await client.connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
