import type { FieldError } from './field-errors';
import { FILLED_IN_PATTERN, oneOfCodes, TRIMMED_SPACE } from './text-patterns';
// Shipping and emergency addresses. Validated before anything is bought or recorded: a deskphone
// shipped to a wrong address, or an emergency call routed to one, is the failure that matters.

export interface PostalAddress {
  street: string;
  street2?: string;
  city: string;
  /** Two-letter state (US) or province (CA) code. */
  region: string;
  postalCode: string;
  country: 'US' | 'CA';
}

export const usStates = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA', 'ME', 'MD',
  'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD',
  'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR',
];
export const canadianProvinces = ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'];

const CA_FIRST = '[ABCEGHJ-NPRSTVXYabceghj-nprstvxy]';
const CA_OTHER = '[ABCEGHJ-NPRSTV-Zabceghj-nprstv-z]';

/**
 * What each field of an address must match, per country, as regular expressions a request schema
 * can publish (domain/text-patterns.ts): codes in any case, postal codes with white space around them.
 */
export const addressPatterns = {
  street: FILLED_IN_PATTERN,
  city: FILLED_IN_PATTERN,
  US: {
    region: oneOfCodes(usStates),
    postalCode: `^[${TRIMMED_SPACE}]*[0-9]{5}(?:-[0-9]{4})?[${TRIMMED_SPACE}]*$`,
  },
  CA: {
    region: oneOfCodes(canadianProvinces),
    postalCode: `^[${TRIMMED_SPACE}]*${CA_FIRST}[0-9]${CA_OTHER} ?[0-9]${CA_OTHER}[0-9][${TRIMMED_SPACE}]*$`,
  },
} as const;

const matches = (pattern: string, value: string) => new RegExp(pattern).test(value);

/** Every problem with an address, each under `at` (e.g. `body.shipping.address`). */
export function addressProblems(a: PostalAddress, at: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!matches(addressPatterns.street, a.street)) problems.push({ field: `${at}.street`, message: 'Enter the street address.' });
  if (!matches(addressPatterns.city, a.city)) problems.push({ field: `${at}.city`, message: 'Enter the city.' });
  if (!matches(addressPatterns[a.country].region, a.region)) {
    problems.push({ field: `${at}.region`, message: `"${a.region}" is not a ${a.country === 'US' ? 'US state' : 'Canadian province'} code.` });
  }
  if (!matches(addressPatterns[a.country].postalCode, a.postalCode)) {
    problems.push({ field: `${at}.postalCode`, message: `"${a.postalCode}" is not a valid ${a.country === 'US' ? 'ZIP code' : 'postal code'}.` });
  }
  return problems;
}

/** The address as stored: trimmed, codes upper-cased. */
export function normalizeAddress(a: PostalAddress): PostalAddress {
  return {
    street: a.street.trim(),
    ...(a.street2?.trim() ? { street2: a.street2.trim() } : {}),
    city: a.city.trim(),
    region: a.region.trim().toUpperCase(),
    postalCode: a.postalCode.trim().toUpperCase(),
    country: a.country,
  };
}
