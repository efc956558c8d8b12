// /v1/accounts/:accountId/invite-link: the account's shareable link.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InviteLinkService } from '../../../../services/invite-links';
import { accountParams, emailList, problemSchema } from '../../../schemas';

const linkView = z.object({
  id: z.string(),
  url: z.string().describe('The link to copy and share'),
  createdAt: z.string(),
  expiresAt: z.string(),
  maxUses: z.number().nullable(),
  uses: z.number().describe('Signups accepted through this link'),
});
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const inviteLinkRoutes: FastifyPluginAsyncZod<{ inviteLinks: InviteLinkService }> = async (app, { inviteLinks }) => {
  const base = { tags: ['invite link'], security: [{ bearer: [] }], params: accountParams };

  app.get('/invite-link', {
    schema: { ...base, summary: 'The current invite link, to copy', response: { 200: linkView, ...errors } },
  }, async (request) => inviteLinks.current(request.caller));

  app.post('/invite-link', {
    schema: {
      ...base,
      summary: 'Create the invite link, or rotate it (the previous link stops working)',
      body: z.strictObject({
        expiresInDays: z.number().int().min(1).max(365).optional().describe('Defaults to the account\'s invitation lifetime'),
        maxUses: z.number().int().min(1).max(100_000).optional().describe('How many signups it accepts; unlimited when absent'),
      }).nullish(),
      response: { 201: linkView, ...errors },
    },
  }, async (request, reply) => reply.code(201).send(await inviteLinks.create(request.caller, request.body ?? {})));

  app.delete('/invite-link', {
    schema: { ...base, summary: 'Revoke the invite link', response: { 204: z.null().describe('Revoked'), ...errors } },
  }, async (request, reply) => {
    await inviteLinks.revoke(request.caller);
    return reply.code(204).send(null);
  });

  app.post('/invite-link/share', {
    schema: {
      ...base,
      summary: 'Share the invite link by email (1 to 20 addresses)',
      body: z.strictObject({ emails: emailList }),
      response: {
        200: z.object({ workflowId: z.string(), sent: z.array(z.string()), failed: z.array(z.object({ email: z.string(), reason: z.string() })) }),
        ...errors,
      },
    },
  }, async (request) => inviteLinks.share(request.caller, request.body.emails));
};

export default inviteLinkRoutes;
