// Production entry point: the API against services that already run (docker-compose, k8s).
import { loadConfig, requireRuntimeConfig } from '../config';
import { PayloadEncryptionCodec } from '../config/payload-codec';
import { connectClient, temporalSettings } from '../config/temporal';
import { createDb, requestPoolOptions } from '../db';
import { buildApp } from './app';

async function main() {
  const config = requireRuntimeConfig(loadConfig());
  const temporalConfig = temporalSettings(config);
  const temporal = await connectClient(temporalConfig);
  const db = createDb(config.DATABASE_URL, requestPoolOptions(config.REQUEST_DEADLINE_MS));
  const app = await buildApp({
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    invitationTokenSecret: config.INVITATION_TOKEN_SECRET,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    corsOrigins: config.CORS_ORIGINS,
    rateLimits: { apiPerMinute: config.RATE_LIMIT_PER_MINUTE },
    seatLimits: { perPurchase: config.SEATS_PER_PURCHASE_MAX, perAccount: config.SEATS_PER_ACCOUNT_MAX },
    deadlines: { requestMs: config.REQUEST_DEADLINE_MS, workflowAnswerMs: config.WORKFLOW_ANSWER_MS },
    webhookAllowPrivateAddresses: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? false,
    logLevel: config.LOG_LEVEL,
    temporalUiUrl: config.TEMPORAL_UI_URL ?? `http://localhost:${config.TEMPORAL_UI_PORT}`,
    trustProxy: config.TRUST_PROXY,
    ...(temporalConfig.payloadKeys
      ? { codec: { codec: new PayloadEncryptionCodec(temporalConfig.payloadKeys), uiOrigins: config.CODEC_CORS_ORIGINS, supportAccounts: config.CODEC_SUPPORT_ACCOUNTS } }
      : {}),
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app.close().then(() => Promise.all([db.end(), temporal.connection.close()]));
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
