// Schemas every resource's routes share.
import { z } from 'zod';
import { checkEmailList, EMAIL_LIST_LENGTHS_PATTERN, EMAIL_LIST_PATTERN, EMAIL_PATTERN, MAX_EMAIL_LENGTH, MAX_EMAILS_PER_INVITATION } from '../../domain/email-addresses';
import { LOCAL_DATE_TIME_PATTERN } from '../../domain/schedule';
import { FILLED_IN_PATTERN } from '../../domain/text-patterns';

/** One email address, exactly as the invitation rules take it (domain/email-addresses.ts). */
export const emailAddress = z.string().max(MAX_EMAIL_LENGTH).regex(new RegExp(`^${EMAIL_PATTERN}$`), 'is not a valid email address');

/**
 * 1 to 20 addresses: a list, or one string separated by commas or semicolons. The document states
 * the rules as patterns and bounds; validation applies them as domain/email-addresses.ts does, so a
 * refused request names every bad address (and no other request is refused).
 */
export const emailList = z
  .union([
    // Two patterns: the list's shape, and each address at most 254 characters long.
    z.string().max(20_000).meta({ pattern: EMAIL_LIST_PATTERN, allOf: [{ pattern: EMAIL_LIST_LENGTHS_PATTERN }] }),
    z.array(z.string().max(MAX_EMAIL_LENGTH).meta({ pattern: `^${EMAIL_PATTERN}$` })).max(100).meta({ minItems: 1, maxItems: MAX_EMAILS_PER_INVITATION }),
  ])
  .superRefine((emails, ctx) => {
    for (const e of checkEmailList(emails).errors) ctx.addIssue({ code: 'custom', message: e.message });
  })
  .describe(`1 to ${MAX_EMAILS_PER_INVITATION} addresses: a list, or one string separated by commas or semicolons`);

/** A wall-clock time, YYYY-MM-DDTHH:mm (seconds optional), of a day and time that exist on the calendar (no 30 February). */
export const localDateTime = z.string().regex(new RegExp(LOCAL_DATE_TIME_PATTERN), 'use YYYY-MM-DDTHH:mm, a date that exists');

/** An IANA time zone the server knows, e.g. Europe/Paris. */
export const timeZone = z.enum(Intl.supportedValuesOf('timeZone') as [string, ...string[]]);

/** Text a person must fill in: at least one character other than white space (as the rules trim it). */
export const filledIn = (max: number, message = 'must not be blank') => z.string().max(max).regex(new RegExp(FILLED_IN_PATTERN), message);

export const accountParams = z.strictObject({ accountId: z.string().min(1).max(64) });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .describe('RFC 9457 problem details');

/**
 * The OpenAPI operations of one resource's routes under /v1/accounts/:accountId: each under the
 * resource's tags and behind the bearer credential (the folder's autohooks check it), so a route
 * gives only its summary and what it takes and answers.
 */
/** The bearer credential every operation on an account's resources asks for. */
const bearer = () => [{ bearer: [] as string[] }];

/** What every operation on an account's resources shares in the OpenAPI document: its tags, and the bearer credential. */
export const accountOperationFrame = (...tags: string[]) => ({ tags, security: bearer() });

export const accountOperations = (...tags: string[]) =>
  <Schema extends object>(summary: string, schema: Schema) => ({ tags, summary, security: bearer(), ...schema });
