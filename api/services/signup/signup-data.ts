// What an invitation's link leads to: the invitation with its token's hash, its company and inviter.
import type { Db } from '../../../db';
import type { Locale } from '../../../domain/locales';

export interface InvitationByToken {
  invitationId: string;
  channel: 'email' | 'text' | 'link';
  companyName: string;
  inviterName: string;
  inviteeEmail: string | null;
  locale: Locale;
}

export function createSignupData(db: Db) {
  return {
    async invitationByTokenHash(tokenHash: string): Promise<InvitationByToken | undefined> {
      const { rows } = await db.query<InvitationByToken>(
        `SELECT i.id AS "invitationId", i.channel, a.name AS "companyName", trim(u.first_name || ' ' || u.last_name) AS "inviterName",
                i.invitee_email AS "inviteeEmail", i.locale
           FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN users u ON u.id = i.invited_by
          WHERE i.token_hash = $1`,
        [tokenHash],
      );
      return rows[0];
    },
  };
}
export type SignupData = ReturnType<typeof createSignupData>;
