// `npm run migrate`: applies pending migrations to DATABASE_URL (the dev command does this itself).
import { loadConfig } from '../config';
import { migrateToLatest } from '../db/migrate';

const { DATABASE_URL } = loadConfig();
if (!DATABASE_URL) {
  console.error('DATABASE_URL: required for `npm run migrate` (`npm run dev` migrates its own database)');
  process.exit(2);
}
migrateToLatest(DATABASE_URL, console.log).catch((err) => {
  console.error(err);
  process.exit(1);
});
