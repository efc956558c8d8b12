// Every workflow type the worker registers.
export { invitationWorkflow } from './invitation';
export { shareInviteLinkWorkflow } from './invite-link-sharing';
export { stalledSweepWorkflow } from './stalled-sweep';
