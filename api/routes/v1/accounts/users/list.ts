// GET /v1/accounts/:accountId/users (a filtered page: onboarding stage, license, number, deskphone)
// and …/users/summary (counts by onboarding stage), served from the read model (list-routes.ts).
import { z } from 'zod';
import { licenses } from '../../../../../domain/licenses';
import { roles } from '../../../../../domain/roles';
import type { OnboardingStage } from '../../../../../domain/stage-records';
import { invitationStages, offboardingStages, userProvisioningStages, userStatuses } from '../../../../../domain/stages';
import { createdRange, emailText, exactOrPrefix, oneOrMore, phoneText } from '../../../list-schemas';
import { listRoutes } from '../../../list-routes';

const onboardingStages = [...new Set([...userProvisioningStages, ...invitationStages])] as [OnboardingStage, ...OnboardingStage[]];

const userFilters = {
  stage: oneOrMore(onboardingStages, 'Onboarding stage: an added user\'s provisioning stage or, for one who signed up from an invitation, the invitation\'s').optional(),
  status: oneOrMore(userStatuses).optional(),
  license: oneOrMore(licenses).optional(),
  role: oneOrMore(roles).optional(),
  ...exactOrPrefix('email', emailText, { exactly: 'The address, exactly (case does not matter)', prefix: 'Addresses starting with this' }),
  ...exactOrPrefix('phoneNumber', phoneText, { exactly: 'The user\'s number, exactly (E.164)', prefix: 'Numbers starting with this, e.g. +1415' }),
  ...createdRange,
};

const userListItem = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: z.enum(roles),
  license: z.enum(licenses),
  status: z.enum(userStatuses),
  extension: z.number().nullable(),
  phoneNumber: z.string().nullable(),
  deskphone: z.union([z.object({ kind: z.literal('inventory'), deviceId: z.string() }), z.object({ kind: z.literal('order'), orderId: z.string() })]).nullable(),
  addedByAdmin: z.boolean().describe('Added by an admin (a provisioning request); otherwise signed up from an invitation'),
  onboarding: z.object({
    stage: z.string().nullable().describe('Null until recorded (people who signed up before the read model, or the first Super Admin)'),
    stageSince: z.string().nullable(),
    workflowId: z.string().nullable(),
    workflowUrl: z.string().nullable(),
  }),
  offboarding: z.object({
    stage: z.enum(offboardingStages).nullable(),
    stageSince: z.string().nullable(),
    workflowId: z.string(),
    workflowUrl: z.string(),
  }).nullable().describe('The latest deactivation (and reactivation) of the user; null if never deactivated'),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
});

function userFilter(q: z.infer<z.ZodObject<typeof userFilters>>) {
  return {
    stages: q.stage, statuses: q.status, licenses: q.license, roles: q.role, email: q.email, emailPrefix: q.emailPrefix,
    phoneNumber: q.phoneNumber, phoneNumberPrefix: q.phoneNumberPrefix, createdAfter: q.createdAfter, createdBefore: q.createdBefore,
  };
}

export default listRoutes({
  path: '/users',
  tag: 'users',
  filters: userFilters,
  toFilter: userFilter,
  item: userListItem,
  stages: onboardingStages,
  summaries: {
    list: 'The account\'s users, newest first, with their onboarding stage, license, number and deskphone',
    counts: 'How many users stand in each onboarding stage (with the same filters as the list)',
    description: 'Served from PostgreSQL, kept current by the workflows. Users see only themselves. Page with `nextCursor`.',
  },
  read: (lists) => ({ page: lists.listUsers, counts: lists.summarizeUsers }),
});
