// Turning a signup into a user, and activating users. Idempotent: a retried activity finds the
// user it already created for the invitation.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './dependencies';
import { inTransaction, type Db } from '../db';
import { inviteeTypeFor, type InviteeType } from '../domain/invitee-type';
import type { SignupSubmission } from '../domain/signup-rules';
import { failureTypes } from '../domain/failures';
import type { License } from '../domain/licenses';
import type { InvitationStageRecord } from '../domain/stage-records';
import { writeStage } from '../db/read-model/stage-writes';
import { recordWebhookEvents, type WebhookEventRecord } from '../db/webhook-events';

/** The signup, reported to webhooks in its own transaction; a retried attempt records it once (dedupe key). */
function acceptedEvent(invitationId: string, accountId: string, userId: string, email: string): WebhookEventRecord {
  return { accountId, type: 'invitation.accepted', subject: invitationId, dedupeKey: `${invitationId}|invitation.accepted|${userId}`, data: { invitationId, userId, email } };
}

/** A signup's password hash, taken out of signup_passwords (undefined once taken: a retry after commit). */
async function takeSignupPassword(tx: Pick<Db, 'query'>, passwordId: string | undefined): Promise<string | undefined> {
  if (!passwordId) return undefined;
  const { rows } = await tx.query<{ password_hash: string }>(`DELETE FROM signup_passwords WHERE id = $1 RETURNING password_hash`, [passwordId]);
  return rows[0]?.password_hash;
}

export function createUserAccountActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    async createUserFromSignup({ invitationId, submission }: { invitationId: string; submission: SignupSubmission }): Promise<{ userId: string; userType: InviteeType; email: string }> {
      return inTransaction(db, async (tx) => {
        const { rows } = await tx.query<{ account_id: string; invitee_email: string | null; invitee_type: InviteeType | null; role: string; user_id: string | null; company_domains: string[]; stage: string | null; stage_since: Date | null }>(
          `SELECT i.account_id, i.invitee_email, i.invitee_type, i.role, i.user_id, a.company_domains, i.stage, i.stage_since
             FROM invitations i JOIN accounts a ON a.id = i.account_id WHERE i.id = $1 FOR UPDATE OF i`,
          [invitationId],
        );
        const inv = rows[0];
        if (!inv) throw ApplicationFailure.create({ type: failureTypes.invitationNotFound, nonRetryable: true, message: `Invitation ${invitationId} not found` });
        // The hash waits apart (api/services/signup/signup-passwords.ts); taken here, in this transaction.
        const passwordHash = submission.passwordHash ?? (await takeSignupPassword(tx, submission.passwordId));
        if (inv.user_id) {
          // A user an admin added (or a retried attempt, whose row was taken the first time): the password chosen at signup is theirs.
          await tx.query(`UPDATE users SET password_hash = coalesce(password_hash, $2) WHERE id = $1`, [inv.user_id, passwordHash ?? null]);
          await recordWebhookEvents(tx, [acceptedEvent(invitationId, inv.account_id, inv.user_id, inv.invitee_email ?? '')]);
          return { userId: inv.user_id, userType: inv.invitee_type ?? 'coworker', email: inv.invitee_email ?? '' };
        }

        const email = (inv.invitee_email ?? submission.email ?? '').toLowerCase();
        const { rowCount } = await tx.query(`SELECT 1 FROM users WHERE account_id = $1 AND lower(email) = $2 AND status <> 'disabled'`, [inv.account_id, email]);
        if (rowCount) {
          throw ApplicationFailure.create({
            type: failureTypes.alreadyAUser, nonRetryable: true, message: `${email} already has an account in this company`,
            details: [[{ field: 'email', message: 'This email address already has an account in this company. Sign in instead.' }]],
          });
        }
        if (!passwordHash) {
          throw ApplicationFailure.create({ type: failureTypes.signupFailed, nonRetryable: true, message: `The password of the signup to ${invitationId} is no longer kept; the person must sign up again` });
        }
        // Invitees by text or link get their type from the address they sign up with.
        const userType = inv.invitee_type ?? inviteeTypeFor(email, inv.company_domains, false);
        const { rows: created } = await tx.query<{ id: string }>(
          `INSERT INTO users (account_id, email, first_name, last_name, company_name, role, user_type, license, status, password_hash,
                              onboarding_stage, onboarding_stage_since, onboarding_workflow_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'video_pro', 'not_activated', $8, $9, $10, $11) RETURNING id`,
          // The read model: the user's onboarding is their invitation's, from their first moment.
          [inv.account_id, email, submission.firstName.trim(), submission.lastName.trim(), submission.companyName?.trim() || null, inv.role, userType, passwordHash,
            inv.stage, inv.stage_since, invitationId],
        );
        const userId = created[0]!.id;
        await tx.query(`UPDATE invitations SET user_id = $2, invitee_email = $3, invitee_type = $4, updated_at = now() WHERE id = $1`, [invitationId, userId, email, userType]);
        await recordWebhookEvents(tx, [acceptedEvent(invitationId, inv.account_id, userId, email)]);
        return { userId, userType, email };
      });
    },

    /** The user is active, and (given the invitation's stage entry) the read model says so in the same transaction. */
    async activateUser({ userId, license, stage }: { userId: string; license: License; stage?: InvitationStageRecord }): Promise<void> {
      await inTransaction(db, async (tx) => {
        await tx.query(
          // A user deactivated meanwhile stays disabled: the offboarding has the last word. A user whose
          // SCIM groups gave another license (workflows/scim-assignment/) keeps it, or stays license
          // pending while in line for its seat.
          `UPDATE users u SET activated_at = coalesce(activated_at, now()),
                  status = CASE WHEN status = 'license_pending' AND EXISTS (SELECT 1 FROM license_seat_waiters w WHERE w.user_id = u.id) THEN 'license_pending' ELSE 'active' END,
                  license = CASE WHEN license <> $2 AND EXISTS (SELECT 1 FROM license_assignments a WHERE a.user_id = u.id AND a.released_at IS NULL AND a.license = u.license AND a.reservation_key LIKE 'scim-assignment:%')
                                 THEN license ELSE $2 END
            WHERE id = $1 AND status <> 'disabled'`,
          [userId, license],
        );
        if (stage) await writeStage(tx, stage);
      });
    },
  };
}
