// /v1/accounts/:accountId/users/:userId/{deactivation,reactivation,offboarding,deskphone-return}
// and /v1/accounts/:accountId/number-quarantine: offboarding a user, for admins. The identity
// provider (SCIM) calls the same service.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { licenses } from '../../../../../domain/licenses';
import { offboardingStages } from '../../../../../domain/stages';
import { assertMayOffboard, requestedByCaller, type UserOffboardingService } from '../../../../services/users';
import { accountOperationFrame, accountParams, problemSchema } from '../../../schemas';

const userParams = accountParams.extend({ userId: z.uuid() });
const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };

const offboardingStatus = z.object({
  workflowId: z.string(),
  userId: z.string(),
  stage: z.enum(offboardingStages),
  stageTimes: z.record(z.string(), z.string()),
  onboardingEnded: z.array(z.string()).describe('Onboarding workflows (open invitations, the provisioning) told to end'),
  seatsReleased: z.array(z.enum(licenses)).describe('Licenses whose seat went back to the inventory, and to the longest-waiting user'),
  phoneNumber: z.string().optional(),
  quarantinedUntil: z.string().optional().describe('Until then the number is not assignable, and a reactivation gets it back'),
  numberReturned: z.boolean().optional(),
  deskphonesOut: z.array(z.string()).describe('Deskphones marked for return, not yet received'),
  deskphonesReceived: z.array(z.string()),
  ordersCancelled: z.array(z.string()).describe('Deskphone orders cancelled before delivery'),
  reactivatedBy: z.string().optional(),
  reonboardingInvitationId: z.string().optional().describe('After the quarantine a reactivation onboards the user again with this invitation'),
  waitingReason: z.string().optional(),
});

const outcome = z.object({
  workflowId: z.string(),
  stage: z.enum(offboardingStages),
  status: offboardingStatus.optional().describe('The workflow\'s own account (absent for an offboarding that has ended)'),
});

const quarantine = z.strictObject({
  quarantineSeconds: z.number().int().min(1).max(31_536_000).describe('How long a departed user\'s number stays out of the inventory (default 2,592,000: 30 days)'),
});

const offboardingRoutes: FastifyPluginAsyncZod<{ offboarding: UserOffboardingService }> = async (app, { offboarding }) => {
  const base = { ...accountOperationFrame('users'), params: userParams };

  app.post('/users/:userId/deactivation', {
    schema: {
      ...base,
      summary: 'Deactivate a user (admins): offboarding starts',
      description:
        'Ends open invitations and the invite link the user shared (and an onboarding still running), disables sign-in and API credentials, ' +
        'releases the license seat (to the longest-waiting user), quarantines the number for the account\'s `number-quarantine`, and marks the ' +
        'deskphone for return. The user\'s record and history are kept (status `disabled`). Asked again, it answers with the offboarding under way ' +
        'or done. Send an `Idempotency-Key` to retry safely.',
      response: { 202: outcome, ...errors },
    },
  }, async (request, reply) => {
    assertMayOffboard(request.caller, request.params.userId, 'deactivate users');
    const done = await offboarding.deactivate({ accountId: request.caller.accountId, userId: request.params.userId, requestedBy: requestedByCaller(request.caller) });
    return reply.code(202).send(done);
  });

  app.post('/users/:userId/reactivation', {
    schema: {
      ...base,
      summary: 'Reactivate a deactivated user (admins)',
      description:
        'Within the number quarantine the user gets the same number and a seat back (status `license_pending` until one is free, ' +
        'longest waiter first) and keeps the deskphone; after it, the user is onboarded again with a new invitation (stage `reonboarding`). ' +
        '409 `wrong-stage` when the user is not deactivated. Send an `Idempotency-Key` to retry safely.',
      response: { 200: outcome, ...errors },
    },
  }, async (request) => {
    assertMayOffboard(request.caller, request.params.userId, 'reactivate users');
    return offboarding.reactivate({ accountId: request.caller.accountId, userId: request.params.userId, requestedBy: requestedByCaller(request.caller) });
  });

  app.get('/users/:userId/offboarding', {
    schema: { ...base, summary: 'Where the user\'s latest offboarding (or reactivation) stands', response: { 200: outcome, 401: problemSchema, 403: problemSchema, 404: problemSchema } },
  }, async (request) => {
    assertMayOffboard(request.caller, request.params.userId, 'see a user\'s offboarding');
    return offboarding.status({ accountId: request.caller.accountId, userId: request.params.userId });
  });

  app.post('/users/:userId/deskphone-return', {
    schema: {
      ...base,
      summary: 'Record that a deactivated user\'s deskphone was received (admins): it goes back into the inventory',
      description: '409 `wrong-stage` when that deskphone is not awaited back from this user. Recording it twice answers the same.',
      body: z.strictObject({ deviceId: z.string().min(1).max(200).describe('The deskphone\'s inventory id') }),
      response: { 200: outcome, ...errors },
    },
  }, async (request) => {
    assertMayOffboard(request.caller, request.params.userId, 'record deskphone returns');
    return offboarding.deskphoneReturned({ accountId: request.caller.accountId, userId: request.params.userId, deviceId: request.body.deviceId });
  });

  const settings = { ...accountOperationFrame('users'), params: accountParams };
  app.get('/number-quarantine', {
    schema: { ...settings, summary: 'How long a deactivated user\'s number stays out of the inventory', response: { 200: quarantine, 401: problemSchema, 404: problemSchema } },
  }, async (request) => offboarding.quarantine(request.caller.accountId));

  app.put('/number-quarantine', {
    schema: {
      ...settings,
      summary: 'Set the number quarantine (admins); it applies to deactivations from now on',
      body: quarantine,
      response: { 200: quarantine, 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema },
    },
  }, async (request) => {
    assertMayOffboard(request.caller, request.caller.userId, 'change the number quarantine');
    return offboarding.setQuarantine(request.caller.accountId, request.body.quarantineSeconds);
  });
};

export default offboardingRoutes;
