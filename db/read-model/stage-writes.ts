// Writing the read model: where each workflow stands, as it enters a stage. Every write is guarded
// by the stage's time (the workflow's own clock), so a retried or late write never takes a row
// back to an earlier stage, and a new invitation over an ended one (same id, later run) wins.
// Each statement also records the webhook events the stage entry reports (domain/webhook-events.ts),
// so an event exists exactly when its change does (db/webhook-events.ts).
import type { PoolClient } from 'pg';
import { eventsForStage } from '../../domain/webhook-events';
import { webhookEventCtes } from '../webhook-events';
import type { InvitationStageRecord, ProvisioningRequestStageRecord, StageRecord, UserProvisioningStageRecord } from '../../domain/stage-records';

/** A pool or a connection inside a transaction: the writes below are single statements either way. */
export type Queryable = Pick<PoolClient, 'query'>;

/**
 * The invitation's row; and, for a user who signed up from it (not one an admin added, whose
 * onboarding is their provisioning workflow's), the user's onboarding stage: one statement.
 */
async function writeInvitationStage(q: Queryable, r: InvitationStageRecord): Promise<void> {
  const types = eventsForStage(r);
  await q.query(
    `WITH invitation AS (
       UPDATE invitations SET stage = $2, stage_since = $3, expires_at = $4, license = $5, delivery_failure = $6, updated_at = now()
        WHERE id = $1 AND (stage_since IS NULL OR stage_since <= $3)
        RETURNING id, account_id, user_id, channel, invitee_email, invitee_phone, invitee_type, role),
     person AS (
       UPDATE users u SET onboarding_stage = $2, onboarding_stage_since = $3, onboarding_workflow_id = $1
         FROM invitation
        WHERE u.id = coalesce($7, invitation.user_id) AND u.provisioning_workflow_id IS NULL
          AND (u.onboarding_stage_since IS NULL OR u.onboarding_stage_since <= $3)
        RETURNING u.id, u.account_id, u.email),
     invitation_events AS (
       SELECT i.account_id, t.type, i.id AS subject, i.id || '|' || t.type || '|' || $3::timestamptz::text AS dedupe_key,
              jsonb_build_object('invitationId', i.id, 'stage', $2::text, 'stageSince', $3::timestamptz, 'channel', i.channel,
                'invitee', jsonb_build_object('email', i.invitee_email, 'phone', i.invitee_phone), 'inviteeType', i.invitee_type, 'role', i.role,
                'license', $5::text, 'userId', coalesce($7, i.user_id), 'expiresAt', $4::timestamptz, 'deliveryFailure', $6::text) AS data
         FROM invitation i CROSS JOIN unnest($8::text[]) AS t(type)),
     user_events AS (
       SELECT p.account_id, t.type, $1 AS subject, $1 || '|' || t.type || '|' || $3::timestamptz::text AS dedupe_key,
              jsonb_build_object('userId', p.id, 'email', p.email, 'onboardingStage', $2::text, 'stageSince', $3::timestamptz,
                'invitationId', $1, 'license', $5::text) AS data
         FROM person p CROSS JOIN unnest($9::text[]) AS t(type)),
     ${webhookEventCtes(['invitation_events', 'user_events'])}
     SELECT 1`,
    [r.workflowId, r.stage, r.since, r.expiresAt ?? null, r.license, r.deliveryFailure ?? null, r.userId ?? null,
      types.filter((t) => !t.startsWith('user.')), types.filter((t) => t.startsWith('user.'))],
  );
}

/** A user an admin added; before the user row exists (reserving) there is nothing to write. */
async function writeUserProvisioningStage(q: Queryable, r: UserProvisioningStageRecord): Promise<void> {
  await q.query(
    `WITH person AS (
       UPDATE users SET onboarding_stage = $2, onboarding_stage_since = $3, onboarding_workflow_id = $1
        WHERE provisioning_workflow_id = $1 AND (onboarding_stage_since IS NULL OR onboarding_stage_since <= $3)
        RETURNING id, account_id, email, license),
     user_events AS (
       -- In order with the events of the person's welcome invitation, when there is one.
       SELECT p.account_id, t.type, coalesce((SELECT i.id FROM invitations i WHERE i.user_id = p.id ORDER BY i.created_at LIMIT 1), $1) AS subject,
              $1 || '|' || t.type || '|' || $3::timestamptz::text AS dedupe_key,
              jsonb_build_object('userId', p.id, 'email', p.email, 'onboardingStage', $2::text, 'stageSince', $3::timestamptz,
                'provisioningWorkflowId', $1, 'license', p.license) AS data
         FROM person p CROSS JOIN unnest($4::text[]) AS t(type)),
     ${webhookEventCtes(['user_events'])}
     SELECT 1`,
    [r.workflowId, r.stage, r.since, eventsForStage(r)],
  );
}

async function writeProvisioningRequestStage(q: Queryable, r: ProvisioningRequestStageRecord): Promise<void> {
  await q.query(
    `WITH request AS (
       UPDATE provisioning_requests SET stage = $2, stage_since = $3, users_failed = coalesce($4, users_failed)
        WHERE workflow_id = $1 AND (stage_since IS NULL OR stage_since <= $3)
        RETURNING id, account_id, user_count, users_failed),
     request_events AS (
       SELECT rq.account_id, t.type, $1 AS subject, $1 || '|' || t.type || '|' || $3::timestamptz::text AS dedupe_key,
              jsonb_build_object('provisioningRequestId', rq.id, 'stage', $2::text, 'stageSince', $3::timestamptz,
                'users', rq.user_count, 'usersFailed', rq.users_failed) AS data
         FROM request rq CROSS JOIN unnest($5::text[]) AS t(type)),
     ${webhookEventCtes(['request_events'])}
     SELECT 1`,
    [r.workflowId, r.stage, r.since, r.usersFailed ?? null, eventsForStage(r)],
  );
}

/** Records a stage entry; a row that is not there (a workflow started without one, e.g. by the benchmark) is left alone. */
export async function writeStage(q: Queryable, r: StageRecord): Promise<void> {
  if (r.kind === 'invitation') return writeInvitationStage(q, r);
  if (r.kind === 'user_provisioning') return writeUserProvisioningStage(q, r);
  return writeProvisioningRequestStage(q, r);
}
