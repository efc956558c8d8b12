// Adding users as an admin: checks the whole request (who may, limits, inventories, addresses,
// credentials), prices what it buys, holds purchases until a quote is acknowledged, and starts the
// request's workflow. The workflows own the provisioning; this only decides whether it may start
// and with what.
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  canonicalJson,
  missingEmergencyAddress,
  provisioningRequestProblems,
  purchasesFor,
  quoteSubject,
  type NewProvisioningRequest,
  type PriceList,
} from '../../../domain/provisioning-requests';
import { needsPaidSeat, type PaidLicense } from '../../../domain/licenses';
import { provisioningRequestWorkflow } from '../../../workflows';
import { getProvisioningStatus, provisioningWorkflowId, type ProvisioningRequestInput, type ProvisioningStatus } from '../../../workflows/provisioning-request/definitions';
import { AccountId, OnboardingChannel, OnboardingStage } from '../../../workflows/search-attributes';
import { problems } from '../../problems';
import type { AccountSettings } from '../accounts';
import type { Caller } from '../credentials';
import type { UsersData } from '../users/users-data';
import type { ProvisioningContextLoader } from './provisioning-context';
import { toProvision } from './provisioning-input';
import type { LockedQuote, ProvisioningRequestsData } from './provisioning-requests-data';
import { assertMayAddUsers, assertMayBuy, maySeeRequests } from './provisioning-requests-policy';

/** How long a quote's prices hold. */
const QUOTE_LIFETIME_MINUTES = 30;

export interface Quote extends PriceList {
  id: string;
  expiresAt: string;
}

export interface SubmitRequest extends NewProvisioningRequest {
  quoteId?: string;
  acknowledgeCharges?: boolean;
}

export interface ProvisioningRequestServiceDeps {
  provisioningRequestsData: ProvisioningRequestsData;
  usersData: UsersData;
  provisioningContext: ProvisioningContextLoader;
  temporal: Client;
  taskQueue: string;
}

const fingerprint = (req: NewProvisioningRequest) => createHash('sha256').update(quoteSubject(req)).digest('hex');

export function createProvisioningRequestService({ provisioningRequestsData, usersData, provisioningContext, temporal, taskQueue }: ProvisioningRequestServiceDeps) {
  /** Everything that can be said about the request before any quote: 400/403/409/422 as they apply. */
  async function check(caller: Caller, req: NewProvisioningRequest) {
    assertMayAddUsers(caller, req.users);
    const { account, ctx, seatsFree } = await provisioningContext(caller.accountId);
    const errors = provisioningRequestProblems(req, ctx);
    if (errors.length > 0) throw problems.validation('No user was added: fix the listed fields.', errors);
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

  async function createQuote(caller: Caller, req: NewProvisioningRequest, price: PriceList): Promise<Quote> {
    const q = await provisioningRequestsData.insertQuote({
      accountId: caller.accountId, createdBy: caller.userId, fingerprint: fingerprint(req), price, lifetimeMinutes: QUOTE_LIFETIME_MINUTES,
    });
    return { id: q.id, expiresAt: q.expiresAt.toISOString(), ...price };
  }

  /** The quote a buying request names must be unused and still say what the charges are now. */
  function quoteAcceptance(caller: Caller, req: SubmitRequest, price: PriceList) {
    return async (q: LockedQuote | undefined) => {
      if (!q) throw problems.notFound(`Quote ${req.quoteId}`);
      if (q.used_by) throw problems.quoteUsed();
      // A changed request, changed inventory or an expired quote: the charges are not what was acknowledged.
      // (jsonb keeps keys in its own order: compare canonical forms.)
      if (q.expired || q.fingerprint !== fingerprint(req) || canonicalJson(q.items) !== canonicalJson(price.items)) {
        const fresh = price.items.length > 0 ? await createQuote(caller, req, price) : undefined;
        throw problems.quoteMismatch(q.expired, fresh);
      }
    };
  }

  /** Purchases wait for a quote the admin reviewed and acknowledged. */
  async function assertChargesAcknowledged(caller: Caller, req: SubmitRequest, price: PriceList): Promise<void> {
    if (price.items.length === 0) return;
    if (!req.quoteId) throw problems.purchaseConfirmationRequired(await createQuote(caller, req, price));
    if (req.acknowledgeCharges !== true) {
      throw problems.validation('Review the charges and acknowledge them.', [{ field: 'body.acknowledgeCharges', message: 'Check the acknowledgment of the charges to continue.' }]);
    }
  }

  async function startRequest(caller: Caller, account: AccountSettings, input: ProvisioningRequestInput, workflowId: string, price: PriceList) {
    const n = input.users.length;
    await temporal.workflow.start(provisioningRequestWorkflow, {
      taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: [
        { key: AccountId, value: account.id },
        { key: OnboardingChannel, value: 'admin' },
        { key: OnboardingStage, value: input.seatPurchases.length ? 'purchasing' : 'provisioning' },
      ],
      staticSummary: `Adding ${n} user${n === 1 ? '' : 's'} to ${account.name}`,
      staticDetails: `Requested by ${caller.name || caller.userId} (${caller.role.replace('_', ' ')})${price.items.length > 0 ? `; purchases: ${price.items.map((i) => `${i.quantity} × ${i.description}`).join(', ')}` : ''}.`,
    });
  }

  return {
    /** Prices the request without starting anything. */
    async quote(caller: Caller, req: NewProvisioningRequest): Promise<Quote> {
      const { price } = await check(caller, req);
      return createQuote(caller, req, price);
    },

    async submit(caller: Caller, req: SubmitRequest) {
      const { account, ctx, price } = await check(caller, req);
      await assertChargesAcknowledged(caller, req, price);
      const requestId = randomUUID();
      const workflowId = provisioningWorkflowId(account.id, requestId);
      const country = account.country === 'CA' ? 'CA' : 'US';
      const users = await Promise.all(req.users.map((u, i) => toProvision(u, i, req, ctx.now, country)));
      await provisioningRequestsData.record(
        { requestId, accountId: account.id, requestedBy: caller.userId, quoteId: req.quoteId, userCount: users.length, workflowId },
        quoteAcceptance(caller, req, price),
      );
      const input: ProvisioningRequestInput = {
        requestId,
        accountId: account.id,
        requestedBy: { userId: caller.userId, name: caller.name, role: caller.role },
        users,
        seatPurchases: price.items.filter((i) => i.kind === 'license_seats' && needsPaidSeat(i.item as 'ringex')).map((i) => ({ license: i.item as PaidLicense, seats: i.quantity })),
        uniqueEmail: account.require_unique_email,
      };
      await startRequest(caller, account, input, workflowId, price);
      return { requestId, workflowId, userCount: users.length, ...(price.items.length > 0 ? { charges: price } : {}) };
    },

    /** Where the request stands: each user's outcome as it settles. */
    async status(caller: Caller, requestId: string): Promise<ProvisioningStatus & { workflowId: string; createdAt: string }> {
      const request = await provisioningRequestsData.request(caller.accountId, requestId);
      if (!request || !maySeeRequests(caller)) throw problems.notFound(`Provisioning request ${requestId}`);
      const status = await temporal.workflow.getHandle(request.workflowId).query(getProvisioningStatus);
      return { ...status, workflowId: request.workflowId, createdAt: request.createdAt.toISOString() };
    },
  };
}
export type ProvisioningRequestService = ReturnType<typeof createProvisioningRequestService>;
