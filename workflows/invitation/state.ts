// An invitation's state, in one object: where it stands (the status its query answers with), what
// has been asked of it and not yet acted on (the requests its handlers record), and what the stages
// have done that a waiting update answers with. Stages and handlers share nothing else.
import type { ApplicationFailure } from '@temporalio/workflow';
import type { InviteeType } from '../../domain/invitee-type';
import type { SignupSubmission } from '../../domain/signup-rules';
import type { InvitationInput, InvitationStatus, SignupResult } from './definitions';

/** What has been asked and not yet acted on: the handlers set these, the stages act on them. */
export interface InvitationRequests {
  /** A submitted signup; it stays once it has made a user (no second signup, no revocation after it). */
  signup?: SignupSubmission;
  /** Cleared once its send ended, delivered or not, or when the signup made the user first. */
  resend: boolean;
  /** Cleared once the reminder went out (or could not be delivered), or when the signup made the user first. */
  remind: boolean;
  revoke: boolean;
  /** A Super Admin assigned the license: it stands until a seat is reserved. */
  license: boolean;
  /** Seats were added to the inventory since the last try to reserve one. */
  seatsAdded: boolean;
  /** The user was deactivated: the invitation ends (revoked) wherever it stands. */
  deactivated?: boolean;
}

/** What the stages have done, for the updates that wait on it. */
export interface InvitationProgress {
  /** Sends that ended, delivered or not: a resend is answered once one more has. */
  sendAttempts: number;
  /** Tries to reserve a license seat: an assignment is answered once one more has been decided. */
  licenseAttempts: number;
  /** The signup's answer: the user and their next stage, or why the signup was refused. */
  signupOutcome?: SignupResult | ApplicationFailure;
}

export interface InvitationState {
  readonly input: InvitationInput;
  /** The invitee as people read it: the address or the number. */
  readonly invitee: string;
  readonly status: InvitationStatus;
  readonly requests: InvitationRequests;
  readonly progress: InvitationProgress;
  /** The current link: its token generation, and the hash of its token that a signup must prove it holds. */
  readonly link: { generation: number; tokenHash?: string };
  /** The user the signup made. */
  user?: { userId: string; userType: InviteeType };
}

export function newInvitationState(input: InvitationInput): InvitationState {
  const status: InvitationStatus = { invitationId: input.invitationId, stage: 'sending', stageTimes: {}, messages: [], sendAt: input.sendAt };
  // A signup through the invite link arrives with the start (update-with-start), before any stage
  // runs: such an invitation is open for signup from its first moment.
  if (input.channel === 'link') {
    status.stage = 'awaiting_signup';
    status.expiresAt = new Date(Date.now() + input.lifetimeMs).toISOString();
  }
  return {
    input,
    invitee: input.inviteeEmail ?? input.inviteePhone ?? 'the invitee',
    status,
    requests: { resend: false, remind: false, revoke: false, license: false, seatsAdded: false },
    progress: { sendAttempts: 0, licenseAttempts: 0 },
    link: { generation: input.firstTokenGeneration },
  };
}
