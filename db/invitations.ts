// Recording invitations: the one place that writes an invitation's row before its workflow starts,
// shared by the API (one invitation at a time, api/services/invitations/) and the batch activities
// (a chunk of a batch at a time, activities/invitation-batches.ts), which may not import each other.
import type { Db } from '.';
import type { InviteeType } from '../domain/invitee-type';
import type { Locale } from '../domain/locales';
import type { InvitationChannel } from '../domain/stages';

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
export const INVITATION_COLUMNS = 'id, channel, invitee_email, invitee_phone, invitee_type, role, invited_by, token_generation, created_at';

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

/** Anything that runs a query: the pool, or one connection inside a transaction. */
type Queryable = Pick<Db, 'query'>;

const values = (r: InvitationRecord) =>
  [r.id, r.accountId, r.channel, r.email ?? null, r.phone ?? null, r.type, r.role, r.invitedBy, r.locale, r.textMessage ?? null, r.mediaUrl ?? null];

export function createInvitationRecords(db: Queryable) {
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

    /**
     * insertNew for many people in one statement (a batch's chunk): the rows recorded, by id; a
     * person invited before is left out, as insertNew answers undefined for them.
     */
    async insertNewMany(records: InvitationRecord[]): Promise<Map<string, InvitationRow>> {
      if (records.length === 0) return new Map();
      const column = (i: number) => records.map((r) => values(r)[i]);
      const { rows } = await db.query<InvitationRow>(
        `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_phone, invitee_type, role, invited_by, locale, text_message, media_url)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::text[], $10::text[], $11::text[])
         ON CONFLICT (id) DO NOTHING RETURNING ${INVITATION_COLUMNS}`,
        Array.from({ length: 11 }, (_, i) => column(i)),
      );
      return new Map(rows.map((r) => [r.id, r]));
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
  };
}
export type InvitationRecords = ReturnType<typeof createInvitationRecords>;
