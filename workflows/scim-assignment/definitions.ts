// Names and shapes of a SCIM user's role and license as their groups give them, shared by the
// workflow, the API and the tests. Workflow-safe: definitions and plain types only.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { License } from '../../domain/licenses';
import type { Role } from '../../domain/roles';

/** What the user's groups give them now (the connection's mapping). */
export interface ScimAssignment {
  role: Role;
  license: License;
}

export interface ScimAssignmentInput {
  accountId: string;
  /** The SCIM user's id, which keys the workflow. */
  scimUserId: string;
  /** Finds the user row once the user's provisioning has made it. */
  provisioningKey: string;
  assignment: ScimAssignment;
}

export type ScimAssignmentStage = 'awaiting_user' | 'assigning' | 'license_pending' | 'assigned' | 'no_user' | 'user_disabled';

export interface ScimAssignmentStatus {
  workflowId: string;
  stage: ScimAssignmentStage;
  stageTimes: Partial<Record<ScimAssignmentStage, string>>;
  /** The latest assignment asked for, and the one last applied. */
  wanted: ScimAssignment;
  applied?: ScimAssignment;
  userId?: string;
  /** Why it waits, e.g. "no seat available" in license_pending. */
  waitingReason?: string;
}

export const getScimAssignmentStatus = defineQuery<ScimAssignmentStatus>('getScimAssignmentStatus');
/** The user's groups changed: the latest assignment wins (signal-with-start, so a repeat lands on the running one). */
export const scimAssignmentChanged = defineSignal<[ScimAssignment]>('scimAssignmentChanged');

/**
 * One per SCIM user: the id is also the reservation key of the seat it takes, so the line of seat
 * waiters (activities/licenses.ts) wakes it with `seatsAdded` as it wakes invitations.
 */
export const scimAssignmentWorkflowId = (accountId: string, scimUserId: string) => `scim-assignment:${accountId}:${scimUserId}`;
export { seatsAdded } from '../invitation/definitions';
