// /v1/accounts/:accountId/invitations
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InvitationService } from '../../../../services/invitations';
import { accountParams, problemSchema } from '../../../schemas';
import { createInvitationBody, invitationParams, invitationView } from './schemas';

/**
 * One invitation, at the depth of `/invitations/summary`: the constraint keeps `summary` from being
 * read as an invitation id, so `DELETE …/invitations/summary` is a 405 and `Allow` there is exact.
 */
const oneInvitation = '/invitations/:invitationId(^(?!summary$).+$)';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

const invitationRoutes: FastifyPluginAsyncZod<{ invitations: InvitationService }> = async (app, { invitations }) => {
  app.post('/invitations', {
    schema: {
      tags: ['invitations'],
      summary: 'Invite people by email (1 to 20 addresses) or one person by text',
      security: [{ bearer: [] }],
      params: accountParams,
      body: createInvitationBody,
      response: { 201: z.object({ invitations: z.array(invitationView) }), ...errors, 429: problemSchema },
    },
  }, async (request, reply) => {
    const caller = request.caller;
    const body = request.body;
    const created = body.channel === 'email' ? await invitations.inviteByEmail(caller, body) : [await invitations.inviteByText(caller, body)];
    return reply.code(201).send({ invitations: created });
  });

  app.get(oneInvitation, {
    schema: {
      tags: ['invitations'],
      summary: 'An invitation with its current stage and the messages sent',
      security: [{ bearer: [] }],
      params: invitationParams,
      response: { 200: invitationView, ...errors },
    },
  }, async (request) => invitations.get(request.caller, request.params.invitationId));

  app.post('/invitations/:invitationId/resend', {
    schema: {
      tags: ['invitations'],
      summary: 'Send a new link (the old one stops working) and restart its lifetime; revives an expired invitation',
      security: [{ bearer: [] }],
      params: invitationParams,
      response: { 200: invitationView, ...errors, 429: problemSchema },
    },
  }, async (request) => invitations.resend(request.caller, request.params.invitationId));

  app.delete(oneInvitation, {
    schema: {
      tags: ['invitations'],
      summary: 'Revoke an invitation: its link stops working',
      security: [{ bearer: [] }],
      params: invitationParams,
      response: { 200: invitationView, ...errors },
    },
  }, async (request) => invitations.revoke(request.caller, request.params.invitationId));

  app.post('/invitations/:invitationId/license', {
    schema: {
      tags: ['invitations', 'licenses'],
      summary: 'Assign the Video Pro+ license to a person who signed up (Super Admin only)',
      security: [{ bearer: [] }],
      params: invitationParams,
      response: { 200: invitationView, ...errors },
    },
  }, async (request) => invitations.assignLicense(request.caller, request.params.invitationId));
};

export default invitationRoutes;
