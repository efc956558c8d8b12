// Email invitations take 1 to 20 addresses: a list, or one comma- or semicolon-separated string.
import { z } from 'zod';

export const MAX_EMAILS_PER_INVITATION = 20;

const emailSchema = z.email();

export interface ParsedEmailList {
  /** Trimmed, lower-cased, repeats merged, in the order given. */
  addresses: string[];
  invalid: string[];
}

export function parseEmailList(input: string | string[]): ParsedEmailList {
  const parts = (Array.isArray(input) ? input : [input])
    .flatMap((item) => item.split(/[;,]/))
    .map((s) => s.trim())
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
  return { addresses, invalid };
}

/**
 * An email list as a request gives it: the addresses, or every problem with it at once (too many,
 * none, each invalid address), so the request is refused as a whole and nothing is half-sent.
 */
export function checkEmailList(input: string | string[], field = 'body.emails'): { addresses: string[]; errors: Array<{ field: string; message: string }> } {
  const { addresses, invalid } = parseEmailList(input);
  const errors = invalid.map((a) => ({ field, message: `"${a}" is not a valid email address` }));
  const count = addresses.length + invalid.length;
  if (count > MAX_EMAILS_PER_INVITATION) errors.unshift({ field, message: `At most ${MAX_EMAILS_PER_INVITATION} email addresses per invitation (got ${count})` });
  if (count === 0) errors.push({ field, message: 'Give at least one email address' });
  return { addresses, errors };
}
