// Email invitations take 1 to 20 addresses: a list, or one comma- or semicolon-separated string.
import { z } from 'zod';

export const MAX_EMAILS_PER_INVITATION = 20;

// RFC 5321's limit: an invitation's id (`invitation:<account>:<address>`) stays short enough for its own URLs.
export const MAX_EMAIL_LENGTH = 254;

/** One address: the regular expression of zod's z.email(), spelled out so a request schema can say it. */
export const EMAIL_PATTERN = "(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}";
const LIST_GAP = '[ \\t\\n,;]*';
/**
 * One string of 1 to 20 addresses separated by commas or semicolons (spaces and empty entries
 * around them ignored): what `checkEmailList` takes, as a request schema can say it.
 */
export const EMAIL_LIST_PATTERN = `^${LIST_GAP}${EMAIL_PATTERN}(?:[ \\t\\n]*[,;]${LIST_GAP}${EMAIL_PATTERN}){0,${MAX_EMAILS_PER_INVITATION - 1}}${LIST_GAP}$`;
const NOT_GAP = '[^ \\t\\n,;]';
const SEPARATION = '[ \\t\\n,;]+';
/**
 * The other half of what a list string must be: no address in it longer than 254 characters. An
 * address holds no space, comma or semicolon, so each is one run of other characters; a second
 * pattern says it, as one pattern cannot bound the length of each repeated address.
 */
export const EMAIL_LIST_LENGTHS_PATTERN = `^${LIST_GAP}(?:${NOT_GAP}{1,${MAX_EMAIL_LENGTH}}(?:${SEPARATION}${NOT_GAP}{1,${MAX_EMAIL_LENGTH}})*)?${LIST_GAP}$`;

const emailSchema = z.email().max(MAX_EMAIL_LENGTH);

export interface ParsedEmailList {
  /** Trimmed, lower-cased, repeats merged, in the order given. */
  addresses: string[];
  invalid: string[];
  /** How many entries were given (repeats included): at most 20. */
  given: number;
}

/**
 * A string is split at commas and semicolons, each entry trimmed of spaces, tabs and line breaks,
 * and empty entries dropped; a list's items are taken as they are, one address each. Exactly what
 * EMAIL_LIST_PATTERN and EMAIL_PATTERN say, so the OpenAPI document and the rules agree.
 */
export function parseEmailList(input: string | string[]): ParsedEmailList {
  const parts = Array.isArray(input)
    ? input
    : input
        .split(/[;,]/)
        .map((s) => s.replace(/^[ \t\n]+|[ \t\n]+$/g, ''))
        .filter((s) => s.length > 0);
  const addresses: string[] = [];
  const invalid: string[] = [];
  for (const part of parts) {
    if (!emailSchema.safeParse(part).success) {
      if (!invalid.includes(part)) invalid.push(part);
      continue;
    }
    const normalised = part.toLowerCase();
    if (!addresses.includes(normalised)) addresses.push(normalised);
  }
  return { addresses, invalid, given: parts.length };
}

/**
 * An email list as a request gives it: the addresses, or every problem with it at once (too many,
 * none, each invalid address), so the request is refused as a whole and nothing is half-sent.
 */
export function checkEmailList(input: string | string[], field = 'body.emails'): { addresses: string[]; errors: Array<{ field: string; message: string }> } {
  const { addresses, invalid, given: count } = parseEmailList(input);
  const errors = invalid.map((a) => ({ field, message: `"${a}" is not a valid email address` }));
  if (count > MAX_EMAILS_PER_INVITATION) errors.unshift({ field, message: `At most ${MAX_EMAILS_PER_INVITATION} email addresses per invitation (got ${count})` });
  if (count === 0) errors.push({ field, message: 'Give at least one email address' });
  return { addresses, errors };
}
