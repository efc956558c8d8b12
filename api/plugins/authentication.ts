// Bearer credentials. `authenticate` (an onRequest hook) knows who holds the request's credential;
// the account routes then scope that person to the account in their path (routes/v1/accounts/autohooks.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problems } from '../problems';
import type { Caller, CredentialService } from '../services/credentials';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who holds the request's credential, whichever account they belong to (null before `authenticate`). */
    identity: Caller | null;
    /** The caller, scoped to the account in the path: set on the account routes before their handlers run. */
    caller: Caller;
  }
  interface FastifyInstance {
    /** onRequest hook: resolves the bearer credential into `request.identity`, or answers 401. */
    authenticate(request: FastifyRequest): Promise<void>;
  }
}

const kCaller = Symbol('scoped caller');
type WithScopedCaller = FastifyRequest & { [kCaller]: Caller | null };

export default fp(async function authentication(app: FastifyInstance, opts: { credentials: Pick<CredentialService, 'resolve' | 'close'> }) {
  // The credential service's cache listens on a connection of its own: closed with the app.
  app.addHook('onClose', async () => opts.credentials.close());
  app.decorateRequest('identity', null);
  app.decorateRequest(kCaller, null);
  app.decorateRequest('caller', {
    getter(this: FastifyRequest) {
      const caller = (this as WithScopedCaller)[kCaller];
      // Only an account route's handler reads it, after its hooks set it: anything else is a bug.
      if (!caller) throw new Error('request.caller is only set on the account routes');
      return caller;
    },
    setter(this: FastifyRequest, caller: Caller) {
      (this as WithScopedCaller)[kCaller] = caller;
    },
  });

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const identity = match ? await opts.credentials.resolve(match[1]!) : undefined;
    if (!identity) throw problems.unauthenticated();
    request.identity = identity;
  });
});
