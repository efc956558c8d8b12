// Names and shapes shared by the workflows, the API and the tests: defined once, here.
// Workflow-safe: this file imports nothing but @temporalio/workflow definitions and pure domain types.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { License } from '../../domain/licenses';
import type { SignupSubmission } from '../../domain/signup-rules';
import type { InvitationChannel, InvitationStage } from '../../domain/stages';

/** What the API hands the invitation workflow: already validated, plain, and free of secrets. */
export interface InvitationInput {
  /** Also the workflow id, e.g. `invitation:acme:ana@example.com`. */
  invitationId: string;
  accountId: string;
  channel: InvitationChannel;
  inviteeEmail?: string;
  inviteePhone?: string;
  /** How long a sent invitation link stays valid. */
  lifetimeMs: number;
  /** ISO instant to send at (a scheduled invitation); absent means now. */
  sendAt?: string;
  /** First token generation of this run: later than any the invitation had before, so old links stay dead. */
  firstTokenGeneration: number;
  /** Video Pro+ companies: a Super Admin assigns the license after signup. */
  licenseAfterSignup?: License;
  /** A user an admin added already holds a seat: activation gives this license (default Video Pro). */
  licenseOnActivation?: License;
  /** How long an expired or undelivered invitation can still be revived by a resend before the workflow closes (default 30 days). */
  expiredRetentionMs?: number;
}

/** One message the workflow had delivered (the outbox key makes it unique). */
export interface SentMessage {
  outboxKey: string;
  channel: 'email' | 'text';
  recipient: string;
  messageId: string;
  sentAt: string;
  /** SHA-256 of the link's token, so a signup can prove it holds the current link. */
  tokenHash?: string;
  step?: 'invite' | 'reminder';
}

export interface InvitationStatus {
  invitationId: string;
  stage: InvitationStage;
  /** ISO time of entering each stage reached so far (the latest entry, for stages entered again). */
  stageTimes: Partial<Record<InvitationStage, string>>;
  sendAt?: string;
  expiresAt?: string;
  tokenGeneration?: number;
  messages: SentMessage[];
  deliveryFailure?: string;
  userId?: string;
  /** Why the invitation is waiting, e.g. "no seat available" in license_pending. */
  waitingReason?: string;
}

/**
 * The invitation workflow as a client starts it (its type is its name): code that may not import
 * the workflow's module, such as activities (whose types the workflow imports), is given the
 * workflow itself under this type and starts it by typed reference.
 */
export type InvitationWorkflow = (input: InvitationInput) => Promise<InvitationStatus>;

export interface SignupResult {
  userId: string;
  stage: 'activated' | 'license_pending';
}

export const getInvitationStatus = defineQuery<InvitationStatus>('getInvitationStatus');
/** The invitee submits the signup form; the validator refuses with every failing field. */
export const signUp = defineUpdate<SignupResult, [SignupSubmission]>('signUp');
/** New link (the old one stops working), lifetime restarted; revives an expired or undelivered invitation. */
export const resendInvitation = defineUpdate<InvitationStatus, []>('resendInvitation');
export const revokeInvitation = defineUpdate<InvitationStatus, []>('revokeInvitation');
/** A reminder with the same link, once per link (the outbox key includes the token generation). */
export const remindInvitee = defineUpdate<InvitationStatus, []>('remindInvitee');
/** A Super Admin assigns the license (Video Pro+); the API checks the role before sending it. */
export const assignLicense = defineUpdate<InvitationStatus, []>('assignLicense');
/** Seats were added to the account's inventory: license-pending invitations try again. */
export const seatsAdded = defineSignal('seatsAdded');

/**
 * The user was deactivated (workflows/offboarding/): an invitation not yet signed up is revoked;
 * one waiting for its license ends there, revoked, instead of activating a departed user. The
 * user-provisioning workflow takes the same signal.
 */
export const userDeactivated = defineSignal('userDeactivated');
