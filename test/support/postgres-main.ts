// Runs one PostgreSQL server (see postgres-process.ts) until SIGTERM, keeping its data directory;
// creates and migrates the template database on first start.
import { ensureDatabase } from '../../db/databases';
import { migrateToLatest } from '../../db/migrate';
import { startLocalPostgres } from '../../scripts/local-stack/postgres';
import { testStackEnv } from './stack-env';

async function main() {
  const pg = await startLocalPostgres({ dataDir: process.env.PG_DATA_DIR!, port: Number(process.env.PG_PORT), persistent: true });
  // A migrated template of the same name as the shared server's, so the test stack copies it as usual.
  const template = testStackEnv().postgresTemplate;
  await ensureDatabase(pg.adminUrl, template);
  await migrateToLatest(pg.urlFor(template));
  process.stdout.write(`POSTGRES READY ${pg.adminUrl}\n`);
  process.once('SIGTERM', () => {
    void pg.stop().then(() => process.exit(0));
  });
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
