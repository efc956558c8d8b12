// One added user's whole life: reserve what they were given (seat, deskphone, number), create the
// user with an extension, then activate them the way the admin chose. If a reservation fails for
// good, whatever this user had taken is given back (saga compensation) and only this user fails;
// the request's other users are their own workflows. The request's workflow hears the outcome by
// signal as soon as it is settled; activation may then take days (an invitation) or wait for an
// admin (activate later).
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import { hasPhoneService, needsPaidSeat, licenseNames } from '../../domain/licenses';
import { invitationWorkflow } from '../invitation/invitation-workflow';
import { invitationStart } from '../invitation/start';
import { activateUserAccount, getUserProvisioningStatus, reservationKey, userProvisioned, type Activation, type LaterActivation, type UserProvisioningInput, type UserProvisioningResult, type UserProvisioningStatus } from './definitions';
import { enterStage } from '../stages';
import { failureTypes } from '../../domain/failures';
import type { UserProvisioningStage } from '../../domain/stages';

/**
 * Reservations, each with a one-line summary for the Temporal UI's timeline: transient trouble is
 * retried for a while; a refusal (non-retryable) fails the user at once. The timeout is short: a
 * worker that dies mid-step is replaced within seconds (every step is idempotent).
 */
const step = (summary: string) =>
  proxyActivities<Activities>({
    summary,
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
  });

/** Giving back must eventually succeed: retried until it does. */
const giveBackStep = (summary: string) =>
  proxyActivities<Activities>({
    summary,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });

export async function userProvisioningWorkflow(input: UserProvisioningInput): Promise<UserProvisioningStatus> {
  const { user, accountId } = input;
  const key = reservationKey(input.requestId, user.index);
  const who = `${user.firstName} ${user.lastName} <${user.email}>`;
  const status: UserProvisioningStatus = {
    workflowId: workflowInfo().workflowId,
    index: user.index,
    email: user.email,
    outcome: 'created',
    stage: 'reserving',
    stageTimes: {},
  };
  let requested: LaterActivation | undefined;

  const enter = (stage: UserProvisioningStage, summary: string) => {
    // An admin's activation request has been acted on once the user moves on from waiting.
    if (stage !== 'awaiting_activation') requested = undefined;
    enterStage(status, stage, summary);
  };

  setHandler(getUserProvisioningStatus, () => status);
  setHandler(
    activateUserAccount,
    async (activation) => {
      requested = activation;
      // Answered once acted on: activated, or the welcome email's invitation started.
      await condition(() => status.stage !== 'awaiting_activation');
      return status;
    },
    {
      validator: (_activation: LaterActivation) => {
        if (status.stage !== 'awaiting_activation' || requested) {
          throw ApplicationFailure.create({ type: failureTypes.wrongStage, nonRetryable: true, message: `Cannot activate: the user is ${status.stage.replace('_', ' ')}` });
        }
      },
    },
  );

  /** Tells the request's workflow where this user stands, once; the request then completes without waiting for activation. */
  let reported = false;
  const report = async () => {
    if (reported) return;
    reported = true;
    const parent = workflowInfo().parent;
    if (!parent) return;
    const { workflowId: _wf, stageTimes: _t, waitingReason: _w, ...result } = status;
    await getExternalWorkflowHandle(parent.workflowId).signal(userProvisioned, result satisfies UserProvisioningResult);
  };

  // 1. Reserve what the user is given. Each give-back is registered before its reservation is
  //    attempted (they are no-ops when nothing was taken), so an attempt whose answer was lost is
  //    still undone.
  enter('reserving', `Adding ${who} as ${licenseNames[user.license]}`);
  const giveBack: Array<{ what: string; run: () => Promise<{ released?: string | boolean }> }> = [];
  try {
    if (needsPaidSeat(user.license)) {
      giveBack.unshift({ what: `${licenseNames[user.license]} seat`, run: () => giveBackStep(`Give back the ${licenseNames[user.license]} seat`).releaseSeat({ reservationKey: key }) });
      const seat = await step(`Reserve a ${licenseNames[user.license]} seat`).reserveSeat({ reservationKey: key, accountId, license: user.license });
      if (!seat.reserved) throw ApplicationFailure.create({ type: failureTypes.noSeatAvailable, nonRetryable: true, message: `No ${licenseNames[user.license]} seat available` });
    }
    const phone = hasPhoneService(user.license) ? user.deskphone : undefined;
    if (phone && phone.kind !== 'app') {
      giveBack.unshift({ what: 'deskphone', run: () => giveBackStep('Cancel the deskphone order or return the deskphone to inventory').releaseDeskphone({ reservationKey: key }) });
      if (phone.kind === 'inventory') {
        await step(`Assign deskphone ${phone.deviceId} from inventory`).reserveDeskphone({ reservationKey: key, accountId, deviceId: phone.deviceId });
        status.deskphone = { kind: 'inventory', deviceId: phone.deviceId };
      } else {
        const order = await step(`Order a ${phone.model} deskphone`).orderDeskphone({ reservationKey: key, accountId, model: phone.model, priceCents: phone.priceCents, shipTo: phone.shipTo });
        status.deskphone = { kind: 'order', orderId: order.orderId, model: phone.model };
      }
    }
    const number = hasPhoneService(user.license) ? user.number : undefined;
    if (number) {
      giveBack.unshift({ what: 'phone number', run: () => giveBackStep('Release the phone number').releasePhoneNumber({ reservationKey: key }) });
      const got = number.kind === 'inventory'
        ? await step(`Assign ${number.phoneNumber} from the number inventory`).reservePhoneNumber({ reservationKey: key, accountId, phoneNumber: number.phoneNumber })
        : await step(`Buy a number in area code ${number.areaCode} (${number.region})`).purchasePhoneNumber({ reservationKey: key, accountId, country: number.country, region: number.region, areaCode: number.areaCode });
      status.phoneNumber = got.phoneNumber;
    }
    const created = await step('Create the user with the next extension').createProvisionedUser({
      reservationKey: key,
      accountId,
      workflowId: status.workflowId,
      uniqueEmail: input.uniqueEmail,
      user,
      phoneNumber: status.phoneNumber,
    });
    status.userId = created.userId;
    status.extension = created.extension;
  } catch (err) {
    if (!(err instanceof ActivityFailure || err instanceof ApplicationFailure)) throw err;
    const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : err.message;
    const released: string[] = [];
    for (const step of giveBack) {
      const r = await step.run();
      if (r.released) released.push(typeof r.released === 'string' ? r.released : step.what);
    }
    status.outcome = 'failed';
    status.failure = reason;
    status.released = released;
    status.deskphone = undefined;
    status.phoneNumber = undefined;
    enter('failed', `${who} could not be added: ${reason}${released.length ? `; given back: ${released.join(', ')}` : ''}`);
    await report();
    await condition(allHandlersFinished);
    return status;
  }

  // 2. Activate as chosen; "activate later" (or an invitation that ended unused) waits for an admin.
  let activation: Activation | LaterActivation = user.activation;
  for (;;) {
    if (activation.option === 'assign_credentials') {
      const done = await step('Activate with the assigned credentials').activateWithCredentials({ userId: status.userId!, accountId, reservationKey: key, credentials: activation.credentials, emergency: activation.emergency });
      status.mustAddEmergencyAddress = done.mustAddEmergencyAddress;
      enter('activated', `${who} is active with assigned credentials (extension ${status.extension})${done.mustAddEmergencyAddress ? '; must add an emergency address at first sign-in' : ''}`);
      break;
    }
    if (activation.option === 'send_invite' || activation.option === 'schedule_invite') {
      const sendAt = activation.option === 'schedule_invite' ? activation.sendAt : undefined;
      const invitation = await step('Record the welcome email\'s invitation').recordProvisionedInvitation({ userId: status.userId!, accountId, invitedBy: input.requestedBy.userId });
      status.invitationId = invitation.invitationId;
      status.waitingReason = undefined;
      enter('invited', `${who} (extension ${status.extension}) ${sendAt ? `will be sent a welcome email at ${sendAt}` : 'is sent a welcome email'}`);
      await report();
      const start = invitationStart(
        invitation.account,
        input.requestedBy.name || input.requestedBy.userId,
        input.requestedBy.role,
        { id: invitation.invitationId, channel: 'email', email: invitation.email, type: invitation.inviteeType, role: invitation.role },
        sendAt,
        invitation.firstTokenGeneration,
        user.license,
      );
      try {
        const ended = await executeChild(invitationWorkflow, start);
        if (ended.stage === 'activated') {
          enter('activated', `${who} signed up from the welcome email and is active (extension ${status.extension})`);
          break;
        }
        status.waitingReason = `the invitation ended ${ended.stage.replace('_', ' ')}`;
      } catch (err) {
        if (!(err instanceof ChildWorkflowFailure || err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        status.waitingReason = err instanceof ChildWorkflowFailure ? `the invitation failed: ${err.cause?.message ?? err.message}` : 'an invitation to this address is already open';
      }
    }
    if (activation.option === 'activate_later' || status.waitingReason) {
      enter('awaiting_activation', `${who} (extension ${status.extension}) waits to be activated${status.waitingReason ? `: ${status.waitingReason}` : ''}`);
      await report();
      await condition(() => requested !== undefined);
      activation = requested!;
      status.waitingReason = undefined;
    }
  }
  await report();
  await condition(allHandlersFinished);
  return status;
}
