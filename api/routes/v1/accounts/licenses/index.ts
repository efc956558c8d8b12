// /v1/accounts/:accountId/licenses
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LicenseService } from '../../../../services/licenses';
import { accountParams, problemSchema } from '../../../schemas';

const inventoryLine = z.object({ license: z.enum(['ringex', 'video_pro_plus']), seatsTotal: z.number(), seatsUsed: z.number() });

const licenseRoutes: FastifyPluginAsyncZod<{ licenses: LicenseService }> = async (app, { licenses }) => {
  app.get('/licenses', {
    schema: {
      tags: ['licenses'],
      summary: 'Paid license seats: owned and in use',
      security: [{ bearer: [] }],
      params: accountParams,
      response: { 200: z.object({ inventory: z.array(inventoryLine) }), 401: problemSchema, 404: problemSchema },
    },
  }, async (request) => ({ inventory: await licenses.inventory(request.caller) }));

  app.post('/licenses/:license/seats', {
    schema: {
      tags: ['licenses'],
      summary: 'Buy seats (purchasing permission); invitations waiting for a seat continue by themselves',
      security: [{ bearer: [] }],
      params: accountParams.extend({ license: z.enum(['ringex', 'video_pro_plus']) }),
      body: z.strictObject({ seats: z.number().int().min(1).max(10_000) }),
      response: {
        200: z.object({ inventory: z.array(inventoryLine), invitationsNotified: z.number() }),
        400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema,
      },
    },
  }, async (request) => licenses.addSeats(request.caller, request.params.license, request.body.seats));
};

export default licenseRoutes;
