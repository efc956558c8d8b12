// A validated request as the workflows take it: normalised, priced deskphones, secrets hashed
// (the workflows and their histories never see a password, PIN or security answer).
import { deskphoneModel } from '../../../domain/catalogue';
import { hasPhoneService, type License } from '../../../domain/licenses';
import { normalizeAddress } from '../../../domain/postal-address';
import type { CredentialsInput, NewProvisioningRequest, NewUserInput } from '../../../domain/provisioning-requests';
import { resolveSchedule } from '../../../domain/schedule';
import type { Activation, AssignedCredentials, EmergencyLocationChoice, UserToProvision } from '../../../workflows/provisioning-request/definitions';
import { hashPassword } from '../password-hash';

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

async function activationFor(u: NewUserInput, req: NewProvisioningRequest, now: Date): Promise<Activation> {
  const s = u.setup;
  if (s.option === 'assign_credentials') return credentialsActivation(s, u.userType, !!req.continueWithoutEmergencyAddress);
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

/** The workflow's view of one user: validated, normalised, secrets hashed. */
export async function toProvision(u: NewUserInput, index: number, req: NewProvisioningRequest, now: Date, country: 'US' | 'CA'): Promise<UserToProvision> {
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
    activation: await activationFor(u, req, now),
  };
}
