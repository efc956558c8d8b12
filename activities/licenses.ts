// Seats: a reservation is keyed by what it is for (an invitation, or a provisioning step), so a
// retried or replayed activity never takes a second seat. The inventory row is locked while counting.
//
// Invitations that found no seat wait in line (license_seat_waiters): every waiter is woken when
// seats are added or freed, and a waiter's reservation succeeds only while fewer earlier waiters are
// still waiting than seats are free, so the seat goes to whoever has waited longest, not to
// whichever workflow happens to try first.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PoolClient } from 'pg';
import type { ActivityDependencies } from './dependencies';
import { recordRelease } from '../db/offboarding-releases';
import { inTransaction } from '../db';
import { paidLicenses, type License, type PaidLicense } from '../domain/licenses';

const paidLicenseList: string[] = [...paidLicenses];
import { seatsAdded } from '../workflows/invitation/definitions';

interface Reservation {
  reservationKey: string;
  accountId: string;
  license: License;
  userId?: string;
  /**
   * An invitation waits for a seat: a failed attempt puts it in line (keeping its first waiting
   * time) and it must let earlier waiters go first. A provisioning step does not wait: it takes a
   * free seat, which its request's quote bought when none was free, or fails.
   */
  waits?: boolean;
}

/** Earlier waiters of the line that still wait: their user is neither active nor disabled. */
const EARLIER_WAITERS = `
  SELECT count(*)::int AS n FROM license_seat_waiters w
   WHERE w.account_id = $1 AND w.license = $2 AND w.reservation_key <> $3
     AND ($4::timestamptz IS NULL OR (w.waiting_since, w.reservation_key) < ($4::timestamptz, $3))
     AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = w.user_id AND u.status IN ('active', 'disabled'))`;

async function seatsFree(tx: PoolClient, accountId: string, license: License): Promise<number> {
  const { rows: inventory } = await tx.query<{ seats_total: number }>(
    `SELECT seats_total FROM license_inventory WHERE account_id = $1 AND license = $2 FOR UPDATE`,
    [accountId, license],
  );
  const { rows: used } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM license_assignments WHERE account_id = $1 AND license = $2 AND released_at IS NULL`,
    [accountId, license],
  );
  return (inventory[0]?.seats_total ?? 0) - used[0]!.n;
}

async function userDisabled(tx: PoolClient, userId: string): Promise<boolean> {
  const { rows } = await tx.query<{ status: string }>(`SELECT status FROM users WHERE id = $1`, [userId]);
  return rows[0]?.status === 'disabled';
}

export function createLicenseActivities({ db, temporal }: Pick<ActivityDependencies, 'db' | 'temporal'>) {
  async function reserveSeat(r: Reservation): Promise<{ reserved: boolean }> {
    return inTransaction(db, async (tx) => {
      const free = await seatsFree(tx, r.accountId, r.license);
      // A deactivated user takes no seat (under the inventory lock, so an offboarding's release cannot miss it).
      if (r.userId && (await userDisabled(tx, r.userId))) return { reserved: false };
      const { rowCount: already } = await tx.query(`SELECT 1 FROM license_assignments WHERE reservation_key = $1 AND released_at IS NULL`, [r.reservationKey]);
      if (already) {
        await tx.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1`, [r.reservationKey]);
        return { reserved: true };
      }
      let ahead = 0;
      if (r.waits) {
        // In line since the first attempt that found no seat; someone new stands behind everyone.
        const { rows: mine } = await tx.query<{ waiting_since: Date }>(`SELECT waiting_since FROM license_seat_waiters WHERE reservation_key = $1`, [r.reservationKey]);
        const { rows } = await tx.query<{ n: number }>(EARLIER_WAITERS, [r.accountId, r.license, r.reservationKey, mine[0]?.waiting_since ?? null]);
        ahead = rows[0]!.n;
      }
      if (ahead >= free) {
        if (r.waits) {
          await tx.query(
            `INSERT INTO license_seat_waiters (reservation_key, account_id, license, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT (reservation_key) DO NOTHING`,
            [r.reservationKey, r.accountId, r.license, r.userId ?? null],
          );
        }
        return { reserved: false };
      }
      await tx.query(
        `INSERT INTO license_assignments (reservation_key, account_id, license, user_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (reservation_key) DO UPDATE SET released_at = NULL, user_id = EXCLUDED.user_id, license = EXCLUDED.license`,
        [r.reservationKey, r.accountId, r.license, r.userId ?? null],
      );
      await tx.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1`, [r.reservationKey]);
      return { reserved: true };
    });
  }

  /** A freed seat: the invitations waiting for one are woken, and the longest waiter takes it. */
  async function wakeSeatWaiters(accountId: string, license: string): Promise<void> {
    const { rows } = await db.query<{ reservation_key: string }>(
      `SELECT reservation_key FROM license_seat_waiters WHERE account_id = $1 AND license = $2 ORDER BY waiting_since, reservation_key`,
      [accountId, license],
    );
    // The invitation is the reservation: its id is the workflow's. One that ended leaves the line.
    await Promise.all(rows.map(async ({ reservation_key: id }) => {
      try {
        await temporal.workflow.getHandle(id).signal(seatsAdded);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) await db.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1`, [id]);
      }
    }));
  }

  return {
    /** Video Pro+ after signup: the invitation is the reservation. */
    async reserveLicenseSeat(r: { invitationId: string; accountId: string; userId: string; license: License }): Promise<{ reserved: boolean }> {
      return reserveSeat({ reservationKey: r.invitationId, accountId: r.accountId, license: r.license, userId: r.userId, waits: true });
    },

    /** A provisioning step's seat: a free one, or none (it does not wait in line). */
    async reserveSeat(r: { reservationKey: string; accountId: string; license: License; userId?: string }): Promise<{ reserved: boolean }> {
      return reserveSeat({ ...r, waits: false });
    },

    /** Compensation: the seat goes back to the inventory, and to the longest waiter if any. A no-op when nothing was reserved. */
    async releaseSeat({ reservationKey }: { reservationKey: string }): Promise<{ released: boolean }> {
      const { rows } = await db.query<{ account_id: string; license: string }>(
        `UPDATE license_assignments SET released_at = now() WHERE reservation_key = $1 AND released_at IS NULL RETURNING account_id, license`,
        [reservationKey],
      );
      if (rows[0]) await wakeSeatWaiters(rows[0].account_id, rows[0].license);
      return { released: rows.length === 1 };
    },

    /**
     * Offboarding: every seat the user holds goes back, and to the longest waiter. Under the
     * account's inventory locks, so a reservation for this user either committed before (and is
     * released here) or comes after and finds the user disabled. Each release is recorded once in
     * `offboarding_releases`; the waiters are woken on every attempt, so a worker that died between
     * the release and the wake-up loses nobody's turn.
     */
    async releaseUserSeat({ offboardingKey, accountId, userId }: { offboardingKey: string; accountId: string; userId: string }): Promise<{ released: License[] }> {
      const released = await inTransaction(db, async (tx) => {
        await tx.query(`SELECT 1 FROM license_inventory WHERE account_id = $1 ORDER BY license FOR UPDATE`, [accountId]);
        const { rows } = await tx.query<{ reservation_key: string; license: License }>(
          `UPDATE license_assignments SET released_at = now() WHERE user_id = $1 AND account_id = $2 AND released_at IS NULL RETURNING reservation_key, license`,
          [userId, accountId],
        );
        for (const r of rows) {
          await recordRelease(tx, { offboardingKey, kind: 'seat', ref: r.reservation_key, userId, accountId });
        }
        const { rows: all } = await tx.query<{ license: License }>(
          `SELECT DISTINCT a.license FROM offboarding_releases r JOIN license_assignments a ON a.reservation_key = r.ref
            WHERE r.offboarding_key = $1 AND r.kind = 'seat' ORDER BY a.license`,
          [offboardingKey],
        );
        return all.map((r) => r.license);
      });
      for (const license of released) await wakeSeatWaiters(accountId, license);
      return { released };
    },

    /** A reactivated user's seat: keyed by the offboarding workflow, which waits in line like an invitation and is woken the same way (seatsAdded). */
    async reserveSeatForReactivation(r: { workflowId: string; accountId: string; userId: string; license: License }): Promise<{ reserved: boolean }> {
      return reserveSeat({ reservationKey: r.workflowId, accountId: r.accountId, license: r.license, userId: r.userId, waits: true });
    },

    /**
     * A SCIM group's paid license (workflows/scim-assignment/): keyed by the assignment workflow, in
     * line like an invitation and woken the same way (seatsAdded). A seat or place in line it holds
     * for another license goes back first (to that line's longest waiter).
     */
    async reserveSeatForAssignment(r: { workflowId: string; accountId: string; userId: string; license: PaidLicense }): Promise<{ reserved: boolean; userDisabled?: boolean }> {
      // A deactivated user takes no seat and leaves the line: their offboarding has the last word.
      const { rows: user } = await db.query<{ status: string }>(`SELECT status FROM users WHERE id = $1`, [r.userId]);
      if (user[0]?.status === 'disabled') {
        await db.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1`, [r.workflowId]);
        return { reserved: false, userDisabled: true };
      }
      const { rows } = await db.query<{ license: string }>(
        `UPDATE license_assignments SET released_at = now() WHERE reservation_key = $1 AND released_at IS NULL AND license <> $2 RETURNING license`,
        [r.workflowId, r.license],
      );
      await db.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1 AND license <> $2`, [r.workflowId, r.license]);
      for (const { license } of rows) await wakeSeatWaiters(r.accountId, license);
      // Already holding a seat of this license (e.g. provisioned with it): nothing more to take.
      const { rowCount: held } = await db.query(`SELECT 1 FROM license_assignments WHERE user_id = $1 AND license = $2 AND released_at IS NULL`, [r.userId, r.license]);
      if (held) {
        await db.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1`, [r.workflowId]);
        return { reserved: true };
      }
      return reserveSeat({ reservationKey: r.workflowId, accountId: r.accountId, license: r.license, userId: r.userId, waits: true });
    },

    /**
     * The assigned license is the user's: every seat they hold of another license goes back (to the
     * longest waiter), a free license holds none, and a license-pending user is no longer pending.
     */
    async applyAssignedLicense(r: { workflowId: string; accountId: string; userId: string; license: License }): Promise<{ released: License[] }> {
      const released = await inTransaction(db, async (tx) => {
        await tx.query(`SELECT 1 FROM license_inventory WHERE account_id = $1 ORDER BY license FOR UPDATE`, [r.accountId]);
        const { rows } = await tx.query<{ license: License }>(
          `UPDATE license_assignments SET released_at = now()
            WHERE user_id = $1 AND account_id = $2 AND released_at IS NULL AND (license <> $3 OR NOT ($3 = ANY($4::text[])))
           RETURNING license`,
          [r.userId, r.accountId, r.license, paidLicenseList],
        );
        await tx.query(`DELETE FROM license_seat_waiters WHERE reservation_key = $1`, [r.workflowId]);
        await tx.query(
          `UPDATE users SET license = $2, status = CASE WHEN status = 'license_pending' THEN CASE WHEN activated_at IS NULL THEN 'not_activated' ELSE 'active' END ELSE status END
            WHERE id = $1 AND status <> 'disabled'`,
          [r.userId, r.license],
        );
        return [...new Set(rows.map((x) => x.license))];
      });
      for (const license of released) await wakeSeatWaiters(r.accountId, license);
      return { released };
    },

    /** Seats beyond the inventory, as quoted and acknowledged: bought once per request and license. */
    async purchaseLicenseSeats({ requestId, accountId, purchases }: { requestId: string; accountId: string; purchases: Array<{ license: PaidLicense; seats: number }> }): Promise<void> {
      await inTransaction(db, async (tx) => {
        for (const p of purchases) {
          const { rowCount } = await tx.query(
            `INSERT INTO license_purchases (request_id, account_id, license, seats) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
            [requestId, accountId, p.license, p.seats],
          );
          if (!rowCount) continue; // bought by an earlier attempt
          await tx.query(
            `INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, $2, $3)
             ON CONFLICT (account_id, license) DO UPDATE SET seats_total = license_inventory.seats_total + EXCLUDED.seats_total`,
            [accountId, p.license, p.seats],
          );
        }
      });
    },
  };
}
