// Bearer credentials: every /v1 route knows its caller (account, person, role), and a caller
// only ever sees its own account: any other account id answers 404, never a hint it exists.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problems } from '../problems';
import type { Caller, CredentialService } from '../services/credentials';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyInstance {
    /** onRequest hook for routes that need a caller. */
    authenticate(request: FastifyRequest): Promise<void>;
  }
}

/** The caller of an authenticated route, scoped to the account named in the path. */
export function callerFor(request: FastifyRequest, accountId: string): Caller {
  const caller = request.caller;
  if (!caller) throw problems.unauthenticated();
  if (caller.accountId !== accountId) throw problems.notFound(`Account ${accountId}`);
  return caller;
}

export default fp(async function authentication(app: FastifyInstance, opts: { credentials: CredentialService }) {
  app.decorateRequest('caller', undefined);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const caller = match ? await opts.credentials.resolve(match[1]!) : undefined;
    if (!caller) throw problems.unauthenticated();
    request.caller = caller;
  });
});
