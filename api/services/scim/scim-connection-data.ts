// The scim_connections and scim_tokens tables: tokens are kept only as SHA-256 (shown once).
import type { Db } from '../../../db';
import { inTransaction } from '../../../db';
import type { License } from '../../../domain/licenses';
import type { ScimGroupMapping, ScimSetupOption } from '../../../domain/scim';

export interface ScimConnectionRow {
  accountId: string;
  setupOption: ScimSetupOption;
  defaultLicense: License;
  groupMappings: ScimGroupMapping[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ScimTokenView {
  id: string;
  createdAt: string;
  /** Set when a newer token replaced it: it works until then. */
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface ScimConnectionSettings {
  setupOption: ScimSetupOption;
  defaultLicense: License;
  groupMappings: ScimGroupMapping[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function createScimConnectionData(db: Db) {
  return {
    async connection(accountId: string): Promise<ScimConnectionRow | undefined> {
      const { rows } = await db.query(
        `SELECT account_id AS "accountId", setup_option AS "setupOption", default_license AS "defaultLicense", group_mappings AS "groupMappings",
                created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"
           FROM scim_connections WHERE account_id = $1`,
        [accountId],
      );
      const r = rows[0];
      return r && { ...r, createdAt: iso(r.createdAt)!, updatedAt: iso(r.updatedAt)! };
    },

    /** Creates the connection or changes its settings (the creator stays who set it up). */
    async upsert(accountId: string, createdBy: string, s: ScimConnectionSettings): Promise<void> {
      await db.query(
        `INSERT INTO scim_connections (account_id, setup_option, default_license, group_mappings, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id) DO UPDATE SET setup_option = $2, default_license = $3, group_mappings = $4, updated_at = now()`,
        [accountId, s.setupOption, s.defaultLicense, JSON.stringify(s.groupMappings), createdBy],
      );
    },

    /** A connection with its defaults, unless one exists. */
    async ensure(accountId: string, createdBy: string): Promise<void> {
      await db.query(`INSERT INTO scim_connections (account_id, created_by) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING`, [accountId, createdBy]);
    },

    async tokens(accountId: string): Promise<ScimTokenView[]> {
      const { rows } = await db.query(
        `SELECT id, created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt" FROM scim_tokens WHERE account_id = $1 ORDER BY created_at`,
        [accountId],
      );
      return rows.map((r) => ({ id: r.id, createdAt: iso(r.createdAt)!, expiresAt: iso(r.expiresAt), revokedAt: iso(r.revokedAt) }));
    },

    /**
     * Adds a token; the live ones before it keep working for `overlapMinutes` (0: stop now). One
     * transaction, locked on the connection, so two rotations at once cannot both leave old tokens open-ended.
     */
    async rotate(accountId: string, secretHash: string, overlapMinutes: number): Promise<{ id: string; previousExpireAt: string | null }> {
      return inTransaction(db, async (tx) => {
        await tx.query(`SELECT 1 FROM scim_connections WHERE account_id = $1 FOR UPDATE`, [accountId]);
        const { rows: old } = await tx.query<{ expires_at: Date }>(
          `UPDATE scim_tokens SET expires_at = LEAST(coalesce(expires_at, 'infinity'), now() + make_interval(mins => $2))
            WHERE account_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) RETURNING expires_at`,
          [accountId, overlapMinutes],
        );
        const { rows } = await tx.query<{ id: string }>(`INSERT INTO scim_tokens (account_id, secret_hash) VALUES ($1, $2) RETURNING id`, [accountId, secretHash]);
        const latest = old.map((o) => o.expires_at.getTime()).sort((a, b) => b - a)[0];
        return { id: rows[0]!.id, previousExpireAt: latest === undefined ? null : new Date(latest).toISOString() };
      });
    },

    /** Every token of the account stops working at once. */
    async revokeAll(accountId: string): Promise<number> {
      const { rowCount } = await db.query(`UPDATE scim_tokens SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL`, [accountId]);
      return rowCount ?? 0;
    },

    /** The account a live token belongs to. */
    async accountByTokenHash(secretHash: string): Promise<string | undefined> {
      const { rows } = await db.query<{ account_id: string }>(
        `SELECT account_id FROM scim_tokens WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
        [secretHash],
      );
      return rows[0]?.account_id;
    },
  };
}
export type ScimConnectionData = ReturnType<typeof createScimConnectionData>;
