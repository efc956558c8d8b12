// What a workflow records in the read model (PostgreSQL) when it enters a stage, so lists of
// invitations, users and provisioning requests are served from the database, not by asking
// workflows. Written by the `recordStage` local activity at every stage entry (workflows/stages.ts),
// or by the activity that already writes at that moment, in its own transaction
// (db/read-model/stage-writes.ts). Plain data: workflows, activities and the API share it.
import type { License } from './licenses';
import type { InvitationStage, OffboardingStage, ProvisioningRequestStage, UserProvisioningStage } from './stages';

interface StageEntry<Stage extends string> {
  /** The workflow that entered the stage: the invitation id, or a provisioning workflow's id. */
  workflowId: string;
  stage: Stage;
  /** ISO time the workflow entered the stage (its own clock, as its status query reports it). */
  since: string;
}

export interface InvitationStageRecord extends StageEntry<InvitationStage> {
  kind: 'invitation';
  /** When the current link stops working (absent before the first send). */
  expiresAt?: string;
  /** The license the invitee gets on activation. */
  license: License;
  /** The user the signup made. */
  userId?: string;
  /** Why nothing reached the invitee (delivery_failed). */
  deliveryFailure?: string;
}

export interface UserProvisioningStageRecord extends StageEntry<UserProvisioningStage> {
  kind: 'user_provisioning';
}

export interface ProvisioningRequestStageRecord extends StageEntry<ProvisioningRequestStage> {
  kind: 'provisioning_request';
  /** Users that could not be added (known once the request completed). */
  usersFailed?: number;
}

/** A user's offboarding (or reactivation): kept beside the onboarding stage, on the user's row. */
export interface OffboardingStageRecord extends StageEntry<OffboardingStage> {
  kind: 'offboarding';
  userId: string;
}

export type StageRecord = InvitationStageRecord | UserProvisioningStageRecord | ProvisioningRequestStageRecord | OffboardingStageRecord;

/** A user's onboarding stage: their provisioning workflow's stage if an admin added them, else their invitation's. */
export type OnboardingStage = InvitationStage | UserProvisioningStage;
