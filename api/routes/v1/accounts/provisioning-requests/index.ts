// /v1/accounts/:accountId/provisioning-quotes and /provisioning-requests: adding up to 25 users.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ProvisioningRequestService } from '../../../../services/provisioning-requests';
import { accountOperations, accountParams, problemSchema } from '../../../schemas';
import { acceptedView, provisioningRequestBody, quoteView, requestParams, requestStatusView, submitBody } from './schemas';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

const operation = accountOperations('adding users');

const provisioningRoutes: FastifyPluginAsyncZod<{ provisioningRequests: ProvisioningRequestService }> = async (app, { provisioningRequests }) => {
  app.post('/provisioning-quotes', {
    schema: operation('Price what a request to add users would buy (seats beyond inventory, deskphones, new numbers)', {
      params: accountParams,
      body: provisioningRequestBody,
      response: { 201: quoteView, ...errors },
    }),
  }, async (request, reply) => reply.code(201).send(await provisioningRequests.quote(request.caller, request.body)));

  app.post('/provisioning-requests', {
    schema: operation('Add 1 to 25 users; a request that buys anything needs its quote id and acknowledgeCharges', {
      description: 'Without a quote, a request that buys answers 409 `purchase-confirmation-required` with the quote to review.',
      params: accountParams,
      body: submitBody,
      response: { 202: acceptedView, ...errors },
    }),
  }, async (request, reply) => reply.code(202).send(await provisioningRequests.submit(request.caller, request.body)));

  app.get('/provisioning-requests/:requestId', {
    schema: operation('Where a request stands: every user created (extension, number, deskphone, activation) or why it failed', {
      params: requestParams,
      response: { 200: requestStatusView, ...errors },
    }),
  }, async (request) => provisioningRequests.status(request.caller, request.params.requestId));
};

export default provisioningRoutes;
