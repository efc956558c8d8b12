// /v1/accounts/:accountId/credentials: API credentials, shown once at creation, revocable.
// Everyone manages their own; admins issue and revoke for the people of their account
// (only a Super Admin for another Super Admin).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerFor } from '../../plugins/authentication';
import { problems } from '../../problems';
import type { Caller, CredentialService } from '../../services/credentials';
import { accountParams, problemSchema } from '../schemas';
import type { Role } from '../../../domain/roles';

const credentialView = z.object({ id: z.string(), userId: z.string(), label: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

function mayManage(caller: Caller, ownerId: string, ownerRole: Role): boolean {
  if (caller.userId === ownerId) return true;
  if (caller.role === 'super_admin') return true;
  return caller.role === 'admin' && ownerRole !== 'super_admin';
}

const credentialRoutes: FastifyPluginAsyncZod<{ credentials: CredentialService }> = async (app, { credentials }) => {
  app.addHook('onRequest', app.authenticate);
  const base = { tags: ['credentials'], security: [{ bearer: [] }] };

  app.get('/accounts/:accountId/credentials', {
    schema: { ...base, summary: 'Credentials: all of the account\'s for admins, one\'s own for users (never the secrets)', params: accountParams, response: { 200: z.object({ credentials: z.array(credentialView) }), ...errors } },
  }, async (request) => {
    const caller = callerFor(request, request.params.accountId);
    return { credentials: await credentials.list(caller.accountId, caller.role === 'user' ? caller.userId : undefined) };
  });

  app.post('/accounts/:accountId/credentials', {
    schema: {
      ...base,
      summary: 'Issue a credential; its secret is in this response only',
      params: accountParams,
      body: z.strictObject({ userId: z.uuid().optional().describe('Whose credential; yourself when absent'), label: z.string().max(100).default('') }),
      response: { 201: z.object({ id: z.string(), userId: z.string(), secret: z.string() }), ...errors },
    },
  }, async (request, reply) => {
    const caller = callerFor(request, request.params.accountId);
    const userId = request.body.userId ?? caller.userId;
    const owner = await credentials.personIn(caller.accountId, userId);
    if (!owner) throw problems.notFound(`Person ${userId}`);
    if (!mayManage(caller, userId, owner.role)) throw problems.forbidden('You cannot issue credentials for this person.');
    const issued = await credentials.issue(caller.accountId, userId, request.body.label);
    return reply.code(201).send({ id: issued.id, userId, secret: issued.secret });
  });

  app.delete('/accounts/:accountId/credentials/:credentialId', {
    schema: { ...base, summary: 'Revoke a credential: it stops working at once', params: accountParams.extend({ credentialId: z.uuid() }), response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    const caller = callerFor(request, request.params.accountId);
    const ownerId = await credentials.ownerOf(caller.accountId, request.params.credentialId);
    const owner = ownerId ? await credentials.personIn(caller.accountId, ownerId) : undefined;
    if (!ownerId || !mayManage(caller, ownerId, owner?.role ?? 'user')) throw problems.notFound(`Credential ${request.params.credentialId}`);
    await credentials.revoke(caller.accountId, request.params.credentialId);
    return reply.code(204).send(null);
  });
};

export default credentialRoutes;
