// The one error handler: every error leaves as application/problem+json, and only a real bug is a 500.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE, Problem, problems } from '../problems';
import type { FieldError } from '../../domain/field-errors';

function send(reply: FastifyReply, p: Problem) {
  for (const [k, v] of Object.entries(p.extra.headers ?? {})) reply.header(k, v);
  const { headers: _headers, ...extra } = p.extra;
  return reply
    .code(p.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ type: `/problems/${p.slug}`, title: p.title, status: p.status, detail: p.detail, instance: reply.request.url, ...extra });
}

/** gRPC status codes for a Temporal server that cannot be reached or did not answer in time. */
const GRPC_UNAVAILABLE = 14, GRPC_DEADLINE_EXCEEDED = 4;

/** Postgres or Temporal out of reach (the SDK wraps the gRPC error as the cause): the caller should retry, it is not a bug. */
function isBackendUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: string | number; message?: string; cause?: unknown } | undefined;
  if (!e || depth > 5) return false;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '53300'].includes(String(e.code)) ||
    e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED ||
    /Connection terminated|timeout exceeded when trying to connect|UNAVAILABLE|DEADLINE_EXCEEDED/.test(e.message ?? '') ||
    isBackendUnavailable(e.cause, depth + 1)
  );
}

export default fp(async function problemDetails(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    if (error instanceof Problem) return send(reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = (error as { validationContext?: string }).validationContext ?? 'body';
      const errors: FieldError[] = error.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const unknownKeys = (v.params as { keys?: string[] })?.keys;
        return { field: [where, path, unknownKeys?.join(',')].filter(Boolean).join('.'), message: v.message ?? 'is invalid' };
      });
      return send(reply, problems.validation(`The request ${where} is invalid.`, errors));
    }
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own 4xx (malformed JSON, wrong content type, body too large, ...).
      return send(reply, problems.badRequest(status, (error as FastifyError).code, error.message));
    }
    if (isBackendUnavailable(error)) {
      request.log.warn({ err: error }, 'backend unavailable');
      return send(reply, problems.unavailable('A backing service is unavailable; try again shortly.'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, problems.internal());
  });

  app.setNotFoundHandler((request, reply) => send(reply, problems.noRoute(request.method, request.url.split('?')[0]!)));
});
