// Every workflow type the worker registers.
export { invitationWorkflow } from './invitation/invitation-workflow';
export { shareInviteLinkWorkflow } from './invite-link-sharing';
export { invitationRequestWorkflow } from './invitation-requests';
export { stalledSweepWorkflow } from './stalled-sweep';
export { provisioningRequestWorkflow } from './provisioning-request/provisioning-request-workflow';
export { userProvisioningWorkflow } from './provisioning-request/user-provisioning-workflow';
export { invitationBatchWorkflow } from './invitation-batch/invitation-batch-workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery/webhook-delivery-workflow';
export { offboardingWorkflow } from './offboarding/offboarding-workflow';
export { scimAssignmentWorkflow } from './scim-assignment/scim-assignment-workflow';
