// Names and shapes of offboarding a user, shared by the workflow, the API and the tests.
// Workflow-safe: definitions and plain types only.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { License } from '../../domain/licenses';
import type { OffboardingStage } from '../../domain/stages';

/** What the API hands the workflow; the user was found in the account. */
export interface OffboardingInput {
  accountId: string;
  userId: string;
  /** Who asked, as people read it: an admin's user id, or e.g. `scim` for the identity provider. */
  requestedBy: string;
  /**
   * What this run was started for: a deactivation, or the reactivation of a user whose offboarding
   * has ended (the quarantine is over: the user is onboarded again).
   */
  startedFor: 'deactivation' | 'reactivation';
}

/** The stage a run starts in: ending the user's onboarding, or onboarding them again. */
export const firstOffboardingStage = (input: Pick<OffboardingInput, 'startedFor'>): OffboardingStage =>
  input.startedFor === 'reactivation' ? 'reonboarding' : 'ending_onboarding';

export interface OffboardingStatus {
  workflowId: string;
  userId: string;
  stage: OffboardingStage;
  /** ISO time of entering each stage reached so far (the latest entry, for stages entered again). */
  stageTimes: Partial<Record<OffboardingStage, string>>;
  /** Onboarding workflows told to end (open invitations, the provisioning workflow). */
  onboardingEnded: string[];
  /** Licenses whose seat went back to the inventory (and to the longest waiter). */
  seatsReleased: License[];
  /** The user's number, in quarantine until `quarantinedUntil`, then back in the inventory (`numberReturned`). */
  phoneNumber?: string;
  quarantinedUntil?: string;
  numberReturned?: boolean;
  /** Deskphones marked for return and not yet received; and those received back into the inventory. */
  deskphonesOut: string[];
  deskphonesReceived: string[];
  /** Deskphone orders cancelled before delivery. */
  ordersCancelled: string[];
  /** Reactivation: who asked, and the invitation of the new onboarding (after the quarantine). */
  reactivatedBy?: string;
  reonboardingInvitationId?: string;
  /** Why the workflow waits, e.g. "no seat available" while awaiting a seat. */
  waitingReason?: string;
}

export const getOffboardingStatus = defineQuery<OffboardingStatus>('getOffboardingStatus');
/**
 * Deactivate, by signal-with-start: it needs no worker to answer, so a thousand deactivations at
 * once never wait on one. A user already being offboarded is unchanged; a reactivated user (or one
 * reactivating, or awaiting a seat, or onboarding again) is offboarded again.
 */
export const deactivationRequested = defineSignal<[{ requestedBy: string }]>('deactivationRequested');
/** Reactivate: answered once the user has their number and seat back (or waits for a seat), or their new onboarding has started. */
export const reactivateUser = defineUpdate<OffboardingStatus, [{ requestedBy: string }]>('reactivateUser');
/** An admin records that a deskphone marked for return has been received: it goes back into the inventory. */
export const deskphoneReturned = defineUpdate<OffboardingStatus, [{ deviceId: string }]>('deskphoneReturned');

/** One offboarding workflow per user at a time: a second deactivation finds the running one. */
export const offboardingWorkflowId = (accountId: string, userId: string) => `offboarding:${accountId}:${userId}`;
