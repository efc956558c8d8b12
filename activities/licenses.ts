// Seats: a reservation is keyed by what it is for (an invitation, or a provisioning step), so a
// retried or replayed activity never takes a second seat. The inventory row is locked while counting.
import type { ActivityDependencies } from './dependencies';
import { inTransaction } from '../db';
import type { License, PaidLicense } from '../domain/licenses';


export function createLicenseActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  async function reserveSeat(r: { reservationKey: string; accountId: string; license: License; userId?: string }): Promise<{ reserved: boolean }> {
    return inTransaction(db, async (tx) => {
      const { rows: inventory } = await tx.query<{ seats_total: number }>(
        `SELECT seats_total FROM license_inventory WHERE account_id = $1 AND license = $2 FOR UPDATE`,
        [r.accountId, r.license],
      );
      const { rowCount: already } = await tx.query(`SELECT 1 FROM license_assignments WHERE reservation_key = $1 AND released_at IS NULL`, [r.reservationKey]);
      if (already) return { reserved: true };
      const { rows: used } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM license_assignments WHERE account_id = $1 AND license = $2 AND released_at IS NULL`,
        [r.accountId, r.license],
      );
      if (used[0]!.n >= (inventory[0]?.seats_total ?? 0)) return { reserved: false };
      await tx.query(
        `INSERT INTO license_assignments (reservation_key, account_id, license, user_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (reservation_key) DO UPDATE SET released_at = NULL, user_id = EXCLUDED.user_id`,
        [r.reservationKey, r.accountId, r.license, r.userId ?? null],
      );
      return { reserved: true };
    });
  }

  return {
    /** Video Pro+ after signup: the invitation is the reservation. */
    async reserveLicenseSeat(r: { invitationId: string; accountId: string; userId: string; license: License }): Promise<{ reserved: boolean }> {
      return reserveSeat({ reservationKey: r.invitationId, accountId: r.accountId, license: r.license, userId: r.userId });
    },

    reserveSeat,

    /** Compensation: the seat goes back to the inventory. A no-op when nothing was reserved. */
    async releaseSeat({ reservationKey }: { reservationKey: string }): Promise<{ released: boolean }> {
      const { rowCount } = await db.query(`UPDATE license_assignments SET released_at = now() WHERE reservation_key = $1 AND released_at IS NULL`, [reservationKey]);
      return { released: rowCount === 1 };
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
