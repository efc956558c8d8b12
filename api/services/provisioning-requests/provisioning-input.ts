// A validated request as the workflows take it: normalised, priced deskphones, secrets hashed
// and stored apart (the workflows and their histories never see a password, PIN or security
// answer, nor their hashes: only the id of the row that holds the hashes).
import { deskphoneModel } from '../../../domain/catalogue';
import { hasPhoneService, type License } from '../../../domain/licenses';
import { normalizeAddress } from '../../../domain/postal-address';
import type { CredentialsInput, NewProvisioningRequest, NewUserInput } from '../../../domain/provisioning-requests';
import { resolveSchedule } from '../../../domain/schedule';
import { randomUUID } from 'node:crypto';
import type { Activation, EmergencyLocationChoice, HashedCredentials, StoredCredentials, UserToProvision } from '../../../workflows/provisioning-request/definitions';
import { hashPassword } from '../password-hash';

/** The secrets stop here: the workflow gets scrypt hashes only (the answer is compared case- and space-insensitively). */
async function hashCredentials(c: CredentialsInput): Promise<HashedCredentials> {
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
export async function credentialsActivation(c: CredentialsInput, license: License, continueWithoutEmergencyAddress: boolean): Promise<CredentialsActivation> {
  const emergency = hasPhoneService(license) ? emergencyChoice(c, continueWithoutEmergencyAddress) : undefined;
  const hashed = await hashCredentials(c);
  const id = randomUUID();
  return { activation: { option: 'assign_credentials', credentials: { credentialsId: id }, ...(emergency ? { emergency } : {}) }, stored: { id, ...hashed } };
}

/** The hashes stored (`assigned_credentials`) before the workflow starts; the workflow gets only their id. */
export type StoredCredentialsRow = HashedCredentials & { id: string };

export interface CredentialsActivation {
  activation: Extract<Activation, { option: 'assign_credentials' }> & { credentials: StoredCredentials };
  stored: StoredCredentialsRow;
}

async function activationFor(u: NewUserInput, req: NewProvisioningRequest, now: Date, store: (row: StoredCredentialsRow) => void): Promise<Activation> {
  const s = u.setup;
  if (s.option === 'assign_credentials') {
    const { activation, stored } = await credentialsActivation(s, u.userType, !!req.continueWithoutEmergencyAddress);
    store(stored);
    return activation;
  }
  if (s.option === 'schedule_invite') {
    // provisioningRequestProblems accepted this schedule at this same `now`, so it resolves.
    const r = resolveSchedule(s, now) as Extract<ReturnType<typeof resolveSchedule>, { ok: true }>;
    return { option: 'schedule_invite', sendAt: r.sendAt.toISOString() };
  }
  return { option: s.option };
}

function deskphoneFor(u: NewUserInput, req: NewProvisioningRequest): Pick<UserToProvision, 'deskphone'> {
  const phone = u.phone;
  if (phone?.option === 'inventory') return { deskphone: { kind: 'inventory', deviceId: phone.deviceId } };
  if (phone?.option === 'purchase') {
    return { deskphone: { kind: 'purchase', model: phone.model, priceCents: deskphoneModel(phone.model)!.priceCents, shipTo: normalizeAddress((phone.shipTo ?? req.shipTo)!) } };
  }
  return {};
}

function numberFor(u: NewUserInput, country: 'US' | 'CA'): Pick<UserToProvision, 'number'> {
  if (!u.number) return {};
  if (u.number.option === 'inventory') return { number: { kind: 'inventory', phoneNumber: u.number.phoneNumber } };
  return { number: { kind: 'new', region: u.number.region.toUpperCase(), areaCode: u.number.areaCode, country } };
}

/** The workflow's view of one user: validated, normalised, secrets hashed and handed to `store` (the workflow gets their id). */
export async function toProvision(u: NewUserInput, index: number, req: NewProvisioningRequest, now: Date, country: 'US' | 'CA', store: (row: StoredCredentialsRow) => void): Promise<UserToProvision> {
  return {
    index,
    email: u.email.trim().toLowerCase(),
    firstName: u.firstName.trim(),
    lastName: u.lastName.trim(),
    license: u.userType,
    role: u.role,
    ...(u.costCenter ? { costCenter: u.costCenter.trim() } : {}),
    ...(u.site ? { siteId: u.site } : {}),
    ...deskphoneFor(u, req),
    ...numberFor(u, country),
    activation: await activationFor(u, req, now, store),
  };
}
