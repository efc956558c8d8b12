// One "add users" request (1 to 25 users): buy the seats the admin acknowledged in the quote, then
// provision every user in a child workflow of its own, side by side, so one user's failure never
// undoes the others. The request completes when every user's provisioning has settled (created or
// failed); the users' workflows go on to activation on their own (ParentClosePolicy ABANDON).
import {
  ParentClosePolicy,
  condition,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { licenseNames } from '../../domain/licenses';
import { getProvisioningStatus, userProvisioned, userProvisioningWorkflowId, type ProvisioningRequestInput, type ProvisioningStatus, type UserProvisioningResult, type UserToProvision } from './definitions';
import { AccountId, InviteeEmail, OnboardingChannel, OnboardingStage } from '../search-attributes';
import { enterStage } from '../stages';
import { userProvisioningWorkflow } from './user-provisioning-workflow';

const purchases = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function provisioningRequestWorkflow(input: ProvisioningRequestInput): Promise<ProvisioningStatus> {
  const status: ProvisioningStatus = { requestId: input.requestId, stage: 'purchasing', userCount: input.users.length, users: [] };
  const settled = new Map<number, UserProvisioningResult>();
  const record = (r: UserProvisioningResult) => {
    if (settled.has(r.index)) return;
    settled.set(r.index, r);
    status.users = [...settled.values()].sort((a, b) => a.index - b.index);
  };
  setHandler(getProvisioningStatus, () => status);
  setHandler(userProvisioned, record);

  const enter = (stage: ProvisioningStatus['stage'], summary: string) => enterStage(status, stage, summary);

  if (input.seatPurchases.length > 0) {
    const what = input.seatPurchases.map((p) => `${p.seats} ${licenseNames[p.license]}`).join(', ');
    enter('purchasing', `Buying seats: ${what}`);
    await purchases.purchaseLicenseSeats({ requestId: input.requestId, accountId: input.accountId, purchases: input.seatPurchases });
  }

  enter('provisioning', `Adding ${input.users.length} user${input.users.length === 1 ? '' : 's'}`);
  const startUser = async (user: UserToProvision) => {
    const child = await startChild(userProvisioningWorkflow, {
      workflowId: userProvisioningWorkflowId(input.accountId, input.requestId, user.index),
      args: [{ requestId: input.requestId, accountId: input.accountId, requestedBy: input.requestedBy, user, uniqueEmail: input.uniqueEmail }],
      // Activation can take weeks (an invitation) or wait for an admin: the request does not wait for it.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: AccountId, value: input.accountId },
        { key: OnboardingChannel, value: 'admin' },
        { key: OnboardingStage, value: 'reserving' },
        { key: InviteeEmail, value: user.email },
      ],
      staticSummary: `Adding ${user.firstName} ${user.lastName} <${user.email}> as ${licenseNames[user.license]} (${user.role.replace('_', ' ')}), setup: ${user.activation.option.replace(/_/g, ' ')}`,
      staticDetails: `User ${user.index + 1} of ${input.users.length} in request ${input.requestId}, by ${input.requestedBy.name || input.requestedBy.userId}.`,
    });
    // The user's workflow reports by signal; one that fails or is terminated before reporting still counts.
    child.result().then(
      (r) => record(r),
      (err: Error) => record({ index: user.index, email: user.email, outcome: 'failed', stage: 'failed', failure: `provisioning stopped: ${err.cause instanceof Error ? err.cause.message : err.message}` }),
    );
  };
  await Promise.all(input.users.map(startUser));
  await condition(() => settled.size === input.users.length);

  const failed = status.users.filter((u) => u.outcome === 'failed').length;
  enter('completed', `${input.users.length - failed} of ${input.users.length} users added${failed ? `, ${failed} failed` : ''}`);
  return status;
}
