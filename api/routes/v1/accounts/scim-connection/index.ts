// /v1/accounts/:accountId/scim-connection: the account's SCIM 2.0 connection, for admins. Its
// settings (how the identity provider's users are onboarded, which group gives which role and
// license) and its token: shown once, rotated with an overlap, revoked at once.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { licenses } from '../../../../../domain/licenses';
import { roles } from '../../../../../domain/roles';
import { scimSetupOptions } from '../../../../../domain/scim';
import { DEFAULT_TOKEN_OVERLAP_MINUTES, type ScimConnectionService } from '../../../../services/scim';
import { accountOperationFrame, accountParams, problemSchema } from '../../../schemas';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const groupMapping = z.strictObject({
  group: z.string().min(1).max(256).describe('The group\'s displayName in the identity provider'),
  role: z.enum(roles),
  license: z.enum(licenses),
});
const settings = {
  setupOption: z.enum(scimSetupOptions).describe('send_invite: a welcome email at once; activate_later: staged until an admin activates'),
  defaultLicense: z.enum(licenses).describe('The license of a user in no mapped group'),
  groupMappings: z.array(groupMapping).max(100).describe('First matching group wins'),
};
const connectionView = z.object({
  baseUrl: z.string().describe('The SCIM base URL to give the identity provider'),
  ...settings,
  tokens: z.array(z.object({ id: z.string(), createdAt: z.string(), expiresAt: z.string().nullable(), revokedAt: z.string().nullable() })),
});

const scimConnectionRoutes: FastifyPluginAsyncZod<{ scimConnections: ScimConnectionService }> = async (app, { scimConnections }) => {
  const base = accountOperationFrame('scim-connection');

  app.get('/scim-connection', {
    schema: { ...base, summary: 'The SCIM connection: base URL, settings and tokens (never a token itself)', params: accountParams, response: { 200: connectionView, ...errors } },
  }, async (request) => scimConnections.view(request.caller));

  app.put('/scim-connection', {
    schema: {
      ...base,
      summary: 'Set up the SCIM connection or change its settings',
      params: accountParams,
      body: z.strictObject({ setupOption: settings.setupOption.default('send_invite'), defaultLicense: settings.defaultLicense.default('video_pro'), groupMappings: settings.groupMappings.default([]) }),
      response: { 200: connectionView, ...errors },
    },
  }, async (request) => scimConnections.configure(request.caller, request.body));

  app.post('/scim-connection/token', {
    schema: {
      ...base,
      summary: 'A new SCIM token, in this response only; earlier tokens keep working for overlapMinutes',
      params: accountParams,
      body: z.strictObject({ overlapMinutes: z.number().int().min(0).max(7 * 24 * 60).default(DEFAULT_TOKEN_OVERLAP_MINUTES) }).default({ overlapMinutes: DEFAULT_TOKEN_OVERLAP_MINUTES }),
      response: { 201: z.object({ id: z.string(), token: z.string(), baseUrl: z.string(), previousTokensExpireAt: z.string().nullable() }), ...errors },
    },
  }, async (request, reply) => reply.code(201).send(await scimConnections.rotateToken(request.caller, request.body.overlapMinutes)));

  app.delete('/scim-connection/token', {
    schema: { ...base, summary: 'Revoke every SCIM token at once (the identity provider stops provisioning)', params: accountParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await scimConnections.revokeTokens(request.caller);
    return reply.code(204).send(null);
  });
};

export default scimConnectionRoutes;
