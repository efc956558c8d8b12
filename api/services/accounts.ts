// Creating a company account with its first Super Admin (bootstrap command, dev demo, tests).
import type { Db } from '../../db';
import { inTransaction } from '../../db';
import { createCredentialService } from './credentials';
import type { Plan } from '../../domain/licenses';
import type { Locale } from '../../domain/locales';
import type { Role } from '../../domain/roles';

export interface NewAccount {
  id: string;
  name: string;
  companyDomains: string[];
  plan?: Plan;
  country?: string;
  locale?: Locale;
  usersMayInvite?: boolean;
  invitationLifetimeSeconds?: number;
  superAdmin: { email: string; firstName: string; lastName: string };
}

export async function createAccountWithSuperAdmin(db: Db, a: NewAccount): Promise<{ accountId: string; superAdminId: string; credential: string }> {
  const superAdminId = await inTransaction(db, async (tx) => {
    await tx.query(
      `INSERT INTO accounts (id, name, company_domains, plan, country, locale, users_may_invite, invitation_lifetime_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.id, a.name, a.companyDomains.map((d) => d.toLowerCase()), a.plan ?? 'video_pro', a.country ?? 'US', a.locale ?? 'en',
        a.usersMayInvite ?? true, a.invitationLifetimeSeconds ?? 14 * 24 * 3600],
    );
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO users (account_id, email, first_name, last_name, role, user_type, status, can_purchase, activated_at)
       VALUES ($1, $2, $3, $4, 'super_admin', 'admin', 'active', true, now()) RETURNING id`,
      [a.id, a.superAdmin.email.toLowerCase(), a.superAdmin.firstName, a.superAdmin.lastName],
    );
    return rows[0]!.id;
  });
  const { secret } = await createCredentialService({ db }).issue(a.id, superAdminId, 'bootstrap');
  return { accountId: a.id, superAdminId, credential: secret };
}

/** Adds another active person with a role and an API credential (admins and users in tests and demos). */
export async function addPersonWithCredential(
  db: Db,
  accountId: string,
  p: { email: string; firstName: string; lastName: string; role: Role; canPurchase?: boolean },
): Promise<{ userId: string; credential: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (account_id, email, first_name, last_name, role, user_type, status, can_purchase, activated_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'user' THEN 'coworker' ELSE 'admin' END, 'active', $6, now()) RETURNING id`,
    [accountId, p.email.toLowerCase(), p.firstName, p.lastName, p.role, p.canPurchase ?? false],
  );
  const userId = rows[0]!.id;
  const { secret } = await createCredentialService({ db }).issue(accountId, userId, 'person');
  return { userId, credential: secret };
}
