// One added user's whole life: one function per stage below, each returning the stage that comes next.
//
//   reserving             seat, deskphone, number, then the user      → activation as the admin chose | failed
//                         with an extension
//   failed                whatever was taken is given back (saga compensation); only this user fails
//   with credentials      the admin set the password and PIN          → activated
//   invited               the welcome email's invitation runs         → activated | awaiting activation
//   awaiting activation   "activate later", or the invitation ended    → invited | with credentials
//                         unused: an admin activates the user
//
// The request's other users are their own workflows. The request's workflow hears this user's outcome
// by signal as soon as it is settled (created or failed); activation may then take days (an invitation)
// or wait for an admin. The update handler only records an admin's request; the stages act on it.
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import { hasPhoneService, needsPaidSeat, licenseNames, type PaidLicense } from '../../domain/licenses';
import { failureTypes } from '../../domain/failures';
import { stageWords, type UserProvisioningStage } from '../../domain/stages';
import type { InvitationStatus } from '../invitation/definitions';
import { invitationWorkflow } from '../invitation/invitation-workflow';
import { invitationStart } from '../invitation/start';
import { backoff, untilItSucceeds } from '../activity-options';
import { enterStage, runToEnd, type StageFunction } from '../stages';
import {
  activateUserAccount,
  getUserProvisioningStatus,
  reservationKey,
  userDeactivated,
  userProvisioned,
  type Activation,
  type DeskphoneChoice,
  type LaterActivation,
  type NumberChoice,
  type UserProvisioningInput,
  type UserProvisioningResult,
  type UserProvisioningStatus,
} from './definitions';

/**
 * Reservations and activation steps, each with a one-line summary for the Temporal UI's timeline:
 * transient trouble is retried for a while (8 attempts); a refusal (non-retryable) ends the step at
 * once, and while reserving that fails the user. The timeout is short: a worker that dies mid-step is
 * replaced within seconds (every step is idempotent).
 */
/** The same options whether a step runs as an activity or (dbStep) as a local activity. */
const stepOptions = (summary: string): ActivityOptions & LocalActivityOptions => ({
  summary,
  startToCloseTimeout: '10 seconds',
  retry: { ...backoff('30 seconds'), maximumAttempts: 8 },
});
const step = (summary: string) => proxyActivities<Activities>(stepOptions(summary));

/**
 * A step that only writes to the database (reserving from inventory, recording an order, creating or
 * activating the user, recording the welcome invitation) runs as a local activity since
 * `provisioning-local-steps-v1`: one marker event instead of three, and consecutive steps share one
 * workflow task instead of one each, which is what adding users spent its time on (README,
 * "Benchmark"). Same retries; each step is idempotent by its reservation key, so a worker dying
 * mid-task and the task running again changes nothing. Steps that call the carrier stay activities.
 */
const dbStep = (summary: string) =>
  patched('provisioning-local-steps-v1')
    ? proxyLocalActivities<Activities>(stepOptions(summary))
    : step(summary);

/** Giving back must eventually succeed: retried until it does. */
const giveBackStep = (summary: string) => proxyActivities<Activities>(untilItSucceeds('30 seconds', summary));

/** Gives back one thing this user took; a no-op when nothing was taken. */
interface Compensation {
  what: string;
  run: () => Promise<{ released?: string | boolean }>;
}

/** One thing the user is given, and how to give it back. */
interface Reservation {
  reserve: () => Promise<void>;
  giveBack: Compensation;
}

interface UserProvisioningState {
  readonly input: UserProvisioningInput;
  /** Keys this user's reservations and user row: request and position. */
  readonly key: string;
  /** The user as people read it: name and address. */
  readonly who: string;
  readonly status: UserProvisioningStatus;
  /** Give-backs for what was reserved so far, newest first. */
  readonly compensations: Compensation[];
  /** Why reserving failed. */
  failure?: string;
  /** How to activate: as the admin chose when adding the user, then as an admin asks. */
  activation: Activation | LaterActivation;
  /** An admin's request to activate, recorded by the update until a stage acts on it. */
  requested?: LaterActivation;
  /** The request's workflow has been told where this user stands. */
  reported: boolean;
  /** The user was deactivated (workflows/offboarding/): no activation any more; the offboarding gives back what they held. */
  deactivated?: boolean;
}

/** A deactivated user's provisioning ends while it waits for activation, instead of waiting for ever. */
const ENDS_AT_DEACTIVATION = 'ends-at-deactivation-v1';
/** The welcome email's invitation is started before the user is reported invited, not after. */
const INVITED_ONCE_STARTED = 'invited-once-started-v1';

type Stage = StageFunction<UserProvisioningState>;
/** The stage to run next; `settled` once the user is active or has failed. */
type Next = Stage | typeof settled;
const settled = undefined;

export async function userProvisioningWorkflow(input: UserProvisioningInput): Promise<UserProvisioningStatus> {
  const state = newUserProvisioningState(input);
  handleRequests(state);
  await runToEnd(reserving, state, report);
  return state.status;
}

/** The stage that activates the user the given way. */
const activationStages = {
  assign_credentials: withCredentials,
  send_invite: invited,
  schedule_invite: invited,
  activate_later: awaitingActivation,
} as const satisfies Record<Activation['option'], Stage>;

/**
 * Reserve what the user is given, then create the user. Each give-back is registered before its
 * reservation is attempted, so an attempt whose answer was lost is still undone.
 */
async function reserving(s: UserProvisioningState): Promise<Next> {
  const { user } = s.input;
  // The user row does not exist yet: createProvisionedUser writes this stage to the read model with it.
  await enter(s, 'reserving', `Adding ${s.who} as ${licenseNames[user.license]}`, { record: false });
  try {
    for (const reservation of reservationsFor(s)) {
      s.compensations.unshift(reservation.giveBack);
      await reservation.reserve();
    }
    await createUser(s);
  } catch (err) {
    if (!(err instanceof ActivityFailure || err instanceof ApplicationFailure)) throw err;
    s.failure = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : err.message;
    return failed;
  }
  return activationStages[s.activation.option];
}

/** Whatever this user had taken is given back; the request's other users are not affected. */
async function failed(s: UserProvisioningState): Promise<Next> {
  const { status } = s;
  const released = await compensate(s.compensations);
  status.outcome = 'failed';
  status.failure = s.failure;
  status.released = released;
  status.deskphone = undefined;
  status.phoneNumber = undefined;
  // Reserving fails before the user row is made (creating it is its last step): nothing to record.
  await enter(s, 'failed', `${s.who} could not be added: ${s.failure}${released.length ? `; given back: ${released.join(', ')}` : ''}`, { record: false });
  return settled;
}

/** The admin set the password, PIN and security question: the user is active at once. */
async function withCredentials(s: UserProvisioningState): Promise<Next> {
  const { status } = s;
  const { credentials, emergency } = s.activation as Extract<Activation, { option: 'assign_credentials' }>;
  // The activity makes the user active and records the stage in the read model in one transaction.
  const since = new Date().toISOString();
  const stage = { kind: 'user_provisioning' as const, workflowId: status.workflowId, stage: 'activated' as const, since };
  const done = await dbStep('Activate with the assigned credentials').activateWithCredentials({ userId: status.userId!, accountId: s.input.accountId, reservationKey: s.key, credentials, emergency, stage });
  status.mustAddEmergencyAddress = done.mustAddEmergencyAddress;
  await enter(s, 'activated', `${s.who} is active with assigned credentials (extension ${status.extension})${done.mustAddEmergencyAddress ? '; must add an emergency address at first sign-in' : ''}`, { record: false, since });
  return settled;
}

/** A welcome email (now or at the chosen time): the invitation runs as a child workflow until the user signs up or it ends unused. */
async function invited(s: UserProvisioningState): Promise<Next> {
  const { input, status } = s;
  const sendAt = s.activation.option === 'schedule_invite' ? s.activation.sendAt : undefined;
  const invitation = await dbStep('Record the welcome email\'s invitation').recordProvisionedInvitation({ userId: status.userId!, accountId: input.accountId, invitedBy: input.requestedBy.userId });
  status.invitationId = invitation.invitationId;
  status.waitingReason = undefined;
  const start = invitationStart(
    invitation.account,
    input.requestedBy.name || input.requestedBy.userId,
    input.requestedBy.role,
    { id: invitation.invitationId, channel: 'email', email: invitation.email, type: invitation.inviteeType, role: invitation.role },
    sendAt,
    invitation.firstTokenGeneration,
    input.user.license,
  );
  // Since INVITED_ONCE_STARTED the user is invited once the invitation's workflow exists, so the
  // request's answer and an admin's activation point at an invitation that can be read at once.
  const started = patched(INVITED_ONCE_STARTED) ? await startInvitation(start) : undefined;
  await enter(s, 'invited', `${s.who} (extension ${status.extension}) ${sendAt ? `will be sent a welcome email at ${sendAt}` : 'is sent a welcome email'}`);
  await report(s);
  const waitingReason = await (started ?? (await startInvitation(start))).ended();
  if (waitingReason === undefined) {
    await enter(s, 'activated', `${s.who} signed up from the welcome email and is active (extension ${status.extension})`);
    return settled;
  }
  status.waitingReason = waitingReason;
  return awaitingActivation;
}

/** "Activate later", or an invitation that ended unused: an admin activates the user, by invitation or with credentials. */
async function awaitingActivation(s: UserProvisioningState): Promise<Next> {
  const { status } = s;
  await enter(s, 'awaiting_activation', `${s.who} (extension ${status.extension}) waits to be activated${status.waitingReason ? `: ${status.waitingReason}` : ''}`);
  await report(s);
  await condition(() => s.requested !== undefined || s.deactivated === true);
  // Only users deactivated by the new signal take this branch, so only their histories get the marker.
  if (s.deactivated && patched(ENDS_AT_DEACTIVATION)) return settled;
  s.activation = s.requested!;
  status.waitingReason = undefined;
  return activationStages[s.activation.option];
}

// ── State, requests and what the stages share ──────────────────────────────────────────────────

function newUserProvisioningState(input: UserProvisioningInput): UserProvisioningState {
  const { user } = input;
  return {
    input,
    key: reservationKey(input.requestId, user.index),
    who: `${user.firstName} ${user.lastName} <${user.email}>`,
    status: { workflowId: workflowInfo().workflowId, index: user.index, email: user.email, outcome: 'created', stage: 'reserving', stageTimes: {} },
    compensations: [],
    activation: user.activation,
    reported: false,
  };
}

/** The status query, and an admin's activation: recorded, answered once acted on (activated, or the welcome email's invitation started). */
function handleRequests(s: UserProvisioningState): void {
  setHandler(getUserProvisioningStatus, () => s.status);
  setHandler(userDeactivated, () => {
    s.deactivated = true;
  });
  setHandler(
    activateUserAccount,
    async (activation) => {
      s.requested = activation;
      await condition(() => s.status.stage !== 'awaiting_activation' || s.deactivated === true);
      if (s.status.stage === 'awaiting_activation') throw ApplicationFailure.create({ type: failureTypes.wrongStage, nonRetryable: true, message: 'Cannot activate: the user was deactivated' });
      return s.status;
    },
    {
      validator: (_activation: LaterActivation) => {
        if (s.status.stage !== 'awaiting_activation' || s.requested || s.deactivated) {
          throw ApplicationFailure.create({ type: failureTypes.wrongStage, nonRetryable: true, message: `Cannot activate: the user is ${stageWords(s.status.stage)}` });
        }
      },
    },
  );
}

/** Enters the stage; the read model records it unless `record: false` says another step does, or there is no row. */
async function enter(s: UserProvisioningState, stage: UserProvisioningStage, summary: string, options: { record?: false; since?: string } = {}): Promise<void> {
  // An admin's activation request has been acted on once the user moves on from waiting.
  if (stage !== 'awaiting_activation') s.requested = undefined;
  await enterStage(s.status, stage, summary, { ...(options.record === false ? {} : { record: { kind: 'user_provisioning' } }), ...(options.since ? { since: options.since } : {}) });
}

/** Tells the request's workflow where this user stands, once; the request then completes without waiting for activation. */
async function report(s: UserProvisioningState): Promise<void> {
  if (s.reported) return;
  s.reported = true;
  const parent = workflowInfo().parent;
  if (!parent) return;
  const { workflowId: _wf, stageTimes: _t, waitingReason: _w, ...result } = s.status;
  await getExternalWorkflowHandle(parent.workflowId).signal(userProvisioned, result satisfies UserProvisioningResult);
}

/** Starts the welcome email's invitation as a child workflow; `ended` waits for its end: nothing once the user signed up and is active, else why activation waits. */
async function startInvitation(start: ReturnType<typeof invitationStart>): Promise<{ ended(): Promise<string | undefined> }> {
  try {
    const child = await startChild(invitationWorkflow, start);
    return { ended: () => invitationEnd(child.result()) };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { ended: async () => 'an invitation to this address is already open' };
  }
}

async function invitationEnd(result: Promise<InvitationStatus>): Promise<string | undefined> {
  try {
    const ended = await result;
    return ended.stage === 'activated' ? undefined : `the invitation ended ${stageWords(ended.stage)}`;
  } catch (err) {
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    return `the invitation failed: ${err.cause?.message ?? err.message}`;
  }
}

// ── Reservations (the saga): each with its give-back ───────────────────────────────────────────

/** What this user is given: a paid seat, and for phone service a deskphone (unless the app) and a number. */
function reservationsFor(s: UserProvisioningState): Reservation[] {
  const { user } = s.input;
  const phone = hasPhoneService(user.license) ? user.deskphone : undefined;
  const number = hasPhoneService(user.license) ? user.number : undefined;
  return [
    ...(needsPaidSeat(user.license) ? [seatReservation(s, user.license)] : []),
    ...(phone && phone.kind !== 'app' ? [deskphoneReservation(s, phone)] : []),
    ...(number ? [numberReservation(s, number)] : []),
  ];
}

function seatReservation({ input, key }: UserProvisioningState, license: PaidLicense): Reservation {
  const name = licenseNames[license];
  return {
    giveBack: { what: `${name} seat`, run: () => giveBackStep(`Give back the ${name} seat`).releaseSeat({ reservationKey: key }) },
    reserve: async () => {
      const seat = await dbStep(`Reserve a ${name} seat`).reserveSeat({ reservationKey: key, accountId: input.accountId, license });
      if (!seat.reserved) throw ApplicationFailure.create({ type: failureTypes.noSeatAvailable, nonRetryable: true, message: `No ${name} seat available` });
    },
  };
}

function deskphoneReservation({ input, key, status }: UserProvisioningState, phone: Exclude<DeskphoneChoice, { kind: 'app' }>): Reservation {
  const { accountId } = input;
  return {
    giveBack: { what: 'deskphone', run: () => giveBackStep('Cancel the deskphone order or return the deskphone to inventory').releaseDeskphone({ reservationKey: key }) },
    reserve: async () => {
      if (phone.kind === 'inventory') {
        await dbStep(`Assign deskphone ${phone.deviceId} from inventory`).reserveDeskphone({ reservationKey: key, accountId, deviceId: phone.deviceId });
        status.deskphone = { kind: 'inventory', deviceId: phone.deviceId };
      } else {
        const order = await dbStep(`Order a ${phone.model} deskphone`).orderDeskphone({ reservationKey: key, accountId, model: phone.model, priceCents: phone.priceCents, shipTo: phone.shipTo });
        status.deskphone = { kind: 'order', orderId: order.orderId, model: phone.model };
      }
    },
  };
}

function numberReservation({ input, key, status }: UserProvisioningState, number: NumberChoice): Reservation {
  const { accountId } = input;
  return {
    giveBack: { what: 'phone number', run: () => giveBackStep('Release the phone number').releasePhoneNumber({ reservationKey: key }) },
    reserve: async () => {
      const got = number.kind === 'inventory'
        ? await dbStep(`Assign ${number.phoneNumber} from the number inventory`).reservePhoneNumber({ reservationKey: key, accountId, phoneNumber: number.phoneNumber })
        : await step(`Buy a number in area code ${number.areaCode} (${number.region})`).purchasePhoneNumber({ reservationKey: key, accountId, country: number.country, region: number.region, areaCode: number.areaCode });
      status.phoneNumber = got.phoneNumber;
    },
  };
}

/** The user itself, with the next extension and the number reserved for them. */
async function createUser({ input, key, status }: UserProvisioningState): Promise<void> {
  const created = await dbStep('Create the user with the next extension').createProvisionedUser({
    reservationKey: key,
    accountId: input.accountId,
    workflowId: status.workflowId,
    uniqueEmail: input.uniqueEmail,
    user: input.user,
    phoneNumber: status.phoneNumber,
    reservingSince: status.stageTimes.reserving,
  });
  status.userId = created.userId;
  status.extension = created.extension;
}

/** Runs the give-backs, newest first; says what was actually given back. */
async function compensate(compensations: Compensation[]): Promise<string[]> {
  const released: string[] = [];
  for (const giveBack of compensations) {
    const r = await giveBack.run();
    if (r.released) released.push(typeof r.released === 'string' ? r.released : giveBack.what);
  }
  return released;
}
