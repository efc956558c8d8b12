// One invitation, from sending through signup to activation or expiry. Deterministic: it only
// decides; activities do the I/O.
import {
  ActivityFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  getInvitationStatus,
  type InvitationInput,
  type InvitationStage,
  type InvitationStatus,
} from './definitions';
import { OnboardingStage } from './search-attributes';

const { sendInvitationEmail } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  // Transient SMTP trouble is retried with backoff for up to a day; a permanent rejection
  // (DeliveryRejected) is non-retryable and ends in `delivery_failed`.
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function invitationWorkflow(input: InvitationInput): Promise<InvitationStatus> {
  const status: InvitationStatus = { invitationId: input.invitationId, stage: 'sending', stageTimes: {}, messages: [] };
  setHandler(getInvitationStatus, () => status);

  const enter = (stage: InvitationStage, summary: string) => {
    status.stage = stage;
    status.stageTimes[stage] = new Date().toISOString();
    upsertSearchAttributes([{ key: OnboardingStage, value: stage }]);
    upsertMemo({ summary });
  };
  const invitee = input.inviteeEmail ?? input.inviteePhone ?? 'the invitee';

  enter('sending', `Sending invitation to ${invitee}`);
  // The link's lifetime counts from the send.
  status.expiresAt = new Date(Date.now() + input.lifetimeMs).toISOString();
  try {
    status.messages.push(
      await sendInvitationEmail({ invitationId: input.invitationId, tokenGeneration: 0, expiresAt: status.expiresAt }),
    );
  } catch (err) {
    // Either rejected for good (non-retryable DeliveryRejected) or still failing when the retry
    // budget ran out: both leave the reason visible to the inviter and to support staff.
    if (err instanceof ActivityFailure) {
      status.deliveryFailure = err.cause?.message ?? err.message;
      enter('delivery_failed', `Invitation to ${invitee} could not be delivered: ${status.deliveryFailure}`);
      return status;
    }
    throw err;
  }

  enter('awaiting_signup', `Invitation sent to ${invitee}; link valid until ${status.expiresAt}`);
  // Signup arrives as an Update (invitation lifecycle issue); until then the link simply runs out.
  await condition(() => false, Math.max(0, Date.parse(status.expiresAt) - Date.now()));
  enter('expired', `Invitation link for ${invitee} expired at ${status.expiresAt} unused`);
  return status;
}
