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
