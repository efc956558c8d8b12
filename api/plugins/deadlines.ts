// Every request runs under a deadline (api/deadlines.ts): its Temporal calls carry it as their gRPC
// deadline, and if the route has not answered shortly after it, whatever a backing service does, the
// answer is 503 problem+json (the route's own work may go on; its late result is dropped). Routes that
// ask a workflow to act and wait for its answer say so with `config: { waitsForWorkflow: true }` and
// get the longer wait. (Fastify's own handlerTimeout is cleared once a request's body has been read,
// so it does not bound a POST.)
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { runWithDeadline, type DeadlineSettings } from '../deadlines';
import { problems } from '../problems';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route waits for a workflow's answer (an update): its deadline is the longer one. */
    waitsForWorkflow?: boolean;
  }
}

/** Time to send the 503 after the deadline: the route's own error is the better answer when it comes first. */
const GRACE_MS = 500;

const kDeadline = Symbol('request deadline');
const kTimer = Symbol('request deadline timer');
type WithDeadline = FastifyRequest & { [kDeadline]?: number; [kTimer]?: NodeJS.Timeout };

export default fp(async function deadlines(app: FastifyInstance, { temporal, settings }: { temporal: Client; settings: DeadlineSettings }) {
  app.addHook('onRequest', (request, reply, done) => {
    const r = request as WithDeadline;
    r[kDeadline] = Date.now() + settings.requestMs;
    const budget = settings.requestMs + GRACE_MS + (request.routeOptions.config?.waitsForWorkflow ? settings.workflowAnswerMs : 0);
    r[kTimer] = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
      reply.send(problems.unavailable('The request took too long: a backing service is slow or unavailable. Try again shortly.'));
    }, budget);
    done();
  });
  const clear = async (request: FastifyRequest) => clearTimeout((request as WithDeadline)[kTimer]);
  app.addHook('onResponse', clear);
  app.addHook('onRequestAbort', clear);

  // After the body is read (a body's stream events would lose the context), for validation, the
  // preHandler hooks and the handler: they run inside both contexts.
  app.addHook('preValidation', (request, _reply, done) => {
    const at = (request as WithDeadline)[kDeadline] ?? Date.now() + settings.requestMs;
    runWithDeadline({ at, settings }, () => {
      void temporal.connection.withDeadline(at, async () => done());
    });
  });
});
