// Request and response shapes of adding users; the domain rules (domain/adding-users.ts) check
// what a schema cannot (inventories, sites, addresses, the account's settings).
import { z } from 'zod';
import { licenses } from '../../../../../domain/licenses';
import { MAX_USERS_PER_REQUEST } from '../../../../../workflows/provisioning-request/definitions';
import { accountParams, emailAddress, filledIn, localDateTime, timeZone } from '../../../schemas';
import { userProvisioningStages } from '../../../../../domain/stages';

export const postalAddress = z.strictObject({
  street: z.string().max(200),
  street2: z.string().max(200).optional(),
  city: z.string().max(100),
  region: z.string().max(3).describe('Two-letter state (US) or province (CA) code'),
  postalCode: z.string().max(12),
  country: z.enum(['US', 'CA']),
});

const emergencyResponseLocation = z.union([
  z.strictObject({ locationId: z.uuid().describe('An existing emergency response location') }),
  z.strictObject({ nickname: z.string().max(100).describe('e.g. the user\'s name'), site: z.string().max(64).optional(), address: postalAddress }),
]);

export const credentials = {
  password: z.string().max(128),
  passwordConfirmation: z.string().max(128),
  temporaryPassword: z.boolean().default(true).describe('The user must change it at first sign-in (on by default)'),
  pin: z.string().max(8),
  pinConfirmation: z.string().max(8),
  securityQuestion: z.string().max(200),
  securityAnswer: z.string().max(200),
  emergencyResponseLocation: emergencyResponseLocation.optional().describe('Required for RingEX users unless continueWithoutEmergencyAddress'),
};

const setup = z.discriminatedUnion('option', [
  z.strictObject({ option: z.literal('send_invite') }).describe('A welcome email with an activation link, now'),
  z.strictObject({
    option: z.literal('schedule_invite'),
    localDateTime: localDateTime.describe('When to send, in `timeZone`'),
    timeZone: timeZone.describe('The admin\'s IANA time zone'),
  }).describe('The welcome email at a chosen date and time; the link\'s lifetime counts from the send'),
  z.strictObject({ option: z.literal('assign_credentials'), ...credentials }).describe('Active now with these credentials; no email'),
  z.strictObject({ option: z.literal('activate_later') }).describe('Created now, nothing sent; activate later through /users/{userId}/activation'),
]);

const newUser = z.strictObject({
  userType: z.enum(licenses).describe('RingEX and Video Pro+ take a paid seat; Mobile and Video Pro are free'),
  email: emailAddress,
  firstName: filledIn(100),
  lastName: filledIn(100),
  costCenter: z.string().max(100).optional().describe('Multi-site accounts only'),
  site: z.string().max(64).optional().describe('Multi-site accounts only'),
  role: z.enum(['super_admin', 'admin', 'user']).default('user'),
  phone: z.discriminatedUnion('option', [
    z.strictObject({ option: z.literal('app') }).describe('No deskphone: calls in the app'),
    z.strictObject({ option: z.literal('inventory'), deviceId: z.string().min(1).max(64) }),
    z.strictObject({ option: z.literal('purchase'), model: z.string().min(1).max(64), shipTo: postalAddress.optional().describe('This device\'s address; else the request\'s shipTo') }),
  ]).optional().describe('RingEX only'),
  number: z.discriminatedUnion('option', [
    z.strictObject({ option: z.literal('inventory'), phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'use E.164, e.g. +14155550123') }),
    z.strictObject({ option: z.literal('new'), region: z.string().min(2).max(3).describe('State or province'), areaCode: z.string().max(3) }),
  ]).optional().describe('RingEX only: a number from the inventory, or a new one bought in that area code'),
  setup,
});

export const provisioningRequestBody = z.strictObject({
  users: z.array(newUser).min(1, 'Add at least one user').max(MAX_USERS_PER_REQUEST, `You can add up to ${MAX_USERS_PER_REQUEST} users at a time`),
  shipTo: postalAddress.optional().describe('One shipping address for every purchased deskphone without its own'),
  continueWithoutEmergencyAddress: z.boolean().optional().describe('"Missing Emergency Address" → Yes: those users add it at first sign-in'),
});

export const submitBody = provisioningRequestBody.extend({
  quoteId: z.uuid().optional().describe('The quote of a request that buys anything'),
  acknowledgeCharges: z.boolean().optional().describe('Must be true with a quote: the charges were reviewed'),
});

const quoteItem = z.object({
  kind: z.enum(['license_seats', 'deskphone', 'phone_number']),
  description: z.string(),
  item: z.string(),
  quantity: z.number(),
  unitPriceCents: z.number(),
  amountCents: z.number(),
  billing: z.enum(['monthly', 'one_time']),
});
const priceList = { items: z.array(quoteItem), totalCents: z.number(), currency: z.string() };
export const quoteView = z.object({ id: z.string(), expiresAt: z.string(), ...priceList });
/** What a purchase charges (adding users, or seats alone). */
export const chargesView = z.object(priceList);

export const acceptedView = z.object({
  requestId: z.string(),
  workflowId: z.string().describe('The request\'s Temporal workflow'),
  userCount: z.number(),
  charges: chargesView.optional(),
});

export const userResult = z.object({
  index: z.number(),
  email: z.string(),
  outcome: z.enum(['created', 'failed']),
  userId: z.string().optional(),
  extension: z.number().optional(),
  phoneNumber: z.string().optional(),
  deskphone: z.union([z.object({ kind: z.literal('inventory'), deviceId: z.string() }), z.object({ kind: z.literal('order'), orderId: z.string(), model: z.string() })]).optional(),
  stage: z.enum(userProvisioningStages),
  invitationId: z.string().optional(),
  mustAddEmergencyAddress: z.boolean().optional(),
  failure: z.string().optional(),
  released: z.array(z.string()).optional(),
});

export const requestStatusView = z.object({
  requestId: z.string(),
  workflowId: z.string(),
  createdAt: z.string(),
  stage: z.enum(['purchasing', 'provisioning', 'completed']),
  userCount: z.number(),
  users: z.array(userResult),
});

export const requestParams = accountParams.extend({ requestId: z.uuid() });
