// The one error handler: every error leaves as application/problem+json, and only a real bug is a 500.
// That includes what the framework answers by itself: unknown routes (404), a method a path does not
// take (405, with Allow), URLs the router refuses (400, 414), malformed requests Node refuses before
// Fastify sees them (400, 408, 431), bodies too large or of the wrong type (413, 415), and requests
// that outlive their deadline (503).
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE, Problem, problems } from '../problems';
import type { FieldError } from '../../domain/field-errors';

/** The problem's JSON, as every route sends it. */
function problemBody(p: Problem, instance: string) {
  const { headers: _headers, ...extra } = p.extra;
  return { type: `/problems/${p.slug}`, title: p.title, status: p.status, detail: p.detail, instance, ...extra };
}

function send(reply: FastifyReply, p: Problem) {
  for (const [k, v] of Object.entries(p.extra.headers ?? {})) reply.header(k, v);
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(p, reply.request.url));
}

/** gRPC status codes for a Temporal server that cannot be reached, did not answer in time, or has no worker to ask. */
const GRPC_UNAVAILABLE = 14, GRPC_DEADLINE_EXCEEDED = 4;

/**
 * Postgres or Temporal out of reach or too slow (the SDK wraps the gRPC error as the cause): the
 * caller should retry, it is not a bug. The admin API and SCIM (api/routes/scim/) both answer it 503.
 */
export function isBackendUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: string | number; message?: string; details?: string; cause?: unknown } | undefined;
  if (!e || depth > 5) return false;
  const text = `${e.message ?? ''} ${e.details ?? ''}`;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '57014', '53300'].includes(String(e.code)) ||
    e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED ||
    // A workflow query or update with no worker polling its task queue: nothing is wrong with the request.
    /no poller/i.test(text) ||
    /ECONNREFUSED|Connection terminated|timeout exceeded|Query read timeout|UNAVAILABLE|DEADLINE_EXCEEDED|deadline exceeded|update call timeout/i.test(text) ||
    isBackendUnavailable(e.cause, depth + 1)
  );
}

/** Fastify's own 4xx (malformed JSON, wrong content type, body too large, URI too long, ...) as problems. */
function frameworkProblem(error: FastifyError): Problem | undefined {
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return problems.badRequest(status, error.code, error.message);
  return undefined;
}

/**
 * The router's own refusals (a URL it cannot decode, a path parameter over the length limit),
 * before any route or hook runs: Fastify's `frameworkErrors` option.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  return send(reply, frameworkProblem(error) ?? problems.internal());
}

const CLIENT_ERRORS: Record<string, number> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };

/**
 * What Node refuses before Fastify sees a request (a malformed request line or header, headers too
 * large, a request that took too long to arrive): Fastify's `clientErrorHandler` option.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERRORS[err.code ?? ''] ?? 400;
  const p = problems.badRequest(status, err.code, status === 431 ? 'The request headers are too large.' : status === 408 ? 'The request took too long to arrive.' : 'The request is malformed.');
  const body = JSON.stringify(problemBody(p, ''));
  socket.end(
    `HTTP/1.1 ${status} ${p.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Every route's path as a pattern, to tell "no such path" (404) from "not with this method" (405),
 * with the constraints of its parameters (`:id(^regex$)`), which the router applies to the decoded value.
 */
function pathPattern(url: string): { pattern: RegExp; constraints: Array<RegExp | undefined> } {
  const constraints: Array<RegExp | undefined> = [];
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const constraint = /^:\w+\((.*)\)$/.exec(segment)?.[1];
      constraints.push(constraint === undefined ? undefined : new RegExp(constraint));
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), constraints };
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether the router would take `path` to a route with this pattern. */
function takes(route: ReturnType<typeof pathPattern>, path: string): boolean {
  const match = route.pattern.exec(path);
  return match !== null && route.constraints.every((c, i) => c === undefined || c.test(decoded(match[i + 1]!)));
}

export default fp(async function problemDetails(app: FastifyInstance) {
  const routes: Array<ReturnType<typeof pathPattern> & { url: string; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    // CORS answers OPTIONS on every path by itself: that is no method a path "takes".
    if (route.url === '*' || route.url === '/*') return;
    const methods = ([] as string[]).concat(route.method);
    const known = routes.find((r) => r.url === route.url);
    if (known) known.methods.push(...methods);
    else routes.push({ url: route.url, ...pathPattern(route.url), methods });
  });

  /** No route for this path (404), or not with this method (405, with the methods it takes). */
  const noRoute = (request: FastifyRequest): Problem => {
    const path = request.url.split('?')[0]!;
    const allowed = [...new Set(routes.filter((r) => takes(r, path)).flatMap((r) => r.methods))];
    return allowed.length > 0 && !allowed.includes(request.method) ? problems.methodNotAllowed(request.method, path, allowed) : problems.noRoute(request.method, path);
  };

  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    if (error instanceof Problem) return send(reply, error);
    // Fastify refused the request on its way to the not-found handler (e.g. a QUERY without a body's Content-Type).
    if (request.is404) return send(reply, noRoute(request));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = (error as { validationContext?: string }).validationContext ?? 'body';
      const errors: FieldError[] = error.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const unknownKeys = (v.params as { keys?: string[] })?.keys;
        return { field: [where, path, unknownKeys?.join(',')].filter(Boolean).join('.'), message: v.message ?? 'is invalid' };
      });
      return send(reply, problems.validation(`The request ${where} is invalid.`, errors));
    }
    const fromFramework = frameworkProblem(error as FastifyError);
    if (fromFramework) return send(reply, fromFramework);
    if (isBackendUnavailable(error)) {
      request.log.warn({ err: error }, 'backend unavailable');
      return send(reply, problems.unavailable('A backing service is unavailable; try again shortly.'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, problems.internal());
  });

  app.setNotFoundHandler((request, reply) => send(reply, noRoute(request)));
});
