// Activities are built by a factory from their dependencies (dependencies.ts), so the worker passes
// real services and tests pass real local ones (a throwaway database, an in-process SMTP server,
// the local Twilio-compatible endpoint).
import { createStalledSweepActivities } from '../operations/stalled-activations';
import type { ActivityDependencies } from './dependencies';
import { createInvitationMessagingActivities } from './invitation-messaging';
import { createInviteLinkSharingActivities } from './invite-link-sharing';
import { createInvitationRequestActivities } from './invitation-requests';
import { createLicenseActivities } from './licenses';
import { createStageReadModelActivities } from './stage-read-model';
import { createUserAccountActivities } from './user-accounts';
import { createDeskphoneActivities } from './deskphones';
import { createPhoneNumberActivities } from './phone-numbers';
import { createUserProvisioningActivities } from './user-provisioning';
import { createInvitationBatchActivities } from './invitation-batches';
import { createWebhookDeliveryActivities } from './webhook-delivery';
import { createOffboardingActivities } from './offboarding';
import { createScimAssignmentActivities } from './scim-assignment';

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createInvitationMessagingActivities(deps),
    ...createInviteLinkSharingActivities(deps),
    ...createInvitationRequestActivities(deps),
    ...createUserAccountActivities(deps),
    ...createLicenseActivities(deps),
    ...createPhoneNumberActivities(deps),
    ...createDeskphoneActivities(deps),
    ...createUserProvisioningActivities(deps),
    ...createStalledSweepActivities(deps),
    ...createStageReadModelActivities(deps),
    ...createInvitationBatchActivities(deps),
    ...createWebhookDeliveryActivities(deps),
    ...createOffboardingActivities(deps),
    ...createScimAssignmentActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
