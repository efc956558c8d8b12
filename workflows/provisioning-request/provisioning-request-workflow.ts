// One "add users" request (1 to 25 users), stage by stage:
//
//   purchasing     buys the seats the admin acknowledged in the quote (only if it listed any)
//   provisioning   every user in a child workflow of their own, side by side, so one user's failure
//                  never undoes the others, until each has settled (created or failed)
//   completed      says how many were added; the users' workflows go on to activation on their own
//                  (ParentClosePolicy ABANDON)
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
import { untilItSucceeds } from '../activity-options';
import { enterStage } from '../stages';
import { userProvisioningWorkflow } from './user-provisioning-workflow';

const purchases = proxyActivities<Activities>(untilItSucceeds('30 seconds'));

/** What the read model records of the request besides its stage. */
const requestRecord = { kind: 'provisioning_request' } as const;

/** The request as it stands: its status (what the query answers) and each user's settled outcome, by index. */
interface RequestState {
  readonly input: ProvisioningRequestInput;
  readonly status: ProvisioningStatus;
  readonly settled: Map<number, UserProvisioningResult>;
}

export async function provisioningRequestWorkflow(input: ProvisioningRequestInput): Promise<ProvisioningStatus> {
  const request: RequestState = {
    input,
    status: { requestId: input.requestId, stage: 'purchasing', userCount: input.users.length, users: [] },
    settled: new Map(),
  };
  setHandler(getProvisioningStatus, () => request.status);
  setHandler(userProvisioned, (result) => record(request, result));

  if (input.seatPurchases.length > 0) await purchasing(request);
  await provisioning(request);
  return await completed(request);
}

/** Buy the seats beyond the inventory, as quoted and acknowledged. */
async function purchasing({ input, status }: RequestState): Promise<void> {
  const what = input.seatPurchases.map((p) => `${p.seats} ${licenseNames[p.license]}`).join(', ');
  await enterStage(status, 'purchasing', `Buying seats: ${what}`, { record: requestRecord });
  await purchases.purchaseLicenseSeats({ requestId: input.requestId, accountId: input.accountId, purchases: input.seatPurchases });
}

/** Every user in a workflow of their own, side by side; done when each has settled (created or failed). */
async function provisioning(request: RequestState): Promise<void> {
  const { input, status, settled } = request;
  await enterStage(status, 'provisioning', `Adding ${input.users.length} user${input.users.length === 1 ? '' : 's'}`, { record: requestRecord });
  await Promise.all(input.users.map((user) => startUserProvisioning(request, user)));
  await condition(() => settled.size === input.users.length);
}

async function completed({ input, status }: RequestState): Promise<ProvisioningStatus> {
  const failed = status.users.filter((u) => u.outcome === 'failed').length;
  await enterStage(status, 'completed', `${input.users.length - failed} of ${input.users.length} users added${failed ? `, ${failed} failed` : ''}`, { record: { ...requestRecord, usersFailed: failed } });
  return status;
}

/** A user's outcome counts once: from their workflow's signal, or from its end if it never reported. */
function record({ status, settled }: RequestState, result: UserProvisioningResult): void {
  if (settled.has(result.index)) return;
  settled.set(result.index, result);
  status.users = [...settled.values()].sort((a, b) => a.index - b.index);
}

async function startUserProvisioning(request: RequestState, user: UserToProvision): Promise<void> {
  const { input } = request;
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
    (result) => record(request, result),
    (err: Error) => record(request, { index: user.index, email: user.email, outcome: 'failed', stage: 'failed', failure: `provisioning stopped: ${err.cause instanceof Error ? err.cause.message : err.message}` }),
  );
}
