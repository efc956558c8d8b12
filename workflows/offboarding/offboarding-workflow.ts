// One user's offboarding: one function per stage below, each returning the stage that comes next.
//
//   ending onboarding          open invitations revoked, the invite link they shared    → disabling sign-in
//                              revoked, their onboarding workflows told to end
//   disabling sign-in          status disabled, API credentials revoked, out of the     → releasing license
//                              line of seat waiters
//   releasing license          the seat goes back, to the longest-waiting user          → number quarantine
//   number quarantine          the number rests for the account's quarantine (not       → awaiting deskphone return | offboarded
//                              assignable); the deskphone is marked for return; then      | reactivating
//                              the number goes back to the inventory
//   awaiting deskphone return  until an admin records it received                        → offboarded | reonboarding
//   offboarded                 the user's record and history are kept
//
// Reactivation within the quarantine: reactivating (same number, deskphone kept) → awaiting seat
// (license pending, in line like an invitation) → reactivated. After it: reonboarding, a new
// invitation for the same user. Every step is idempotent; the handlers (handlers.ts) only record
// requests in the state (state.ts).
import { ParentClosePolicy, condition, proxyLocalActivities, setCurrentDetails, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import { licenseNames, needsPaidSeat, type License } from '../../domain/licenses';
import type { OffboardingStage } from '../../domain/stages';
import { invitationWorkflow } from '../invitation/invitation-workflow';
import { invitationStart } from '../invitation/start';
import { untilItSucceeds } from '../activity-options';
import { enterStage, runToEnd, type StageFunction } from '../stages';
import type { OffboardingInput, OffboardingStatus } from './definitions';
import { handleRequests } from './handlers';
import { newOffboardingState, type OffboardingState } from './state';

/**
 * Each step is a short database statement (or a few signals), idempotent: retried until it
 * succeeds, since an offboarding must finish. Local activities: one marker event each instead of
 * three events and a workflow task (an offboarding to its end writes about half the history), and a
 * dead worker's step runs again when the workflow task is retried elsewhere.
 */
const step = (summary: string) => proxyLocalActivities<Activities>(untilItSucceeds('10 seconds', summary));

/** The stage to run next; `closed` once the user is offboarded, reactivated, or onboarding again. */
type Next = StageFunction<OffboardingState> | typeof closed;
const closed = undefined;

/** The last stage is over: requests that arrive now are refused while the last answers go out. */
const closing = (s: OffboardingState) => {
  s.closing = true;
};

export async function offboardingWorkflow(input: OffboardingInput): Promise<OffboardingStatus> {
  const state = newOffboardingState(input);
  handleRequests(state);
  let first: Next = input.startedFor === 'reactivation' ? reonboarding : endingOnboarding;
  // A deactivation asked as a reactivation ends (even while the last requests are answered) offboards the user again.
  while (first) {
    state.closing = false;
    await runToEnd(first, state, closing);
    first = state.requests.deactivate ? endingOnboarding : closed;
  }
  return state.status;
}

/** Nothing of the onboarding goes on: open invitations and the shared invite link end, onboarding workflows stop. */
async function endingOnboarding(s: OffboardingState): Promise<Next> {
  const { accountId, userId } = s.input;
  s.requests.deactivate = false;
  await enter(s, 'ending_onboarding', `Deactivating user ${userId}: ending open invitations, invite links and onboarding`);
  const ended = await step('End open invitations, invite links and onboarding').endOnboarding({ accountId, userId });
  s.status.onboardingEnded = [...new Set([...s.status.onboardingEnded, ...ended.workflowsEnded])];
  return disablingSignIn;
}

async function disablingSignIn(s: OffboardingState): Promise<Next> {
  await enter(s, 'disabling_sign_in', `Disabling sign-in and API credentials of user ${s.input.userId}`);
  s.user = await step('Disable sign-in and revoke API credentials').disableUser({ accountId: s.input.accountId, userId: s.input.userId });
  return releasingLicense;
}

async function releasingLicense(s: OffboardingState): Promise<Next> {
  await enter(s, 'releasing_license', `${who(s)}: releasing the license seat`);
  const { released } = await step('Release the license seat to the longest waiter').releaseUserSeat({ offboardingKey: s.key, accountId: s.input.accountId, userId: s.input.userId });
  s.status.seatsReleased = [...new Set([...s.status.seatsReleased, ...released])];
  return numberQuarantine;
}

/**
 * The number rests for the account's quarantine (a reactivation meanwhile gets it back), the
 * deskphone is marked for return and may come back meanwhile; then the number goes to the inventory.
 */
async function numberQuarantine(s: OffboardingState): Promise<Next> {
  const { status, input } = s;
  const quarantineSeconds = s.user!.quarantineSeconds;
  // The stage is entered once the number rests and the deskphone is marked: from then on both are as it says.
  const q = await step('Quarantine the phone number').quarantinePhoneNumber({ userId: input.userId, quarantineSeconds });
  status.phoneNumber = q.phoneNumber;
  status.numberReturned = undefined;
  // No number: the same window still bounds a reactivation that keeps everything.
  status.quarantinedUntil = q.quarantinedUntil ?? new Date(Date.now() + quarantineSeconds * 1000).toISOString();
  const marked = await step('Mark the deskphone for return').markDeskphoneForReturn({ offboardingKey: s.key, accountId: input.accountId, userId: input.userId });
  status.deskphonesOut = marked.deviceIds.filter((id) => !status.deskphonesReceived.includes(id));
  status.ordersCancelled = [...new Set([...status.ordersCancelled, ...marked.ordersCancelled])];
  await enter(s, 'number_quarantine', `${who(s)}: ${status.phoneNumber ?? 'no number'} in quarantine until ${status.quarantinedUntil}${status.deskphonesOut.length ? `; deskphone ${status.deskphonesOut.join(', ')} to be returned` : ''}`);
  for (;;) {
    const woke = await condition(() => s.requests.reactivate !== undefined || s.requests.received.length > 0, Math.max(0, Date.parse(status.quarantinedUntil!) - Date.now()), {
      summary: `Quarantine until ${status.quarantinedUntil}`,
    });
    await receiveDeskphones(s);
    if (s.requests.reactivate) return reactivating;
    if (!woke) break;
  }
  if (status.phoneNumber) {
    const back = await step(`Return ${status.phoneNumber} to the number inventory`).returnPhoneNumber({ offboardingKey: s.key, accountId: input.accountId, userId: input.userId, phoneNumber: status.phoneNumber });
    status.numberReturned = back.returned || status.numberReturned === true;
  }
  return status.deskphonesOut.length ? awaitingDeskphoneReturn : offboarded;
}

async function awaitingDeskphoneReturn(s: OffboardingState): Promise<Next> {
  await enter(s, 'awaiting_deskphone_return', `${who(s)}: waiting for deskphone ${s.status.deskphonesOut.join(', ')} to be returned`);
  while (s.status.deskphonesOut.length > 0) {
    await condition(() => s.requests.reactivate !== undefined || s.requests.received.length > 0);
    await receiveDeskphones(s);
    if (s.requests.reactivate) return reonboarding;
  }
  return offboarded;
}

/** The record and the history stay; a reactivation that arrived meanwhile onboards the user again. */
async function offboarded(s: OffboardingState): Promise<Next> {
  await enter(s, 'offboarded', `${who(s)} is offboarded; the record and history are kept`);
  return s.requests.reactivate ? reonboarding : closed;
}

/** Within the quarantine: the same number back, the deskphone kept, sign-in back on; a paid license needs a seat again. */
async function reactivating(s: OffboardingState): Promise<Next> {
  const { status, input } = s;
  status.reactivatedBy = s.requests.reactivate?.requestedBy;
  await enter(s, 'reactivating', `Reactivating ${who(s)}${status.phoneNumber ? ` with ${status.phoneNumber}` : ''}`);
  s.requests.reactivate = undefined;
  if (status.phoneNumber) await step(`Give ${status.phoneNumber} back to the user`).restorePhoneNumber({ userId: input.userId, phoneNumber: status.phoneNumber });
  if (status.deskphonesOut.length) await step('The user keeps the deskphone').keepDeskphone({ userId: input.userId });
  status.deskphonesOut = [];
  status.quarantinedUntil = undefined;
  const license = seatLicense(s);
  await step('Turn sign-in back on').reenableUser({ userId: input.userId, waitsForSeat: license !== undefined });
  return license ? awaitingSeat : reactivated;
}

/** License pending: in line for a seat like an invitation (the longest waiter first), woken by seatsAdded. A new deactivation ends the wait. */
async function awaitingSeat(s: OffboardingState): Promise<Next> {
  const { status, input, requests: asked } = s;
  const license = seatLicense(s)!;
  await enter(s, 'awaiting_seat', `${who(s)} is reactivated and waits for a ${licenseNames[license]} seat (license pending)`);
  for (;;) {
    const seat = await step(`Reserve a ${licenseNames[license]} seat`).reserveSeatForReactivation({ workflowId: status.workflowId, accountId: input.accountId, userId: input.userId, license });
    if (seat.reserved) break;
    status.waitingReason = 'no seat available';
    await condition(() => asked.seatsAdded || asked.deactivate);
    asked.seatsAdded = false;
    if (asked.deactivate) {
      status.waitingReason = undefined;
      return endingOnboarding;
    }
  }
  status.waitingReason = undefined;
  await step('Activate the user').activateUser({ userId: input.userId, license });
  return reactivated;
}

async function reactivated(s: OffboardingState): Promise<Next> {
  await enter(s, 'reactivated', `${who(s)} is active again${s.status.phoneNumber ? ` with ${s.status.phoneNumber}` : ''}`);
  return closed;
}

/** After the quarantine: onboarded again by a new invitation to the same user, which runs on its own. */
async function reonboarding(s: OffboardingState): Promise<Next> {
  const { status, input } = s;
  const requestedBy = s.requests.reactivate?.requestedBy ?? input.requestedBy;
  status.reactivatedBy = requestedBy;
  s.requests.reactivate = undefined;
  await enter(s, 'reonboarding', `Onboarding user ${input.userId} again`);
  if (status.deskphonesOut.length) await step('The user keeps the deskphone').keepDeskphone({ userId: input.userId });
  status.deskphonesOut = [];
  const inv = await step('Record the new onboarding\'s invitation').prepareReonboarding({ accountId: input.accountId, userId: input.userId, requestedBy });
  const start = invitationStart(inv.account, inv.inviterName, inv.inviterRole, { id: inv.invitationId, channel: 'email', email: inv.email, type: inv.inviteeType, role: inv.role, license: inv.license }, undefined, inv.firstTokenGeneration);
  try {
    await startChild(invitationWorkflow, { ...start, parentClosePolicy: ParentClosePolicy.ABANDON });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // already onboarding: that invitation is the one
  }
  status.reonboardingInvitationId = inv.invitationId;
  setCurrentDetails(`${inv.email} is onboarded again: invitation ${inv.invitationId}`);
  return closed;
}

// ── What the stages share ──────────────────────────────────────────────────────────────────────

const enter = (s: OffboardingState, stage: OffboardingStage, summary: string) =>
  enterStage(s.status, stage, summary, { record: { kind: 'offboarding', userId: s.input.userId } });

const who = (s: OffboardingState) => s.user?.email ?? `user ${s.input.userId}`;

/** The paid license a reactivated user needs a seat of: the one released, or theirs. */
function seatLicense(s: OffboardingState): License | undefined {
  const license = s.status.seatsReleased[0] ?? s.user?.license;
  return license && needsPaidSeat(license) ? license : undefined;
}

/** Deskphones an admin recorded as received go back into the inventory, each once. */
async function receiveDeskphones(s: OffboardingState): Promise<void> {
  const { status, requests: asked, input } = s;
  while (asked.received.length > 0) {
    const deviceId = asked.received[0]!;
    await step(`Put deskphone ${deviceId} back into the inventory`).receiveDeskphone({ offboardingKey: s.key, accountId: input.accountId, userId: input.userId, deviceId });
    asked.received.shift();
    status.deskphonesOut = status.deskphonesOut.filter((id) => id !== deviceId);
    if (!status.deskphonesReceived.includes(deviceId)) status.deskphonesReceived.push(deviceId);
  }
}
