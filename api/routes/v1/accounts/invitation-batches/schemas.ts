import { z } from 'zod';
import { batchRowOutcomes, bulkActions, MAX_BATCH_ROWS } from '../../../../../domain/invitation-batches';
import { accountParams, problemSchema, timeZone } from '../../../schemas';
import { problems, type Problem } from '../../../../problems';
import { invitationFilters } from '../invitations/list';

export const batchParams = accountParams.extend({ batchId: z.uuid() });

const cell = z.string().max(400);
export const jsonInvitationRow = z.strictObject({
  email: cell.optional(),
  phone: cell.optional().describe('National formats use the account\'s country'),
  role: cell.optional().describe('user (default) or admin (admins only)'),
  license: cell.optional().describe('ringex, video_pro_plus, video_pro or mobile; a paid one is assigned after signup when a seat is free (license pending)'),
  locale: cell.optional().describe('en or fr; default: the account\'s'),
  sendAt: cell.optional().describe('YYYY-MM-DDTHH:mm in `timeZone`, or followed by an IANA zone: 2030-04-01T09:00 Europe/Paris'),
});

const inviteBody = z
  .strictObject({
    invitations: z.array(jsonInvitationRow).min(1).max(MAX_BATCH_ROWS),
    timeZone: timeZone.optional().describe('The IANA zone of send times that name none; default: the account\'s'),
  })
  .describe('Invite up to 10,000 people');

const bulkAction = z.enum(bulkActions).describe('resend: a new link (expired, undelivered or awaiting signup); remind: the same link again, once per link; revoke');

/** A bulk action names invitations by id, or selects them with the invitation list's filters: exactly one of the two. */
const bulkActionByIds = z
  .strictObject({
    action: bulkAction,
    invitationIds: z.array(z.string().min(1).max(400)).min(1).max(MAX_BATCH_ROWS),
  })
  .describe('Act on up to 10,000 invitations named by id');

const bulkActionByFilter = z
  .strictObject({
    action: bulkAction,
    filter: z.strictObject(invitationFilters).describe('The filters of GET …/invitations (the same names and values; a list as an array or comma-separated)'),
  })
  .describe('Act on the invitations the filter selects (as the list shows them to you), at most 10,000: a broader filter is a 422 saying how many it selects');

export const createBatchBody = z
  .union([z.string().describe('text/csv: a header line (email or phone, role, license, locale, send at), then one row per person'), inviteBody, bulkActionByIds, bulkActionByFilter]);

/**
 * A bulk action's body that the union refused, explained field by field: the union alone can only
 * say "invalid body", while an admin needs to hear which filter value is wrong. Undefined for a
 * body that is not a bulk action (the union's own answer stands).
 */
export function bulkActionProblem(body: unknown): Problem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('action' in body)) return undefined;
  const named = 'invitationIds' in body;
  const filtered = 'filter' in body;
  if (named === filtered) {
    return problems.validation('The request body is invalid.', [{ field: 'body', message: 'a bulk action names its invitations by `invitationIds` or selects them by `filter`: exactly one of the two' }]);
  }
  const parsed = (named ? bulkActionByIds : bulkActionByFilter).safeParse(body);
  if (parsed.success) return undefined;
  return problems.validation('The request body is invalid.', parsed.error.issues.map((i) => ({
    field: ['body', ...i.path.map(String), ...(i.code === 'unrecognized_keys' ? [i.keys.join(',')] : [])].join('.'),
    message: i.message,
  })));
}

export const createBatchQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional().describe('true: check every row and price the seats the batch would wait for; nothing is recorded or sent'),
  timeZone: timeZone.optional().describe('For CSV uploads: the IANA zone of send times that name none; default: the account\'s'),
});

const seatsToWaitFor = z.object({
  license: z.enum(['ringex', 'video_pro_plus']),
  needed: z.number(),
  free: z.number(),
  waiting: z.number(),
  missing: z.number(),
  monthlyPriceCents: z.number(),
});

export const dryRunView = z.object({
  dryRun: z.literal(true),
  kind: z.string(),
  rows: z.number(),
  wouldProcess: z.number(),
  alreadyAUser: z.number(),
  invitedBefore: z.number(),
  byChannel: z.object({ email: z.number(), text: z.number() }),
  scheduled: z.number(),
  seats: z.array(seatsToWaitFor),
  seatsMissing: z.number(),
  currency: z.literal('USD'),
  note: z.string(),
  matched: z.number().optional().describe('A bulk action by filter: how many invitations the filter selected'),
});

export const acceptedView = z.object({
  batchId: z.string(),
  workflowId: z.string().describe('The batch workflow: its progress shows in the Temporal UI'),
  kind: z.string(),
  status: z.enum(['running', 'completed', 'cancelled']),
  rowCount: z.number(),
  created: z.boolean().describe('False when the same upload (same Idempotency-Key) was accepted before'),
  matched: z.number().optional().describe('A bulk action by filter: how many invitations the filter selected (its rows)'),
});

const totals = z.object({
  accepted: z.number(),
  pending: z.number(),
  started: z.number(),
  scheduled: z.number(),
  sent: z.number(),
  failed: z.number(),
  alreadyInvited: z.number(),
  alreadyAUser: z.number(),
  cancelled: z.number(),
  revoked: z.number(),
  done: z.number(),
  skipped: z.number(),
});

const rowView = z.object({
  line: z.number(),
  channel: z.string().nullable(),
  invitee: z.string().nullable(),
  role: z.string().nullable(),
  license: z.string().nullable(),
  locale: z.string().nullable(),
  sendAt: z.string().nullable(),
  invitationId: z.string(),
  outcome: z.enum(batchRowOutcomes),
  detail: z.string().nullable(),
  delivery: z.enum(['sent', 'failed', 'pending']).nullable(),
  sentAt: z.string().nullable(),
});

export const batchView = acceptedView.extend({
  source: z.enum(['csv', 'json', 'sweep']).describe('sweep: recorded by the stalled-activations job'),
  createdAt: z.string(),
  endedAt: z.string().optional(),
  totals,
  rows: z.array(rowView),
  nextCursor: z.string().optional(),
});

export const batchQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
  outcome: z.enum(batchRowOutcomes).optional(),
});

export const batchProblem = problemSchema.extend({
  errors: z.array(z.object({ line: z.number().optional(), field: z.string(), message: z.string() })).optional(),
  errorCount: z.number().optional(),
  matched: z.number().optional().describe('A bulk action\'s filter out of range: how many invitations it selects'),
  max: z.number().optional(),
});
