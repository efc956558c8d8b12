// /v1/accounts/:accountId/invitations
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerFor } from '../../plugins/authentication';
import type { InvitationService } from '../../services/invitations';
import { accountParams, createEmailInvitationBody, invitationParams, invitationView, problemSchema } from './schemas';

const invitationRoutes: FastifyPluginAsyncZod<{ invitations: InvitationService }> = async (app, { invitations }) => {
  app.addHook('onRequest', app.authenticate);

  app.post('/accounts/:accountId/invitations', {
    schema: {
      tags: ['invitations'],
      summary: 'Invite people by email',
      security: [{ bearer: [] }],
      params: accountParams,
      body: createEmailInvitationBody,
      response: {
        201: z.object({ invitations: z.array(invitationView) }),
        400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema,
      },
    },
  }, async (request, reply) => {
    const caller = callerFor(request, request.params.accountId);
    const created = await invitations.inviteByEmail(caller, request.body);
    return reply.code(201).send({ invitations: created });
  });

  app.get('/accounts/:accountId/invitations/:invitationId', {
    schema: {
      tags: ['invitations'],
      summary: 'An invitation with its current stage and the messages sent',
      security: [{ bearer: [] }],
      params: invitationParams,
      response: { 200: invitationView, 401: problemSchema, 404: problemSchema },
    },
  }, async (request) => {
    const caller = callerFor(request, request.params.accountId);
    return invitations.get(caller, request.params.invitationId);
  });
};

export default invitationRoutes;
