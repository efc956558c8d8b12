// The services the routes call, wired once: each resource's data access over the one pool, its
// policy, and the Temporal client for the workflows it starts, signals or updates.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import { createAccountService, createAccountsData } from './accounts';
import { createCallerCache, createCredentialService } from './credentials';
import { createInventoryData, createInventoryService } from './inventory';
import { createInvitationPolicy, createInvitationService, createInvitationStarts, createInvitationWorkflows, createInvitationsData } from './invitations';
import { createInviteLinkService, createInviteLinksData } from './invite-links';
import { createInvitationRequestService, createInvitationRequestsData } from './invitation-requests';
import { createBatchPolicy, createBatchService, createBatchesData } from './invitation-batches';
import { createLicenseService, createLicensesData, type SeatLimits } from './licenses';
import { DEFAULT_SEAT_LIMITS } from '../../config';
import { createListService } from './lists';
import {
  createProvisioningContextLoader,
  createProvisioningQuotes,
  createProvisioningRequestService,
  createProvisioningRequestsData,
  createProvisioningWorkflows,
} from './provisioning-requests';
import { createJoinService, createSignupData, createSignupPasswords, createSignupService } from './signup';
import { createUserOffboardingService, createUserService, createUsersData } from './users';
import { createScimAssignments, createScimConnectionData, createScimConnectionService, createScimGroupsData, createScimGroupsService, createScimProvisioning, createScimUsersData, createScimUsersService, type ScimLifecycle, type ScimProvisioningDeps } from './scim';
import { createWebhookEndpointService, createWebhookEndpointsData } from './webhook-endpoints';

export const DEFAULT_TEMPORAL_UI_URL = 'http://localhost:8233';

export interface ServiceDependencies {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Derives the invite link's token, so the link can be shown again to copy. */
  invitationTokenSecret: string;
  /** Start of the links people open, e.g. http://localhost:3000 */
  publicBaseUrl: string;
  /** How many seats one purchase, and one account, may buy (config: SEATS_PER_PURCHASE_MAX, SEATS_PER_ACCOUNT_MAX). */
  seatLimits?: SeatLimits;
  /** The Temporal Web UI that lists link workflows to, e.g. http://localhost:8233 */
  temporalUiUrl?: string;
  /** Webhook endpoints may point at loopback and private addresses (local development, tests). */
  webhookAllowPrivateAddresses?: boolean;
}

/** SCIM's services: its own token, users onboarded by one-user provisioning requests, groups. */
function createScimServices(db: Db, publicBaseUrl: string, provisioningDeps: Omit<ScimProvisioningDeps, 'scimUsersData' | 'assignments'>, taskQueue: string, lifecycle?: ScimLifecycle) {
  const connections = createScimConnectionData(db);
  const scimUsersData = createScimUsersData(db);
  const assignments = createScimAssignments({ temporal: provisioningDeps.temporal, taskQueue });
  const provisioning = createScimProvisioning({ ...provisioningDeps, scimUsersData, assignments });
  return {
    scimConnections: createScimConnectionService({ data: connections, publicBaseUrl }),
    scimUsers: createScimUsersService({ scimUsersData, connections, provisioning, lifecycle }),
    scimGroups: createScimGroupsService({ groupsData: createScimGroupsData(db), assignments, connections }),
  };
}

export function createServices({ db, temporal, taskQueue, invitationTokenSecret, publicBaseUrl, seatLimits = DEFAULT_SEAT_LIMITS, temporalUiUrl = DEFAULT_TEMPORAL_UI_URL, webhookAllowPrivateAddresses = false }: ServiceDependencies) {
  // Verified callers and their accounts' settings, kept until any process changes them (one per app).
  const callerCache = createCallerCache(db);
  const accounts = createAccountService({ accountsData: createAccountsData(db), cache: callerCache });
  const invitationsData = createInvitationsData(db);
  const inviteLinksData = createInviteLinksData(db);
  const inventoryData = createInventoryData(db);
  const licensesData = createLicensesData(db);
  const usersData = createUsersData(db);
  const invitationWorkflows = createInvitationWorkflows({ temporal, taskQueue });
  const signupPasswords = createSignupPasswords(db);
  const provisioningContext = createProvisioningContextLoader({ accounts, inventoryData, licensesData });
  const provisioningRequestsData = createProvisioningRequestsData(db);
  const provisioningWorkflows = createProvisioningWorkflows({ temporal, taskQueue });
  const invitations = createInvitationService({
    invitationsData,
    accounts,
    policy: createInvitationPolicy({ invitationsData }),
    workflows: invitationWorkflows,
    startInvitation: createInvitationStarts({ invitationsData, workflows: invitationWorkflows }),
  });
  const userOffboarding = createUserOffboardingService({ db, temporal, taskQueue });
  return {
    credentials: createCredentialService({ db, cache: callerCache }),
    inventory: createInventoryService({ inventoryData, licensesData }),
    invitations,
    invitationRequests: createInvitationRequestService({ invitationRequestsData: createInvitationRequestsData(db), invitations, invitationWorkflows, temporal, taskQueue }),
    invitationBatches: createBatchService({ batchesData: createBatchesData(db), policy: createBatchPolicy(), temporal, taskQueue }),
    inviteLinks: createInviteLinkService({ inviteLinksData, accounts, temporal, taskQueue, tokenSecret: invitationTokenSecret, publicBaseUrl }),
    licenses: createLicenseService({ licensesData, temporal, limits: seatLimits }),
    provisioningRequests: createProvisioningRequestService({
      provisioningRequestsData,
      usersData,
      provisioningContext,
      quotes: createProvisioningQuotes({ provisioningRequestsData }),
      workflows: provisioningWorkflows,
    }),
    users: createUserService({ usersData, provisioningContext, temporal }),
    signup: createSignupService({ signupData: createSignupData(db), signupPasswords, invitationWorkflows, temporal }),
    joins: createJoinService({ inviteLinksData, invitationsData, usersData, accounts, signupPasswords, temporal, taskQueue }),
    webhookEndpoints: createWebhookEndpointService({ data: createWebhookEndpointsData(db), temporal, taskQueue, allowPrivateAddresses: webhookAllowPrivateAddresses }),
    lists: createListService({ db, temporalUi: { url: temporalUiUrl, namespace: temporal.options.namespace } }),
    userOffboarding,
    ...createScimServices(db, publicBaseUrl, { usersData, provisioningContext, provisioningRequestsData, workflows: provisioningWorkflows, temporal }, taskQueue, userOffboarding),
  };
}
