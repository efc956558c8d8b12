// Invitees' requests for a new invitation: the table (invitation-requests-data.ts), who decides and
// how often one may ask (invitation-requests-policy.ts), and the service the page and routes call.
export { createInvitationRequestsData, invitationRequestStatuses, type InvitationRequestsData, type InvitationRequestStatus } from './invitation-requests-data';
export { assertMayDecide, DEFAULT_REQUEST_QUOTA } from './invitation-requests-policy';
export { createInvitationRequestService, type InvitationRequestService, type InvitationRequestView } from './invitation-requests-service';
