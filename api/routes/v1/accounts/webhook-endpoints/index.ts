// /v1/accounts/:accountId/webhook-endpoints: where the account's lifecycle events are POSTed,
// signed per Standard Webhooks. Admins register, change and delete endpoints, rotate a secret,
// read the delivery log, replay messages and send a test event.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WebhookEndpointService } from '../../../../services/webhook-endpoints';
import { accountOperationFrame, accountParams, problemSchema } from '../../../schemas';
import { attemptView, endpointBody, endpointPatch, endpointView, endpointWithSecret, messageView } from './schemas';

const endpointParams = accountParams.extend({ endpointId: z.string().regex(/^ep_[0-9a-f]{24}$/, 'is not an endpoint id') });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema };

const webhookEndpointRoutes: FastifyPluginAsyncZod<{ webhookEndpoints: WebhookEndpointService }> = async (app, { webhookEndpoints: service }) => {
  const base = accountOperationFrame('webhooks');

  app.post('/webhook-endpoints', {
    schema: { ...base, summary: 'Register an endpoint; its signing secret is in this answer only', params: accountParams, body: endpointBody, response: { 201: endpointWithSecret, ...errors, 422: problemSchema } },
  }, async (request, reply) => reply.code(201).send(await service.create(request.caller, request.body)));

  app.get('/webhook-endpoints', {
    schema: { ...base, summary: 'The account\'s endpoints (never their secrets)', params: accountParams, response: { 200: z.object({ webhookEndpoints: z.array(endpointView) }), ...errors } },
  }, async (request) => ({ webhookEndpoints: await service.list(request.caller) }));

  app.get('/webhook-endpoints/:endpointId', {
    schema: { ...base, summary: 'One endpoint', params: endpointParams, response: { 200: endpointView, ...errors } },
  }, async (request) => service.get(request.caller, request.params.endpointId));

  app.patch('/webhook-endpoints/:endpointId', {
    schema: { ...base, summary: 'Change the URL, events, description; enable (undelivered messages go out) or disable', params: endpointParams, body: endpointPatch, response: { 200: endpointView, ...errors, 422: problemSchema } },
  }, async (request) => service.update(request.caller, request.params.endpointId, request.body));

  app.delete('/webhook-endpoints/:endpointId', {
    schema: { ...base, summary: 'Delete an endpoint: nothing more is sent to it', params: endpointParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await service.remove(request.caller, request.params.endpointId);
    return reply.code(204).send(null);
  });

  app.post('/webhook-endpoints/:endpointId/secret-rotation', {
    schema: { ...base, summary: 'A new signing secret, in this answer only; the old one keeps signing for 24 hours (messages carry both signatures)', params: endpointParams, response: { 200: endpointWithSecret, ...errors } },
  }, async (request) => service.rotateSecret(request.caller, request.params.endpointId));

  app.get('/webhook-endpoints/:endpointId/attempts', {
    schema: {
      ...base, summary: 'The delivery log: each attempt, newest first', params: endpointParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100), before: z.string().regex(/^\d{1,18}$/).optional().describe('Attempts older than this attempt id') }),
      response: { 200: z.object({ attempts: z.array(attemptView) }), ...errors },
    },
  }, async (request) => service.attempts(request.caller, request.params.endpointId, request.query));

  app.get('/webhook-endpoints/:endpointId/messages', {
    schema: {
      ...base, summary: 'Messages to this endpoint, newest first', params: endpointParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100), status: z.enum(['pending', 'delivered']).optional() }),
      response: { 200: z.object({ messages: z.array(messageView) }), ...errors },
    },
  }, async (request) => service.messages(request.caller, request.params.endpointId, request.query));

  app.post('/webhook-endpoints/:endpointId/messages/:messageId/replay', {
    schema: {
      ...base, summary: 'Send one message again (the same webhook-id)', params: endpointParams.extend({ messageId: z.string().regex(/^msg_[0-9a-f]{32}$/, 'is not a message id') }),
      response: { 202: z.object({ replayed: z.number().int() }), ...errors },
    },
  }, async (request, reply) => reply.code(202).send(await service.replayMessage(request.caller, request.params.endpointId, request.params.messageId)));

  app.post('/webhook-endpoints/:endpointId/replay', {
    schema: {
      ...base, summary: 'Send again every event of the endpoint\'s types since a time (messages it missed are made)', params: endpointParams,
      body: z.strictObject({ since: z.iso.datetime({ offset: true }).describe('ISO 8601') }),
      response: { 202: z.object({ replayed: z.number().int() }), ...errors },
    },
  }, async (request, reply) => reply.code(202).send(await service.replaySince(request.caller, request.params.endpointId, new Date(request.body.since))));

  app.post('/webhook-endpoints/:endpointId/test', {
    schema: { ...base, summary: 'Send a test event (webhook.test) to this endpoint', params: endpointParams, response: { 202: z.object({ messageId: z.string() }), ...errors } },
  }, async (request, reply) => reply.code(202).send(await service.sendTest(request.caller, request.params.endpointId)));
};

export default webhookEndpointRoutes;
