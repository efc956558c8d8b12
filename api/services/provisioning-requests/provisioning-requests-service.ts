// Adding users as an admin: checks the whole request (who may, limits, inventories, addresses,
// credentials), prices what it buys, holds purchases until a quote is acknowledged, and starts the
// request's workflow. The workflows own the provisioning; this only decides whether it may start
// and with what.
import { randomUUID } from 'node:crypto';
import { missingEmergencyAddress, provisioningRequestFindings, purchasesFor, type NewProvisioningRequest, type PriceList } from '../../../domain/provisioning-requests';
import { needsPaidSeat, type PaidLicense } from '../../../domain/licenses';
import { provisioningWorkflowId, type ProvisioningRequestInput, type ProvisioningStatus } from '../../../workflows/provisioning-request/definitions';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { UsersData } from '../users/users-data';
import type { ProvisioningContextLoader } from './provisioning-context';
import { toProvision, type StoredCredentialsRow } from './provisioning-input';
import type { ProvisioningQuotes, Quote } from './provisioning-quotes';
import type { ProvisioningRequestsData } from './provisioning-requests-data';
import { assertMayAddUsers, assertMayBuy, maySeeRequests } from './provisioning-requests-policy';
import type { ProvisioningWorkflows } from './provisioning-workflows';

export interface SubmitRequest extends NewProvisioningRequest {
  quoteId?: string;
  acknowledgeCharges?: boolean;
}

export interface ProvisioningRequestServiceDeps {
  provisioningRequestsData: ProvisioningRequestsData;
  usersData: UsersData;
  provisioningContext: ProvisioningContextLoader;
  quotes: ProvisioningQuotes;
  workflows: ProvisioningWorkflows;
}

const seatPurchases = (price: PriceList) =>
  price.items.filter((i) => i.kind === 'license_seats' && needsPaidSeat(i.item as 'ringex')).map((i) => ({ license: i.item as PaidLicense, seats: i.quantity }));

export function createProvisioningRequestService({ provisioningRequestsData, usersData, provisioningContext, quotes, workflows }: ProvisioningRequestServiceDeps) {
  /** Everything that can be said about the request before any quote: 400/403/409/422 as they apply. */
  async function check(caller: Caller, req: NewProvisioningRequest) {
    assertMayAddUsers(caller, req.users);
    const { account, ctx, seatsFree } = await provisioningContext(caller.accountId);
    // Something wrong with the request itself: 400, naming every problem (those of the other kinds too).
    // Else what the account cannot take now, or a time gone by: 409.
    const found = provisioningRequestFindings(req, ctx);
    if (found.request.length > 0) throw problems.validation('No user was added: fix the listed fields.', found.all);
    if (found.account.length > 0) {
      throw problems.conflictsWithAccount('No user was added: the listed fields do not fit this account as it is now (its settings, sites or inventories).', found.all);
    }
    if (found.clock.length > 0) throw problems.scheduleInThePast('No user was added: a scheduled time has gone by; choose a later one.', found.clock);
    if (account.require_unique_email) {
      const inUse = await usersData.emailsInUse(account.id, req.users.map((u) => u.email.trim().toLowerCase()));
      if (inUse.length > 0) throw problems.emailInUse(inUse);
    }
    const missing = missingEmergencyAddress(req);
    if (missing.length > 0 && !req.continueWithoutEmergencyAddress) throw problems.missingEmergencyAddress(missing);
    const price = purchasesFor(req, seatsFree);
    assertMayBuy(caller, price);
    return { account, ctx, price };
  }

  /** Purchases wait for a quote the admin reviewed and acknowledged. */
  async function assertChargesAcknowledged(caller: Caller, req: SubmitRequest, price: PriceList): Promise<void> {
    if (price.items.length === 0) return;
    if (!req.quoteId) throw problems.purchaseConfirmationRequired(await quotes.create(caller, req, price));
    if (req.acknowledgeCharges !== true) {
      throw problems.validation('Review the charges and acknowledge them.', [{ field: 'body.acknowledgeCharges', message: 'Check the acknowledgment of the charges to continue.' }]);
    }
  }

  return {
    /** Prices the request without starting anything. */
    async quote(caller: Caller, req: NewProvisioningRequest): Promise<Quote> {
      const { price } = await check(caller, req);
      return quotes.create(caller, req, price);
    },

    async submit(caller: Caller, req: SubmitRequest) {
      const { account, ctx, price } = await check(caller, req);
      await assertChargesAcknowledged(caller, req, price);
      const requestId = randomUUID();
      const workflowId = provisioningWorkflowId(account.id, requestId);
      const credentials: StoredCredentialsRow[] = [];
      const users = await Promise.all(req.users.map((u, i) => toProvision(u, i, req, ctx.now, account.country === 'CA' ? 'CA' : 'US', (row) => credentials.push(row))));
      await provisioningRequestsData.record(
        { requestId, accountId: account.id, requestedBy: caller.userId, quoteId: req.quoteId, userCount: users.length, workflowId, credentials },
        quotes.acceptance(caller, req, price),
      );
      const input: ProvisioningRequestInput = {
        requestId,
        accountId: account.id,
        requestedBy: { userId: caller.userId, name: caller.name, role: caller.role },
        users,
        seatPurchases: seatPurchases(price),
        uniqueEmail: account.require_unique_email,
      };
      await workflows.start(caller, account, input, workflowId, price);
      return { requestId, workflowId, userCount: users.length, ...(price.items.length > 0 ? { charges: price } : {}) };
    },

    /** Where the request stands: each user's outcome as it settles. */
    async status(caller: Caller, requestId: string): Promise<ProvisioningStatus & { workflowId: string; createdAt: string }> {
      const request = await provisioningRequestsData.request(caller.accountId, requestId);
      if (!request || !maySeeRequests(caller)) throw problems.notFound(`Provisioning request ${requestId}`);
      return { ...(await workflows.status(request.workflowId)), workflowId: request.workflowId, createdAt: request.createdAt.toISOString() };
    },
  };
}
export type ProvisioningRequestService = ReturnType<typeof createProvisioningRequestService>;
