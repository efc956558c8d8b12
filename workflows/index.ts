// Every workflow type the worker registers.
export { invitationWorkflow } from './invitation';
export { shareInviteLinkWorkflow } from './invite-link-sharing';
export { stalledSweepWorkflow } from './stalled-sweep';
export { provisioningRequestWorkflow } from './provisioning-request';
export { userProvisioningWorkflow } from './user-provisioning';
