// Request and response shapes of adding users. Validation takes the shapes; the domain rules
// (domain/provisioning-requests.ts) check the rest and name every problem at once. The document
// states those rules too, wherever a JSON schema can (patterns, enums, which fields go together),
// from the same constants, so a request it describes is refused only for the account's state (409).
import { z } from 'zod';
import { deskphoneCatalogue } from '../../../../../domain/catalogue';
import { licenses } from '../../../../../domain/licenses';
import { addressPatterns, canadianProvinces, usStates } from '../../../../../domain/postal-address';
import { PIN_PATTERN } from '../../../../../domain/provisioning-requests';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../../../domain/password-policy';
import { FILLED_IN_PATTERN, oneOfCodes } from '../../../../../domain/text-patterns';
import { MAX_USERS_PER_REQUEST } from '../../../../../workflows/provisioning-request/definitions';
import { accountParams, emailAddress, filledIn, localDateTime, timeZone } from '../../../schemas';
import { userProvisioningStages } from '../../../../../domain/stages';

/** Text the rules trim and require (their messages name the field). */
const filledInText = (max: number, description?: string) => {
  const s = z.string().max(max).meta({ pattern: FILLED_IN_PATTERN });
  return description ? s.describe(description) : s;
};

export const postalAddress = z
  .strictObject({
    street: filledInText(200),
    street2: z.string().max(200).optional(),
    city: filledInText(100),
    region: z.string().max(3).describe('Two-letter state (US) or province (CA) code, in any case'),
    postalCode: z.string().max(12).describe('A ZIP code (US: 12345 or 12345-6789) or a postal code (CA: A1A 1A1)'),
    country: z.enum(['US', 'CA']),
  })
  .meta({
    // The codes of the address's own country.
    oneOf: (['US', 'CA'] as const).map((country) => ({
      properties: { country: { const: country }, region: { pattern: addressPatterns[country].region }, postalCode: { pattern: addressPatterns[country].postalCode } },
    })),
  });

const emergencyResponseLocation = z.union([
  z.strictObject({ locationId: z.uuid().describe('An existing emergency response location') }),
  z.strictObject({ nickname: filledInText(100, 'e.g. the user\'s name'), site: z.string().max(64).optional(), address: postalAddress }),
]);

/** "At least 8 characters with at least one letter and one number" (domain/password-policy.ts), as a pattern. */
const PASSWORD_PATTERN = '^[^\\u0000]*(?:\\p{L}[^\\u0000]*\\p{N}|\\p{N}[^\\u0000]*\\p{L})[^\\u0000]*$';

export const credentials = {
  password: z.string().max(PASSWORD_MAX_LENGTH).meta({ minLength: PASSWORD_MIN_LENGTH, pattern: PASSWORD_PATTERN }).describe('At least 8 characters, with at least one letter and one number'),
  passwordConfirmation: z.string().max(PASSWORD_MAX_LENGTH).meta({ minLength: PASSWORD_MIN_LENGTH, pattern: PASSWORD_PATTERN }).describe('The password again'),
  temporaryPassword: z.boolean().default(true).describe('The user must change it at first sign-in (on by default)'),
  pin: z.string().max(8).meta({ pattern: PIN_PATTERN.source }).describe('4 to 8 digits'),
  pinConfirmation: z.string().max(8).meta({ pattern: PIN_PATTERN.source }).describe('The PIN again'),
  securityQuestion: filledInText(200),
  securityAnswer: filledInText(200),
  emergencyResponseLocation: emergencyResponseLocation.optional().describe('Required for RingEX users unless continueWithoutEmergencyAddress'),
};

const setup = z.discriminatedUnion('option', [
  z.strictObject({ option: z.literal('send_invite') }).describe('A welcome email with an activation link, now'),
  z.strictObject({
    option: z.literal('schedule_invite'),
    localDateTime: localDateTime.describe('When to send, in `timeZone`: a time that has gone by answers 409 `schedule-in-the-past`'),
    timeZone: timeZone.describe('The admin\'s IANA time zone'),
  }).describe('The welcome email at a chosen date and time; the link\'s lifetime counts from the send'),
  z.strictObject({ option: z.literal('assign_credentials'), ...credentials }).describe('Active now with these credentials; no email'),
  z.strictObject({ option: z.literal('activate_later') }).describe('Created now, nothing sent; activate later through /users/{userId}/activation'),
]);

const newUser = z
  .strictObject({
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
      z.strictObject({
        option: z.literal('purchase'),
        model: z.string().min(1).max(64).meta({ enum: deskphoneCatalogue.map((m) => m.id) }).describe('A model of the deskphone catalogue'),
        shipTo: postalAddress.optional().describe('This device\'s address; else the request\'s shipTo'),
      }),
    ]).optional().describe('RingEX only (others: `app` or nothing)'),
    number: z.discriminatedUnion('option', [
      z.strictObject({ option: z.literal('inventory'), phoneNumber: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'use E.164, e.g. +14155550123') }),
      z.strictObject({
        option: z.literal('new'),
        region: z.string().min(2).max(3).meta({ pattern: oneOfCodes([...usStates, ...canadianProvinces]) }).describe('A state or province of the account\'s country'),
        areaCode: z.string().max(3).meta({ pattern: '^[2-9][0-9]{2}$' }),
      }),
    ]).optional().describe('RingEX only: a number from the inventory, or a new one bought in that area code'),
    setup,
  })
  .meta({
    // Only RingEX users have phone service: the others get no deskphone and no number.
    anyOf: [
      { properties: { userType: { const: 'ringex' } } },
      { properties: { phone: { properties: { option: { const: 'app' } } }, number: false } },
    ],
  });

/**
 * What no request may be, whatever its fields (a single `not`, which generators of test data handle
 * well): a purchased deskphone with nowhere to ship it (no shipTo of its own, none on the request);
 * a RingEX user given credentials without an emergency response location, unless the request says
 * continueWithoutEmergencyAddress: true ("Missing Emergency Address", else 422).
 */
const neverRequested = {
  not: {
    anyOf: [
      {
        description: 'A purchased deskphone with nowhere to ship it',
        not: { required: ['shipTo'] },
        properties: { users: { contains: { required: ['phone'], properties: { phone: { required: ['option'], properties: { option: { const: 'purchase' } }, not: { required: ['shipTo'] } } } } } },
      },
      {
        description: 'A RingEX user given credentials without an emergency response location, and no continueWithoutEmergencyAddress: true',
        not: { required: ['continueWithoutEmergencyAddress'], properties: { continueWithoutEmergencyAddress: { const: true } } },
        properties: {
          users: {
            contains: {
              required: ['userType', 'setup'],
              properties: {
                userType: { const: 'ringex' },
                setup: { required: ['option'], properties: { option: { const: 'assign_credentials' } }, not: { required: ['emergencyResponseLocation'] } },
              },
            },
          },
        },
      },
    ],
  },
};

const requestFields = {
  users: z.array(newUser).min(1, 'Add at least one user').max(MAX_USERS_PER_REQUEST, `You can add up to ${MAX_USERS_PER_REQUEST} users at a time`),
  shipTo: postalAddress.optional().describe('One shipping address for every purchased deskphone without its own'),
  continueWithoutEmergencyAddress: z.boolean().optional().describe('"Missing Emergency Address" → Yes: those users add it at first sign-in (else 422 `missing-emergency-address`)'),
};

export const provisioningRequestBody = z.strictObject(requestFields).meta(neverRequested);

export const submitBody = z
  .strictObject({
    ...requestFields,
    quoteId: z.uuid().optional().describe('The quote of a request that buys anything'),
    acknowledgeCharges: z.literal(true, { error: 'Check the acknowledgment of the charges to continue.' }).optional().describe('With a quote, required: the charges were reviewed'),
  })
  .meta({ ...neverRequested, dependentRequired: { quoteId: ['acknowledgeCharges'] } });

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
