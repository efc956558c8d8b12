// Builds the Fastify app: one plugin per concern, routes grouped by resource, services injected.
import type { Client } from '@temporalio/client';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db';
import authentication from './plugins/authentication';
import openapi from './plugins/openapi';
import problemDetails from './plugins/problem-details';
import healthRoutes from './routes/health';
import inviteLinkRoutes from './routes/invite-link';
import invitationRoutes from './routes/invitations';
import licenseRoutes from './routes/licenses';
import signupPageRoutes from './routes/signup';
import { createCredentialService } from './services/credentials';
import { createInviteLinkService } from './services/invite-links';
import { createInvitationService } from './services/invitations';
import { createLicenseService } from './services/licenses';
import { createSignupService } from './services/signup';

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
}

/** Signup tokens travel in the path: logs show the route, never the token. */
export function redactUrl(url: string): string {
  return url.replace(/^\/signup\/[^/?#]+/, '/signup/[token]');
}

export async function buildApp({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl, logLevel = 'silent' }: AppDependencies) {
  const app = Fastify({
    bodyLimit: 256 * 1024,
    logger: {
      level: logLevel,
      // Only what identifies the request: no headers (credentials), no token-bearing paths.
      serializers: { req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }) },
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(problemDetails);
  await app.register(openapi);
  await app.register(authentication, { credentials: createCredentialService({ db }) });

  await app.register(healthRoutes, { db, temporal });
  const inviteLinks = createInviteLinkService({ db, temporal, taskQueue, tokenSecret: invitationTokenSecret, publicBaseUrl });
  await app.register(signupPageRoutes, { signup: createSignupService({ db, temporal }), inviteLinks });
  await app.register(inviteLinkRoutes, { prefix: '/v1', inviteLinks });
  await app.register(invitationRoutes, { prefix: '/v1', invitations: createInvitationService({ db, temporal, taskQueue }) });
  await app.register(licenseRoutes, { prefix: '/v1', licenses: createLicenseService({ db, temporal }) });
  return app;
}
