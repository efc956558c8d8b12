// The hooks of every route under /v1/accounts/:accountId (fastify/demo's autohooks, registered
// by this folder's index.ts). A caller only ever sees their own account: any other account id
// answers 404, never a hint that it exists.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problems } from '../../../problems';

/** After validation, as each route's own check did before: a request about another account is refused as not found. */
async function scopeToAccount(request: FastifyRequest): Promise<void> {
  const { accountId } = request.params as { accountId: string };
  const identity = request.identity;
  if (!identity) throw problems.unauthenticated();
  if (identity.accountId !== accountId) throw problems.notFound(`Account ${accountId}`);
  request.caller = identity;
}

export default fp(async function accountAutohooks(app: FastifyInstance) {
  // Who is calling, before the body is even read: without a valid credential, 401 and nothing else.
  app.addHook('onRequest', app.authenticate);
  // Which account they may see: once the request is valid, before the handler.
  app.addHook('preHandler', scopeToAccount);
});
