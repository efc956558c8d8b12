// The OpenAPI document is generated from the routes' zod schemas: one source for validation and docs.
// What every route shares is added here, once, rather than by each route: the error answers it can
// give (as application/problem+json with the problem schema), and the rule that no free-text string
// may hold a NUL character (validation.ts refuses it).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE } from '../problems';
import { problemSchema } from '../routes/schemas';
import { webhookPayloads } from '../routes/v1/accounts/webhook-endpoints/schemas';
import { z } from 'zod';
import { nulFreePattern } from '../validation';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route touches neither PostgreSQL nor Temporal: it cannot answer 503. */
    noBackends?: boolean;
  }
}

const descriptions: Record<number, string> = {
  400: 'The request is invalid: `errors` lists each field and what is wrong with it',
  401: 'No valid API credential (`Authorization: Bearer <credential>`)',
  403: 'The caller\'s role does not allow this',
  404: 'No such resource in this account (another account\'s resources are not found either)',
  409: 'The resource\'s state does not allow this now (or an Idempotency-Key\'s first request is still running)',
  410: 'Gone',
  413: 'The body is larger than the API takes',
  414: 'A path parameter is longer than the API takes',
  415: 'The body\'s Content-Type is not one this operation takes',
  422: 'Understood but refused (or an Idempotency-Key reused for a different request)',
  429: 'Too many requests: wait for `Retry-After` seconds',
  503: 'PostgreSQL or Temporal did not answer within the request deadline, or no worker answered: retry after `Retry-After` seconds',
};

type ResponseSchemas = Record<string, unknown>;
interface RouteSchema {
  hide?: boolean;
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  headers?: unknown;
  security?: unknown[];
  response?: ResponseSchemas;
}

/** The error statuses a route can answer, from what it declares and what the API does to every route. */
export function errorStatuses(route: Pick<RouteOptions, 'method' | 'url' | 'config'>, schema: RouteSchema): number[] {
  const statuses = new Set<number>();
  const methods = ([] as string[]).concat(route.method);
  if (schema.params || schema.querystring || schema.body || schema.headers) statuses.add(400);
  if (route.url.includes(':')) statuses.add(414);
  if (schema.body) [413, 415].forEach((s) => statuses.add(s));
  if (schema.security?.length) {
    // Authentication, then the caller's account and role.
    [401, 403, 404].forEach((s) => statuses.add(s));
    // Idempotency-Key (plugins/idempotency.ts): in progress, or reused for another request.
    if (methods.includes('POST')) [400, 409, 422].forEach((s) => statuses.add(s));
  }
  const config = route.config as { rateLimit?: unknown; noBackends?: boolean } | undefined;
  if (config?.rateLimit !== false) statuses.add(429);
  if (!config?.noBackends) statuses.add(503);
  return [...statuses];
}

const problemResponse = (status: number) => ({
  description: descriptions[status] ?? 'A problem',
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
});

/** Every error status a route can answer, documented (and serialized) as problem+json; what a route declares as problemSchema too. */
function addErrorResponses(route: RouteOptions): void {
  const schema = route.schema as RouteSchema | undefined;
  if (!schema || schema.hide) return;
  const response: ResponseSchemas = { ...(schema.response ?? {}) };
  for (const [status, declared] of Object.entries(response)) {
    if (declared === problemSchema) response[status] = problemResponse(Number(status));
    // A route's own problem shape (e.g. a batch's per-line errors) is problem+json too.
    else if (Number(status) >= 400 && declared && typeof declared === 'object' && !('content' in declared)) {
      response[status] = { description: descriptions[Number(status)] ?? 'A problem', content: { [PROBLEM_CONTENT_TYPE]: { schema: declared } } };
    }
  }
  for (const status of errorStatuses(route, schema)) response[status] ??= problemResponse(status);
  route.schema = { ...(route.schema as object), response };
}

/** Adds the NUL rule to every free-text string of a request schema (a string with no pattern, format, enum or const). */
export function withNulFreeStrings(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withNulFreeStrings);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'examples' || k === 'default' || k === 'const' || k === 'enum' ? v : withNulFreeStrings(v);
  const types = ([] as unknown[]).concat(out.type);
  if (types.includes('string') && !('pattern' in out) && !('format' in out) && !('enum' in out) && !('const' in out)) out.pattern = nulFreePattern;
  return out;
}

type Transform = typeof jsonSchemaTransform;
const transform: Transform = (document) => {
  const { schema, url } = jsonSchemaTransform(document);
  if (!schema || (schema as RouteSchema).hide) return { schema, url };
  const s = { ...(schema as Record<string, unknown>) };
  for (const part of ['params', 'querystring', 'body', 'headers']) if (s[part]) s[part] = withNulFreeStrings(s[part]);
  return { schema: s as typeof schema, url };
};

type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: Array<{ type?: unknown }> } }> } };

/**
 * @fastify/swagger marks every body as required; a body schema that admits null (zod's `.nullish()`)
 * means the route takes none at all, so the document says the body is optional.
 */
function optionalBodies<T extends { paths?: Record<string, Record<string, unknown>> }>(doc: T): T {
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(ops) as Operation[]) {
      const contents = Object.values(op.requestBody?.content ?? {});
      if (contents.length > 0 && contents.every((c) => c.schema?.anyOf?.some((s) => s.type === 'null'))) op.requestBody!.required = false;
    }
  }
  return doc;
}

const signatureHeaders = [
  { name: 'webhook-id', description: 'The message\'s id: the same on every retry and replay (deduplicate on it)' },
  { name: 'webhook-timestamp', description: 'Seconds since the epoch, when this attempt was signed' },
  { name: 'webhook-signature', description: 'Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`: two during the 24 hours after a secret rotation' },
].map((h) => ({ in: 'header', required: true, schema: { type: 'string' }, ...h }));

/** OpenAPI 3.1 `webhooks`: each event type's POST, signed per Standard Webhooks (routes/v1/accounts/webhook-endpoints/schemas.ts). */
function withWebhooks<T extends object>(doc: T): T {
  const webhooks = Object.fromEntries(webhookPayloads.map(({ type, schema }) => {
    const { $schema: _drop, ...body } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
    return [type, {
      post: {
        summary: `${type} (payload version 1)`,
        parameters: signatureHeaders,
        requestBody: { required: true, content: { 'application/json': { schema: body } } },
        responses: { '2XX': { description: 'Received: any 2xx within 10 seconds; anything else is retried with exponential backoff for up to 3 days, 410 Gone disables the endpoint' } },
      },
    }];
  }));
  return { ...doc, webhooks };
}

export default fp(async function openapi(app: FastifyInstance) {
  app.addHook('onRoute', addErrorResponses);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Provisioning orchestrator API',
        version: '1.0.0',
        description:
          'Invite people into a company account and onboard them. Every invitation is a durable Temporal workflow. ' +
          'Every error is `application/problem+json` (RFC 9457): `type` is stable, `errors` lists invalid fields. ' +
          'A 503 or 429 carries `Retry-After`: retry after that many seconds.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API credential (shown once at creation).' } } },
    },
    transform,
    transformObject: (documentObject) => withWebhooks(optionalBodies((documentObject as { openapiObject: Parameters<typeof optionalBodies>[0] }).openapiObject)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
