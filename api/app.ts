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
import credentialRoutes from './routes/credentials';
import healthRoutes from './routes/health';
import inviteLinkRoutes from './routes/invite-link';
import invitationRoutes from './routes/invitations';
import inventoryRoutes from './routes/inventory';
import licenseRoutes from './routes/licenses';
import provisioningRoutes from './routes/provisioning-requests';
import signupPageRoutes from './routes/signup';
import userRoutes from './routes/users';
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
}

/** Invitation and invite-link tokens travel in the path: logs show the route, never the token. */
export function redactUrl(url: string): string {
  return url.replace(/^\/(signup|join)\/[^/?#]+/, '/$1/[token]');
}

export async function buildApp({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl, logLevel = 'silent', logStream, rateLimits = {}, corsOrigins = [] }: AppDependencies) {
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
  const services = createServices({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl });
  await app.register(authentication, { credentials: services.credentials });
  await app.register(idempotency, { db });

  await app.register(healthRoutes, { db, temporal });
  await app.register(signupPageRoutes, { signup: services.signup, joins: services.joins, limits });
  await app.register(inviteLinkRoutes, { prefix: '/v1', inviteLinks: services.inviteLinks });
  await app.register(invitationRoutes, { prefix: '/v1', invitations: services.invitations });
  await app.register(licenseRoutes, { prefix: '/v1', licenses: services.licenses });
  await app.register(credentialRoutes, { prefix: '/v1', credentials: services.credentials });
  await app.register(provisioningRoutes, { prefix: '/v1', provisioningRequests: services.provisioningRequests });
  await app.register(userRoutes, { prefix: '/v1', users: services.users });
  await app.register(inventoryRoutes, { prefix: '/v1', inventory: services.inventory });
  return app;
}
