// Phone numbers for text invitations, normalised to E.164; national formats use the account's country.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export function toE164(input: string, country: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input.trim(), country.toUpperCase() as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * "Please allow a full minute between phone number submissions": one text per number per minute.
 * The API applies it per account and number (429); the sender spaces texts to one number by the
 * same interval whoever sends them, delaying rather than refusing, as carriers expect.
 */
export const TEXT_INTERVAL_SECONDS = 60;
