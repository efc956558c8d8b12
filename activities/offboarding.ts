// Offboarding a user (workflows/offboarding/): each step is one conditional statement or one
// transaction, so a retried or replayed step finds its work done and does nothing more. What goes
// back (a number, a deskphone, an order) is recorded in `offboarding_releases` in the transaction of
// the update that released it, keyed by the offboarding's run: a history of what left with the user,
// and the proof that nothing went back twice. Seats are released in licenses.ts (releaseUserSeat),
// next to the line of waiters they go to.
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDependencies } from './dependencies';
import { recordRelease } from '../db/offboarding-releases';
import { inTransaction } from '../db';
import { failureTypes } from '../domain/failures';
import type { License } from '../domain/licenses';
import { userDeactivated } from '../workflows/invitation/definitions';
import type { InvitingAccount } from '../workflows/invitation/start';
import { upsertUserInvitation } from './user-invitation';
import type { InviteeType } from '../domain/invitee-type';

/** The onboarding stages in which an invitation still runs (and may still make or activate the user). */
const OPEN_INVITATION_STAGES = ['scheduled', 'sending', 'awaiting_signup', 'license_pending', 'expired', 'delivery_failed'];

export interface DisabledUser {
  email: string;
  license: License;
  /** The account's quarantine for numbers, read when the user is disabled. */
  quarantineSeconds: number;
}

export interface ReonboardingInvitation {
  invitationId: string;
  email: string;
  role: string;
  inviteeType: InviteeType;
  license: License;
  firstTokenGeneration: number;
  account: InvitingAccount;
  inviterName: string;
  inviterRole: string;
}

const userNotFound = (userId: string) => ApplicationFailure.create({ type: failureTypes.userNotFound, nonRetryable: true, message: `User ${userId} not found in the account` });

export function createOffboardingActivities({ db, temporal }: Pick<ActivityDependencies, 'db' | 'temporal'>) {
  /** Tells a running onboarding workflow that its user is gone; one that already ended is fine. */
  async function tell(workflowId: string): Promise<boolean> {
    try {
      await temporal.workflow.getHandle(workflowId).signal(userDeactivated);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  return {
    /**
     * Revokes the invite link the user shared, and ends the user's onboarding workflows (their open
     * invitations, and the provisioning workflow if an admin added them) by the `userDeactivated`
     * signal, so they stop instead of racing the offboarding. Returns the workflows told.
     */
    async endOnboarding({ accountId, userId }: { accountId: string; userId: string }): Promise<{ workflowsEnded: string[]; inviteLinksRevoked: number }> {
      const { rows: users } = await db.query<{ email: string; provisioning_workflow_id: string | null }>(
        `SELECT email, provisioning_workflow_id FROM users WHERE id = $1 AND account_id = $2`,
        [userId, accountId],
      );
      const user = users[0];
      if (!user) throw userNotFound(userId);
      const { rowCount: inviteLinksRevoked } = await db.query(
        `UPDATE invite_links SET revoked_at = now() WHERE account_id = $1 AND created_by = $2 AND revoked_at IS NULL`,
        [accountId, userId],
      );
      const { rows: open } = await db.query<{ id: string }>(
        `SELECT id FROM invitations WHERE account_id = $1 AND (user_id = $2 OR lower(invitee_email) = lower($3))
            AND (stage IS NULL OR stage = ANY($4))`,
        [accountId, userId, user.email, OPEN_INVITATION_STAGES],
      );
      const candidates = [...open.map((r) => r.id), ...(user.provisioning_workflow_id ? [user.provisioning_workflow_id] : [])];
      const told = await Promise.all(candidates.map(async (id) => ((await tell(id)) ? id : undefined)));
      return { workflowsEnded: told.filter((id): id is string => id !== undefined), inviteLinksRevoked: inviteLinksRevoked ?? 0 };
    },

    /**
     * Sign-in off (status `disabled`: credentials of disabled users never authenticate) and the
     * user's API credentials revoked; out of the line of seat waiters. The record itself stays.
     */
    async disableUser({ accountId, userId }: { accountId: string; userId: string }): Promise<DisabledUser> {
      return inTransaction(db, async (tx) => {
        const { rows } = await tx.query<{ email: string; license: License; number_quarantine_seconds: number }>(
          `UPDATE users u SET status = 'disabled', deactivated_at = coalesce(u.deactivated_at, now())
             FROM accounts a WHERE u.id = $1 AND u.account_id = $2 AND a.id = u.account_id
           RETURNING u.email, u.license, a.number_quarantine_seconds`,
          [userId, accountId],
        );
        const user = rows[0];
        if (!user) throw userNotFound(userId);
        await tx.query(`UPDATE api_credentials SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
        await tx.query(`DELETE FROM license_seat_waiters WHERE user_id = $1`, [userId]);
        return { email: user.email, license: user.license, quarantineSeconds: user.number_quarantine_seconds };
      });
    },

    /** The user's number leaves service but stays theirs until the quarantine ends; a retry finds it already quarantined. */
    async quarantinePhoneNumber({ userId, quarantineSeconds }: { userId: string; quarantineSeconds: number }): Promise<{ phoneNumber?: string; quarantinedUntil?: string }> {
      const { rows } = await db.query<{ number: string; quarantined_until: Date }>(
        `UPDATE phone_numbers SET status = 'quarantined', quarantined_until = coalesce(quarantined_until, now() + make_interval(secs => $2))
          WHERE user_id = $1 AND status IN ('reserved', 'quarantined')
          RETURNING number, quarantined_until`,
        [userId, quarantineSeconds],
      );
      const row = rows[0];
      return row ? { phoneNumber: row.number, quarantinedUntil: row.quarantined_until.toISOString() } : {};
    },

    /** The quarantine is over: the number is assignable again, and no longer the user's. Once. */
    async returnPhoneNumber({ offboardingKey, accountId, userId, phoneNumber }: { offboardingKey: string; accountId: string; userId: string; phoneNumber: string }): Promise<{ returned: boolean }> {
      return inTransaction(db, async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE phone_numbers SET status = 'available', quarantined_until = NULL, reservation_key = NULL, user_id = NULL
            WHERE number = $1 AND user_id = $2 AND status = 'quarantined'`,
          [phoneNumber, userId],
        );
        if (!rowCount) return { returned: false };
        await tx.query(`UPDATE users SET phone_number = NULL WHERE id = $1 AND phone_number = $2`, [userId, phoneNumber]);
        await recordRelease(tx, { offboardingKey, kind: 'number', ref: phoneNumber, userId, accountId });
        return { returned: true };
      });
    },

    /** Reactivated within the quarantine: the same number is the user's again. */
    async restorePhoneNumber({ userId, phoneNumber }: { userId: string; phoneNumber: string }): Promise<{ restored: boolean }> {
      const { rowCount } = await db.query(
        `UPDATE phone_numbers SET status = 'reserved', quarantined_until = NULL WHERE number = $1 AND user_id = $2 AND status IN ('quarantined', 'reserved')`,
        [phoneNumber, userId],
      );
      return { restored: rowCount === 1 };
    },

    /** The user's deskphones are to come back; an order not yet delivered is cancelled (once). */
    async markDeskphoneForReturn({ offboardingKey, accountId, userId }: { offboardingKey: string; accountId: string; userId: string }): Promise<{ deviceIds: string[]; ordersCancelled: string[] }> {
      return inTransaction(db, async (tx) => {
        const { rows: phones } = await tx.query<{ id: string }>(
          `UPDATE deskphone_inventory SET return_requested_at = coalesce(return_requested_at, now()) WHERE user_id = $1 RETURNING id`,
          [userId],
        );
        const { rows: orders } = await tx.query<{ id: string }>(
          `UPDATE deskphone_orders SET status = 'cancelled', cancelled_at = now() WHERE user_id = $1 AND status = 'placed' RETURNING id`,
          [userId],
        );
        for (const o of orders) {
          await recordRelease(tx, { offboardingKey, kind: 'deskphone_order', ref: o.id, userId, accountId });
        }
        return { deviceIds: phones.map((p) => p.id).sort(), ordersCancelled: orders.map((o) => o.id) };
      });
    },

    /** The deskphone came back: it is in the inventory again, assignable. Once. */
    async receiveDeskphone({ offboardingKey, accountId, userId, deviceId }: { offboardingKey: string; accountId: string; userId: string; deviceId: string }): Promise<{ received: boolean }> {
      return inTransaction(db, async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE deskphone_inventory SET reservation_key = NULL, user_id = NULL, return_requested_at = NULL
            WHERE id = $1 AND user_id = $2 AND return_requested_at IS NOT NULL`,
          [deviceId, userId],
        );
        if (!rowCount) return { received: false };
        await recordRelease(tx, { offboardingKey, kind: 'deskphone', ref: deviceId, userId, accountId });
        return { received: true };
      });
    },

    /** Reactivated before the deskphone came back: the user keeps it. */
    async keepDeskphone({ userId }: { userId: string }): Promise<void> {
      await db.query(`UPDATE deskphone_inventory SET return_requested_at = NULL WHERE user_id = $1`, [userId]);
    },

    /** Reactivated: sign-in back on, active now, or license pending until a seat is free. */
    async reenableUser({ userId, waitsForSeat }: { userId: string; waitsForSeat: boolean }): Promise<void> {
      await db.query(
        `UPDATE users SET status = $2, deactivated_at = NULL WHERE id = $1 AND status IN ('disabled', 'license_pending')`,
        [userId, waitsForSeat ? 'license_pending' : 'active'],
      );
    },

    /**
     * Reactivated after the quarantine: onboarded again, as an invitation to the same user (the
     * signup sets a new password and activates them). The invitation row is linked to the user; it
     * is sent by the one who asked if they are a user of the account, else by its first Super Admin.
     */
    async prepareReonboarding({ accountId, userId, requestedBy }: { accountId: string; userId: string; requestedBy: string }): Promise<ReonboardingInvitation> {
      return inTransaction(db, async (tx) => {
        const { rows: found } = await tx.query<{ email: string; role: string; user_type: InviteeType; license: License; locale: string } & InvitingAccount>(
          `UPDATE users u SET status = 'not_activated', password_hash = NULL, deactivated_at = NULL FROM accounts a
            WHERE u.id = $1 AND u.account_id = $2 AND a.id = u.account_id AND u.status IN ('disabled', 'not_activated')
           RETURNING lower(u.email) AS email, u.role, u.user_type, u.license, a.id, a.name, a.plan, a.invitation_lifetime_seconds, a.locale`,
          [userId, accountId],
        );
        const u = found[0];
        if (!u) throw userNotFound(userId);
        const { rows: inviters } = await tx.query<{ id: string; name: string; role: string }>(
          `SELECT id, trim(first_name || ' ' || last_name) AS name, role FROM users
            WHERE account_id = $1 AND status = 'active' AND (id::text = $2 OR role = 'super_admin')
            ORDER BY (id::text = $2) DESC, created_at LIMIT 1`,
          [accountId, requestedBy],
        );
        const inviter = inviters[0];
        if (!inviter) throw userNotFound(`An active Super Admin of ${accountId}`);
        const { invitationId, firstTokenGeneration } = await upsertUserInvitation(tx, {
          accountId, userId, email: u.email, inviteeType: u.user_type, role: u.role, invitedBy: inviter.id, locale: u.locale,
        });
        return {
          invitationId,
          email: u.email,
          role: u.role,
          inviteeType: u.user_type,
          license: u.license,
          firstTokenGeneration,
          account: { id: u.id, name: u.name, plan: u.plan, invitation_lifetime_seconds: u.invitation_lifetime_seconds },
          inviterName: inviter.name || inviter.id,
          inviterRole: inviter.role,
        };
      });
    },
  };
}
