// A SCIM create onboards the person through the same workflows as an admin's "add users": a
// one-user provisioning request (provisioningRequestWorkflow → userProvisioningWorkflow → the
// invitation), with the setup option the SCIM connection chose. The request id is chosen before
// anything is written, so a create interrupted after its row was recorded is finished by its replay.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DatabaseError } from 'pg';
import { needsPaidSeat } from '../../../domain/licenses';
import { provisioningRequestFindings, type NewProvisioningRequest } from '../../../domain/provisioning-requests';
import { roleAndLicenseFor } from '../../../domain/scim';
import { provisioningWorkflowId, type ProvisioningRequestInput } from '../../../workflows/provisioning-request/definitions';
import type { Caller } from '../credentials';
import type { ProvisioningContextLoader } from '../provisioning-requests/provisioning-context';
import { toProvision } from '../provisioning-requests/provisioning-input';
import type { ProvisioningRequestsData } from '../provisioning-requests/provisioning-requests-data';
import type { ProvisioningWorkflows } from '../provisioning-requests/provisioning-workflows';
import type { UsersData } from '../users/users-data';
import type { ScimAssignments } from './scim-assignments';
import type { ScimConnectionRow } from './scim-connection-data';
import { scimErrors } from './scim-errors';
import type { UserInput } from './scim-resources';
import type { ScimUsersData } from './scim-users-data';

/** toProvision's store for assigned credentials, which SCIM's setup options never use. */
const noCredentials = (): never => {
  throw new Error('A SCIM user is never activated with assigned credentials');
};

export interface ScimProvisioningDeps {
  scimUsersData: ScimUsersData;
  usersData: UsersData;
  provisioningContext: ProvisioningContextLoader;
  provisioningRequestsData: ProvisioningRequestsData;
  workflows: ProvisioningWorkflows;
  temporal: Client;
  assignments: ScimAssignments;
}

/** What a user waiting for a paid seat is created with: free, and no seat. */
const SEATLESS_LICENSE = 'video_pro' as const;

export function createScimProvisioning({ scimUsersData, usersData, provisioningContext, provisioningRequestsData, workflows, temporal, assignments }: ScimProvisioningDeps) {
  /** Whether the request's workflow exists (started by an earlier attempt whose answer was lost), running or not. */
  async function exists(workflowId: string): Promise<boolean> {
    try {
      await temporal.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The provisioning request a SCIM user needs, checked by the rules an admin's request meets. */
  async function prepare(connection: ScimConnectionRow, u: UserInput & { email: string }, groups: string[], { resuming = false } = {}) {
    const { account, ctx, seatsFree } = await provisioningContext(connection.accountId);
    // The department is the user's cost center where the account has them (multi-site accounts).
    const wanted = roleAndLicenseFor(groups, connection.groupMappings, connection.defaultLicense);
    // SCIM never buys: a paid license with no free seat is created free and waits in license pending
    // (its assignment workflow takes the seat when one is freed or bought, the longest waiter first).
    const waitsForSeat = needsPaidSeat(wanted.license) && seatsFree[wanted.license] < 1;
    const { role, license } = waitsForSeat ? { role: wanted.role, license: SEATLESS_LICENSE } : wanted;
    const req: NewProvisioningRequest = {
      users: [{ userType: license, email: u.email, firstName: u.firstName, lastName: u.lastName, role, ...(u.costCenter && ctx.multiSite ? { costCenter: u.costCenter } : {}), setup: { option: connection.setupOption } }],
      // A phone user gets the app and no number from SCIM; no emergency address is asked before activation by invitation.
      continueWithoutEmergencyAddress: true,
    };
    const found = provisioningRequestFindings(req, ctx);
    if (found.all.length > 0) throw scimErrors.refused(`The user cannot be added to this account: ${found.all.map((f) => f.message).join(' ')}`);
    // Resuming a create whose workflow may have started (its answer was lost): the user row may be its own.
    const pending = waitsForSeat ? wanted : undefined;
    if (resuming) return { account, ctx, req, resuming, pending };
    if (account.require_unique_email && (await usersData.emailsInUse(account.id, [u.email])).length > 0) {
      throw scimErrors.uniqueness(`${u.email} already belongs to a user of this account.`);
    }
    return { account, ctx, req, resuming, pending };
  }

  /** Records the request and starts its workflow; each step tolerates having been done before. */
  async function start(connection: ScimConnectionRow, row: { id: string; requestId: string }, prepared: Awaited<ReturnType<typeof prepare>>): Promise<void> {
    const { account, ctx, req } = prepared;
    const requester = await scimUsersData.requester(account.id, connection.createdBy);
    if (!requester) throw scimErrors.refused('The admin who set up the SCIM connection is no longer in the account; set it up again.');
    const caller: Caller = { credentialId: 'scim', accountId: account.id, userId: requester.userId, role: requester.role, canPurchase: false, name: `${requester.name} via SCIM` };
    const workflowId = provisioningWorkflowId(account.id, row.requestId);
    // Never a second run of a request that already ran (a start after it ended would run it again).
    if (prepared.resuming && (await exists(workflowId))) {
      await scimUsersData.markStarted(row.id);
      if (prepared.pending) await assignments.assign(account.id, row, prepared.pending);
      return;
    }
    // SCIM carries no PIN or security answer, so its setup options never assign credentials.
    const users = [await toProvision(req.users[0]!, 0, req, ctx.now, account.country === 'CA' ? 'CA' : 'US', noCredentials)];
    try {
      await provisioningRequestsData.record({ requestId: row.requestId, accountId: account.id, requestedBy: requester.userId, userCount: 1, workflowId }, async () => {});
    } catch (err) {
      if (!(err instanceof DatabaseError && err.code === '23505')) throw err;
    }
    const input: ProvisioningRequestInput = {
      requestId: row.requestId,
      accountId: account.id,
      requestedBy: { userId: requester.userId, name: caller.name, role: requester.role },
      users,
      seatPurchases: [],
      uniqueEmail: account.require_unique_email,
    };
    try {
      await workflows.start(caller, account, input, workflowId, { items: [], totalCents: 0, currency: 'USD' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await scimUsersData.markStarted(row.id);
    if (prepared.pending) await assignments.assign(account.id, row, prepared.pending);
  }

  return { prepare, start };
}
export type ScimProvisioning = ReturnType<typeof createScimProvisioning>;
