// Rate limits: per credential on the API, per IP on the public signup pages (signup tokens must
// not be guessable by brute force: a few dozen tries a minute is nothing against 256-bit tokens).
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problems } from '../problems';

export interface RateLimitSettings {
  /** Requests a minute per API credential (or per IP without one). */
  apiPerMinute: number;
  /** Signup form submissions a minute per IP. */
  signupSubmitsPerMinute: number;
  /** Signup page views a minute per IP. */
  signupViewsPerMinute: number;
  /** "Ask for a new invitation" presses an hour per IP (per link and per address: api/services/invitation-requests/). */
  invitationRequestsPerHour: number;
}

export const defaultRateLimits: RateLimitSettings = { apiPerMinute: 600, signupSubmitsPerMinute: 20, signupViewsPerMinute: 120, invitationRequestsPerHour: 10 };

/** The credential's hash, never the credential itself, identifies its bucket. */
function callerKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  return auth ? `cred:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
}

export default fp(async function rateLimits(app: FastifyInstance, opts: RateLimitSettings) {
  await app.register(rateLimit, {
    global: true,
    max: opts.apiPerMinute,
    timeWindow: '1 minute',
    keyGenerator: callerKey,
    errorResponseBuilder: (_request, context) => problems.rateLimited(context.max, context.after, Math.ceil(context.ttl / 1000)),
  });
});

/** Route config for the public signup pages. */
export const signupRateLimit = (max: number, timeWindow = '1 minute') => ({ rateLimit: { max, timeWindow, keyGenerator: (r: FastifyRequest) => `ip:${r.ip}` } });
