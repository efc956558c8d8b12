// What can be asked of an invitation, and in which stages. Each handler's validator refuses a request
// the current stage does not take; the handler only records the request in the state and waits until
// the stages have acted on it, then answers. It never acts itself.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { failureTypes } from '../../domain/failures';
import { signupProblems, type SignupSubmission } from '../../domain/signup-rules';
import type { InvitationStage } from '../../domain/stages';
import { assignLicense, getInvitationStatus, remindInvitee, resendInvitation, revokeInvitation, seatsAdded, signUp, userDeactivated, type SignupResult } from './definitions';
import type { InvitationProgress, InvitationState } from './state';

const wrongStage = (stage: InvitationStage, what: string) =>
  ApplicationFailure.create({ type: failureTypes.wrongStage, message: `Cannot ${what}: the invitation is ${stage.replace('_', ' ')}`, nonRetryable: true });

/** A reminder or resend the signup overtook: the invitee has an account now (see signedUp in invitation-workflow.ts). */
const signedUp = (what: string) => ApplicationFailure.create({ type: failureTypes.wrongStage, message: `Cannot ${what}: the invitee has signed up`, nonRetryable: true });

/** A request the current stage does not take is refused (WrongStage). */
function refuseUnless(allowed: boolean, { status }: InvitationState, what: string): void {
  if (!allowed) throw wrongStage(status.stage, what);
}

const stageIn = ({ status }: InvitationState, ...stages: InvitationStage[]) => stages.includes(status.stage);

export function handleRequests(state: InvitationState): void {
  setHandler(getInvitationStatus, () => state.status);
  handleSignup(state);
  handleLinkRequests(state);
  handleLicenseRequests(state);
}

function handleSignup(state: InvitationState): void {
  const { requests: asked, progress } = state;
  setHandler(
    signUp,
    async (submission) => {
      asked.signup = submission;
      progress.signupOutcome = undefined;
      await condition(() => progress.signupOutcome !== undefined);
      return takeSignupOutcome(progress);
    },
    { validator: (submission) => checkSignup(state, submission) },
  );
}

/** Resend, remind and revoke: what the inviter can ask about the link until the invitee signs up. */
function handleLinkRequests(state: InvitationState): void {
  const { status, requests: asked, progress } = state;
  const byLink = state.input.channel === 'link';
  setHandler(
    resendInvitation,
    async () => {
      const before = progress.sendAttempts;
      asked.resend = true;
      // Answer with the new attempt's outcome: sent, or still undeliverable; or, cleared unsent,
      // refuse it: the signup made the user first.
      await condition(() => progress.sendAttempts > before || !asked.resend);
      if (state.user) throw signedUp('resend');
      return status;
    },
    { validator: () => refuseUnless(stageIn(state, 'awaiting_signup', 'expired', 'delivery_failed') && !byLink, state, 'resend') },
  );
  setHandler(
    remindInvitee,
    async () => {
      asked.remind = true;
      await condition(() => !asked.remind);
      // Cleared unsent: the signup made the user first.
      if (state.user) throw signedUp('send a reminder');
      return status;
    },
    { validator: () => refuseUnless(stageIn(state, 'awaiting_signup') && !byLink, state, 'send a reminder') },
  );
  setHandler(
    revokeInvitation,
    async () => {
      asked.revoke = true;
      await condition(() => status.stage === 'revoked');
      return status;
    },
    { validator: () => refuseUnless(stageIn(state, 'scheduled', 'awaiting_signup', 'expired', 'delivery_failed') && !asked.signup, state, 'revoke') },
  );
}

/** After signup in a Video Pro+ company: a Super Admin assigns the license; added seats let a waiting assignment try again. */
function handleLicenseRequests(state: InvitationState): void {
  const { status, requests: asked, progress } = state;
  setHandler(
    assignLicense,
    async () => {
      const before = progress.licenseAttempts;
      asked.license = true;
      // Answer once the attempt is decided: activated, or still waiting for a seat.
      // Or ended meanwhile: the user was deactivated.
      await condition(() => (progress.licenseAttempts > before && (status.stage !== 'license_pending' || status.waitingReason !== undefined)) || status.stage === 'revoked');
      return status;
    },
    { validator: () => refuseUnless(stageIn(state, 'license_pending'), state, 'assign a license') },
  );
  setHandler(seatsAdded, () => {
    asked.seatsAdded = true;
  });
  // Before the signup this is a revocation (the stages already act on it); after it, licensePending and activate end the invitation.
  setHandler(userDeactivated, () => {
    asked.deactivated = true;
    asked.revoke = true;
  });
}

/** A signup is taken while the link is open and unused, with the current link's token (or through the account's invite link), and with every field valid. */
function checkSignup({ input, status, requests: asked, link }: InvitationState, submission: SignupSubmission): void {
  if (status.stage !== 'awaiting_signup' || asked.signup) throw wrongStage(status.stage, 'sign up');
  if (status.expiresAt && Date.now() >= Date.parse(status.expiresAt)) throw wrongStage('expired', 'sign up');
  const proofOk =
    submission.proof.kind === 'invitation-token'
      ? link.tokenHash !== undefined && submission.proof.tokenHash === link.tokenHash
      : true; // the API checked the account's invite link (live, within its uses) before asking
  if (!proofOk) throw ApplicationFailure.create({ type: failureTypes.signupRejected, message: 'This invitation link is no longer valid', nonRetryable: true, details: [[{ field: 'token', message: 'This invitation link is no longer valid.' }]] });
  const problems = signupProblems(submission, new Date(), { emailRequired: input.channel !== 'email' });
  if (problems.length > 0) {
    throw ApplicationFailure.create({ type: failureTypes.signupRejected, message: `Signup refused: ${problems.map((p) => p.field).join(', ')}`, nonRetryable: true, details: [problems] });
  }
}

/** The result the signUp update returns, or the refusal it throws. */
function takeSignupOutcome({ signupOutcome: outcome }: InvitationProgress): SignupResult {
  if (outcome === undefined || outcome instanceof ApplicationFailure) throw outcome;
  return outcome;
}
