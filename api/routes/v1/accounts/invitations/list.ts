// GET /v1/accounts/:accountId/invitations (a filtered page) and …/invitations/summary (counts by
// stage), served from the read model (the pair of routes: list-routes.ts).
import { z } from 'zod';
import { licenses } from '../../../../../domain/licenses';
import { roles } from '../../../../../domain/roles';
import { invitationChannels, invitationStages } from '../../../../../domain/stages';
import { createdRange, duration, emailText, exactOrPrefix, oneOrMore, phoneText, workflowLink } from '../../../list-schemas';
import { listRoutes } from '../../../list-routes';

export const invitationFilters = {
  stage: oneOrMore(invitationStages).optional(),
  channel: oneOrMore(invitationChannels).optional(),
  ...exactOrPrefix('email', emailText, { exactly: 'The invitee\'s address, exactly (case does not matter)', prefix: 'Addresses starting with this, e.g. `ana` or `ana@acme.`' }),
  ...exactOrPrefix('phone', phoneText, { exactly: 'The invitee\'s number, exactly (E.164)', prefix: 'Numbers starting with this, e.g. +1415' }),
  role: oneOrMore(roles).optional(),
  license: oneOrMore(licenses, 'The license the invitee gets on activation').optional(),
  invitedBy: z.uuid().optional().describe('The inviter\'s user id'),
  ...createdRange,
  expiringWithin: duration.optional().describe('Awaiting signup, with a link that expires within this duration from now (2d, 36h, P2D)'),
};

const invitationListItem = z.object({
  id: z.string(),
  ...workflowLink,
  channel: z.enum(invitationChannels),
  invitee: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  inviteeType: z.enum(['admin', 'coworker', 'guest']).nullable(),
  role: z.enum(roles),
  license: z.enum(licenses).nullable().describe('The license the invitee gets on activation'),
  invitedBy: z.object({ userId: z.string(), name: z.string().nullable() }),
  stage: z.enum(invitationStages).nullable().describe('Null until the workflow records its first stage'),
  stageSince: z.string().nullable(),
  expiresAt: z.string().nullable().describe('When the link stops (or stopped) working: awaiting signup and expired invitations'),
  deliveryFailure: z.string().nullable(),
  userId: z.string().nullable().describe('The user the signup made'),
  createdAt: z.string(),
});

/** The filters as the read model takes them. */
export function invitationFilter(q: z.infer<z.ZodObject<typeof invitationFilters>>) {
  return {
    stages: q.stage, channels: q.channel, email: q.email, emailPrefix: q.emailPrefix, phone: q.phone, phonePrefix: q.phonePrefix,
    roles: q.role, licenses: q.license, invitedBy: q.invitedBy, createdAfter: q.createdAfter, createdBefore: q.createdBefore, expiringWithinMs: q.expiringWithin,
  };
}

export default listRoutes({
  path: '/invitations',
  tag: 'invitations',
  filters: invitationFilters,
  toFilter: invitationFilter,
  item: invitationListItem,
  stages: invitationStages,
  summaries: {
    list: 'The account\'s invitations, newest first: filtered, a page at a time',
    counts: 'How many invitations stand in each stage (with the same filters as the list)',
    description: 'Served from PostgreSQL, kept current by the workflows as they enter each stage. Users see only the invitations they sent. Page with `nextCursor`.',
  },
  read: (lists) => ({ page: lists.listInvitations, counts: lists.summarizeInvitations }),
});
