// Probes for a load balancer or Kubernetes, never rate-limited:
// - GET /health/live (liveness): the process answers HTTP; it checks nothing else, so a database or
//   Temporal outage never gets the API restarted.
// - GET /health/ready (readiness; /health is the same): PostgreSQL and Temporal answer within the
//   request deadline; 503 takes the API out of rotation until they do.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../../db';
import { PROBLEM_CONTENT_TYPE } from '../../problems';
import { problemSchema } from '../schemas';

const check = z.object({ ok: z.boolean(), error: z.string().optional() });
const readiness = z.object({ status: z.enum(['ok', 'degraded']), postgres: check, temporal: check });

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<z.infer<typeof check>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)))]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

const healthRoutes: FastifyPluginAsyncZod<{ db: Db; temporal: Client; timeoutMs: number }> = async (app, { db, temporal, timeoutMs }) => {
  app.get('/health/live', {
    config: { rateLimit: false, noBackends: true },
    schema: {
      tags: ['health'],
      summary: 'Liveness: the API process answers (checks nothing else)',
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
  }, async () => ({ status: 'ok' as const }));

  const ready = {
    config: { rateLimit: false as const },
    schema: {
      tags: ['health'],
      summary: 'Readiness: PostgreSQL and Temporal answer within the request deadline',
      response: {
        200: readiness,
        503: {
          description: 'Not ready: which backing service did not answer (or, past the deadline, a problem)',
          content: { 'application/json': { schema: readiness }, [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
        },
      },
    },
  };
  const readyHandler = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    const [postgres, temporalCheck] = await Promise.all([
      probe(() => db.query('SELECT 1'), timeoutMs),
      probe(() => temporal.connection.withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({})), timeoutMs),
    ]);
    const ok = postgres.ok && temporalCheck.ok;
    return reply.code(ok ? 200 : 503).type('application/json').send({ status: ok ? 'ok' : 'degraded', postgres, temporal: temporalCheck });
  };
  app.get('/health/ready', ready, readyHandler);
  app.get('/health', { ...ready, schema: { ...ready.schema, summary: 'Readiness (the same as /health/ready)' } }, readyHandler);
};

export default healthRoutes;
