// Everything under /v1/accounts/:accountId, one folder per resource. The folder's hooks
// (autohooks.ts) authenticate every request and scope its caller to the account in the path,
// so each route reads `request.caller` and nothing more.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CredentialService } from '../../../services/credentials';
import type { InventoryService } from '../../../services/inventory';
import type { InvitationRequestService } from '../../../services/invitation-requests';
import type { BatchService } from '../../../services/invitation-batches';
import type { InvitationService } from '../../../services/invitations';
import type { InviteLinkService } from '../../../services/invite-links';
import type { LicenseService } from '../../../services/licenses';
import type { ListService } from '../../../services/lists';
import type { ProvisioningRequestService } from '../../../services/provisioning-requests';
import type { UserOffboardingService, UserService } from '../../../services/users';
import type { ScimConnectionService } from '../../../services/scim';
import type { WebhookEndpointService } from '../../../services/webhook-endpoints';
import autohooks from './autohooks';
import credentialRoutes from './credentials';
import inventoryRoutes from './inventory';
import invitationRoutes from './invitations';
import invitationRequestRoutes from './invitation-requests';
import invitationListRoutes from './invitations/list';
import invitationBatchRoutes from './invitation-batches';
import inviteLinkRoutes from './invite-link';
import licenseRoutes from './licenses';
import provisioningRoutes from './provisioning-requests';
import provisioningRequestListRoutes from './provisioning-requests/list';
import userRoutes from './users';
import userListRoutes from './users/list';
import webhookEndpointRoutes from './webhook-endpoints';
import userOffboardingRoutes from './users/offboarding';
import scimConnectionRoutes from './scim-connection';

export interface AccountServices {
  credentials: CredentialService;
  inventory: InventoryService;
  invitations: InvitationService;
  invitationRequests: InvitationRequestService;
  invitationBatches: BatchService;
  inviteLinks: InviteLinkService;
  licenses: LicenseService;
  provisioningRequests: ProvisioningRequestService;
  users: UserService;
  lists: ListService;
  webhookEndpoints: WebhookEndpointService;
  userOffboarding: UserOffboardingService;
  scimConnections: ScimConnectionService;
}

const accountRoutes: FastifyPluginAsyncZod<AccountServices> = async (app, services) => {
  await app.register(autohooks);
  // In this order, the OpenAPI document's paths keep theirs.
  await app.register(inviteLinkRoutes, { inviteLinks: services.inviteLinks });
  await app.register(invitationRoutes, { invitations: services.invitations });
  await app.register(licenseRoutes, { licenses: services.licenses });
  await app.register(credentialRoutes, { credentials: services.credentials });
  await app.register(provisioningRoutes, { provisioningRequests: services.provisioningRequests });
  await app.register(userRoutes, { users: services.users });
  await app.register(inventoryRoutes, { inventory: services.inventory });
  await app.register(invitationRequestRoutes, { invitationRequests: services.invitationRequests });
  // Lists, served from the read model (db/read-model).
  await app.register(invitationListRoutes, { lists: services.lists });
  await app.register(userListRoutes, { lists: services.lists });
  await app.register(provisioningRequestListRoutes, { lists: services.lists });
  await app.register(invitationBatchRoutes, { invitationBatches: services.invitationBatches });
  await app.register(webhookEndpointRoutes, { webhookEndpoints: services.webhookEndpoints });
  await app.register(userOffboardingRoutes, { offboarding: services.userOffboarding });
  await app.register(scimConnectionRoutes, { scimConnections: services.scimConnections });
};

export default accountRoutes;
