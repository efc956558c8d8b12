// Writing the read model: where each workflow stands, as it enters a stage. Every write is guarded
// by the stage's time (the workflow's own clock), so a retried or late write never takes a row
// back to an earlier stage, and a new invitation over an ended one (same id, later run) wins.
import type { PoolClient } from 'pg';
import type { InvitationStageRecord, OffboardingStageRecord, ProvisioningRequestStageRecord, StageRecord, UserProvisioningStageRecord } from '../../domain/stage-records';

/** A pool or a connection inside a transaction: the writes below are single statements either way. */
export type Queryable = Pick<PoolClient, 'query'>;

/**
 * The invitation's row; and, for a user who signed up from it (not one an admin added, whose
 * onboarding is their provisioning workflow's), the user's onboarding stage: one statement.
 */
async function writeInvitationStage(q: Queryable, r: InvitationStageRecord): Promise<void> {
  await q.query(
    `WITH invitation AS (
       UPDATE invitations SET stage = $2, stage_since = $3, expires_at = $4, license = $5, delivery_failure = $6, updated_at = now()
        WHERE id = $1 AND (stage_since IS NULL OR stage_since <= $3)
        RETURNING user_id)
     UPDATE users u SET onboarding_stage = $2, onboarding_stage_since = $3, onboarding_workflow_id = $1
       FROM invitation
      WHERE u.id = coalesce($7, invitation.user_id) AND u.provisioning_workflow_id IS NULL
        AND (u.onboarding_stage_since IS NULL OR u.onboarding_stage_since <= $3)`,
    [r.workflowId, r.stage, r.since, r.expiresAt ?? null, r.license, r.deliveryFailure ?? null, r.userId ?? null],
  );
}

/** A user an admin added; before the user row exists (reserving) there is nothing to write. */
async function writeUserProvisioningStage(q: Queryable, r: UserProvisioningStageRecord): Promise<void> {
  await q.query(
    `UPDATE users SET onboarding_stage = $2, onboarding_stage_since = $3, onboarding_workflow_id = $1
      WHERE provisioning_workflow_id = $1 AND (onboarding_stage_since IS NULL OR onboarding_stage_since <= $3)`,
    [r.workflowId, r.stage, r.since],
  );
}

async function writeProvisioningRequestStage(q: Queryable, r: ProvisioningRequestStageRecord): Promise<void> {
  await q.query(
    `UPDATE provisioning_requests SET stage = $2, stage_since = $3, users_failed = coalesce($4, users_failed)
      WHERE workflow_id = $1 AND (stage_since IS NULL OR stage_since <= $3)`,
    [r.workflowId, r.stage, r.since, r.usersFailed ?? null],
  );
}

/** A user's offboarding: its own columns, so an onboarding workflow's late write never hides it (nor it theirs). */
async function writeOffboardingStage(q: Queryable, r: OffboardingStageRecord): Promise<void> {
  await q.query(
    `UPDATE users SET offboarding_stage = $2, offboarding_stage_since = $3, offboarding_workflow_id = $1
      WHERE id = $4 AND (offboarding_stage_since IS NULL OR offboarding_stage_since <= $3)`,
    [r.workflowId, r.stage, r.since, r.userId],
  );
}

/** Records a stage entry; a row that is not there (a workflow started without one, e.g. by the benchmark) is left alone. */
export async function writeStage(q: Queryable, r: StageRecord): Promise<void> {
  if (r.kind === 'invitation') return writeInvitationStage(q, r);
  if (r.kind === 'user_provisioning') return writeUserProvisioningStage(q, r);
  if (r.kind === 'offboarding') return writeOffboardingStage(q, r);
  return writeProvisioningRequestStage(q, r);
}
