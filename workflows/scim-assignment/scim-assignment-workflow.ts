// A SCIM user's role and license as their groups give them: one function per stage, each returning
// the stage that comes next.
//
//   awaiting user     the user's provisioning has not made the user row yet    → assigning | no user
//   assigning         the role; a paid license takes a seat, never buys one   → assigned | license pending | user disabled
//   license pending   in line for a seat like an invitation (the longest      → assigning
//                     waiter first), woken by seatsAdded; user status license_pending
//   assigned          ends, unless the groups changed meanwhile                → assigning
//
// Started by signal-with-start from the SCIM API whenever a user's groups change; the latest
// assignment wins. The seat is reserved and released by the license activities (activities/licenses.ts).
import { ActivityFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { licenseNames, needsPaidSeat, type PaidLicense } from '../../domain/licenses';
import { backoff } from '../activity-options';
import { enterStage, runStages, type StageFunction } from '../stages';
import { getScimAssignmentStatus, scimAssignmentChanged, seatsAdded, type ScimAssignment, type ScimAssignmentInput, type ScimAssignmentStatus } from './definitions';

const step = (summary: string) =>
  proxyActivities<Activities>({
    summary,
    startToCloseTimeout: '10 seconds',
    retry: backoff('30 seconds'),
  });

/**
 * The user row is made within seconds of the create, or when a user kept inactive (or without an
 * email) is onboarded: looked for every few seconds (one indexed read, no history event per try)
 * for up to a day.
 */
const userRow = proxyActivities<Activities>({
  summary: 'Find the user row the provisioning made',
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: backoff('5 seconds', '500 milliseconds'),
});

interface ScimAssignmentState {
  readonly input: ScimAssignmentInput;
  readonly status: ScimAssignmentStatus;
  /** The groups changed since the assignment being applied was read. */
  changed: boolean;
  seatsAdded: boolean;
}

type Next = StageFunction<ScimAssignmentState> | undefined;

export async function scimAssignmentWorkflow(input: ScimAssignmentInput): Promise<ScimAssignmentStatus> {
  const s: ScimAssignmentState = {
    input,
    status: { workflowId: workflowInfo().workflowId, stage: 'awaiting_user', stageTimes: {}, wanted: input.assignment },
    changed: false,
    seatsAdded: false,
  };
  setHandler(getScimAssignmentStatus, () => s.status);
  setHandler(scimAssignmentChanged, (a) => {
    s.status.wanted = a;
    s.changed = true;
  });
  setHandler(seatsAdded, () => {
    s.seatsAdded = true;
  });
  await runStages(awaitingUser, s);
  return s.status;
}

const what = (a: ScimAssignment) => `${a.role.replace('_', ' ')} with ${licenseNames[a.license]}`;

/** A membership pushed right after the create waits here for the user row instead of being lost. */
async function awaitingUser(s: ScimAssignmentState): Promise<Next> {
  await enterStage(s.status, 'awaiting_user', `Waiting for the user row of SCIM user ${s.input.scimUserId}`);
  try {
    const user = await userRow.scimUserRow({ provisioningKey: s.input.provisioningKey });
    s.status.userId = user.userId;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The provisioning never made the user (it failed): there is nobody to assign to.
    await enterStage(s.status, 'no_user', `SCIM user ${s.input.scimUserId} was never created: nothing assigned`);
    return undefined;
  }
  return assigning;
}

/** The role at once; the license when its seat is had (a free license needs none). */
async function assigning(s: ScimAssignmentState): Promise<Next> {
  const { input, status } = s;
  const wanted = status.wanted;
  s.changed = false;
  await enterStage(status, 'assigning', `Assigning ${what(wanted)} to user ${status.userId}`);
  await step(`Set the role to ${wanted.role}`).setScimUserRole({ userId: status.userId!, role: wanted.role });
  if (needsPaidSeat(wanted.license)) {
    const seat = await step(`Reserve a ${licenseNames[wanted.license]} seat`).reserveSeatForAssignment({ workflowId: status.workflowId, accountId: input.accountId, userId: status.userId!, license: wanted.license });
    if (seat.userDisabled) {
      // Deactivated: no seat; the offboarding gives back what they held, a reactivation takes one again.
      await enterStage(status, 'user_disabled', `User ${status.userId} is deactivated: the role is set, no ${licenseNames[wanted.license]} seat taken`);
      return undefined;
    }
    if (!seat.reserved) return licensePending;
  }
  await step(`Give the user ${licenseNames[wanted.license]}`).applyAssignedLicense({ workflowId: status.workflowId, accountId: input.accountId, userId: status.userId!, license: wanted.license });
  status.applied = wanted;
  status.waitingReason = undefined;
  return assigned;
}

/** No seat free: the user is license pending until seats are bought or freed, or their groups change. SCIM never buys. */
async function licensePending(s: ScimAssignmentState): Promise<Next> {
  const { status } = s;
  const license = status.wanted.license as PaidLicense;
  status.waitingReason = 'no seat available';
  await step('Mark the user license pending').markLicensePending({ userId: status.userId! });
  await enterStage(status, 'license_pending', `User ${status.userId} waits for a ${licenseNames[license]} seat (license pending)`);
  await condition(() => s.seatsAdded || s.changed);
  s.seatsAdded = false;
  return assigning;
}

/** Done, unless the groups changed while this assignment was applied. */
async function assigned(s: ScimAssignmentState): Promise<Next> {
  if (s.changed) return assigning;
  await enterStage(s.status, 'assigned', `User ${s.status.userId} is ${what(s.status.applied!)}`);
  return s.changed ? assigning : undefined;
}
