// GET /v1/accounts/:accountId/provisioning-requests (a filtered page) and …/summary (counts by
// stage), served from the read model (list-routes.ts); for admins.
import { z } from 'zod';
import { provisioningRequestStages } from '../../../../../domain/stages';
import { createdRange, oneOrMore, workflowLink } from '../../../list-schemas';
import { listRoutes } from '../../../list-routes';

const requestFilters = {
  stage: oneOrMore(provisioningRequestStages).optional(),
  requestedBy: z.uuid().optional().describe('The admin who made the request (user id)'),
  withFailures: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('Completed with (true) or without (false) users who could not be added'),
  ...createdRange,
};

const requestListItem = z.object({
  id: z.string(),
  ...workflowLink,
  stage: z.enum(provisioningRequestStages).nullable(),
  stageSince: z.string().nullable(),
  userCount: z.number(),
  usersFailed: z.number().nullable().describe('Known once the request completed'),
  requestedBy: z.object({ userId: z.string(), name: z.string().nullable() }),
  quoteId: z.string().nullable(),
  createdAt: z.string(),
});

function requestFilter(q: z.infer<z.ZodObject<typeof requestFilters>>) {
  return { stages: q.stage, requestedBy: q.requestedBy, withFailures: q.withFailures, createdAfter: q.createdAfter, createdBefore: q.createdBefore };
}

export default listRoutes({
  path: '/provisioning-requests',
  tag: 'adding users',
  filters: requestFilters,
  toFilter: requestFilter,
  item: requestListItem,
  stages: provisioningRequestStages,
  summaries: {
    list: 'The account\'s requests to add users, newest first: filtered, a page at a time (admins)',
    counts: 'How many requests stand in each stage (with the same filters as the list; admins)',
  },
  read: (lists) => ({ page: lists.listProvisioningRequests, counts: lists.summarizeProvisioningRequests }),
});
