// GET /health: is the API able to reach PostgreSQL and Temporal right now?
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../../db';

const check = z.object({ ok: z.boolean(), error: z.string().optional() });
const healthResponse = z.object({ status: z.enum(['ok', 'degraded']), postgres: check, temporal: check });

async function probe(fn: () => Promise<unknown>): Promise<z.infer<typeof check>> {
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2_000).unref())]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const healthRoutes: FastifyPluginAsyncZod<{ db: Db; temporal: Client }> = async (app, { db, temporal }) => {
  app.get('/health', {
    schema: { tags: ['health'], summary: 'State of the backing services', response: { 200: healthResponse, 503: healthResponse } },
  }, async (_request, reply) => {
    const [postgres, temporalCheck] = await Promise.all([
      probe(() => db.query('SELECT 1')),
      probe(() => temporal.workflowService.getSystemInfo({})),
    ]);
    const ok = postgres.ok && temporalCheck.ok;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', postgres, temporal: temporalCheck });
  });
};

export default healthRoutes;
