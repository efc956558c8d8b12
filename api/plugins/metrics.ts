// GET /metrics (Prometheus): the API's request metrics, plus business figures read at scrape
// time: invitations by stage (Temporal visibility counts) and messages by channel and outcome
// (the outbox). The worker's SDK metrics are on the worker's own endpoint (WORKER_METRICS_ADDRESS).
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../../db';
import { invitationStages } from '../../domain/stages';
import { temporalCall } from '../deadlines';

export default fp(async function metrics(app: FastifyInstance, { db, temporal }: { db: Db; temporal: Client }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'onboarding_api_' });
  const requests = new Counter({ name: 'onboarding_api_requests_total', help: 'API requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'onboarding_api_request_duration_seconds', help: 'API request duration', labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  new Gauge({
    name: 'onboarding_invitations', help: 'Invitations by stage (Temporal visibility)', labelNames: ['stage'], registers: [registry],
    async collect() {
      const counts = await Promise.all(invitationStages.map((stage) => temporalCall(temporal, () => temporal.workflow.count(`WorkflowType = "invitationWorkflow" AND OnboardingStage = "${stage}"`))));
      invitationStages.forEach((stage, i) => this.set({ stage }, counts[i]!.count));
    },
  });
  new Gauge({
    name: 'onboarding_messages', help: 'Invitation messages by channel and outcome (outbox)', labelNames: ['channel', 'status'], registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await db.query<{ channel: string; status: string; n: number }>(`SELECT channel, status, count(*)::int AS n FROM message_outbox GROUP BY 1, 2`);
      for (const r of rows) this.set({ channel: r.channel, status: r.status }, r.n);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  // Scrapers are not rate-limited.
  app.get('/metrics', { config: { rateLimit: false }, schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
});
