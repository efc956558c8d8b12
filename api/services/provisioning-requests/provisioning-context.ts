// What the rules of adding users check a request against: the account's settings and what its
// inventories hold right now (also for activating an added user later).
import type { ProvisioningRequestContext } from '../../../domain/provisioning-requests';
import type { PaidLicense } from '../../../domain/licenses';
import type { AccountService, AccountSettings } from '../accounts';
import type { InventoryData } from '../inventory';
import type { LicensesData } from '../licenses';

export interface LoadedProvisioningContext {
  account: AccountSettings;
  ctx: ProvisioningRequestContext;
  seatsFree: Record<PaidLicense, number>;
}

export function createProvisioningContextLoader(deps: { accounts: AccountService; inventoryData: InventoryData; licensesData: LicensesData }) {
  return async function provisioningContext(accountId: string): Promise<LoadedProvisioningContext> {
    // Side by side: one round trip's wait.
    const [account, available, seats] = await Promise.all([
      deps.accounts.forProvisioningRequests(accountId),
      deps.inventoryData.available(accountId),
      deps.licensesData.seats(accountId),
    ]);
    const seatsFree = { ringex: 0, video_pro_plus: 0 };
    for (const s of seats) seatsFree[s.license] = s.seatsTotal - s.seatsUsed;
    return {
      account,
      seatsFree,
      ctx: {
        now: new Date(),
        country: account.country,
        multiSite: account.multi_site,
        sites: available.sites.map((s) => s.id),
        requireUniqueEmail: account.require_unique_email,
        deskphonesAvailable: new Set(available.deskphones.map((d) => d.id)),
        numbersAvailable: new Set(available.phoneNumbers.map((n) => n.phoneNumber)),
        emergencyLocations: new Set(available.emergencyResponseLocations.map((l) => l.id)),
      },
    };
  };
}
export type ProvisioningContextLoader = ReturnType<typeof createProvisioningContextLoader>;
