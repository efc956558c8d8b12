// API credentials: random secrets shown once, kept only as SHA-256, revocable.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db';

import type { Role } from '../../domain/roles';
export type { Role };

export interface Caller {
  credentialId: string;
  accountId: string;
  userId: string;
  role: Role;
  canPurchase: boolean;
  name: string;
}

const PREFIX = 'po_';
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function createCredentialService({ db }: { db: Db }) {
  return {
    async issue(accountId: string, userId: string, label = ''): Promise<{ id: string; secret: string }> {
      const secret = PREFIX + randomBytes(32).toString('base64url');
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO api_credentials (account_id, user_id, secret_hash, label) VALUES ($1, $2, $3, $4) RETURNING id`,
        [accountId, userId, hash(secret), label],
      );
      return { id: rows[0]!.id, secret };
    },

    async resolve(secret: string): Promise<Caller | undefined> {
      if (!secret.startsWith(PREFIX) || secret.length > 200) return undefined;
      const { rows } = await db.query<Caller>(
        `SELECT c.id AS "credentialId", c.account_id AS "accountId", u.id AS "userId", u.role, u.can_purchase AS "canPurchase",
                trim(u.first_name || ' ' || u.last_name) AS name
           FROM api_credentials c JOIN users u ON u.id = c.user_id
          WHERE c.secret_hash = $1 AND c.revoked_at IS NULL AND u.status <> 'disabled'`,
        [hash(secret)],
      );
      return rows[0];
    },

    async list(accountId: string, userId?: string): Promise<Array<{ id: string; userId: string; label: string; createdAt: string; revokedAt: string | null }>> {
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

    async personIn(accountId: string, userId: string): Promise<{ role: Role } | undefined> {
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
export type CredentialService = ReturnType<typeof createCredentialService>;
