// The read model: where every invitation, provisioned user and provisioning request stands, kept in
// PostgreSQL by the workflows' activities (stage-writes.ts), and the lists served from it.
export { writeStage, type Queryable } from './stage-writes';
export { type Keyset, type Page, type PageRequest } from './sql';
export { createInvitationList, type InvitationFilter, type InvitationList, type InvitationListRow } from './invitation-list';
export { createUserList, type UserFilter, type UserList, type UserListRow } from './user-list';
export { createProvisioningRequestList, type ProvisioningRequestFilter, type ProvisioningRequestList, type ProvisioningRequestListRow } from './provisioning-request-list';
