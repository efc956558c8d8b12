import type { FieldError } from './field-errors';
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

const postalCodes: Record<PostalAddress['country'], RegExp> = {
  US: /^\d{5}(-\d{4})?$/,
  CA: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i,
};

/** Every problem with an address, each under `at` (e.g. `body.shipping.address`). */
export function addressProblems(a: PostalAddress, at: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!a.street.trim()) problems.push({ field: `${at}.street`, message: 'Enter the street address.' });
  if (!a.city.trim()) problems.push({ field: `${at}.city`, message: 'Enter the city.' });
  const regions = a.country === 'US' ? usStates : canadianProvinces;
  if (!regions.includes(a.region.toUpperCase())) {
    problems.push({ field: `${at}.region`, message: `"${a.region}" is not a ${a.country === 'US' ? 'US state' : 'Canadian province'} code.` });
  }
  if (!postalCodes[a.country].test(a.postalCode.trim())) {
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
