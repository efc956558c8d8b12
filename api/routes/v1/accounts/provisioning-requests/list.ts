// GET /v1/accounts/:accountId/provisioning-requests (a filtered page) and …/summary (counts by
// stage), served from the read model; for admins.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { provisioningRequestStages } from '../../../../../domain/stages';
import type { ListService } from '../../../../services/lists';
import { createdRange, oneOrMore, pageOf, pageQuery, stageCounts, workflowLink } from '../../../list-schemas';
import { accountParams, problemSchema } from '../../../schemas';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const requestFilters = {
  stage: oneOrMore(provisioningRequestStages).optional(),
  requestedBy: z.uuid().optional().describe('The admin who made the request (user id)'),
  withFailures: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('Completed with (true) or without (false) users who could not be added'),
  ...createdRange,
};
const listQuery = z.strictObject({ ...requestFilters, ...pageQuery });
const summaryQuery = z.strictObject(requestFilters);

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

function requestFilter(q: z.infer<typeof summaryQuery>) {
  return { stages: q.stage, requestedBy: q.requestedBy, withFailures: q.withFailures, createdAfter: q.createdAfter, createdBefore: q.createdBefore };
}

const provisioningRequestListRoutes: FastifyPluginAsyncZod<{ lists: ListService }> = async (app, { lists }) => {
  const base = { tags: ['adding users'], security: [{ bearer: [] }], params: accountParams };

  app.get('/provisioning-requests', {
    schema: {
      ...base,
      summary: 'The account\'s requests to add users, newest first: filtered, a page at a time (admins)',
      querystring: listQuery,
      response: { 200: pageOf(requestListItem), ...errors },
    },
  }, async (request) => {
    const { limit, cursor, ...filters } = request.query;
    return lists.listProvisioningRequests(request.caller, requestFilter(filters), { limit, cursor });
  });

  app.get('/provisioning-requests/summary', {
    schema: {
      ...base,
      summary: 'How many requests stand in each stage (with the same filters as the list; admins)',
      querystring: summaryQuery,
      response: { 200: stageCounts(provisioningRequestStages), ...errors },
    },
  }, async (request) => lists.summarizeProvisioningRequests(request.caller, requestFilter(request.query)));
};

export default provisioningRequestListRoutes;
