// Quotes: what a request to add users would buy, at today's prices, held for half an hour. A
// submitted request that buys must name an unused quote that still says what it charges now.
import { createHash } from 'node:crypto';
import { canonicalJson, quoteSubject, type NewProvisioningRequest, type PriceList } from '../../../domain/provisioning-requests';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { LockedQuote, ProvisioningRequestsData } from './provisioning-requests-data';

/** How long a quote's prices hold. */
const QUOTE_LIFETIME_MINUTES = 30;

export interface Quote extends PriceList {
  id: string;
  expiresAt: string;
}

const fingerprint = (req: NewProvisioningRequest) => createHash('sha256').update(quoteSubject(req)).digest('hex');

export function createProvisioningQuotes({ provisioningRequestsData }: { provisioningRequestsData: Pick<ProvisioningRequestsData, 'insertQuote'> }) {
  async function create(caller: Caller, req: NewProvisioningRequest, price: PriceList): Promise<Quote> {
    const q = await provisioningRequestsData.insertQuote({
      accountId: caller.accountId, createdBy: caller.userId, fingerprint: fingerprint(req), price, lifetimeMinutes: QUOTE_LIFETIME_MINUTES,
    });
    return { id: q.id, expiresAt: q.expiresAt.toISOString(), ...price };
  }

  /** Refuses the named quote (404, 409) unless it is unused and matches the request and today's prices. */
  function acceptance(caller: Caller, req: NewProvisioningRequest & { quoteId?: string }, price: PriceList) {
    return async (q: LockedQuote | undefined): Promise<void> => {
      if (!q) throw problems.notFound(`Quote ${req.quoteId}`);
      if (q.used_by) throw problems.quoteUsed();
      // A changed request, changed inventory or an expired quote: the charges are not what was acknowledged.
      // (jsonb keeps keys in its own order: compare canonical forms.)
      if (q.expired || q.fingerprint !== fingerprint(req) || canonicalJson(q.items) !== canonicalJson(price.items)) {
        const fresh = price.items.length > 0 ? await create(caller, req, price) : undefined;
        throw problems.quoteMismatch(q.expired, fresh);
      }
    };
  }

  return { create, acceptance };
}
export type ProvisioningQuotes = ReturnType<typeof createProvisioningQuotes>;
