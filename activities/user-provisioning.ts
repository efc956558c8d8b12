// Users an admin adds: the user row with its automatic extension, activation by assigned
// credentials, and the welcome email's invitation row. Keyed by the provisioning step, so a
// retried or replayed activity finds what it already did.
import { ApplicationFailure } from '@temporalio/activity';
import { DatabaseError, type PoolClient } from 'pg';
import type { ActivityDependencies } from './dependencies';
import { inTransaction } from '../db';
import type { InviteeType } from '../domain/invitee-type';
import type { InvitingAccount } from '../workflows/invitation/start';
import { upsertUserInvitation } from './user-invitation';
import { type AssignedCredentials, type EmergencyLocationChoice, type HashedCredentials, type UserToProvision } from '../workflows/provisioning-request/definitions';
import { failureTypes } from '../domain/failures';
import type { UserProvisioningStageRecord } from '../domain/stage-records';
import { writeStage } from '../db/read-model/stage-writes';

/**
 * The hashes the API stored for this activation, taken (deleted) in the activation's transaction so
 * they exist once, on the user. Gone with the user already active: a retry of a committed
 * activation (undefined). Gone otherwise: nothing can set them, so the activation fails for good.
 */
async function takeStoredCredentials(tx: PoolClient, accountId: string, credentialsId: string, userId: string): Promise<HashedCredentials | undefined> {
  const { rows } = await tx.query<HashedCredentials>(
    `DELETE FROM assigned_credentials WHERE id = $1 AND account_id = $2
     RETURNING password_hash AS "passwordHash", temporary_password AS "temporaryPassword", pin_hash AS "pinHash",
               security_question AS "securityQuestion", security_answer_hash AS "securityAnswerHash"`,
    [credentialsId, accountId],
  );
  if (rows[0]) return rows[0];
  const { rows: active } = await tx.query(`SELECT 1 FROM users WHERE id = $1 AND status = 'active' AND password_hash IS NOT NULL`, [userId]);
  if (active.length > 0) return undefined;
  throw ApplicationFailure.create({ type: failureTypes.assignedCredentialsNotFound, nonRetryable: true, message: `The credentials assigned to user ${userId} are no longer stored` });
}

export function createUserProvisioningActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    /**
     * Creates the user with the next free extension (the account row's lock serialises concurrent
     * requests, and the unique index is the backstop), and links what was reserved for it.
     */
    async createProvisionedUser(r: {
      reservationKey: string;
      accountId: string;
      workflowId: string;
      uniqueEmail: boolean;
      user: Pick<UserToProvision, 'email' | 'firstName' | 'lastName' | 'license' | 'role' | 'costCenter' | 'siteId'>;
      phoneNumber?: string;
      /** When the workflow entered `reserving`: the read model's first record of this user. */
      reservingSince?: string;
    }): Promise<{ userId: string; extension: number }> {
      try {
        return await inTransaction(db, async (tx) => {
          const { rows: existing } = await tx.query<{ id: string; extension: number }>(`SELECT id, extension FROM users WHERE provisioning_key = $1`, [r.reservationKey]);
          if (existing[0]) return { userId: existing[0].id, extension: existing[0].extension };
          let extension: number;
          for (;;) {
            const { rows } = await tx.query<{ ext: number }>(
              `UPDATE accounts SET next_extension = next_extension + 1 WHERE id = $1 RETURNING next_extension - 1 AS ext`,
              [r.accountId],
            );
            extension = rows[0]!.ext;
            const { rowCount: taken } = await tx.query(`SELECT 1 FROM users WHERE account_id = $1 AND extension = $2`, [r.accountId, extension]);
            if (!taken) break;
          }
          const u = r.user;
          const { rows: created } = await tx.query<{ id: string }>(
            `INSERT INTO users (account_id, email, first_name, last_name, role, user_type, license, status, extension, cost_center, site_id,
                                phone_number, provisioning_key, provisioning_workflow_id, unique_email,
                                onboarding_stage, onboarding_stage_since, onboarding_workflow_id)
             VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'user' THEN 'coworker' ELSE 'admin' END, $6, 'not_activated', $7, $8, $9, $10, $11, $12, $13,
                     'reserving', coalesce($14::timestamptz, now()), $12)
             RETURNING id`,
            [r.accountId, u.email.toLowerCase(), u.firstName, u.lastName, u.role, u.license, extension, u.costCenter ?? null, u.siteId ?? null,
              r.phoneNumber ?? null, r.reservationKey, r.workflowId, r.uniqueEmail, r.reservingSince ?? null],
          );
          const userId = created[0]!.id;
          for (const table of ['license_assignments', 'phone_numbers', 'deskphone_inventory', 'deskphone_orders']) {
            await tx.query(`UPDATE ${table} SET user_id = $2 WHERE reservation_key = $1`, [r.reservationKey, userId]);
          }
          return { userId, extension };
        });
      } catch (err) {
        if (err instanceof DatabaseError && err.code === '23505' && err.constraint === 'users_unique_email') {
          throw ApplicationFailure.create({ type: failureTypes.emailInUse, nonRetryable: true, message: `${r.user.email} already belongs to a user of this account` });
        }
        throw err;
      }
    },

    /** "Activate by assigning credentials": active now, no email; every secret arrives hashed. */
    async activateWithCredentials(r: {
      userId: string;
      accountId: string;
      reservationKey: string;
      credentials: AssignedCredentials;
      emergency?: EmergencyLocationChoice;
      /** The workflow's entry into `activated`: the read model says so in the same transaction. */
      stage?: UserProvisioningStageRecord;
    }): Promise<{ mustAddEmergencyAddress: boolean }> {
      return inTransaction(db, async (tx) => {
        let locationId: string | null = null;
        if (r.emergency?.kind === 'existing') locationId = r.emergency.locationId;
        if (r.emergency?.kind === 'new') {
          const { rows } = await tx.query<{ id: string }>(
            `INSERT INTO emergency_response_locations (account_id, nickname, site_id, address, creation_key) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (creation_key) DO UPDATE SET nickname = EXCLUDED.nickname RETURNING id`,
            [r.accountId, r.emergency.nickname, r.emergency.siteId ?? null, JSON.stringify(r.emergency.address), `${r.reservationKey}:${r.userId}`],
          );
          locationId = rows[0]!.id;
        }
        const mustAddEmergencyAddress = r.emergency?.kind === 'none_acknowledged';
        const c = 'credentialsId' in r.credentials ? await takeStoredCredentials(tx, r.accountId, r.credentials.credentialsId, r.userId) : r.credentials;
        if (!c) return { mustAddEmergencyAddress }; // a retry of an activation that committed
        await tx.query(
          `UPDATE users SET password_hash = $2, temporary_password = $3, pin_hash = $4, security_question = $5, security_answer_hash = $6,
                  emergency_location_id = $7, must_add_emergency_address = $8, status = 'active', activated_at = coalesce(activated_at, now())
            WHERE id = $1`,
          [r.userId, c.passwordHash, c.temporaryPassword, c.pinHash, c.securityQuestion, c.securityAnswerHash, locationId, mustAddEmergencyAddress],
        );
        if (r.stage) await writeStage(tx, r.stage);
        return { mustAddEmergencyAddress };
      });
    },

    /** The welcome email's invitation row, already linked to the user (the signup activates that user). */
    async recordProvisionedInvitation(r: { userId: string; accountId: string; invitedBy: string }): Promise<{ invitationId: string; email: string; role: string; inviteeType: InviteeType; firstTokenGeneration: number; account: InvitingAccount }> {
      return inTransaction(db, async (tx) => {
        const { rows: found } = await tx.query<{ email: string; role: string; user_type: InviteeType } & InvitingAccount & { locale: string }>(
          `SELECT lower(u.email) AS email, u.role, u.user_type, a.id, a.name, a.plan, a.invitation_lifetime_seconds, a.locale
             FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = $1 AND u.account_id = $2`,
          [r.userId, r.accountId],
        );
        const u = found[0];
        if (!u) throw ApplicationFailure.create({ type: failureTypes.userNotFound, nonRetryable: true, message: `User ${r.userId} not found` });
        const { invitationId, firstTokenGeneration } = await upsertUserInvitation(tx, {
          accountId: r.accountId, userId: r.userId, email: u.email, inviteeType: u.user_type, role: u.role, invitedBy: r.invitedBy, locale: u.locale,
        });
        return {
          invitationId,
          email: u.email,
          role: u.role,
          inviteeType: u.user_type,
          firstTokenGeneration,
          account: { id: u.id, name: u.name, plan: u.plan, invitation_lifetime_seconds: u.invitation_lifetime_seconds },
        };
      });
    },
  };
}
