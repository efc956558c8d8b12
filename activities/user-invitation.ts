// The email invitation row that onboards an existing user (the welcome email after adding users, a
// reactivation's re-onboarding): linked to the user, so the signup activates that user. One
// deterministic id per account and address: a retried activity updates the row it wrote.
import type { PoolClient } from 'pg';
import type { InviteeType } from '../domain/invitee-type';
import { invitationIdFor } from '../workflows/invitation/start';

export interface UserInvitation {
  accountId: string;
  userId: string;
  email: string;
  inviteeType: InviteeType;
  role: string;
  invitedBy: string;
  locale: string;
}

/** Writes (or rewrites) the row; answers its id and the token generation its first link uses. */
export async function upsertUserInvitation(tx: PoolClient, i: UserInvitation): Promise<{ invitationId: string; firstTokenGeneration: number }> {
  const invitationId = invitationIdFor(i.accountId, i.email);
  const { rows } = await tx.query<{ token_generation: number }>(
    `INSERT INTO invitations (id, account_id, channel, invitee_email, invitee_type, role, invited_by, locale, user_id)
     VALUES ($1, $2, 'email', $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET channel = 'email', invitee_type = EXCLUDED.invitee_type, role = EXCLUDED.role, invited_by = EXCLUDED.invited_by,
            user_id = EXCLUDED.user_id, text_message = NULL, media_url = NULL, updated_at = now()
     RETURNING token_generation`,
    [invitationId, i.accountId, i.email, i.inviteeType, i.role, i.invitedBy, i.locale, i.userId],
  );
  return { invitationId, firstTokenGeneration: rows[0]!.token_generation + 1 };
}
