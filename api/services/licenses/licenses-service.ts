// The account's license inventory. Adding seats wakes the invitations waiting for one.
import type { Client } from '@temporalio/client';
import type { PaidLicense } from '../../../domain/licenses';
import { seatsAdded } from '../../../workflows/invitation/definitions';
import type { Caller } from '../credentials';
import type { InventoryLine, LicensesData } from './licenses-data';
import { assertMayBuySeats } from './licenses-policy';

export function createLicenseService({ licensesData, temporal }: { licensesData: LicensesData; temporal: Client }) {
  /** Signals every invitation of the account stuck for want of a seat; they continue by themselves. */
  async function wakeInvitationsWaitingForASeat(accountId: string): Promise<number> {
    let notified = 0;
    const query = `AccountId = "${accountId}" AND OnboardingStage = "license_pending" AND ExecutionStatus = "Running"`;
    for await (const wf of temporal.workflow.list({ query })) {
      await temporal.workflow.getHandle(wf.workflowId).signal(seatsAdded).catch(() => undefined);
      notified += 1;
    }
    return notified;
  }

  return {
    inventory: (caller: Caller): Promise<InventoryLine[]> => licensesData.seats(caller.accountId),

    async addSeats(caller: Caller, license: PaidLicense, seats: number): Promise<{ inventory: InventoryLine[]; invitationsNotified: number }> {
      assertMayBuySeats(caller);
      await licensesData.addSeats(caller.accountId, license, seats);
      const invitationsNotified = await wakeInvitationsWaitingForASeat(caller.accountId);
      return { inventory: await licensesData.seats(caller.accountId), invitationsNotified };
    },
  };
}
export type LicenseService = ReturnType<typeof createLicenseService>;
