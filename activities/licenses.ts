// Seats: a reservation is keyed by the invitation (or provisioning step), so a retried or replayed
// activity never takes a second seat. The inventory row is locked while counting.
import type { ActivityDependencies } from '.';
import { inTransaction } from '../db';
import type { License } from '../workflows/definitions';

export function createLicenseActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    async reserveLicenseSeat(r: { invitationId: string; accountId: string; userId: string; license: License }): Promise<{ reserved: boolean }> {
      return inTransaction(db, async (tx) => {
        const { rows: inventory } = await tx.query<{ seats_total: number }>(
          `SELECT seats_total FROM license_inventory WHERE account_id = $1 AND license = $2 FOR UPDATE`,
          [r.accountId, r.license],
        );
        const { rowCount: already } = await tx.query(`SELECT 1 FROM license_assignments WHERE reservation_key = $1`, [r.invitationId]);
        if (already) return { reserved: true };
        const { rows: used } = await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM license_assignments WHERE account_id = $1 AND license = $2`,
          [r.accountId, r.license],
        );
        if (used[0]!.n >= (inventory[0]?.seats_total ?? 0)) return { reserved: false };
        await tx.query(`INSERT INTO license_assignments (reservation_key, account_id, license, user_id) VALUES ($1, $2, $3, $4)`, [
          r.invitationId, r.accountId, r.license, r.userId,
        ]);
        return { reserved: true };
      });
    },
  };
}
