// The api_credentials table: secrets are stored only as SHA-256 (credential-secrets.ts).
import type { Db } from '../../../db';
import type { Role } from '../../../domain/roles';
import type { Caller } from './caller';

export interface CredentialView {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export function createCredentialsData(db: Db) {
  return {
    async insert(accountId: string, userId: string, secretHash: string, label: string): Promise<string> {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO api_credentials (account_id, user_id, secret_hash, label) VALUES ($1, $2, $3, $4) RETURNING id`,
        [accountId, userId, secretHash, label],
      );
      return rows[0]!.id;
    },

    /** The holder of a live credential (not revoked, person not disabled). */
    async callerBySecretHash(secretHash: string): Promise<Caller | undefined> {
      const { rows } = await db.query<Caller>(
        `SELECT c.id AS "credentialId", c.account_id AS "accountId", u.id AS "userId", u.role, u.can_purchase AS "canPurchase",
                trim(u.first_name || ' ' || u.last_name) AS name
           FROM api_credentials c JOIN users u ON u.id = c.user_id
          WHERE c.secret_hash = $1 AND c.revoked_at IS NULL AND u.status <> 'disabled'`,
        [secretHash],
      );
      return rows[0];
    },

    /** The account's credentials, or one person's when `userId` is given. */
    async list(accountId: string, userId?: string): Promise<CredentialView[]> {
      const { rows } = await db.query(
        `SELECT id, user_id AS "userId", label, created_at AS "createdAt", revoked_at AS "revokedAt" FROM api_credentials
          WHERE account_id = $1 AND ($2::uuid IS NULL OR user_id = $2) ORDER BY created_at`,
        [accountId, userId ?? null],
      );
      return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), revokedAt: r.revokedAt?.toISOString() ?? null }));
    },

    async ownerOf(accountId: string, credentialId: string): Promise<string | undefined> {
      const { rows } = await db.query<{ user_id: string }>(`SELECT user_id FROM api_credentials WHERE id = $1 AND account_id = $2`, [credentialId, accountId]);
      return rows[0]?.user_id;
    },

    /** An active person of the account, with their role. */
    async activePerson(accountId: string, userId: string): Promise<{ role: Role } | undefined> {
      const { rows } = await db.query<{ role: Role }>(`SELECT role FROM users WHERE id = $1 AND account_id = $2 AND status = 'active'`, [userId, accountId]);
      return rows[0];
    },

    async revoke(accountId: string, credentialId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE api_credentials SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL`,
        [credentialId, accountId],
      );
      return rowCount === 1;
    },
  };
}
export type CredentialsData = ReturnType<typeof createCredentialsData>;
