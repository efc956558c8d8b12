// The invite_links table: an account's one live link (rotating revokes the previous one), and
// its uses, counted only when a signup through it is accepted.
import type { Db } from '../../../db';
import { inTransaction } from '../../../db';

export interface LinkRow {
  id: string;
  account_id: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  max_uses: number | null;
  uses: number;
}

export interface NewLink {
  id: string;
  accountId: string;
  tokenHash: string;
  createdBy: string;
  lifetimeSeconds: number;
  maxUses?: number;
}

/** Not revoked, not expired, and (for `usable`) not used up. */
const LIVE = 'revoked_at IS NULL AND expires_at > now()';
const USABLE = `${LIVE} AND (max_uses IS NULL OR uses < max_uses)`;

export function createInviteLinksData(db: Db) {
  return {
    async live(accountId: string): Promise<LinkRow | undefined> {
      const { rows } = await db.query<LinkRow>(`SELECT * FROM invite_links WHERE account_id = $1 AND ${LIVE}`, [accountId]);
      return rows[0];
    },

    /** Creates the link, revoking the previous one in the same transaction. */
    async rotate(l: NewLink): Promise<LinkRow> {
      return inTransaction(db, async (tx) => {
        await tx.query(`UPDATE invite_links SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL`, [l.accountId]);
        const { rows } = await tx.query<LinkRow>(
          `INSERT INTO invite_links (id, account_id, token_hash, created_by, expires_at, max_uses)
           VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6) RETURNING *`,
          [l.id, l.accountId, l.tokenHash, l.createdBy, l.lifetimeSeconds, l.maxUses ?? null],
        );
        return rows[0]!;
      });
    },

    /** Revokes the account's link; false when there was none. */
    async revoke(accountId: string): Promise<boolean> {
      const { rowCount } = await db.query(`UPDATE invite_links SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL`, [accountId]);
      return !!rowCount;
    },

    /** The usable link with this token hash, and the name of who created it. */
    async usableByTokenHash(tokenHash: string): Promise<(LinkRow & { inviter_name: string }) | undefined> {
      const { rows } = await db.query<LinkRow & { inviter_name: string }>(
        `SELECT l.*, trim(u.first_name || ' ' || u.last_name) AS inviter_name FROM invite_links l JOIN users u ON u.id = l.created_by
          WHERE l.token_hash = $1 AND l.revoked_at IS NULL AND l.expires_at > now() AND (l.max_uses IS NULL OR l.uses < l.max_uses)`,
        [tokenHash],
      );
      return rows[0];
    },

    /** Counts a use, atomically and within the limit; false when the link is no longer usable. */
    async claimUse(linkId: string): Promise<boolean> {
      const { rowCount } = await db.query(`UPDATE invite_links SET uses = uses + 1 WHERE id = $1 AND ${USABLE}`, [linkId]);
      return !!rowCount;
    },

    /** Gives a use back (the signup it was claimed for was refused). */
    async releaseUse(linkId: string): Promise<void> {
      await db.query(`UPDATE invite_links SET uses = uses - 1 WHERE id = $1 AND uses > 0`, [linkId]);
    },
  };
}
export type InviteLinksData = ReturnType<typeof createInviteLinksData>;
