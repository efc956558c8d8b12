// /v1/accounts/:accountId/invitation-requests: invitees whose link no longer works asked for a new
// invitation (the link's page, api/routes/signup/). Admins list them, approve one (one resend of
// the invitation; a fresh invitation when it was revoked or has ended) or dismiss it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { invitationStages } from '../../../../../domain/stages';
import { invitationRequestStatuses, type InvitationRequestService } from '../../../../services/invitation-requests';
import { pageQuery } from '../../../list-schemas';
import { accountOperationFrame, accountParams, problemSchema } from '../../../schemas';
import { invitationView } from '../invitations/schemas';

const requestParams = accountParams.extend({ requestId: z.uuid() });
const requestView = z.object({
  id: z.string(),
  invitationId: z.string().describe('Also the invitation workflow\'s id'),
  channel: z.enum(['email', 'text', 'link']),
  invitee: z.string(),
  invitationStage: z.enum(invitationStages).nullable().describe('Where the invitation stood when asked; null when its workflow has ended and is gone'),
  status: z.enum(invitationRequestStatuses),
  outcome: z.enum(['resent', 'invited_again']).optional().describe('What the approval did'),
  requestedAt: z.string(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional().describe('The admin who approved or dismissed it'),
});
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

/** How often the relay looks for requests whose follow-up never started (the API died right after answering the page). */
const RELAY_INTERVAL_MS = 15_000;

const invitationRequestRoutes: FastifyPluginAsyncZod<{ invitationRequests: InvitationRequestService }> = async (app, { invitationRequests }) => {
  // The relay runs wherever the API runs: a restarted API (or any other instance) picks up what a
  // dead one recorded and did not follow up. Several instances at once start nothing twice.
  let relay: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    relay = setInterval(() => {
      invitationRequests.followUpMissed().catch((err: unknown) => app.log.error({ err }, 'invitation request relay failed'));
    }, RELAY_INTERVAL_MS).unref();
  });
  app.addHook('onClose', async () => clearInterval(relay));
  const base = accountOperationFrame('invitation requests');

  app.get('/invitation-requests', {
    schema: {
      ...base,
      summary: 'Requests for a new invitation from invitees whose link expired or was revoked, newest first (admins)',
      params: accountParams,
      description: 'A page at a time, like every list: pass `nextCursor` as `cursor` with the same `status`.',
      querystring: z.strictObject({
        status: z.enum(invitationRequestStatuses).optional(),
        ...pageQuery,
      }),
      response: {
        200: z.object({ invitationRequests: z.array(requestView), nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page') }),
        ...errors,
      },
    },
  }, async (request) => {
    const { limit, cursor, ...filter } = request.query;
    return invitationRequests.list(request.caller, filter, { limit, cursor });
  });

  app.get('/invitation-requests/:requestId', {
    schema: { ...base, summary: 'One request for a new invitation (admins)', params: requestParams, response: { 200: requestView, ...errors } },
  }, async (request) => invitationRequests.get(request.caller, request.params.requestId));

  app.post('/invitation-requests/:requestId/approval', {
    schema: {
      ...base,
      summary: 'Approve: resend the invitation once (revives an expired one); a revoked or ended one is invited again, by you',
      params: requestParams,
      response: { 200: requestView.extend({ invitation: invitationView }), ...errors, 409: problemSchema, 429: problemSchema },
    },
  }, async (request) => invitationRequests.approve(request.caller, request.params.requestId));

  app.post('/invitation-requests/:requestId/dismissal', {
    schema: { ...base, summary: 'Dismiss: nothing is sent', params: requestParams, response: { 200: requestView, ...errors, 409: problemSchema } },
  }, async (request) => invitationRequests.dismiss(request.caller, request.params.requestId));
};

export default invitationRequestRoutes;
