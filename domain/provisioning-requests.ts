// The rules of a provisioning request, an admin adding users ("Add Users", up to 25 at a time), as
// pure functions the API runs before anything is reserved, bought or sent: the whole request is
// accepted, or none of it.
import { CURRENCY, deskphoneModel, newNumberPriceCents, seatPriceCents } from './catalogue';
import { checkEmailList } from './email-addresses';
import { meetsPasswordPolicy } from './password-policy';
import { addressProblems, canadianProvinces, usStates, type PostalAddress } from './postal-address';
import { resolveSchedule, type LocalSchedule } from './schedule';
import { hasPhoneService, needsPaidSeat, licenseNames, type License, type PaidLicense } from './licenses';
import type { FieldError } from './field-errors';
import type { Role } from './roles';

export type EmergencyResponseLocationInput = { locationId: string } | { nickname: string; site?: string; address: PostalAddress };

export interface CredentialsInput {
  password: string;
  passwordConfirmation: string;
  temporaryPassword: boolean;
  pin: string;
  pinConfirmation: string;
  securityQuestion: string;
  securityAnswer: string;
  emergencyResponseLocation?: EmergencyResponseLocationInput;
}

export type SetupInput =
  | { option: 'send_invite' }
  | ({ option: 'schedule_invite' } & LocalSchedule)
  | ({ option: 'assign_credentials' } & CredentialsInput)
  | { option: 'activate_later' };

export type PhoneInput = { option: 'app' } | { option: 'inventory'; deviceId: string } | { option: 'purchase'; model: string; shipTo?: PostalAddress };
export type NumberInput = { option: 'inventory'; phoneNumber: string } | { option: 'new'; region: string; areaCode: string };

export interface NewUserInput {
  userType: License;
  email: string;
  firstName: string;
  lastName: string;
  costCenter?: string;
  site?: string;
  role: Role;
  phone?: PhoneInput;
  number?: NumberInput;
  setup: SetupInput;
}

export interface NewProvisioningRequest {
  users: NewUserInput[];
  /** One address for every purchased deskphone that has none of its own. */
  shipTo?: PostalAddress;
  /** The "Missing Emergency Address" prompt answered Yes. */
  continueWithoutEmergencyAddress?: boolean;
}

export interface ProvisioningRequestContext {
  now: Date;
  country: string;
  multiSite: boolean;
  sites: string[];
  requireUniqueEmail: boolean;
  /** What the inventories hold now (ids, E.164 numbers, location ids). */
  deskphonesAvailable: Set<string>;
  numbersAvailable: Set<string>;
  emergencyLocations: Set<string>;
}

export const PIN_PATTERN = /^[0-9]{4,8}$/;

const at = (i: number, field: string) => `body.users.${i}.${field}`;

/**
 * Why a request cannot go ahead, each problem tied to its field, in three kinds: what is wrong with
 * the request itself whatever the account and the time (400, and the OpenAPI document says it where
 * a schema can); what the account cannot take as it is now, its settings, sites or inventories
 * (409); and a scheduled time that has gone by (409: the same request was fine a minute earlier).
 */
export interface ProvisioningFindings {
  request: FieldError[];
  account: FieldError[];
  clock: FieldError[];
  /** All of them, in the order of the request's fields. */
  all: FieldError[];
}
type Kind = Exclude<keyof ProvisioningFindings, 'all'>;
type Report = (kind: Kind, problem: FieldError) => void;

function findings(): { found: ProvisioningFindings; report: Report } {
  const found: ProvisioningFindings = { request: [], account: [], clock: [], all: [] };
  return {
    found,
    report: (kind, problem) => {
      found[kind].push(problem);
      found.all.push(problem);
    },
  };
}

/** `region` in any case, ASCII letters only, among these codes. */
const isRegionOf = (codes: readonly string[], region: string) => /^[A-Za-z]{2}$/.test(region) && codes.includes(region.toUpperCase());

/** Every problem with the request, each tied to its field and of its kind (none when it can go ahead). */
export function provisioningRequestFindings(req: NewProvisioningRequest, ctx: ProvisioningRequestContext): ProvisioningFindings {
  const { found, report } = findings();
  const seen = { emails: new Map<string, number>(), deskphones: new Map<string, number>(), numbers: new Map<string, number>() };
  // Two users given the same inventory item, or (where emails are unique in the account) the same address.
  const once = (kind: keyof typeof seen, value: string, i: number, field: string, what: string) => {
    const first = seen[kind].get(value);
    if (first !== undefined) report('account', { field: at(i, field), message: `${what} is already given to user ${first + 1} of this request.` });
    else seen[kind].set(value, i);
  };
  const regions = ctx.country === 'CA' ? canadianProvinces : usStates;

  req.users.forEach((u, i) => {
    const { errors } = checkEmailList([u.email]);
    if (errors.length > 0) report('request', { field: at(i, 'email'), message: errors[0]!.message });
    else if (ctx.requireUniqueEmail) once('emails', u.email.trim().toLowerCase(), i, 'email', u.email);
    if (!u.firstName.trim()) report('request', { field: at(i, 'firstName'), message: 'Enter the first name.' });
    if (!u.lastName.trim()) report('request', { field: at(i, 'lastName'), message: 'Enter the last name.' });

    if (!ctx.multiSite && (u.site !== undefined || u.costCenter !== undefined)) {
      report('account', { field: at(i, u.site !== undefined ? 'site' : 'costCenter'), message: 'Cost center and site are only available on multi-site accounts.' });
    } else if (u.site !== undefined && !ctx.sites.includes(u.site)) {
      report('account', { field: at(i, 'site'), message: `"${u.site}" is not a site of this account.` });
    }

    const phoneService = hasPhoneService(u.userType);
    if (!phoneService && ((u.phone && u.phone.option !== 'app') || u.number)) {
      report('request', { field: at(i, u.number ? 'number' : 'phone'), message: `${licenseNames[u.userType]} users have no phone service: no deskphone or number.` });
    }
    if (phoneService && u.phone?.option === 'inventory') {
      if (!ctx.deskphonesAvailable.has(u.phone.deviceId)) report('account', { field: at(i, 'phone.deviceId'), message: `Deskphone ${u.phone.deviceId} is not available in the inventory.` });
      else once('deskphones', u.phone.deviceId, i, 'phone.deviceId', `Deskphone ${u.phone.deviceId}`);
    }
    if (phoneService && u.phone?.option === 'purchase') {
      if (!deskphoneModel(u.phone.model)) report('request', { field: at(i, 'phone.model'), message: `"${u.phone.model}" is not in the deskphone catalogue.` });
      const shipTo = u.phone.shipTo ?? req.shipTo;
      if (!shipTo) report('request', { field: at(i, 'phone.shipTo'), message: 'A purchased deskphone needs a shipping address: its own, or the request\'s shipTo.' });
      else if (u.phone.shipTo) addressProblems(u.phone.shipTo, at(i, 'phone.shipTo')).forEach((p) => report('request', p));
    }
    if (phoneService && u.number?.option === 'inventory') {
      if (!ctx.numbersAvailable.has(u.number.phoneNumber)) report('account', { field: at(i, 'number.phoneNumber'), message: `${u.number.phoneNumber} is not available in the number inventory.` });
      else once('numbers', u.number.phoneNumber, i, 'number.phoneNumber', u.number.phoneNumber);
    }
    if (phoneService && u.number?.option === 'new') {
      // A state or province at all is the request's to get right; one of the account's country, the account's.
      if (!isRegionOf(regions, u.number.region)) {
        const anywhere = isRegionOf([...usStates, ...canadianProvinces], u.number.region);
        report(anywhere ? 'account' : 'request', { field: at(i, 'number.region'), message: `"${u.number.region}" is not a state or province of ${ctx.country}.` });
      }
      if (!/^[2-9][0-9][0-9]$/.test(u.number.areaCode)) report('request', { field: at(i, 'number.areaCode'), message: `"${u.number.areaCode}" is not an area code.` });
    }

    const setup = u.setup;
    if ((setup.option === 'send_invite' || setup.option === 'schedule_invite') && !ctx.requireUniqueEmail) {
      report('account', { field: at(i, 'setup.option'), message: 'Without "Require unique email", users cannot be invited by email: choose "activate by assigning credentials" or "activate later".' });
    }
    if (setup.option === 'schedule_invite') {
      const r = resolveSchedule(setup, ctx.now);
      if (!r.ok) report(r.past ? 'clock' : 'request', { field: at(i, `setup.${r.field.replace('schedule.', '')}`), message: r.message });
    }
    if (setup.option === 'assign_credentials') credentialFindings(setup, ctx, at(i, 'setup'), report);
  });
  if (req.shipTo) addressProblems(req.shipTo, 'body.shipTo').forEach((p) => report('request', p));
  return found;
}

/** Every problem with the request, whatever its kind (empty when it can go ahead). */
export function provisioningRequestProblems(req: NewProvisioningRequest, ctx: ProvisioningRequestContext): FieldError[] {
  return provisioningRequestFindings(req, ctx).all;
}

type CredentialsContext = Pick<ProvisioningRequestContext, 'emergencyLocations' | 'multiSite' | 'sites'>;

function credentialFindings(c: CredentialsInput, ctx: CredentialsContext, prefix: string, report: Report): void {
  if (!meetsPasswordPolicy(c.password)) report('request', { field: `${prefix}.password`, message: 'Use at least 8 characters with at least one letter and one number.' });
  if (c.password !== c.passwordConfirmation) report('request', { field: `${prefix}.passwordConfirmation`, message: 'The passwords do not match.' });
  if (!PIN_PATTERN.test(c.pin)) report('request', { field: `${prefix}.pin`, message: 'The PIN is 4 to 8 digits.' });
  else if (c.pin !== c.pinConfirmation) report('request', { field: `${prefix}.pinConfirmation`, message: 'The PINs do not match.' });
  if (!c.securityQuestion.trim()) report('request', { field: `${prefix}.securityQuestion`, message: 'Choose a security question.' });
  if (!c.securityAnswer.trim()) report('request', { field: `${prefix}.securityAnswer`, message: 'Enter the answer to the security question.' });
  const loc = c.emergencyResponseLocation;
  if (loc && 'locationId' in loc && !ctx.emergencyLocations.has(loc.locationId)) {
    report('account', { field: `${prefix}.emergencyResponseLocation.locationId`, message: 'No such emergency response location in this account.' });
  }
  if (loc && 'address' in loc) {
    if (!loc.nickname.trim()) report('request', { field: `${prefix}.emergencyResponseLocation.nickname`, message: 'Give the location a nickname, e.g. the user\'s name.' });
    if (loc.site !== undefined && (!ctx.multiSite || !ctx.sites.includes(loc.site))) {
      report('account', { field: `${prefix}.emergencyResponseLocation.site`, message: 'Sites are only available on multi-site accounts, and must be one of the account\'s.' });
    }
    addressProblems(loc.address, `${prefix}.emergencyResponseLocation.address`).forEach((p) => report('request', p));
  }
}

/** Problems with assigned credentials, each of its kind (also used when an admin activates a user later). */
export function credentialProblems(c: CredentialsInput, ctx: CredentialsContext, prefix: string): ProvisioningFindings {
  const { found, report } = findings();
  credentialFindings(c, ctx, prefix, report);
  return found;
}

/** A user with phone service activated by credentials without an emergency response location ("Missing Emergency Address"). */
export function lacksEmergencyLocation(userType: License, setup: { option: string; emergencyResponseLocation?: unknown }): boolean {
  return hasPhoneService(userType) && setup.option === 'assign_credentials' && !setup.emergencyResponseLocation;
}

export const missingEmergencyAddressMessage = (firstName: string, lastName: string) =>
  `${firstName} ${lastName} has no emergency response location: add one, or continue without (they will be asked to add it at first sign-in).`;

/** The request's users that lack an emergency response location. */
export function missingEmergencyAddress(req: NewProvisioningRequest): FieldError[] {
  return req.users.flatMap((u, i) =>
    lacksEmergencyLocation(u.userType, u.setup) ? [{ field: at(i, 'setup.emergencyResponseLocation'), message: missingEmergencyAddressMessage(u.firstName, u.lastName) }] : [],
  );
}

export interface QuoteItem {
  kind: 'license_seats' | 'deskphone' | 'phone_number';
  description: string;
  /** The license for seats, the model for deskphones. */
  item: string;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  /** Seats are charged monthly; deskphones and numbers once. */
  billing: 'monthly' | 'one_time';
}

export interface PriceList {
  items: QuoteItem[];
  totalCents: number;
  currency: string;
}

/** Seats of a paid license at list price, charged monthly. */
function seatsItem(license: PaidLicense, quantity: number): QuoteItem {
  const unit = seatPriceCents[license];
  return { kind: 'license_seats', item: license, description: `${licenseNames[license]} license`, quantity, unitPriceCents: unit, amountCents: unit * quantity, billing: 'monthly' };
}

/** What buying seats alone costs (`POST …/licenses/:license/seats`), priced as in a request. */
export function seatPurchasePrice(license: PaidLicense, seats: number): PriceList {
  const item = seatsItem(license, seats);
  return { items: [item], totalCents: item.amountCents, currency: CURRENCY };
}

/** What the request buys: seats beyond what the inventory has free, deskphones to purchase, new numbers. */
export function purchasesFor(req: NewProvisioningRequest, seatsFree: Record<'ringex' | 'video_pro_plus', number>): PriceList {
  const items: QuoteItem[] = [];
  for (const license of ['ringex', 'video_pro_plus'] as const) {
    const wanted = req.users.filter((u) => u.userType === license && needsPaidSeat(license)).length;
    const toBuy = wanted - Math.max(0, seatsFree[license]);
    if (toBuy > 0) items.push(seatsItem(license, toBuy));
  }
  const models = new Map<string, number>();
  for (const u of req.users) if (hasPhoneService(u.userType) && u.phone?.option === 'purchase') models.set(u.phone.model, (models.get(u.phone.model) ?? 0) + 1);
  for (const [id, quantity] of models) {
    const model = deskphoneModel(id)!;
    items.push({ kind: 'deskphone', item: id, description: model.name, quantity, unitPriceCents: model.priceCents, amountCents: model.priceCents * quantity, billing: 'one_time' });
  }
  const numbers = req.users.filter((u) => hasPhoneService(u.userType) && u.number?.option === 'new').length;
  if (numbers > 0) items.push({ kind: 'phone_number', item: 'local', description: 'New local number', quantity: numbers, unitPriceCents: newNumberPriceCents, amountCents: newNumberPriceCents * numbers, billing: 'one_time' });
  return { items, totalCents: items.reduce((sum, i) => sum + i.amountCents, 0), currency: CURRENCY };
}

/** What a quote is for: the request without its secrets, in a canonical form (a changed request needs a new quote). */
export function quoteSubject(req: NewProvisioningRequest): string {
  const users = req.users.map((u) => {
    if (u.setup.option !== 'assign_credentials') return u;
    const { password: _p, passwordConfirmation: _pc, pin: _pin, pinConfirmation: _pinc, securityAnswer: _a, ...rest } = u.setup;
    return { ...u, setup: rest };
  });
  return canonicalJson({ users, shipTo: req.shipTo ?? null });
}

/** JSON with keys in sorted order, so equal values compare equal whatever order they were built (or stored in jsonb) in. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
