// Errors the API answers with, as RFC 9457 problem details. `type` is stable: clients branch on it.
// Every problem the API sends is made here; each slug has one entry.
import { STATUS_CODES } from 'node:http';
import type { FieldError } from '../domain/field-errors';

export class Problem extends Error {
  constructor(
    readonly status: number,
    /** Stable slug, rendered as the problem's `type` URI (`/problems/<slug>`). */
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

const conflict = (slug: string, detail: string, extra: Record<string, unknown> = {}) => new Problem(409, slug, 'Conflict', detail, extra);

/** Fastify's own 4xx codes (FST_ERR_CTP_INVALID_MEDIA_TYPE, ...) as slugs (ctp-invalid-media-type). */
const fastifySlug = (code: string | undefined) => (code ?? 'bad-request').replace(/^FST_ERR_/, '').toLowerCase().replace(/_/g, '-');

export const problems = {
  // The request itself
  validation: (detail: string, errors: FieldError[]) => new Problem(400, 'validation-error', 'Invalid request', detail, { errors }),
  /** A 4xx Fastify or Node raise before the route runs (malformed JSON, wrong content type, body too large, URI too long, ...). */
  badRequest: (status: number, code: string | undefined, detail: string) => new Problem(status, fastifySlug(code), STATUS_CODES[status] ?? 'Bad request', detail),
  noRoute: (method: string, path: string) => new Problem(404, 'not-found', 'Not found', `No route ${method} ${path}.`),
  methodNotAllowed: (method: string, path: string, allowed: string[]) =>
    new Problem(405, 'method-not-allowed', 'Method not allowed', `${path} does not take ${method}; it takes ${allowed.join(', ')}.`, {
      headers: { allow: allowed.join(', ') },
    }),
  /** A string PostgreSQL cannot store (a NUL byte) anywhere in the path, query or body. */
  unstorableText: (field: string) =>
    new Problem(400, 'validation-error', 'Invalid request', 'The request is invalid.', { errors: [{ field, message: 'must not contain a NUL character (\\u0000)' }] }),
  invalidIdempotencyKey: () => new Problem(400, 'invalid-idempotency-key', 'Invalid Idempotency-Key', 'An Idempotency-Key is 1 to 200 characters.'),
  idempotencyKeyReused: () =>
    new Problem(422, 'idempotency-key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used for a different request; use a new key.'),
  idempotencyInProgress: () =>
    new Problem(409, 'idempotency-in-progress', 'Request in progress', 'The first request with this Idempotency-Key is still running; retry shortly.', {
      headers: { 'retry-after': '1' },
    }),

  // Who is calling
  unauthenticated: () =>
    new Problem(401, 'unauthenticated', 'Authentication required', 'Send a valid API credential as `Authorization: Bearer <credential>`.', {
      headers: { 'www-authenticate': 'Bearer' },
    }),
  forbidden: (detail: string) => new Problem(403, 'forbidden', 'Not allowed', detail),
  notFound: (what: string) => new Problem(404, 'not-found', 'Not found', `${what} was not found.`),

  // How often
  rateLimited: (max: number, after: string, retryAfterSeconds: number) =>
    new Problem(429, 'rate-limited', 'Too many requests', `Rate limit of ${max} requests per ${after} reached; retry later.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  textRateLimited: (waitSeconds: number) =>
    new Problem(429, 'text-rate-limited', 'Too many texts', `Please allow a full minute between texts to the same number; try again in ${waitSeconds} s.`, {
      headers: { 'retry-after': String(waitSeconds) },
      retryAfterSeconds: waitSeconds,
    }),

  // Where a resource stands
  wrongStage: (detail: string) => conflict('wrong-stage', detail),
  alreadyAUser: (detail: string, extra: { addresses?: string[]; errors?: FieldError[] }) => conflict('already-a-user', detail, extra),
  emailInUse: (addresses: string[]) =>
    conflict('email-in-use', 'This account requires unique emails, and some already belong to its users; no user was added.', { addresses }),
  purchaseConfirmationRequired: (quote: unknown) =>
    conflict(
      'purchase-confirmation-required',
      'This request buys licenses, deskphones or numbers. Review the quote, then submit again with its `quoteId` and `acknowledgeCharges: true`.',
      { quote },
    ),
  /** An account's ceiling of seats of one license; `limit` and `seatsTotal` let a client say how many it may still buy. */
  seatLimitReached: (licenseName: string, limit: number, seatsTotal: number) =>
    conflict(
      'seat-limit-reached',
      `This account may hold at most ${limit} ${licenseName} seats and has ${seatsTotal}, so it can buy ${Math.max(0, limit - seatsTotal)} more. ` +
        'To raise the ceiling, contact support: they can raise this account\'s seat limit.',
      { limit, seatsTotal },
    ),
  /** A scheduled time that has gone by: the same request was fine a minute earlier, so it is not a 400. `errors` names each time. */
  scheduleInThePast: (detail: string, errors: FieldError[]) => conflict('schedule-in-the-past', detail, { errors }),
  /**
   * Fine as a request, but not for this account as it is now: its settings (multi-site, unique
   * emails, country), its sites or what its inventories hold. `errors` names each field.
   */
  conflictsWithAccount: (detail: string, errors: FieldError[]) => conflict('conflicts-with-account', detail, { errors }),
  quoteUsed: () => conflict('quote-used', 'This quote was already used for a request; ask for a new one.'),
  /** A changed request, changed inventory or an expired quote; `quote` is the new one to review, if the request still buys. */
  quoteMismatch: (expired: boolean, quote: unknown) =>
    conflict(
      'quote-mismatch',
      expired ? 'The quote has expired; review the new one.' : 'The request or the inventory changed since the quote; review the new one.',
      quote ? { quote } : {},
    ),
  /** An invitation batch with problems in some rows: each listed with its line (at most 1,000 listed; `errorCount` counts them all). */
  batchRowsInvalid: (errors: Array<FieldError & { line: number }>, errorCount: number) =>
    new Problem(422, 'batch-rows-invalid', 'Rows to fix', `${errorCount} problem${errorCount === 1 ? '' : 's'} in the batch; nothing was recorded or sent. Fix the listed lines and upload it again.`, { errors, errorCount }),
  /**
   * A bulk action's filter that selects no invitation, or more than one action takes: `matched`
   * says how many it selected, `max` how many one action takes, and the detail how to narrow it.
   * A 409: the request is well formed; what it selects is the state of the data.
   */
  bulkFilterOutOfRange: (matched: number, max: number) =>
    new Problem(
      409,
      'bulk-filter-out-of-range',
      matched === 0 ? 'Filter selects nothing' : 'Filter selects too many',
      matched === 0
        ? 'The filter selects no invitation; nothing was recorded. GET …/invitations with the same filters shows what it selects.'
        : `The filter selects ${matched} invitations; one bulk action takes at most ${max}, and nothing was recorded. Narrow it: add a stage, channel, role, license ` +
          'or emailPrefix, or split it by time with createdAfter and createdBefore, one action per part (GET …/invitations/summary with the same filters counts them).',
      { matched, max, errors: [{ field: 'filter', message: matched === 0 ? 'selects no invitation' : `selects ${matched}, more than ${max}` }] },
    ),
  /** A webhook URL this API will not call (an address on this machine or a private network, unless the setting allows it). */
  webhookUrlRefused: (detail: string, errors: FieldError[]) => new Problem(422, 'webhook-url-refused', 'Webhook URL refused', detail, { errors }),
  /** A bulk action naming invitations that do not exist (or are not the caller's): each listed with its line; nothing was done. */
  batchInvitationsNotFound: (errors: Array<FieldError & { line: number }>, errorCount: number) =>
    new Problem(404, 'not-found', 'Not found', `${errorCount} invitation${errorCount === 1 ? ' was' : 's were'} not found; nothing was recorded or done.`, { errors, errorCount }),
  signupRejected: (detail: string, errors: FieldError[]) => new Problem(422, 'signup-rejected', 'Signup refused', detail, { errors }),
  /** An acknowledgement the request needs, as a purchase does (409): for activation the user's license decides, not the body. */
  missingEmergencyAddress: (errors: FieldError[]) =>
    new Problem(
      409,
      'missing-emergency-address',
      'Missing emergency address',
      'Users with phone service need an emergency response location before they can make or receive calls. Add one, or send `continueWithoutEmergencyAddress: true` to continue without: they will be asked to add it at first sign-in.',
      { errors },
    ),

  // Our side
  unavailable: (detail: string, retryAfterSeconds = 5) =>
    new Problem(503, 'service-unavailable', 'Service unavailable', detail, { headers: { 'retry-after': String(retryAfterSeconds) } }),
  internal: () => new Problem(500, 'internal-error', 'Internal error', 'Something went wrong on our side.'),
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
