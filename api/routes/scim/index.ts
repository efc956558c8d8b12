// /scim/v2: the SCIM 2.0 service provider (RFC 7644) an identity provider calls with the account's
// SCIM token. Its own plugin, encapsulated: its own body type (application/scim+json), its own
// authentication (the SCIM token, good for nothing else; the API's credentials are not accepted
// here), and its own error handler and 404, which answer SCIM Error messages (§3.12) instead of the
// admin API's problem+json.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SCIM_CONTENT_TYPE, scimResourceTypes, scimSchemaDocuments, scimSchemas, scimServiceProviderConfig } from '../../../domain/scim';
import { isBackendUnavailable } from '../../plugins/problem-details';
import { Problem } from '../../problems';
import { etagOf, ifMatchVersion } from '../../services/scim/scim-resources';
import { ScimError, scimErrors, type ScimConnectionService, type ScimGroupsService, type ScimUsersService } from '../../services/scim';
import { renderGroup } from '../../services/scim/scim-groups-service';
import { renderUser, type ListQuery } from '../../services/scim/scim-users-service';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account whose SCIM token the request carries (set by the SCIM routes' onRequest hook). */
    scimAccountId: string | null;
  }
}

export interface ScimRouteOptions {
  scimConnections: ScimConnectionService;
  scimUsers: ScimUsersService;
  scimGroups: ScimGroupsService;
  /** Start of the public URLs (meta.location). */
  publicBaseUrl: string;
}

/** Identity providers provision in bursts (see README, SCIM): a higher ceiling than the admin API's. */
export const DEFAULT_SCIM_REQUESTS_PER_MINUTE = 12_000;

type Json = Record<string, unknown>;

function sendScim(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type(`${SCIM_CONTENT_TYPE}; charset=utf-8`).send(body);
}

function sendError(reply: FastifyReply, e: ScimError) {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return sendScim(reply, e.status, e.body());
}

/** Whatever else was thrown, as a SCIM error: problems and framework refusals keep their status. */
function asScimError(error: unknown, request: FastifyRequest): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof Problem) return new ScimError(error.status, error.detail, undefined, error.extra.headers ?? {});
  const e = error as FastifyError & { code?: string | number };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ScimError(e.statusCode, e.message, e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.statusCode === 400 ? 'invalidSyntax' : undefined);
  }
  if (isBackendUnavailable(error)) {
    request.log.warn({ err: error }, 'scim backend unavailable');
    return scimErrors.unavailable();
  }
  request.log.error({ err: error }, 'scim internal error');
  return scimErrors.internal();
}

const listResponse = (total: number, startIndex: number, resources: unknown[]) => ({
  schemas: [scimSchemas.listResponse],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

export default async function scimRoutes(app: FastifyInstance, opts: ScimRouteOptions) {
  const { scimConnections, scimUsers, scimGroups } = opts;
  const base = `${opts.publicBaseUrl.replace(/\/$/, '')}/scim/v2`;
  const rateLimit = { max: DEFAULT_SCIM_REQUESTS_PER_MINUTE, timeWindow: '1 minute' };

  // Identity providers send application/scim+json (RFC 7644 §3.1); plain JSON is accepted too.
  app.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(scimErrors.invalidSyntax('The body is not valid JSON.'), undefined);
    }
  });

  app.decorateRequest('scimAccountId', null);
  app.addHook('onRequest', async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const accountId = match ? await scimConnections.accountFor(match[1]!) : undefined;
    if (!accountId) throw scimErrors.unauthenticated();
    request.scimAccountId = accountId;
  });
  app.setErrorHandler((error, request, reply) => sendError(reply, asScimError(error, request)));
  // A path that exists, asked with a method it does not take: 405 with Allow (RFC 7644 §3.2: discovery is read-only).
  const paths: Array<{ pattern: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+')}/?$`);
    const methods = ([] as string[]).concat(route.method).filter((m) => m !== 'HEAD');
    const known = paths.find((p) => p.pattern.source === pattern.source);
    if (known) known.methods.push(...methods);
    else paths.push({ pattern, methods });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = [...new Set(paths.filter((p) => p.pattern.test(path)).flatMap((p) => p.methods))];
    if (allowed.length > 0) return sendError(reply, scimErrors.methodNotAllowed(request.method, allowed));
    return sendError(reply, scimErrors.notFound(`${request.method} ${path}`));
  });

  const config = { rateLimit };
  const account = (r: FastifyRequest) => r.scimAccountId!;
  const query = (r: FastifyRequest) => r.query as ListQuery;
  const ifMatch = (r: FastifyRequest) => ifMatchVersion(r.headers['if-match'] as string | undefined);
  const withMembers = (q: ListQuery) => !/(^|,)\s*members\s*(,|$)/i.test(q.excludedAttributes ?? '') && (!q.attributes || /(^|,)\s*members/i.test(q.attributes));
  const hide = { hide: true };

  // Discovery (RFC 7644 §4): exactly what this provider supports.
  app.get('/ServiceProviderConfig', { schema: hide, config }, async (_r, reply) => sendScim(reply, 200, { ...scimServiceProviderConfig, meta: { ...scimServiceProviderConfig.meta, location: `${base}/ServiceProviderConfig` } }));
  app.get('/ResourceTypes', { schema: hide, config }, async (_r, reply) => sendScim(reply, 200, listResponse(scimResourceTypes.length, 1, scimResourceTypes)));
  app.get('/ResourceTypes/:id', { schema: hide, config }, async (r, reply) => {
    const t = scimResourceTypes.find((x) => x.id === (r.params as { id: string }).id);
    if (!t) throw scimErrors.notFound(`ResourceType ${(r.params as { id: string }).id}`);
    return sendScim(reply, 200, t);
  });
  app.get('/Schemas', { schema: hide, config }, async (_r, reply) => sendScim(reply, 200, listResponse(scimSchemaDocuments.length, 1, scimSchemaDocuments)));
  app.get('/Schemas/:id', { schema: hide, config }, async (r, reply) => {
    const s = scimSchemaDocuments.find((x) => x.id === (r.params as { id: string }).id);
    if (!s) throw scimErrors.notFound(`Schema ${(r.params as { id: string }).id}`);
    return sendScim(reply, 200, s);
  });

  // Users
  /** A user or group as the request asked for it: its version as the ETag, its location when created, the attributes asked for. */
  const sendResource = (reply: FastifyReply, status: number, r: FastifyRequest, body: { meta: { location: string } }, version: number, project: typeof scimUsers.project) => {
    reply.header('etag', etagOf(version));
    if (status === 201) reply.header('location', body.meta.location);
    const q = query(r);
    return sendScim(reply, status, project(body as unknown as Json, q.attributes, q.excludedAttributes));
  };
  const sendUser = (reply: FastifyReply, status: number, r: FastifyRequest, row: Parameters<typeof renderUser>[0]) =>
    sendResource(reply, status, r, renderUser(row, base), row.version, scimUsers.project);
  app.get('/Users', { schema: hide, config }, async (r, reply) => {
    const q = query(r);
    const { total, startIndex, rows } = await scimUsers.list(account(r), q);
    return sendScim(reply, 200, listResponse(total, startIndex, rows.map((row) => scimUsers.project(renderUser(row, base) as Json, q.attributes, q.excludedAttributes))));
  });
  app.post('/Users', { schema: hide, config }, async (r, reply) => {
    const { created, row } = await scimUsers.create(account(r), r.body);
    return sendUser(reply, created ? 201 : 200, r, row);
  });
  app.get('/Users/:id', { schema: hide, config }, async (r, reply) => sendUser(reply, 200, r, await scimUsers.get(account(r), (r.params as { id: string }).id)));
  app.put('/Users/:id', { schema: hide, config }, async (r, reply) => sendUser(reply, 200, r, await scimUsers.replace(account(r), (r.params as { id: string }).id, r.body, ifMatch(r))));
  app.patch('/Users/:id', { schema: hide, config }, async (r, reply) => sendUser(reply, 200, r, await scimUsers.patch(account(r), (r.params as { id: string }).id, r.body, ifMatch(r))));
  app.delete('/Users/:id', { schema: hide, config }, async (r, reply) => {
    await scimUsers.remove(account(r), (r.params as { id: string }).id, ifMatch(r));
    return reply.code(204).send();
  });

  // Groups
  const sendGroup = (reply: FastifyReply, status: number, r: FastifyRequest, row: Parameters<typeof renderGroup>[0]) =>
    sendResource(reply, status, r, renderGroup(row, base), row.version, scimGroups.project);
  app.get('/Groups', { schema: hide, config }, async (r, reply) => {
    const q = query(r);
    const { total, startIndex, rows } = await scimGroups.list(account(r), q, withMembers(q));
    return sendScim(reply, 200, listResponse(total, startIndex, rows.map((row) => scimGroups.project(renderGroup(row, base) as Json, q.attributes, q.excludedAttributes))));
  });
  app.post('/Groups', { schema: hide, config }, async (r, reply) => sendGroup(reply, 201, r, await scimGroups.create(account(r), r.body)));
  app.get('/Groups/:id', { schema: hide, config }, async (r, reply) => sendGroup(reply, 200, r, await scimGroups.get(account(r), (r.params as { id: string }).id, withMembers(query(r)))));
  app.put('/Groups/:id', { schema: hide, config }, async (r, reply) => sendGroup(reply, 200, r, await scimGroups.replace(account(r), (r.params as { id: string }).id, r.body, ifMatch(r))));
  app.patch('/Groups/:id', { schema: hide, config }, async (r, reply) => sendGroup(reply, 200, r, await scimGroups.patch(account(r), (r.params as { id: string }).id, r.body, ifMatch(r))));
  app.delete('/Groups/:id', { schema: hide, config }, async (r, reply) => {
    await scimGroups.remove(account(r), (r.params as { id: string }).id);
    return reply.code(204).send();
  });

  // Not offered: said so in ServiceProviderConfig (bulk), and answered as SCIM errors.
  app.post('/Bulk', { schema: hide, config }, async () => { throw scimErrors.notImplemented('Bulk'); });
  app.get('/Me', { schema: hide, config }, async () => { throw scimErrors.notImplemented('/Me'); });
  for (const url of ['/.search', '/Users/.search', '/Groups/.search']) {
    app.post(url, { schema: hide, config }, async () => { throw scimErrors.notImplemented('Searching with POST (.search); use GET with filter'); });
  }
}
