// The invitations table (who was invited, by whom, through which channel; the workflow holds
// where each stands) and each account's per-number throttle of text invitations.
import type { Db } from '../../../db';
import { ACCOUNT_FINGERPRINT } from '../accounts';
import { createInvitationRecords, INVITATION_COLUMNS, type InvitationRecord, type InvitationRow } from '../../../db/invitations';
import type { InviteeType } from '../../../domain/invitee-type';
import type { Locale } from '../../../domain/locales';

// Recording an invitation (insertNew, replaceEnded) is shared with the batch activities: db/invitations.ts.
export type { InvitationRecord, InvitationRow } from '../../../db/invitations';

export function createInvitationsData(db: Db) {
  return {
    ...createInvitationRecords(db),

    /**
     * The API's hot path in one round trip: records a first invitation for each email invitee unless
     * any of them is already an active user of the account (then nothing is recorded, and they are
     * named). A person invited before is left out of `rows`, as insertNew answers undefined for them.
     * The caller and the account settings came from memory: nothing is recorded either unless the
     * credential is still live with the same role, and the settings are the row's (`holds`).
     */
    async recordUnlessActive(accountId: string, records: InvitationRecord[], kept: { credentialId: string; role: string; accountFingerprint: string }): Promise<{ holds: { caller: boolean; account: boolean }; activeUsers: string[]; rows: Map<string, InvitationRow> }> {
      const col = <K extends keyof InvitationRecord>(k: K) => records.map((r) => r[k] ?? null);
      // Named: each connection parses and plans it once (a prepared statement), not on every request.
      const { rows } = await db.query<InvitationRow & { active_users: string[]; caller_holds: boolean; account_holds: boolean }>({
        name: 'invitations-record-unless-active',
        text: `WITH holds AS (
           SELECT EXISTS (SELECT 1 FROM api_credentials c JOIN users u ON u.id = c.user_id
                           WHERE c.id = $8 AND c.account_id = $1 AND c.revoked_at IS NULL AND u.status <> 'disabled' AND u.role = $9) AS caller,
                  EXISTS (SELECT 1 FROM accounts a WHERE a.id = $1 AND ${ACCOUNT_FINGERPRINT('a')} = $10) AS account),
         active AS (
           SELECT coalesce(array_agg(DISTINCT lower(u.email)), '{}') AS emails FROM users u
            WHERE u.account_id = $1 AND lower(u.email) = ANY($3::text[]) AND u.status = 'active'),
         recorded AS (
           INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_type, role, invited_by, locale)
           SELECT r.id, $1, 'email', r.email, r.type, r.role, r.invited_by, r.locale
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[]) AS r(id, email, type, role, invited_by, locale)
            WHERE cardinality((SELECT emails FROM active)) = 0 AND (SELECT caller AND account FROM holds)
           ON CONFLICT (id) DO NOTHING RETURNING ${INVITATION_COLUMNS})
         SELECT recorded.*, active.emails AS active_users, holds.caller AS caller_holds, holds.account AS account_holds
           FROM holds CROSS JOIN active LEFT JOIN recorded ON true`,
        values: [accountId, col('id'), col('email'), col('type'), col('role'), col('invitedBy'), col('locale'), kept.credentialId, kept.role, kept.accountFingerprint],
      });
      const first = rows[0]!;
      return {
        holds: { caller: first.caller_holds, account: first.account_holds },
        activeUsers: first.active_users,
        rows: new Map(rows.filter((r) => r.id !== null).map(({ active_users: _a, caller_holds: _c, account_holds: _h, ...row }) => [row.id, row])),
      };
    },

    async byId(id: string, accountId?: string): Promise<InvitationRow | undefined> {
      const { rows } = accountId
        ? await db.query<InvitationRow>(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE id = $1 AND account_id = $2`, [id, accountId])
        : await db.query<InvitationRow>(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE id = $1`, [id]);
      return rows[0];
    },

    /** An invite-link signup's invitation, recorded (or touched, if the person has one) before its workflow starts; returns its token generation. */
    async recordLinkSignup(r: { id: string; accountId: string; email: string; type: InviteeType; invitedBy: string; locale: Locale }): Promise<number> {
      const { rows } = await db.query<{ token_generation: number }>(
        `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_type, role, invited_by, locale)
         VALUES ($1, $2, 'link', $3, $4, 'user', $5, $6)
         ON CONFLICT (id) DO UPDATE SET updated_at = now() RETURNING token_generation`,
        [r.id, r.accountId, r.email, r.type, r.invitedBy, r.locale],
      );
      return rows[0]!.token_generation;
    },

    /**
     * Claims the account's text slot for a number if its last text from this account is
     * `intervalSeconds` old; else the seconds left to wait. Other accounts' texts do not count.
     */
    async claimTextSlot(accountId: string, phone: string, intervalSeconds: number): Promise<number | null> {
      const { rows } = await db.query<{ wait: number | null }>(
        `WITH claimed AS (
           INSERT INTO text_invitation_throttle_per_account (account_id, phone, last_sent_at) VALUES ($1, $2, now())
           ON CONFLICT (account_id, phone) DO UPDATE SET last_sent_at = now()
             WHERE text_invitation_throttle_per_account.last_sent_at <= now() - make_interval(secs => $3)
           RETURNING 1)
         SELECT CASE WHEN EXISTS (SELECT 1 FROM claimed) THEN NULL
                ELSE ceil(extract(epoch FROM (SELECT last_sent_at FROM text_invitation_throttle_per_account WHERE account_id = $1 AND phone = $2)
                                             + make_interval(secs => $3) - now()))::int END AS wait`,
        [accountId, phone, intervalSeconds],
      );
      return rows[0]?.wait ?? null;
    },
  };
}
export type InvitationsData = ReturnType<typeof createInvitationsData>;
