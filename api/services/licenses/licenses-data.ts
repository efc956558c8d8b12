// License seats: the license_inventory an account owns, and the seats its people hold.
import type { Db } from '../../../db';
import type { PaidLicense } from '../../../domain/licenses';

export interface InventoryLine {
  license: PaidLicense;
  seatsTotal: number;
  seatsUsed: number;
}

export function createLicensesData(db: Db) {
  return {
    /** Seats owned and in use per paid license (a released reservation no longer counts). */
    async seats(accountId: string): Promise<InventoryLine[]> {
      const { rows } = await db.query<InventoryLine>(
        `SELECT l.license, coalesce(i.seats_total, 0) AS "seatsTotal",
                (SELECT count(*)::int FROM license_assignments a WHERE a.account_id = $1 AND a.license = l.license AND a.released_at IS NULL) AS "seatsUsed"
           FROM (VALUES ('ringex'), ('video_pro_plus')) AS l(license)
           LEFT JOIN license_inventory i ON i.account_id = $1 AND i.license = l.license
          ORDER BY l.license`,
        [accountId],
      );
      return rows;
    },

    async addSeats(accountId: string, license: PaidLicense, seats: number): Promise<void> {
      await db.query(
        `INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, license) DO UPDATE SET seats_total = license_inventory.seats_total + EXCLUDED.seats_total`,
        [accountId, license, seats],
      );
    },
  };
}
export type LicensesData = ReturnType<typeof createLicensesData>;
