// /v1/accounts/:accountId/licenses
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LicenseService } from '../../../../services/licenses';
import { accountParams, problemSchema } from '../../../schemas';
import { chargesView } from '../provisioning-requests/schemas';

const inventoryLine = z.object({ license: z.enum(['ringex', 'video_pro_plus']), seatsTotal: z.number(), seatsUsed: z.number() });

const licenseRoutes: FastifyPluginAsyncZod<{ licenses: LicenseService }> = async (app, { licenses }) => {
  const { perPurchase } = licenses.limits;

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
      summary: 'Buy seats (purchasing permission): a quote first, then the purchase with its id and acknowledgeCharges',
      description:
        'Without `quoteId` this answers 409 `purchase-confirmation-required` with the quote to review (its total is charged monthly); ' +
        'the same body with `quoteId` and `acknowledgeCharges: true` buys, once (a used quote answers 409 `quote-used`; another number ' +
        'of seats, changed prices or an expired quote 409 `quote-mismatch` with a new quote). Send an `Idempotency-Key` to retry safely. ' +
        `One purchase buys at most ${perPurchase} seats; an account holds at most its ceiling of seats per license ` +
        '(409 `seat-limit-reached`, which says how many more it may buy and how to raise it). ' +
        'Invitations waiting for a seat continue by themselves, longest waiter first.',
      security: [{ bearer: [] }],
      params: accountParams.extend({ license: z.enum(['ringex', 'video_pro_plus']) }),
      body: z
        .strictObject({
          seats: z.number().int().min(1).max(perPurchase, `Buy at most ${perPurchase} seats at once; for more, make several purchases.`),
          quoteId: z.uuid().optional().describe('The quote the first call answered with'),
          acknowledgeCharges: z.literal(true, { error: 'Check the acknowledgment of the charges to continue.' }).optional().describe('With a quote, required: the charges were reviewed'),
        })
        // With a quote, the acknowledgement (the service names the field when it is missing).
        .meta({ dependentRequired: { quoteId: ['acknowledgeCharges'] } }),
      response: {
        200: z.object({ inventory: z.array(inventoryLine), invitationsNotified: z.number(), purchaseId: z.string(), charges: chargesView }),
        400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema,
      },
    },
  }, async (request) => licenses.buySeats(request.caller, request.params.license, request.body));
};

export default licenseRoutes;
