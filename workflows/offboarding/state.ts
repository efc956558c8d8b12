// An offboarding's state, in one object: where it stands (the status its query answers with), what
// has been asked and not yet acted on (the handlers record it), and what the stages learnt.
import { workflowInfo } from '@temporalio/workflow';
import type { DisabledUser } from '../../activities/offboarding';
import type { OffboardingStage } from '../../domain/stages';
import { firstOffboardingStage, type OffboardingInput, type OffboardingStatus } from './definitions';

export interface OffboardingRequests {
  /** Deactivate again (asked during a reactivation). */
  deactivate: boolean;
  /** Reactivate: who asked. */
  reactivate?: { requestedBy: string };
  /** Deskphones an admin recorded as received, not yet put back into the inventory. */
  received: string[];
  /** Seats were freed or added since the last try to reserve one. */
  seatsAdded: boolean;
}

export interface OffboardingState {
  readonly input: OffboardingInput;
  /** The workflow's id and run: keys what this offboarding released (`offboarding_releases`). */
  readonly key: string;
  readonly status: OffboardingStatus;
  readonly requests: OffboardingRequests;
  /** The user as the disable step found them: email, license, the account's quarantine. */
  user?: DisabledUser;
  /** Set once the last stage has run: requests are refused from then on, so none is left unanswered. */
  closing: boolean;
}

/** Where a reactivation is answered: active again, waiting for a seat (after the first try found none), or onboarding again. */
export const reactivationSettled = ({ status }: OffboardingState) =>
  (status.stage === 'awaiting_seat' && status.waitingReason !== undefined) ||
  status.stage === 'reactivated' ||
  (status.stage === 'reonboarding' && status.reonboardingInvitationId !== undefined);

/** The stages of a reactivation: a deactivation asked in them starts the offboarding again. */
export const reactivating = (stage: OffboardingStage) => stage === 'reactivating' || stage === 'awaiting_seat' || stage === 'reactivated' || stage === 'reonboarding';

/** The stages in which a deskphone marked for return can be received. */
export const receivingDeskphones = (stage: OffboardingStage) => stage === 'number_quarantine' || stage === 'awaiting_deskphone_return';

export function newOffboardingState(input: OffboardingInput): OffboardingState {
  const { workflowId, runId } = workflowInfo();
  return {
    input,
    key: `${workflowId}:${runId}`,
    status: {
      workflowId,
      userId: input.userId,
      stage: firstOffboardingStage(input),
      stageTimes: {},
      onboardingEnded: [],
      seatsReleased: [],
      deskphonesOut: [],
      deskphonesReceived: [],
      ordersCancelled: [],
    },
    requests: { deactivate: false, received: [], seatsAdded: false },
    closing: false,
  };
}
