// `npm run bootstrap -- --account acme --name "Acme Corp" --domains acme.com --email boss@acme.com --first Bea --last Boss`
// Creates a company account and its first Super Admin, and prints that person's API credential once.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb } from '../db';
import { createAccountWithSuperAdmin } from '../api/services/accounts';

async function main() {
  const { values } = parseArgs({
    options: {
      account: { type: 'string' }, name: { type: 'string' }, domains: { type: 'string', default: '' },
      email: { type: 'string' }, first: { type: 'string' }, last: { type: 'string' },
      plan: { type: 'string', default: 'video_pro' }, locale: { type: 'string', default: 'en' }, country: { type: 'string', default: 'US' },
    },
  });
  const missing = (['account', 'name', 'email', 'first', 'last'] as const).filter((k) => !values[k]);
  if (missing.length) throw new Error(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  if (!['video_pro', 'video_pro_plus', 'ringex'].includes(values.plan!)) throw new Error('--plan must be video_pro, video_pro_plus or ringex');
  if (!['en', 'fr'].includes(values.locale!)) throw new Error('--locale must be en or fr');

  const { DATABASE_URL } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL: required (the dev command creates a demo account by itself)');
  const db = createDb(DATABASE_URL);
  try {
    const created = await createAccountWithSuperAdmin(db, {
      id: values.account!, name: values.name!, companyDomains: values.domains!.split(',').map((d) => d.trim()).filter(Boolean),
      plan: values.plan as 'video_pro', locale: values.locale as 'en', country: values.country,
      superAdmin: { email: values.email!, firstName: values.first!, lastName: values.last! },
    });
    console.log(`Account ${created.accountId} created with Super Admin ${values.email}.`);
    console.log(`API credential (shown once, keep it safe):\n  ${created.credential}`);
  } finally {
    await db.end();
  }
}

main().catch((err) => {
  console.error(`bootstrap: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
