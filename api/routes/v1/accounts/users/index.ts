// /v1/accounts/:accountId/users/:userId: an added user, and activating them later.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { licenses } from '../../../../../domain/licenses';
import type { UserService } from '../../../../services/users';
import { credentials } from '../provisioning-requests/schemas';
import { accountOperationFrame, accountParams, problemSchema } from '../../../schemas';
import { userProvisioningStages } from '../../../../../domain/stages';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const userParams = accountParams.extend({ userId: z.uuid() });

const userView = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: z.string(),
  userType: z.enum(licenses),
  status: z.string().describe('not_activated, license_pending, active or disabled'),
  extension: z.number().nullable(),
  phoneNumber: z.string().nullable(),
  deskphone: z.union([z.object({ kind: z.literal('inventory'), deviceId: z.string() }), z.object({ kind: z.literal('order'), orderId: z.string() })]).nullable(),
  costCenter: z.string().nullable(),
  site: z.string().nullable(),
  mustChangePassword: z.boolean(),
  mustAddEmergencyAddress: z.boolean(),
  emergencyResponseLocationId: z.string().nullable(),
  activation: z.object({ stage: z.enum(userProvisioningStages), workflowId: z.string(), invitationId: z.string().optional(), waitingReason: z.string().optional() }).optional(),
});

const activationBody = z.discriminatedUnion('option', [
  z.strictObject({ option: z.literal('send_invite') }).describe('Send the welcome email with an activation link'),
  z.strictObject({ option: z.literal('assign_credentials'), ...credentials, continueWithoutEmergencyAddress: z.boolean().optional() }).describe('Activate now with these credentials'),
]);

const userRoutes: FastifyPluginAsyncZod<{ users: UserService }> = async (app, { users }) => {
  const base = { ...accountOperationFrame('users'), params: userParams };

  app.get('/users/:userId', {
    schema: { ...base, summary: 'A user: extension, number, deskphone, and where activation stands', response: { 200: userView, ...errors } },
  }, async (request) => users.get(request.caller, request.params.userId));

  app.post('/users/:userId/activation', {
    schema: {
      ...base,
      summary: 'Activate a user added with "activate later" (or whose welcome email ended unused): by assigning credentials or by sending the welcome email',
      body: activationBody,
      response: { 200: userView, ...errors },
    },
  }, async (request) => users.activate(request.caller, request.params.userId, request.body));
};

export default userRoutes;
