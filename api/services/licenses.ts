// The account's license inventory. Adding seats wakes the invitations waiting for one.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import { seatsAdded } from '../../workflows/invitation/definitions';
import { problems } from '../problems';
import type { PaidLicense } from '../../domain/licenses';
import type { Caller } from './credentials';

export interface InventoryLine {
  license: PaidLicense;
  seatsTotal: number;
  seatsUsed: number;
}

/** Seats owned and in use per paid license (a released reservation no longer counts). */
export async function seatInventory(db: Db, accountId: string): Promise<InventoryLine[]> {
  const { rows } = await db.query<InventoryLine>(
    `SELECT l.license, coalesce(i.seats_total, 0) AS "seatsTotal",
            (SELECT count(*)::int FROM license_assignments a WHERE a.account_id = $1 AND a.license = l.license AND a.released_at IS NULL) AS "seatsUsed"
       FROM (VALUES ('ringex'), ('video_pro_plus')) AS l(license)
       LEFT JOIN license_inventory i ON i.account_id = $1 AND i.license = l.license
      ORDER BY l.license`,
    [accountId],
  );
  return rows;
}

export function createLicenseService({ db, temporal }: { db: Db; temporal: Client }) {
  const inventory = (accountId: string) => seatInventory(db, accountId);

  return {
    inventory: (caller: Caller) => inventory(caller.accountId),

    async addSeats(caller: Caller, license: PaidLicense, seats: number): Promise<{ inventory: InventoryLine[]; invitationsNotified: number }> {
      if (caller.role === 'user' || !caller.canPurchase) {
        throw problems.forbidden('Buying licenses needs an admin with purchasing permission. Please contact your company billing admin.');
      }
      await db.query(
        `INSERT INTO license_inventory (account_id, license, seats_total) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, license) DO UPDATE SET seats_total = license_inventory.seats_total + EXCLUDED.seats_total`,
        [caller.accountId, license, seats],
      );
      // Invitations stuck for want of a seat continue by themselves.
      let notified = 0;
      const query = `AccountId = "${caller.accountId}" AND OnboardingStage = "license_pending" AND ExecutionStatus = "Running"`;
      for await (const wf of temporal.workflow.list({ query })) {
        await temporal.workflow.getHandle(wf.workflowId).signal(seatsAdded).catch(() => undefined);
        notified += 1;
      }
      return { inventory: await inventory(caller.accountId), invitationsNotified: notified };
    },
  };
}
export type LicenseService = ReturnType<typeof createLicenseService>;
