// /v1/accounts/:accountId/inventory: what can be given to users being added.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InventoryService } from '../../../../services/inventory';
import { accountOperations, accountParams, problemSchema } from '../../../schemas';

const inventoryView = z.object({
  seats: z.array(z.object({ license: z.string(), seatsTotal: z.number(), seatsUsed: z.number(), seatsFree: z.number() })),
  deskphones: z.array(z.object({ id: z.string(), model: z.string() })),
  phoneNumbers: z.array(z.object({ phoneNumber: z.string(), region: z.string().nullable(), areaCode: z.string().nullable() })),
  deskphoneCatalogue: z.array(z.object({ id: z.string(), name: z.string(), priceCents: z.number() })),
  emergencyResponseLocations: z.array(z.object({ id: z.string(), nickname: z.string() })),
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
});

const operation = accountOperations('adding users');

const inventoryRoutes: FastifyPluginAsyncZod<{ inventory: InventoryService }> = async (app, { inventory }) => {
  app.get('/inventory', {
    schema: operation('Free seats, deskphones and numbers to assign, the deskphone catalogue, emergency response locations and sites', {
      params: accountParams,
      response: { 200: inventoryView, 401: problemSchema, 403: problemSchema, 404: problemSchema },
    }),
  }, async (request) => inventory.forProvisioningRequests(request.caller));
};

export default inventoryRoutes;
