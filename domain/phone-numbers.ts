// Phone numbers for text invitations, normalised to E.164; national formats use the account's country.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export function toE164(input: string, country: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input.trim(), country.toUpperCase() as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}
