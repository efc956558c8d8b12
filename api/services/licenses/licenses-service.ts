// The account's license inventory. Buying seats follows the purchase confirmation of adding users:
// a quote first (409 with its total), then the purchase names the quote and acknowledges the
// charges, once. Seats bought wake the invitations waiting for one.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PaidLicense } from '../../../domain/licenses';
import { canonicalJson, seatPurchasePrice, type PriceList } from '../../../domain/provisioning-requests';
import { seatsAdded } from '../../../workflows/invitation/definitions';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { InventoryLine, LicensesData, LockedSeatQuote } from './licenses-data';
import { assertMayBuySeats, assertWithinSeatLimit, type SeatLimits } from './licenses-policy';
import { temporalCall } from '../../deadlines';

/** How long a seat quote's prices hold, as a request's. */
const QUOTE_LIFETIME_MINUTES = 30;

export interface SeatPurchaseRequest {
  seats: number;
  quoteId?: string;
  acknowledgeCharges?: boolean;
}

export interface SeatQuote extends PriceList {
  id: string;
  expiresAt: string;
}

/** What a seat quote is for: the license and the number of seats (a different purchase needs a new quote). */
const fingerprint = (license: PaidLicense, seats: number) => createHash('sha256').update(`license-seats:${license}:${seats}`).digest('hex');

export function createLicenseService({ licensesData, temporal, limits }: { licensesData: LicensesData; temporal: Client; limits: SeatLimits }) {
  /**
   * Signals every invitation of the account stuck for want of a seat; they continue by themselves,
   * and the seats go to the longest waiters (activities/licenses.ts). The line in the database is
   * woken first, and one that ended meanwhile leaves it; the visibility query finds any other.
   */
  async function wakeInvitationsWaitingForASeat(accountId: string): Promise<number> {
    const notified = new Set<string>();
    for (const id of await licensesData.seatWaiters(accountId)) {
      try {
        await temporal.workflow.getHandle(id).signal(seatsAdded);
        notified.add(id);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) await licensesData.leaveSeatLine(id);
      }
    }
    const query = `AccountId = "${accountId}" AND OnboardingStage = "license_pending" AND ExecutionStatus = "Running"`;
    const others: string[] = [];
    await temporalCall(temporal, async () => {
      for await (const wf of temporal.workflow.list({ query })) if (!notified.has(wf.workflowId)) others.push(wf.workflowId);
    });
    for (const id of others) {
      await temporal.workflow.getHandle(id).signal(seatsAdded).catch(() => undefined);
      notified.add(id);
    }
    return notified.size;
  }

  async function quote(caller: Caller, license: PaidLicense, seats: number, price: PriceList): Promise<SeatQuote> {
    const q = await licensesData.insertQuote({
      accountId: caller.accountId, createdBy: caller.userId, fingerprint: fingerprint(license, seats), price, lifetimeMinutes: QUOTE_LIFETIME_MINUTES,
    });
    return { id: q.id, expiresAt: q.expiresAt.toISOString(), ...price };
  }

  /** Refuses the named quote (404, 409) unless it is unused and prices this purchase at today's prices. */
  const acceptance = (caller: Caller, license: PaidLicense, req: SeatPurchaseRequest, price: PriceList) => async (q: LockedSeatQuote | undefined): Promise<void> => {
    if (!q) throw problems.notFound(`Quote ${req.quoteId}`);
    if (q.used_by) throw problems.quoteUsed();
    if (q.expired || q.fingerprint !== fingerprint(license, req.seats) || canonicalJson(q.items) !== canonicalJson(price.items)) {
      throw problems.quoteMismatch(q.expired, await quote(caller, license, req.seats, price));
    }
  };

  return {
    limits,

    inventory: (caller: Caller): Promise<InventoryLine[]> => licensesData.seats(caller.accountId),

    async buySeats(caller: Caller, license: PaidLicense, req: SeatPurchaseRequest): Promise<{ inventory: InventoryLine[]; invitationsNotified: number; purchaseId: string; charges: PriceList }> {
      assertMayBuySeats(caller);
      const price = seatPurchasePrice(license, req.seats);
      // Nothing is quoted that the ceiling would refuse.
      const { seatsTotal, accountLimit } = await licensesData.holding(caller.accountId, license);
      assertWithinSeatLimit(limits, license, accountLimit, seatsTotal + req.seats, req.seats);
      if (!req.quoteId) throw problems.purchaseConfirmationRequired(await quote(caller, license, req.seats, price));
      if (req.acknowledgeCharges !== true) {
        throw problems.validation('Review the charges and acknowledge them.', [{ field: 'body.acknowledgeCharges', message: 'Check the acknowledgment of the charges to continue.' }]);
      }
      const purchaseId = randomUUID();
      await licensesData.purchase(
        { purchaseId, accountId: caller.accountId, license, seats: req.seats, quoteId: req.quoteId, totalCents: price.totalCents, purchasedBy: caller.userId },
        {
          acceptQuote: acceptance(caller, license, req, price),
          withinLimit: (ownLimit, seatsAfter) => assertWithinSeatLimit(limits, license, ownLimit, seatsAfter, req.seats),
        },
      );
      const invitationsNotified = await wakeInvitationsWaitingForASeat(caller.accountId);
      return { inventory: await licensesData.seats(caller.accountId), invitationsNotified, purchaseId, charges: price };
    },
  };
}
export type LicenseService = ReturnType<typeof createLicenseService>;
