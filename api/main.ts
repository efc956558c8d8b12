// Production entry point: the API against services that already run (docker-compose, k8s).
import { loadConfig, requireRuntimeConfig } from '../config';
import { connectClient, temporalSettings } from '../config/temporal';
import { createDb, requestPoolOptions } from '../db';
import { buildApp } from './app';
import { appOptionsFromConfig } from './app-options';

async function main() {
  const config = requireRuntimeConfig(loadConfig());
  const temporalConfig = temporalSettings(config);
  const temporal = await connectClient(temporalConfig);
  const db = createDb(config.DATABASE_URL, requestPoolOptions(config.REQUEST_DEADLINE_MS));
  const app = await buildApp(appOptionsFromConfig(config, { db, temporal, invitationTokenSecret: config.INVITATION_TOKEN_SECRET, payloadKeys: temporalConfig.payloadKeys }));
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
