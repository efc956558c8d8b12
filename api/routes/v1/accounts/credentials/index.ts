// /v1/accounts/:accountId/credentials: API credentials, shown once at creation, revocable.
// Everyone manages their own; admins issue and revoke for the people of their account
// (only a Super Admin for another Super Admin).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CredentialService } from '../../../../services/credentials';
import { accountOperationFrame, accountParams, problemSchema } from '../../../schemas';

const credentialView = z.object({ id: z.string(), userId: z.string(), label: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const credentialRoutes: FastifyPluginAsyncZod<{ credentials: CredentialService }> = async (app, { credentials }) => {
  const base = accountOperationFrame('credentials');

  app.get('/credentials', {
    schema: { ...base, summary: 'Credentials: all of the account\'s for admins, one\'s own for users (never the secrets)', params: accountParams, response: { 200: z.object({ credentials: z.array(credentialView) }), ...errors } },
  }, async (request) => ({ credentials: await credentials.list(request.caller) }));

  app.post('/credentials', {
    schema: {
      ...base,
      summary: 'Issue a credential; its secret is in this response only',
      params: accountParams,
      body: z.strictObject({ userId: z.uuid().optional().describe('Whose credential; yourself when absent'), label: z.string().max(100).default('') }),
      response: { 201: z.object({ id: z.string(), userId: z.string(), secret: z.string() }), ...errors },
    },
  }, async (request, reply) => reply.code(201).send(await credentials.issueFor(request.caller, request.body.userId, request.body.label)));

  app.delete('/credentials/:credentialId', {
    schema: { ...base, summary: 'Revoke a credential: it stops working at once', params: accountParams.extend({ credentialId: z.uuid() }), response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await credentials.revoke(request.caller, request.params.credentialId);
    return reply.code(204).send(null);
  });
};

export default credentialRoutes;
