// The invite link: its table (invite-links-data.ts), who may (invite-links-policy.ts), the service.
export { createInviteLinksData, type InviteLinksData, type LinkRow } from './invite-links-data';
export { createInviteLinkService, type InviteLinkService, type InviteLinkView } from './invite-links-service';
