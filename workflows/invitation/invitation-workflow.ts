// One invitation's whole life: one function per stage below, each returning the stage that comes next.
//
//   scheduled         waits for the chosen send time               → sending
//   sending           sends a new link                             → awaiting signup | delivery failed
//   awaiting signup   signup, reminders, resend, or the link ends   → license pending | activated | sending | expired
//   expired,          a resend can still revive it for a while     → sending | closes as it stands
//   delivery failed
//   license pending   a Super Admin assigns the license, and a     → activated
//                     seat is free (Video Pro+ companies)
//
// An invitation by invite link starts awaiting signup (it has no link of its own to send). Until
// the signup, the inviter can revoke it (→ revoked). The handlers (handlers.ts) only record requests in the
// state (state.ts); the stages act on them. The workflow only decides; activities do the I/O.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { failureTypes } from '../../domain/failures';
import type { License } from '../../domain/licenses';
import type { InvitationStageRecord } from '../../domain/stage-records';
import type { InvitationStage } from '../../domain/stages';
import type { InvitationInput, InvitationStatus } from './definitions';
import { handleRequests } from './handlers';
import { newInvitationState, type InvitationState } from './state';
import { InviteeEmail } from '../search-attributes';
import { untilItSucceeds } from '../activity-options';
import { sendingActivityOptions } from '../sending';
import { enterStage, runToEnd, type StageFunction } from '../stages';

/** Sending activities, each with a one-line summary shown in the Temporal UI's timeline. */
const messaging = (summary: string) =>
  // A permanent rejection (DeliveryRejected) ends in `delivery_failed` at once.
  proxyActivities<Activities>({ summary, ...sendingActivityOptions });

const records = proxyActivities<Activities>(untilItSucceeds('30 seconds'));
/** The same short database steps as local activities: one history event each instead of three plus a workflow task. */
const localRecords = proxyLocalActivities<Activities>(untilItSucceeds('30 seconds'));

/**
 * Leaner histories (about 30 events for a whole lifecycle instead of 49): database steps run as
 * local activities, and the one-line "where it stands" goes to the workflow's current details (shown
 * in the UI, no history event) instead of a memo upsert at every stage. Invitations started before
 * this change replay as they were written.
 */
const LEAN_HISTORY = 'lean-history-v1';
const db = () => (patched(LEAN_HISTORY) ? localRecords : records);
const showSummary = (summary: string) => (patched(LEAN_HISTORY) ? setCurrentDetails(summary) : upsertMemo({ summary }));

/**
 * A resend is answered when its send attempt ends, delivered or not: one that fails too leaves the
 * invitation waiting in delivery_failed for the next resend. Before, the request stayed set and the
 * workflow sent again at once, a new link each time, without end. Checked only where a resend's
 * send failed, so only those histories get the marker; invitations started before this change
 * replay as they were written (and, live again, stop looping at their next failed send).
 */
const FAILED_RESEND_ANSWERED = 'failed-resend-answered-v1';

/**
 * A reminder or resend asked while the signup was being processed, and not served before it made
 * the user, is refused (WrongStage) once the signup is through. Before, it stayed waiting, and the
 * invitation never closed. Checked only where such a request is waiting, so only those histories get
 * the marker; invitations started before this change replay as they were written.
 */
const REQUESTS_ANSWERED_AT_SIGNUP = 'requests-answered-at-signup-v1';

/**
 * A deactivated user's invitation ends revoked, even after the signup (waiting for its license, or
 * about to activate), instead of racing the offboarding. Only invitations that received the new
 * `userDeactivated` signal take these branches, so only their histories get the marker.
 */
const ENDS_AT_DEACTIVATION = 'ends-at-deactivation-v1';
const deactivated = (s: InvitationState) => s.requests.deactivated === true && patched(ENDS_AT_DEACTIVATION);

const DAY_MS = 24 * 3600 * 1000;

type InvitationStageRecordDetails = Omit<InvitationStageRecord, 'workflowId' | 'stage' | 'since'>;

type Stage = StageFunction<InvitationState>;
/** The stage to run next; `closed` once the invitation has ended (activated, revoked, or left as it stands). */
type Next = Stage | typeof closed;
const closed = undefined;

export async function invitationWorkflow(input: InvitationInput): Promise<InvitationStatus> {
  const state = newInvitationState(input);
  handleRequests(state);
  await runToEnd(input.sendAt && Date.parse(input.sendAt) > Date.now() ? scheduled : newRound(state), state);
  return state.status;
}

/** Nothing is sent before the chosen time; the inviter can still cancel. */
async function scheduled(s: InvitationState): Promise<Next> {
  const sendAt = s.input.sendAt!;
  await enter(s, 'scheduled', `Invitation to ${s.invitee} scheduled for ${sendAt}`);
  await condition(() => s.requests.revoke, Date.parse(sendAt) - Date.now(), { summary: `Scheduled send at ${sendAt}` });
  if (s.requests.revoke) return revoked(s, `Scheduled invitation to ${s.invitee} was cancelled before it was sent`);
  return newRound(s);
}

/** Sends this round's link, valid for the invitation's lifetime from now. */
async function sending(s: InvitationState): Promise<Next> {
  const { status, progress } = s;
  const expiresAt = new Date(Date.now() + s.input.lifetimeMs).toISOString();
  // The send records the stage in the read model, with the link's token, in one transaction.
  const since = new Date().toISOString();
  await enter(s, 'sending', `Sending invitation to ${s.invitee}`, since);
  try {
    const sent = await send(s, 'invite', expiresAt, stageRecord(s, 'sending', since));
    status.messages.push(sent);
    s.link.tokenHash = sent.tokenHash;
    status.tokenGeneration = s.link.generation;
    status.deliveryFailure = undefined;
    progress.sendAttempts += 1;
  } catch (err) {
    // Rejected for good, or still failing when the retry budget ran out: the reason stays visible,
    // and a resend (e.g. after the address was corrected, or by the stalled-activations job) retries.
    if (!(err instanceof ActivityFailure)) throw err;
    status.deliveryFailure = err.cause?.message ?? err.message;
    progress.sendAttempts += 1;
    if (s.requests.resend && patched(FAILED_RESEND_ANSWERED)) s.requests.resend = false;
    return deliveryFailed;
  }
  status.expiresAt = expiresAt;
  return awaitingSignup;
}

/** The link is out: wait for the signup, a reminder, a resend, a revocation, or the end of the link's lifetime. */
async function awaitingSignup(s: InvitationState): Promise<Next> {
  const { requests: asked } = s;
  const expiresAt = s.status.expiresAt!;
  asked.resend = false;
  await enter(s, 'awaiting_signup', `Invitation sent to ${s.invitee}; link valid until ${expiresAt}`);
  for (;;) {
    const woke = await condition(
      () => asked.signup !== undefined || asked.revoke || asked.resend || asked.remind,
      Math.max(0, Date.parse(expiresAt) - Date.now()),
      { summary: `Invitation link valid until ${expiresAt}` },
    );
    if (asked.remind && !asked.signup) await remind(s, expiresAt);
    else if (asked.signup) {
      if (await createUser(s)) return signedUp(s);
    } else if (asked.revoke) return revoked(s, `Invitation to ${s.invitee} was revoked`);
    else if (asked.resend) return nextRound(s);
    else if (!woke) return expired;
  }
}

/** The signup made the user: a reminder or resend asked meanwhile can no longer be served, and is answered (refused) rather than left waiting. */
function signedUp(s: InvitationState): Next {
  const { requests: asked } = s;
  if ((asked.remind || asked.resend) && patched(REQUESTS_ANSWERED_AT_SIGNUP)) {
    asked.remind = false;
    asked.resend = false;
  }
  return licenseToAssign(s) ? licensePending : activate;
}

/** The link no longer works, but a resend can still revive the invitation for a while. */
async function expired(s: InvitationState): Promise<Next> {
  await enter(s, 'expired', `Invitation link for ${s.invitee} expired at ${s.status.expiresAt} unused`);
  return awaitRevival(s, `Expired invitation to ${s.invitee} was revoked`);
}

/** Nothing reached the invitee; a resend (e.g. after the address was corrected) can still revive the invitation for a while. */
async function deliveryFailed(s: InvitationState): Promise<Next> {
  await enter(s, 'delivery_failed', `Invitation to ${s.invitee} could not be delivered: ${s.status.deliveryFailure}`);
  return awaitRevival(s, `Undelivered invitation to ${s.invitee} was revoked`);
}

/** Signed up in a Video Pro+ company: a Super Admin assigns the license, and a seat must be free. */
async function licensePending(s: InvitationState): Promise<Next> {
  const { input, status, requests: asked, progress } = s;
  const { userId } = s.user!;
  const license = licenseToAssign(s)!;
  progress.signupOutcome = { userId, stage: 'license_pending' };
  await enter(s, 'license_pending', `${s.invitee} signed up; waiting for a Super Admin to assign a license`);
  for (;;) {
    // The first try comes with the assignment; after a try found no seat, the next comes with added seats.
    await condition(() => (asked.license && (status.waitingReason === undefined || asked.seatsAdded)) || asked.deactivated === true);
    if (deactivated(s)) return revoked(s, `${s.invitee} was deactivated while waiting for a license`);
    asked.seatsAdded = false;
    const seat = await db().reserveLicenseSeat({ invitationId: input.invitationId, accountId: input.accountId, userId, license });
    progress.licenseAttempts += 1;
    if (seat.reserved) break;
    status.waitingReason = 'no seat available';
    showSummary(`${s.invitee} signed up; license assigned but no seat available: waiting for seats to be added`);
  }
  status.waitingReason = undefined;
  return activate;
}

/** The user is made active and, in the same transaction, the read model says so (the stage's time is given to it). */
async function activate(s: InvitationState): Promise<Next> {
  const { userId } = s.user!;
  if (deactivated(s)) return revoked(s, `${s.invitee} was deactivated before activation`);
  const since = new Date().toISOString();
  await db().activateUser({ userId, license: licenseOf(s), stage: stageRecord(s, 'activated', since) });
  s.progress.signupOutcome ??= { userId, stage: 'activated' };
  await enter(s, 'activated', `${s.invitee} signed up and is active`, since);
  return closed;
}

// ── What the stages share ──────────────────────────────────────────────────────────────────────

/**
 * Enters the stage, recorded in the read model by recordStage; or, given `since`, by the activity
 * that comes next, in its own transaction (the send, the activation), which was given that time.
 */
const enter = (s: InvitationState, stage: InvitationStage, summary: string, since?: string) =>
  enterStage(s.status, stage, summary, since ? { showSummary, since } : { showSummary, record: invitationRecord(s, stage) });

/** The whole record, for an activity that writes the stage itself. */
const stageRecord = (s: InvitationState, stage: InvitationStage, since: string): InvitationStageRecord => ({ ...invitationRecord(s, stage), workflowId: s.input.invitationId, stage, since });

/** What the read model keeps of an invitation besides its stage: the link's expiry while it matters, the license, the user, why delivery failed. */
function invitationRecord(s: InvitationState, stage: InvitationStage): InvitationStageRecordDetails {
  const { status } = s;
  return {
    kind: 'invitation',
    license: licenseOf(s),
    ...(status.expiresAt && (stage === 'awaiting_signup' || stage === 'expired') ? { expiresAt: status.expiresAt } : {}),
    ...(status.userId ? { userId: status.userId } : {}),
    ...(status.deliveryFailure && stage === 'delivery_failed' ? { deliveryFailure: status.deliveryFailure } : {}),
  };
}

async function revoked(s: InvitationState, summary: string): Promise<Next> {
  await enter(s, 'revoked', summary);
  return closed;
}

/** A round sends a new link; an invitation by invite link has the one link it was started with. */
function newRound(s: InvitationState): Stage {
  return s.input.channel === 'link' ? awaitingSignup : sending;
}

/** A resend: the next round's link has the next token generation, so older links die. */
function nextRound(s: InvitationState): Stage {
  s.link.generation += 1;
  return newRound(s);
}

/** Expired or undelivered: a resend can still revive the invitation for a while, then it closes as it stands. */
async function awaitRevival(s: InvitationState, revokedSummary: string): Promise<Next> {
  const { requests: asked } = s;
  const retention = s.input.expiredRetentionMs ?? 30 * DAY_MS;
  const revived = await condition(() => asked.resend || asked.revoke, retention, { summary: 'Waiting for a resend before closing' });
  if (asked.revoke) return revoked(s, revokedSummary);
  return revived ? nextRound(s) : closed;
}

/** Co-workers and admins of a Video Pro+ company get its license from a Super Admin after signup; guests keep their free account. */
function licenseToAssign({ input, user }: InvitationState) {
  return input.licenseAfterSignup && user?.userType !== 'guest' ? input.licenseAfterSignup : undefined;
}

/** The license the invitee gets on activation (before the signup, as if they were not a guest). */
function licenseOf(s: InvitationState): License {
  return licenseToAssign(s) ?? s.input.licenseOnActivation ?? 'video_pro';
}

function send(s: InvitationState, step: 'invite' | 'reminder', expiresAt: string, stage?: InvitationStageRecord) {
  const { input, link } = s;
  const args = { invitationId: input.invitationId, tokenGeneration: link.generation, expiresAt, step, ...(stage ? { stage } : {}) };
  const what = `${step === 'reminder' ? 'Reminder' : 'Invitation'} by ${input.channel} to ${s.invitee} (link ${link.generation})`;
  return input.channel === 'email' ? messaging(what).sendInvitationEmail(args) : messaging(what).sendInvitationText(args);
}

/** Same link, one reminder per link: asked again, the send finds the outbox row already sent and nothing goes out. */
async function remind(s: InvitationState, expiresAt: string): Promise<void> {
  try {
    const reminder = await send(s, 'reminder', expiresAt);
    if (!s.status.messages.some((m) => m.outboxKey === reminder.outboxKey)) s.status.messages.push(reminder);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('Reminder could not be delivered', { reason: err.cause?.message ?? err.message });
  }
  s.requests.remind = false;
}

/** Makes the user from the signup; a refusal (e.g. the address became an active user meanwhile) answers the signup and the link stays open. */
async function createUser(s: InvitationState): Promise<boolean> {
  const { input, requests: asked } = s;
  try {
    const created = await db().createUserFromSignup({ invitationId: input.invitationId, submission: asked.signup! });
    s.user = { userId: created.userId, userType: created.userType };
    s.status.userId = created.userId;
    // Invited by text: from now on support staff can find it by the email they signed up with.
    if (!input.inviteeEmail) upsertSearchAttributes([{ key: InviteeEmail, value: created.email }]);
    return true;
  } catch (err) {
    s.progress.signupOutcome =
      err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : ApplicationFailure.create({ type: failureTypes.signupFailed, message: String(err), nonRetryable: true });
    asked.signup = undefined;
    return false;
  }
}
