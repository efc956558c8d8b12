// What an invitee's link leads to. Opening a link only reads: mail scanners open links before
// people do, so nothing here consumes or changes an invitation.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../../db';
import { hashToken } from '../../activities/invitation-tokens';
import { getInvitationStatus, type InvitationStage } from '../../workflows/definitions';

export interface InvitationForSignup {
  invitationId: string;
  companyName: string;
  inviterName: string;
  inviteeEmail: string | null;
  locale: 'en' | 'fr';
  stage: InvitationStage;
  expiresAt?: string;
}

export function createSignupService({ db, temporal }: { db: Db; temporal: Client }) {
  return {
    /** The invitation a link's token currently belongs to, or undefined for an unknown or replaced token. */
    async findByToken(token: string): Promise<InvitationForSignup | undefined> {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const { rows } = await db.query<Omit<InvitationForSignup, 'stage' | 'expiresAt'> & { stage: InvitationStage }>(
        `SELECT i.id AS "invitationId", a.name AS "companyName", trim(u.first_name || ' ' || u.last_name) AS "inviterName",
                i.invitee_email AS "inviteeEmail", i.locale, i.stage
           FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN users u ON u.id = i.invited_by
          WHERE i.token_hash = $1`,
        [hashToken(token)],
      );
      const row = rows[0];
      if (!row) return undefined;
      try {
        const status = await temporal.workflow.getHandle(row.invitationId).query(getInvitationStatus);
        return { ...row, stage: status.stage, expiresAt: status.expiresAt };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return row;
        throw err;
      }
    },
  };
}
export type SignupService = ReturnType<typeof createSignupService>;
