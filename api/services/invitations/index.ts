// Invitations: the table (invitations-data.ts), who may and how often (invitations-policy.ts),
// the workflows (invitation-workflows.ts), starting one (invitation-starts.ts), the view, and the
// service the routes call.
export { createInvitationsData, type InvitationRow, type InvitationsData } from './invitations-data';
export { createInvitationPolicy, assertMayInvite, type InvitationPolicy } from './invitations-policy';
export { createInvitationWorkflows, type InvitationWorkflows } from './invitation-workflows';
export { clientStartOptions } from '../../../workflows/invitation/start';
export { createInvitationStarts, type StartInvitation } from './invitation-starts';
export type { InvitationView } from './invitation-view';
export { invitationIdFor } from '../../../workflows/invitation/start';
export { createInvitationService, type EmailInvitationRequest, type InvitationService, type TextInvitationRequest } from './invitations-service';
