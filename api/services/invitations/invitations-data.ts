// The invitations table (who was invited, by whom, through which channel; the workflow holds
// where each stands) and each account's per-number throttle of text invitations.
import type { Db } from '../../../db';
import type { InviteeType } from '../../../domain/invitee-type';
import type { Locale } from '../../../domain/locales';
import type { InvitationChannel } from '../../../domain/stages';

export interface InvitationRow {
  id: string;
  channel: InvitationChannel;
  invitee_email: string | null;
  invitee_phone: string | null;
  invitee_type: InviteeType | null;
  role: string;
  invited_by: string;
  token_generation: number;
  created_at: Date;
}
const INVITATION_COLUMNS = 'id, channel, invitee_email, invitee_phone, invitee_type, role, invited_by, token_generation, created_at';

/** An invitation as recorded when it is sent (or sent again after an earlier one ended). */
export interface InvitationRecord {
  id: string;
  accountId: string;
  channel: InvitationChannel;
  email?: string;
  phone?: string;
  type: InviteeType | null;
  role: string;
  invitedBy: string;
  locale: Locale;
  textMessage?: string;
  mediaUrl?: string;
}

const values = (r: InvitationRecord) =>
  [r.id, r.accountId, r.channel, r.email ?? null, r.phone ?? null, r.type, r.role, r.invitedBy, r.locale, r.textMessage ?? null, r.mediaUrl ?? null];

export function createInvitationsData(db: Db) {
  return {
    /** Records a first invitation for this person; undefined when they were invited before. */
    async insertNew(r: InvitationRecord): Promise<InvitationRow | undefined> {
      const { rows } = await db.query<InvitationRow>(
        `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_phone, invitee_type, role, invited_by, locale, text_message, media_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING ${INVITATION_COLUMNS}`,
        values(r),
      );
      return rows[0];
    },

    /** Records a new invitation over an ended one for the same person (its token generation carries on). */
    async replaceEnded(r: InvitationRecord): Promise<InvitationRow> {
      const { rows } = await db.query<InvitationRow>(
        `UPDATE invitations SET channel = $3, invitee_email = $4, invitee_phone = $5, invitee_type = $6, role = $7, invited_by = $8,
                locale = $9, text_message = $10, media_url = $11, user_id = NULL, created_at = now(), updated_at = now(),
                stage = NULL, stage_since = NULL, expires_at = NULL, delivery_failure = NULL -- the new workflow records its own
          WHERE id = $1 AND account_id = $2
          RETURNING ${INVITATION_COLUMNS}`,
        values(r),
      );
      return rows[0]!;
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
