// Builds the Fastify app: one plugin per concern, routes grouped by resource, services injected.
import type { Client } from '@temporalio/client';
import Fastify from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db';
import { defaultDeadlines, withRequestDeadlines, type DeadlineSettings } from './deadlines';
import authentication from './plugins/authentication';
import deadlines from './plugins/deadlines';
import idempotency from './plugins/idempotency';
import metrics from './plugins/metrics';
import openapi from './plugins/openapi';
import problemDetails, { clientErrorHandler, frameworkErrors } from './plugins/problem-details';
import rateLimiting, { defaultRateLimits, type RateLimitSettings } from './plugins/rate-limits';
import security from './plugins/security';
import codecRoutes, { type CodecRouteOptions } from './routes/codec';
import healthRoutes from './routes/health';
import signupPageRoutes from './routes/signup';
import accountRoutes from './routes/v1/accounts';
import scimRoutes from './routes/scim';
import { createServices, type ServiceDependencies } from './services';
import { validatorCompiler } from './validation';

/**
 * Longest path parameter, encoded: an invitation id is `invitation:<account id>:<address>`, up to
 * 330 characters with a 254-character address, and up to three times that once percent-encoded.
 */
export const MAX_PARAM_LENGTH = 1_024;

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
  /** Seats one purchase and one account may buy; config's defaults unless given. */
  seatLimits?: ServiceDependencies['seatLimits'];
  /** How long a request waits on PostgreSQL and Temporal (see deadlines.ts). */
  deadlines?: Partial<DeadlineSettings>;
  /** The Temporal Web UI the lists link each workflow to (default http://localhost:8233). */
  temporalUiUrl?: string;
  /** Whom to trust for X-Forwarded-For (config TRUST_PROXY); no one by default. */
  trustProxy?: boolean | string;
  /** The payload codec endpoint (/codec) for the Temporal UI and CLI; absent: no such route. */
  codec?: CodecRouteOptions;
  /** Webhook endpoints may point at loopback and private addresses (local development, tests). */
  webhookAllowPrivateAddresses?: boolean;
}

/** Invitation and invite-link tokens travel in the path: logs show the route, never the token. */
export function redactUrl(url: string): string {
  return url.replace(/^\/(signup|join)\/[^/?#]+/, '/$1/[token]');
}

export async function buildApp({ db, temporal: given, taskQueue, invitationTokenSecret, publicBaseUrl, logLevel = 'silent', logStream, rateLimits = {}, corsOrigins = [], seatLimits, deadlines: deadlineSettings = {}, temporalUiUrl, trustProxy = false, codec, webhookAllowPrivateAddresses }: AppDependencies) {
  const limits = { ...defaultRateLimits, ...rateLimits };
  // The API's own client over the given connection: each workflow call made while answering a
  // request carries the request deadline (deadlines.ts), whichever service makes it.
  const temporal = withRequestDeadlines(given);
  const app = Fastify({
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Behind the proxy, request.ip is the client's (per-address rate limits, logs).
    trustProxy,
    // What the framework and Node answer by themselves is problem+json too (problem-details.ts).
    frameworkErrors,
    clientErrorHandler,
    logger: {
      level: logLevel,
      ...(logStream ? { stream: logStream } : {}),
      // Only what identifies the request: no headers (credentials), no token-bearing paths.
      serializers: { req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }) },
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // First: their onRoute hooks see every route (deadlines, the 405 answers).
  await app.register(deadlines, { settings: { ...defaultDeadlines, ...deadlineSettings } });
  await app.register(problemDetails);
  await app.register(security, { corsOrigins });
  await app.register(rateLimiting, { ...limits, db });
  await app.register(openapi);
  await app.register(metrics, { db, temporal });
  const services = createServices({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl, seatLimits, temporalUiUrl, webhookAllowPrivateAddresses });
  await app.register(authentication, { credentials: services.credentials });
  await app.register(idempotency, { db });

  await app.register(healthRoutes, { db, temporal, timeoutMs: deadlineSettings.requestMs ?? defaultDeadlines.requestMs });
  await app.register(signupPageRoutes, { signup: services.signup, joins: services.joins, invitationRequests: services.invitationRequests, limits });
  await app.register(accountRoutes, { prefix: '/v1/accounts/:accountId', ...services });
  if (codec) await app.register(codecRoutes, { prefix: '/codec', ...codec });
  // SCIM 2.0 for identity providers: its own token and its own error format (routes/scim).
  await app.register(scimRoutes, { prefix: '/scim/v2', scimConnections: services.scimConnections, scimUsers: services.scimUsers, scimGroups: services.scimGroups, publicBaseUrl });
  return app;
}
