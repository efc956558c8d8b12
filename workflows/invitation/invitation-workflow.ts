// One invitation's whole life: scheduled → sending → awaiting signup → license pending → activated,
// or expired, revoked, delivery failed. The workflow only decides; activities do the I/O.
// Update handlers only record what was asked; the main loop below acts on it, one thing at a time.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { signupProblems, type SignupSubmission } from '../../domain/signup-rules';
import { assignLicense, getInvitationStatus, remindInvitee, resendInvitation, revokeInvitation, seatsAdded, signUp, type InvitationInput, type InvitationStatus, type SignupResult } from './definitions';
import { InviteeEmail } from '../search-attributes';
import { enterStage } from '../stages';
import { failureTypes } from '../../domain/failures';
import type { InvitationStage } from '../../domain/stages';

/** Sending activities, each with a one-line summary shown in the Temporal UI's timeline. */
const messaging = (summary: string) =>
  proxyActivities<Activities>({
    summary,
    // A worker that dies mid-send is noticed by the heartbeat within seconds; the start-to-close
    // bound only limits a live attempt, which may be waiting out a database outage to record a
    // message the provider already accepted (re-sending it instead would be the worse outcome).
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '10 seconds',
    // Transient SMTP/SMS trouble is retried with backoff for up to a day; a permanent rejection
    // (DeliveryRejected, non-retryable) ends in `delivery_failed` at once.
    scheduleToCloseTimeout: '24 hours',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });

const recordRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const records = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: recordRetry });
/** The same short database steps as local activities: one history event each instead of three plus a workflow task. */
const localRecords = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: recordRetry });

/**
 * Leaner histories (about 30 events for a whole lifecycle instead of 49): database steps run as
 * local activities, and the one-line "where it stands" goes to the workflow's current details (shown
 * in the UI, no history event) instead of a memo upsert at every stage. Invitations started before
 * this change replay as they were written.
 */
const LEAN_HISTORY = 'lean-history-v1';
const db = () => (patched(LEAN_HISTORY) ? localRecords : records);
const showSummary = (summary: string) => (patched(LEAN_HISTORY) ? setCurrentDetails(summary) : upsertMemo({ summary }));

const DAY_MS = 24 * 3600 * 1000;
const wrongStage = (stage: InvitationStage, what: string) =>
  ApplicationFailure.create({ type: failureTypes.wrongStage, message: `Cannot ${what}: the invitation is ${stage.replace('_', ' ')}`, nonRetryable: true });

export async function invitationWorkflow(input: InvitationInput): Promise<InvitationStatus> {
  const status: InvitationStatus = { invitationId: input.invitationId, stage: 'sending', stageTimes: {}, messages: [], sendAt: input.sendAt };
  // A signup through the invite link arrives with the start (update-with-start), possibly before
  // the main loop runs: such an invitation is open for signup from its first moment.
  if (input.channel === 'link') {
    status.stage = 'awaiting_signup';
    status.expiresAt = new Date(Date.now() + input.lifetimeMs).toISOString();
  }
  const invitee = input.inviteeEmail ?? input.inviteePhone ?? 'the invitee';
  let generation = input.firstTokenGeneration;
  let currentTokenHash: string | undefined;
  let revokeRequested = false;
  let resendRequested = false;
  let remindRequested = false;
  let sendAttempts = 0;
  let licenseRequested = false;
  let licenseAttempts = 0;
  let seatsMayBeFree = false;
  let pendingSignup: SignupSubmission | undefined;
  let signupOutcome: SignupResult | ApplicationFailure | undefined;

  const enter = (stage: InvitationStage, summary: string) => enterStage(status, stage, summary, showSummary);

  /** The result the signUp update returns, or the refusal it throws. */
  function takeSignupOutcome(): SignupResult {
    const outcome = signupOutcome;
    if (outcome === undefined || outcome instanceof ApplicationFailure) throw outcome;
    return outcome;
  }

  setHandler(getInvitationStatus, () => status);

  setHandler(
    signUp,
    async (submission) => {
      pendingSignup = submission;
      signupOutcome = undefined;
      await condition(() => signupOutcome !== undefined);
      return takeSignupOutcome();
    },
    {
      validator: (submission) => {
        if (status.stage !== 'awaiting_signup' || pendingSignup) throw wrongStage(status.stage, 'sign up');
        if (status.expiresAt && Date.now() >= Date.parse(status.expiresAt)) throw wrongStage('expired', 'sign up');
        const proofOk =
          submission.proof.kind === 'invitation-token'
            ? currentTokenHash !== undefined && submission.proof.tokenHash === currentTokenHash
            : true; // the API checked the account's invite link (live, within its uses) before asking
        if (!proofOk) throw ApplicationFailure.create({ type: failureTypes.signupRejected, message: 'This invitation link is no longer valid', nonRetryable: true, details: [[{ field: 'token', message: 'This invitation link is no longer valid.' }]] });
        const problems = signupProblems(submission, new Date(), { emailRequired: input.channel !== 'email' });
        if (problems.length > 0) {
          throw ApplicationFailure.create({ type: failureTypes.signupRejected, message: `Signup refused: ${problems.map((p) => p.field).join(', ')}`, nonRetryable: true, details: [problems] });
        }
      },
    },
  );

  setHandler(
    resendInvitation,
    async () => {
      const before = sendAttempts;
      resendRequested = true;
      // Answer with the new attempt's outcome: sent, or still undeliverable.
      await condition(() => sendAttempts > before);
      return status;
    },
    { validator: () => { if (!['awaiting_signup', 'expired', 'delivery_failed'].includes(status.stage) || input.channel === 'link') throw wrongStage(status.stage, 'resend'); } },
  );

  setHandler(
    remindInvitee,
    async () => {
      remindRequested = true;
      await condition(() => !remindRequested);
      return status;
    },
    { validator: () => { if (status.stage !== 'awaiting_signup' || input.channel === 'link') throw wrongStage(status.stage, 'send a reminder'); } },
  );

  setHandler(
    revokeInvitation,
    async () => {
      revokeRequested = true;
      await condition(() => status.stage === 'revoked');
      return status;
    },
    { validator: () => { if (!['scheduled', 'awaiting_signup', 'expired', 'delivery_failed'].includes(status.stage) || pendingSignup) throw wrongStage(status.stage, 'revoke'); } },
  );

  setHandler(
    assignLicense,
    async () => {
      const before = licenseAttempts;
      licenseRequested = true;
      // Answer once the attempt is decided: activated, or still waiting for a seat.
      await condition(() => licenseAttempts > before && (status.stage !== 'license_pending' || status.waitingReason !== undefined));
      return status;
    },
    { validator: () => { if (status.stage !== 'license_pending') throw wrongStage(status.stage, 'assign a license'); } },
  );

  setHandler(seatsAdded, () => {
    seatsMayBeFree = true;
  });

  const end = async (stage: InvitationStage, summary: string) => {
    enter(stage, summary);
    await condition(allHandlersFinished);
    return status;
  };

  const send = (step: 'invite' | 'reminder', tokenGeneration: number, expiresAt: string) => {
    const args = { invitationId: input.invitationId, tokenGeneration, expiresAt, step };
    const what = `${step === 'reminder' ? 'Reminder' : 'Invitation'} by ${input.channel} to ${invitee} (link ${tokenGeneration})`;
    return input.channel === 'email' ? messaging(what).sendInvitationEmail(args) : messaging(what).sendInvitationText(args);
  };

  /** Expired or undelivered: a resend can still revive the invitation for a while, then it closes. */
  const awaitRevival = async (): Promise<'resend' | 'revoked' | 'closed'> => {
    const retention = input.expiredRetentionMs ?? 30 * DAY_MS;
    const revived = await condition(() => resendRequested || revokeRequested, retention, { summary: 'Waiting for a resend before closing' });
    return revokeRequested ? 'revoked' : revived ? 'resend' : 'closed';
  };

  const closeAsIs = async () => {
    await condition(allHandlersFinished);
    return status;
  };

  // Scheduled: nothing is sent before the chosen time; the inviter can still cancel.
  if (input.sendAt && Date.parse(input.sendAt) > Date.now()) {
    enter('scheduled', `Invitation to ${invitee} scheduled for ${input.sendAt}`);
    await condition(() => revokeRequested, Date.parse(input.sendAt) - Date.now(), { summary: `Scheduled send at ${input.sendAt}` });
    if (revokeRequested) return end('revoked', `Scheduled invitation to ${invitee} was cancelled before it was sent`);
  }

  let userId: string | undefined;
  let userType: string | undefined;
  rounds: for (;;) {
    // Send (a new round after a resend uses the next token generation, so older links die).
    const expiresAt = input.channel === 'link' && status.expiresAt ? status.expiresAt : new Date(Date.now() + input.lifetimeMs).toISOString();
    if (input.channel !== 'link') {
      enter('sending', `Sending invitation to ${invitee}`);
      try {
        const sent = await send('invite', generation, expiresAt);
        status.messages.push(sent);
        currentTokenHash = sent.tokenHash;
        status.tokenGeneration = generation;
        status.deliveryFailure = undefined;
        sendAttempts += 1;
      } catch (err) {
        // Rejected for good, or still failing when the retry budget ran out: the reason stays visible,
        // and a resend (e.g. after the address was corrected, or by the stalled-activations job) retries.
        if (!(err instanceof ActivityFailure)) throw err;
        status.deliveryFailure = err.cause?.message ?? err.message;
        sendAttempts += 1;
        enter('delivery_failed', `Invitation to ${invitee} could not be delivered: ${status.deliveryFailure}`);
        const next = await awaitRevival();
        if (next === 'revoked') return end('revoked', `Undelivered invitation to ${invitee} was revoked`);
        if (next === 'closed') return closeAsIs();
        generation += 1;
        continue rounds;
      }
    }
    resendRequested = false;
    status.expiresAt = expiresAt;
    enter('awaiting_signup', `Invitation sent to ${invitee}; link valid until ${expiresAt}`);

    // Wait for the signup, a resend, a revocation, or the end of the link's lifetime.
    for (;;) {
      const woke = await condition(
        () => pendingSignup !== undefined || revokeRequested || resendRequested || remindRequested,
        Math.max(0, Date.parse(expiresAt) - Date.now()),
        { summary: `Invitation link valid until ${expiresAt}` },
      );
      if (remindRequested && !pendingSignup) {
        // Same link, one reminder per link: a second request finds the outbox row already sent.
        try {
          const reminder = await send('reminder', generation, expiresAt);
          if (!status.messages.some((m) => m.outboxKey === reminder.outboxKey)) status.messages.push(reminder);
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          log.warn('Reminder could not be delivered', { reason: err.cause?.message ?? err.message });
        }
        remindRequested = false;
        continue;
      }
      if (pendingSignup) {
        try {
          const created = await db().createUserFromSignup({ invitationId: input.invitationId, submission: pendingSignup });
          ({ userId, userType } = created);
          status.userId = userId;
          // Invited by text: from now on support staff can find it by the email they signed up with.
          if (!input.inviteeEmail) upsertSearchAttributes([{ key: InviteeEmail, value: created.email }]);
          break rounds;
        } catch (err) {
          // E.g. the address became an active user meanwhile: refuse this signup, keep waiting.
          signupOutcome = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : ApplicationFailure.create({ message: String(err), nonRetryable: true });
          pendingSignup = undefined;
          continue;
        }
      }
      if (revokeRequested) return end('revoked', `Invitation to ${invitee} was revoked`);
      if (resendRequested) {
        generation += 1;
        continue rounds;
      }
      if (!woke) break;
    }

    // Expired: the link no longer works, but a resend can still revive the invitation for a while.
    enter('expired', `Invitation link for ${invitee} expired at ${expiresAt} unused`);
    const next = await awaitRevival();
    if (next === 'revoked') return end('revoked', `Expired invitation to ${invitee} was revoked`);
    if (next === 'closed') return closeAsIs();
    generation += 1;
  }

  // Signed up. Video Pro+ companies: a Super Admin assigns the license to co-workers and admins
  // (guests keep their free account), if a seat is free.
  const license = input.licenseAfterSignup && userType !== 'guest' ? input.licenseAfterSignup : undefined;
  if (license) {
    signupOutcome = { userId, stage: 'license_pending' };
    enter('license_pending', `${invitee} signed up; waiting for a Super Admin to assign a license`);
    for (;;) {
      await condition(() => licenseRequested && (status.waitingReason === undefined || seatsMayBeFree));
      seatsMayBeFree = false;
      const seat = await db().reserveLicenseSeat({ invitationId: input.invitationId, accountId: input.accountId, userId, license });
      licenseAttempts += 1;
      if (seat.reserved) break;
      status.waitingReason = 'no seat available';
      showSummary(`${invitee} signed up; license assigned but no seat available: waiting for seats to be added`);
    }
    status.waitingReason = undefined;
  }
  await db().activateUser({ userId, license: license ?? input.licenseOnActivation ?? 'video_pro' });
  signupOutcome ??= { userId, stage: 'activated' };
  return end('activated', `${invitee} signed up and is active`);
}
