// An added user as admins see it, and activating a user who was added with "activate later" (or
// whose welcome email ended unused): the user's provisioning workflow does it, through an update.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { credentialProblems, lacksEmergencyLocation, missingEmergencyAddressMessage, type CredentialsInput } from '../../../domain/provisioning-requests';
import { activateUserAccount, getUserProvisioningStatus, type LaterActivation, type UserProvisioningStatus } from '../../../workflows/provisioning-request/definitions';
import { askWorkflow } from '../../deadlines';
import { updateProblem } from '../../failures';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { LoadedProvisioningContext, ProvisioningContextLoader } from '../provisioning-requests/provisioning-context';
import { credentialsActivation, type StoredCredentialsRow } from '../provisioning-requests/provisioning-input';
import { userView, type UserView } from './user-view';
import type { UserRow, UsersData } from './users-data';
import { assertMayActivate, maySeeUser } from './users-policy';

export type ActivationRequest = { option: 'send_invite' } | ({ option: 'assign_credentials'; continueWithoutEmergencyAddress?: boolean } & CredentialsInput);

/**
 * The activation the workflow takes, once the request passed the same rules as at creation: a 400
 * for the request itself; a 409 for what the account or the user is now (the account's settings and
 * locations, the user's license needing an emergency location), as when users are added.
 */
async function laterActivation(req: ActivationRequest, u: UserRow, { account, ctx }: LoadedProvisioningContext): Promise<LaterActivation & { stored?: StoredCredentialsRow }> {
  if (req.option === 'send_invite') {
    if (!account.require_unique_email) {
      throw problems.conflictsWithAccount('The user was not activated: the account does not take it as it is now.', [
        { field: 'body.option', message: 'Without "Require unique email", users cannot be invited by email: assign credentials instead.' },
      ]);
    }
    return { option: 'send_invite' };
  }
  const found = credentialProblems(req, ctx, 'body');
  if (found.request.length > 0) throw problems.validation('The user was not activated: fix the listed fields.', found.all);
  if (found.account.length > 0) throw problems.conflictsWithAccount('The user was not activated: the listed fields do not fit this account as it is now (its locations or sites).', found.all);
  if (lacksEmergencyLocation(u.license, req) && !req.continueWithoutEmergencyAddress) {
    throw problems.missingEmergencyAddress([{ field: 'body.emergencyResponseLocation', message: missingEmergencyAddressMessage(u.first_name, u.last_name) }]);
  }
  const { activation, stored } = await credentialsActivation(req, u.license, !!req.continueWithoutEmergencyAddress);
  return { ...activation, stored };
}

export function createUserService({ usersData, provisioningContext, temporal }: { usersData: UsersData; provisioningContext: ProvisioningContextLoader; temporal: Client }) {
  async function visibleUser(caller: Caller, userId: string): Promise<UserRow> {
    const u = await usersData.byId(caller.accountId, userId);
    if (!u || !maySeeUser(caller, userId)) throw problems.notFound(`User ${userId}`);
    return u;
  }

  async function provisioningStatus(workflowId: string | null): Promise<UserProvisioningStatus | undefined> {
    if (!workflowId) return undefined;
    try {
      return await temporal.workflow.getHandle(workflowId).query(getUserProvisioningStatus);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async function get(caller: Caller, userId: string): Promise<UserView> {
    const u = await visibleUser(caller, userId);
    return userView(u, await provisioningStatus(u.provisioning_workflow_id));
  }

  return {
    get,

    async activate(caller: Caller, userId: string, req: ActivationRequest): Promise<UserView> {
      assertMayActivate(caller);
      const u = await visibleUser(caller, userId);
      if (!u.provisioning_workflow_id) throw problems.wrongStage('This user was not added by an admin and activates through their own invitation.');
      const { stored, ...activation } = await laterActivation(req, u, await provisioningContext(caller.accountId));
      // The hashes wait in the database; the update carries their id (see provisioning-input.ts).
      if (stored) await usersData.storeAssignedCredentials(caller.accountId, stored);
      try {
        const handle = temporal.workflow.getHandle(u.provisioning_workflow_id!);
        await askWorkflow(temporal, () => handle.startUpdate(activateUserAccount, { args: [activation], waitForStage: 'ACCEPTED' }));
      } catch (err) {
        // Refused: nothing will take them.
        if (stored) await usersData.dropAssignedCredentials(caller.accountId, stored.id).catch(() => undefined);
        throw updateProblem(err, `User ${userId}`);
      }
      return get(caller, userId);
    },
  };
}
export type UserService = ReturnType<typeof createUserService>;
