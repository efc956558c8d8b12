// What an admin can give the users they add: free seats, deskphones and numbers in the account's
// inventory, the deskphone catalogue to buy from, emergency response locations and sites.
import { deskphoneCatalogue } from '../../../domain/catalogue';
import type { Caller } from '../credentials';
import type { LicensesData } from '../licenses';
import { assertMayAddUsers } from '../provisioning-requests/provisioning-requests-policy';
import type { InventoryData } from './inventory-data';

export function createInventoryService({ inventoryData, licensesData }: { inventoryData: InventoryData; licensesData: LicensesData }) {
  return {
    async forProvisioningRequests(caller: Caller) {
      assertMayAddUsers(caller, []);
      const [seats, available] = await Promise.all([licensesData.seats(caller.accountId), inventoryData.available(caller.accountId)]);
      return {
        seats: seats.map((s) => ({ ...s, seatsFree: Math.max(0, s.seatsTotal - s.seatsUsed) })),
        deskphones: available.deskphones,
        phoneNumbers: available.phoneNumbers,
        deskphoneCatalogue: [...deskphoneCatalogue],
        emergencyResponseLocations: available.emergencyResponseLocations,
        sites: available.sites,
      };
    },
  };
}
export type InventoryService = ReturnType<typeof createInventoryService>;
