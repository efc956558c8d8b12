// `npm run backfill:stages`: fills the read model's stage for workflows started before it, from
// Temporal visibility (see operations/stage-backfill.ts). Safe to run again; prints what it filled.
import { loadConfig } from '../config';
import { connectScriptClient } from '../config/temporal';
import { createDb } from '../db';
import { backfillStages } from '../operations/stage-backfill';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (the database whose read model to fill)');
  const client = await connectScriptClient(config);
  const connection = client.connection;
  const db = createDb(config.DATABASE_URL);
  try {
    const counts = await backfillStages(db, client, { log: (m) => process.stderr.write(`${m}\n`) });
    console.log(JSON.stringify(counts));
  } finally {
    await Promise.allSettled([db.end(), connection.close()]);
  }
}

main().catch((err) => {
  console.error(`backfill:stages: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
