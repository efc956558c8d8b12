// Builds the Fastify app: one plugin per concern, routes grouped by resource, services injected.
import type { Client } from '@temporalio/client';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db';
import authentication from './plugins/authentication';
import idempotency from './plugins/idempotency';
import metrics from './plugins/metrics';
import openapi from './plugins/openapi';
import problemDetails from './plugins/problem-details';
import rateLimiting, { defaultRateLimits, type RateLimitSettings } from './plugins/rate-limits';
import security from './plugins/security';
import healthRoutes from './routes/health';
import signupPageRoutes from './routes/signup';
import accountRoutes from './routes/v1/accounts';
import { createServices } from './services';

export interface AppDependencies {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Derives the invite link's token, so the link can be shown again to copy. */
  invitationTokenSecret: string;
  /** Start of the links people open, e.g. http://localhost:3000 */
  publicBaseUrl: string;
  /** pino level; 'silent' (the default) logs nothing. */
  logLevel?: string;
  /** Where logs go (tests read them to prove no secret is logged); stdout by default. */
  logStream?: NodeJS.WritableStream;
  rateLimits?: Partial<RateLimitSettings>;
  /** Origins allowed to call the API from a browser; none by default. */
  corsOrigins?: string[];
  /** The Temporal Web UI the lists link each workflow to (default http://localhost:8233). */
  temporalUiUrl?: string;
}

/** Invitation and invite-link tokens travel in the path: logs show the route, never the token. */
export function redactUrl(url: string): string {
  return url.replace(/^\/(signup|join)\/[^/?#]+/, '/$1/[token]');
}

export async function buildApp({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl, logLevel = 'silent', logStream, rateLimits = {}, corsOrigins = [], temporalUiUrl }: AppDependencies) {
  const limits = { ...defaultRateLimits, ...rateLimits };
  const app = Fastify({
    bodyLimit: 256 * 1024,
    logger: {
      level: logLevel,
      ...(logStream ? { stream: logStream } : {}),
      // Only what identifies the request: no headers (credentials), no token-bearing paths.
      serializers: { req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }) },
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(problemDetails);
  await app.register(security, { corsOrigins });
  await app.register(rateLimiting, limits);
  await app.register(openapi);
  await app.register(metrics, { db, temporal });
  const services = createServices({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl, temporalUiUrl });
  await app.register(authentication, { credentials: services.credentials });
  await app.register(idempotency, { db });

  await app.register(healthRoutes, { db, temporal });
  await app.register(signupPageRoutes, { signup: services.signup, joins: services.joins, limits });
  await app.register(accountRoutes, { prefix: '/v1/accounts/:accountId', ...services });
  return app;
}
