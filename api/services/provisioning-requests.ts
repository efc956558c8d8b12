// Adding users as an admin: checks the whole request (who may, limits, inventories, addresses,
// credentials), prices what it buys, holds purchases until a quote is acknowledged, hashes every
// secret, and starts the request's workflow. The workflows own the provisioning; this only decides
// whether it may start and with what.
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import { inTransaction } from '../../db';
import {
  provisioningRequestProblems,
  canonicalJson,
  missingEmergencyAddress,
  purchasesFor,
  quoteSubject,
  type ProvisioningRequestContext,
  type NewProvisioningRequest,
  type CredentialsInput,
  type NewUserInput,
  type PriceList,
  type QuoteItem,
} from '../../domain/provisioning-requests';
import { deskphoneModel } from '../../domain/catalogue';
import { normalizeAddress } from '../../domain/postal-address';
import { resolveSchedule } from '../../domain/schedule';
import { hasPhoneService, needsPaidSeat, type License, type PaidLicense } from '../../domain/licenses';
import { getProvisioningStatus, provisioningWorkflowId, type ProvisioningStatus, type Activation, type AssignedCredentials, type EmergencyLocationChoice, type ProvisioningRequestInput, type UserToProvision } from '../../workflows/provisioning-request/definitions';
import { AccountId, OnboardingChannel, OnboardingStage } from '../../workflows/search-attributes';
import { problems } from '../problems';
import type { Caller } from './credentials';
import { seatInventory } from './licenses';
import { hashPassword } from './password-hash';
import { provisioningRequestWorkflow } from '../../workflows';

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

export interface AccountSettings {
  id: string;
  name: string;
  country: string;
  multi_site: boolean;
  require_unique_email: boolean;
}

/** The context the rules need: the account's settings and what its inventories hold right now. */
export async function provisioningRequestContext(db: Db, accountId: string): Promise<{ account: AccountSettings; ctx: ProvisioningRequestContext; seatsFree: Record<PaidLicense, number> }> {
  // Side by side: one round trip's wait instead of six.
  const [accounts, sites, deskphones, numbers, locations, seats] = await Promise.all([
    db.query<AccountSettings>(`SELECT id, name, country, multi_site, require_unique_email FROM accounts WHERE id = $1`, [accountId]),
    db.query<{ id: string }>(`SELECT id FROM account_sites WHERE account_id = $1`, [accountId]),
    db.query<{ id: string }>(`SELECT id FROM deskphone_inventory WHERE account_id = $1 AND reservation_key IS NULL AND user_id IS NULL`, [accountId]),
    db.query<{ number: string }>(`SELECT number FROM phone_numbers WHERE account_id = $1 AND status = 'available'`, [accountId]),
    db.query<{ id: string }>(`SELECT id FROM emergency_response_locations WHERE account_id = $1`, [accountId]),
    seatInventory(db, accountId),
  ]);
  const account = accounts.rows[0];
  if (!account) throw problems.notFound(`Account ${accountId}`);
  const seatsFree = { ringex: 0, video_pro_plus: 0 };
  for (const s of seats) seatsFree[s.license] = s.seatsTotal - s.seatsUsed;
  return {
    account,
    seatsFree,
    ctx: {
      now: new Date(),
      country: account.country,
      multiSite: account.multi_site,
      sites: sites.rows.map((s) => s.id),
      requireUniqueEmail: account.require_unique_email,
      deskphonesAvailable: new Set(deskphones.rows.map((d) => d.id)),
      numbersAvailable: new Set(numbers.rows.map((n) => n.number)),
      emergencyLocations: new Set(locations.rows.map((l) => l.id)),
    },
  };
}

/** Admins add users; giving the Super Admin role or a Video Pro+ license takes a Super Admin. */
export function assertMayAddUsers(caller: Caller, users: Array<Pick<NewUserInput, 'role' | 'userType'>>) {
  if (caller.role === 'user') throw problems.forbidden('Only admins can add users.');
  if (caller.role !== 'super_admin' && users.some((u) => u.role === 'super_admin')) throw problems.forbidden('Only a Super Admin can give the Super Admin role.');
  if (caller.role !== 'super_admin' && users.some((u) => u.userType === 'video_pro_plus')) throw problems.forbidden('You must be a Super Admin to assign Video Pro+ licenses.');
}

/** The secrets stop here: the workflow gets scrypt hashes only (the answer is compared case- and space-insensitively). */
async function hashCredentials(c: CredentialsInput): Promise<AssignedCredentials> {
  const [passwordHash, pinHash, securityAnswerHash] = await Promise.all([
    hashPassword(c.password),
    hashPassword(c.pin),
    hashPassword(c.securityAnswer.trim().toLowerCase().replace(/\s+/g, ' ')),
  ]);
  return { passwordHash, temporaryPassword: c.temporaryPassword, pinHash, securityQuestion: c.securityQuestion.trim(), securityAnswerHash };
}

function emergencyChoice(c: CredentialsInput, continueWithout: boolean): EmergencyLocationChoice | undefined {
  const loc = c.emergencyResponseLocation;
  if (!loc) return continueWithout ? { kind: 'none_acknowledged' } : undefined;
  if ('locationId' in loc) return { kind: 'existing', locationId: loc.locationId };
  return { kind: 'new', nickname: loc.nickname.trim(), ...(loc.site ? { siteId: loc.site } : {}), address: normalizeAddress(loc.address) };
}

/**
 * "Activate by assigning credentials" as the workflow takes it, at creation or later: secrets
 * hashed, and an emergency location only for users with phone service (they alone make calls).
 */
export async function credentialsActivation(c: CredentialsInput, license: License, continueWithoutEmergencyAddress: boolean): Promise<Extract<Activation, { option: 'assign_credentials' }>> {
  const emergency = hasPhoneService(license) ? emergencyChoice(c, continueWithoutEmergencyAddress) : undefined;
  return { option: 'assign_credentials', credentials: await hashCredentials(c), ...(emergency ? { emergency } : {}) };
}

export function createProvisioningRequestService({ db, temporal, taskQueue }: { db: Db; temporal: Client; taskQueue: string }) {
  /** Everything that can be said about the request before any quote: 400/403/409/422 as they apply. */
  async function check(caller: Caller, req: NewProvisioningRequest) {
    assertMayAddUsers(caller, req.users);
    const { account, ctx, seatsFree } = await provisioningRequestContext(db, caller.accountId);
    const errors = provisioningRequestProblems(req, ctx);
    if (errors.length > 0) throw problems.validation('No user was added: fix the listed fields.', errors);
    if (account.require_unique_email) {
      const emails = req.users.map((u) => u.email.trim().toLowerCase());
      const { rows } = await db.query<{ email: string }>(
        `SELECT DISTINCT lower(email) AS email FROM users WHERE account_id = $1 AND lower(email) = ANY($2) AND status <> 'disabled'`,
        [account.id, emails],
      );
      if (rows.length > 0) throw problems.emailInUse(rows.map((r) => r.email));
    }
    const missing = missingEmergencyAddress(req);
    if (missing.length > 0 && !req.continueWithoutEmergencyAddress) throw problems.missingEmergencyAddress(missing);
    const price = purchasesFor(req, seatsFree);
    if (price.items.length > 0 && !caller.canPurchase) {
      throw problems.forbidden('This request buys licenses, deskphones or numbers, which needs an admin with purchasing permission. Please contact your company billing admin, or assign from the existing inventory.');
    }
    return { account, ctx, price };
  }

  const fingerprint = (req: NewProvisioningRequest) => createHash('sha256').update(quoteSubject(req)).digest('hex');

  async function createQuote(caller: Caller, req: NewProvisioningRequest, price: PriceList): Promise<Quote> {
    const { rows } = await db.query<{ id: string; expires_at: Date }>(
      `INSERT INTO provisioning_quotes (account_id, created_by, fingerprint, items, total_cents, currency, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7)) RETURNING id, expires_at`,
      [caller.accountId, caller.userId, fingerprint(req), JSON.stringify(price.items), price.totalCents, price.currency, QUOTE_LIFETIME_MINUTES],
    );
    return { id: rows[0]!.id, expiresAt: rows[0]!.expires_at.toISOString(), ...price };
  }

  // jsonb keeps keys in its own order: compare canonical forms.
  const samePrices = (a: QuoteItem[], b: QuoteItem[]) => canonicalJson(a) === canonicalJson(b);

  /** The workflow's view of one user: validated, normalised, secrets hashed. */
  async function toProvision(u: NewUserInput, index: number, req: NewProvisioningRequest, now: Date, country: 'US' | 'CA'): Promise<UserToProvision> {
    const s = u.setup;
    let activation: Activation;
    if (s.option === 'assign_credentials') {
      activation = await credentialsActivation(s, u.userType, !!req.continueWithoutEmergencyAddress);
    } else if (s.option === 'schedule_invite') {
      // provisioningRequestProblems accepted this schedule at this same `now`, so it resolves.
      const r = resolveSchedule(s, now) as Extract<ReturnType<typeof resolveSchedule>, { ok: true }>;
      activation = { option: 'schedule_invite', sendAt: r.sendAt.toISOString() };
    } else {
      activation = { option: s.option };
    }
    const phone = u.phone;
    return {
      index,
      email: u.email.trim().toLowerCase(),
      firstName: u.firstName.trim(),
      lastName: u.lastName.trim(),
      license: u.userType,
      role: u.role,
      ...(u.costCenter ? { costCenter: u.costCenter.trim() } : {}),
      ...(u.site ? { siteId: u.site } : {}),
      ...(phone?.option === 'inventory' ? { deskphone: { kind: 'inventory' as const, deviceId: phone.deviceId } } : {}),
      ...(phone?.option === 'purchase'
        ? { deskphone: { kind: 'purchase' as const, model: phone.model, priceCents: deskphoneModel(phone.model)!.priceCents, shipTo: normalizeAddress((phone.shipTo ?? req.shipTo)!) } }
        : {}),
      ...(u.number ? { number: u.number.option === 'inventory' ? { kind: 'inventory' as const, phoneNumber: u.number.phoneNumber } : { kind: 'new' as const, region: u.number.region.toUpperCase(), areaCode: u.number.areaCode, country } } : {}),
      activation,
    };
  }

  return {
    /** Prices the request without starting anything. */
    async quote(caller: Caller, req: NewProvisioningRequest): Promise<Quote> {
      const { price } = await check(caller, req);
      return createQuote(caller, req, price);
    },

    async submit(caller: Caller, req: SubmitRequest) {
      const { account, ctx, price } = await check(caller, req);
      const buys = price.items.length > 0;
      if (buys && !req.quoteId) {
        throw problems.purchaseConfirmationRequired(await createQuote(caller, req, price));
      }
      if (buys && req.acknowledgeCharges !== true) {
        throw problems.validation('Review the charges and acknowledge them.', [{ field: 'body.acknowledgeCharges', message: 'Check the acknowledgment of the charges to continue.' }]);
      }
      const requestId = randomUUID();
      const workflowId = provisioningWorkflowId(account.id, requestId);
      const country = account.country === 'CA' ? 'CA' : 'US';
      const users = await Promise.all(req.users.map((u, i) => toProvision(u, i, req, ctx.now, country)));

      await inTransaction(db, async (tx) => {
        if (req.quoteId) {
          const { rows } = await tx.query<{ fingerprint: string; items: QuoteItem[]; expired: boolean; used_by: string | null }>(
            `SELECT fingerprint, items, expires_at < now() AS expired, used_by FROM provisioning_quotes WHERE id = $1 AND account_id = $2 FOR UPDATE`,
            [req.quoteId, account.id],
          );
          const q = rows[0];
          if (!q) throw problems.notFound(`Quote ${req.quoteId}`);
          if (q.used_by) throw problems.quoteUsed();
          // A changed request, changed inventory or an expired quote: the charges are not what was acknowledged.
          if (q.expired || q.fingerprint !== fingerprint(req) || !samePrices(q.items, price.items)) {
            const fresh = buys ? await createQuote(caller, req, price) : undefined;
            throw problems.quoteMismatch(q.expired, fresh);
          }
          await tx.query(`UPDATE provisioning_quotes SET used_by = $2 WHERE id = $1`, [req.quoteId, requestId]);
        }
        await tx.query(
          `INSERT INTO provisioning_requests (id, account_id, requested_by, quote_id, user_count, workflow_id) VALUES ($1, $2, $3, $4, $5, $6)`,
          [requestId, account.id, caller.userId, req.quoteId ?? null, users.length, workflowId],
        );
      });

      const input: ProvisioningRequestInput = {
        requestId,
        accountId: account.id,
        requestedBy: { userId: caller.userId, name: caller.name, role: caller.role },
        users,
        seatPurchases: price.items.filter((i) => i.kind === 'license_seats' && needsPaidSeat(i.item as 'ringex')).map((i) => ({ license: i.item as PaidLicense, seats: i.quantity })),
        uniqueEmail: account.require_unique_email,
      };
      await temporal.workflow.start(provisioningRequestWorkflow, {
        taskQueue,
        workflowId,
        args: [input],
        typedSearchAttributes: [
          { key: AccountId, value: account.id },
          { key: OnboardingChannel, value: 'admin' },
          { key: OnboardingStage, value: input.seatPurchases.length ? 'purchasing' : 'provisioning' },
        ],
        staticSummary: `Adding ${users.length} user${users.length === 1 ? '' : 's'} to ${account.name}`,
        staticDetails: `Requested by ${caller.name || caller.userId} (${caller.role.replace('_', ' ')})${buys ? `; purchases: ${price.items.map((i) => `${i.quantity} × ${i.description}`).join(', ')}` : ''}.`,
      });
      return { requestId, workflowId, userCount: users.length, ...(buys ? { charges: price } : {}) };
    },

    /** Where the request stands: each user's outcome as it settles. */
    async status(caller: Caller, requestId: string): Promise<ProvisioningStatus & { workflowId: string; createdAt: string }> {
      const { rows } = await db.query<{ workflow_id: string; created_at: Date }>(
        `SELECT workflow_id, created_at FROM provisioning_requests WHERE id = $1 AND account_id = $2`,
        [requestId, caller.accountId],
      );
      if (!rows[0] || caller.role === 'user') throw problems.notFound(`Provisioning request ${requestId}`);
      const status = await temporal.workflow.getHandle(rows[0].workflow_id).query(getProvisioningStatus);
      return { ...status, workflowId: rows[0].workflow_id, createdAt: rows[0].created_at.toISOString() };
    },
  };
}
export type ProvisioningRequestService = ReturnType<typeof createProvisioningRequestService>;
