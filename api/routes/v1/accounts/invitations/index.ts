// /v1/accounts/:accountId/invitations
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InvitationService } from '../../../../services/invitations';
import { accountOperations, accountParams, problemSchema } from '../../../schemas';
import { createInvitationBody, invitationParams, invitationView } from './schemas';

/**
 * One invitation, at the depth of `/invitations/summary`: the constraint keeps `summary` from being
 * read as an invitation id, so `DELETE …/invitations/summary` is a 405 and `Allow` there is exact.
 */
const oneInvitation = '/invitations/:invitationId(^(?!summary$).+$)';

const operation = accountOperations('invitations');

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

/** What may be done to one invitation: each answers with the invitation as it then stands. */
const oneInvitationActions: ReadonlyArray<{
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  summary: string;
  act: 'get' | 'resend' | 'revoke' | 'assignLicense';
  tags?: string[];
  /** May answer 429: a text invitation is resent at most once a minute per number. */
  limited?: boolean;
}> = [
  { method: 'GET', url: oneInvitation, act: 'get', summary: 'An invitation with its current stage and the messages sent' },
  {
    method: 'POST', url: '/invitations/:invitationId/resend', act: 'resend', limited: true,
    summary: 'Send a new link (the old one stops working) and restart its lifetime; revives an expired invitation',
  },
  { method: 'DELETE', url: oneInvitation, act: 'revoke', summary: 'Revoke an invitation: its link stops working' },
  {
    method: 'POST', url: '/invitations/:invitationId/license', act: 'assignLicense', tags: ['invitations', 'licenses'],
    summary: 'Assign the Video Pro+ license to a person who signed up (Super Admin only)',
  },
];

const invitationRoutes: FastifyPluginAsyncZod<{ invitations: InvitationService }> = async (app, { invitations }) => {
  app.post('/invitations', {
    schema: operation('Invite people by email (1 to 20 addresses) or one person by text', {
      params: accountParams,
      body: createInvitationBody,
      response: { 201: z.object({ invitations: z.array(invitationView) }), ...errors, 429: problemSchema },
    }),
  }, async (request, reply) => {
    const caller = request.caller;
    const body = request.body;
    const created = body.channel === 'email' ? await invitations.inviteByEmail(caller, body) : [await invitations.inviteByText(caller, body)];
    return reply.code(201).send({ invitations: created });
  });

  for (const action of oneInvitationActions) {
    app.route({
      method: action.method,
      url: action.url,
      schema: {
        tags: action.tags ?? ['invitations'],
        summary: action.summary,
        security: [{ bearer: [] }],
        params: invitationParams,
        response: { 200: invitationView, ...errors, ...(action.limited ? { 429: problemSchema } : {}) },
      },
      handler: async (request) => invitations[action.act](request.caller, request.params.invitationId),
    });
  }
};

export default invitationRoutes;
