// The accounts table: the settings the API's services read (loading them is in accounts-service.ts),
// and creating an account with its first people (bootstrap, dev demo, tests).
import type { Db } from '../../../db';
import { inTransaction } from '../../../db';
import type { Plan } from '../../../domain/licenses';
import type { Locale } from '../../../domain/locales';
import type { Role } from '../../../domain/roles';

/** What inviting needs to know about the account. */
export interface AccountRow {
  id: string;
  name: string;
  company_domains: string[];
  plan: Plan;
  country: string;
  locale: Locale;
  users_may_invite: boolean;
  invitation_lifetime_seconds: number;
}

/** What adding users needs to know about the account. */
export interface AccountSettings {
  id: string;
  name: string;
  country: string;
  multi_site: boolean;
  require_unique_email: boolean;
}

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

export interface NewPerson {
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  canPurchase?: boolean;
}

/**
 * The settings inviting reads, as one text: a statement that acts on settings kept in memory
 * compares it with the row's at that moment (api/services/invitations/invitations-data.ts).
 */
export const ACCOUNT_FINGERPRINT = (alias: string) =>
  `(${['name', 'company_domains', 'plan', 'country', 'locale', 'users_may_invite', 'invitation_lifetime_seconds'].map((c) => `${alias}.${c}`).join(', ')})::text`;

export function createAccountsData(db: Db) {
  return {
    /** The account's settings for inviting, alone (kept in memory by the service), with their fingerprint. */
    async inviting(accountId: string): Promise<(AccountRow & { fingerprint: string }) | undefined> {
      const { rows } = await db.query<AccountRow & { fingerprint: string }>(
        `SELECT id, name, company_domains, plan, country, locale, users_may_invite, invitation_lifetime_seconds, ${ACCOUNT_FINGERPRINT('accounts')} AS fingerprint
           FROM accounts WHERE id = $1`,
        [accountId],
      );
      return rows[0];
    },

    async forProvisioningRequests(accountId: string): Promise<AccountSettings | undefined> {
      const { rows } = await db.query<AccountSettings>(`SELECT id, name, country, multi_site, require_unique_email FROM accounts WHERE id = $1`, [accountId]);
      return rows[0];
    },

    /** The account and its Super Admin, in one transaction; returns the Super Admin's id. */
    async createWithSuperAdmin(a: NewAccount): Promise<string> {
      return inTransaction(db, async (tx) => {
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
    },

    /** Another active person with a role; returns their id. */
    async addPerson(accountId: string, p: NewPerson): Promise<string> {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO users (account_id, email, first_name, last_name, role, user_type, status, can_purchase, activated_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'user' THEN 'coworker' ELSE 'admin' END, 'active', $6, now()) RETURNING id`,
        [accountId, p.email.toLowerCase(), p.firstName, p.lastName, p.role, p.canPurchase ?? false],
      );
      return rows[0]!.id;
    },
  };
}
export type AccountsData = ReturnType<typeof createAccountsData>;
