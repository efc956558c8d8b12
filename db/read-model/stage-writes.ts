// Writing the read model: where each workflow stands, as it enters a stage. Every write is guarded
// by the stage's time (the workflow's own clock), so a retried or late write never takes a row
// back to an earlier stage, and a new invitation over an ended one (same id, later run) wins.
// Each statement also records the webhook events the stage entry reports (domain/webhook-events.ts),
// so an event exists exactly when its change does (db/webhook-events.ts): only when the stage really
// changed, so a write repeated with a later time (a workflow task retried after a worker died, whose
// local activity had already written) reports nothing twice.
import type { PoolClient } from 'pg';
import { eventsForStage } from '../../domain/webhook-events';
import { withWebhookEvents } from '../webhook-events';
import type { InvitationStageRecord, OffboardingStageRecord, ProvisioningRequestStageRecord, StageRecord, UserProvisioningStageRecord } from '../../domain/stage-records';

/** A pool or a connection inside a transaction: the writes below are single statements either way. */
export type Queryable = Pick<PoolClient, 'query'>;

/**
 * The webhook events a stage entry reports, one per type in `types` (a text[] parameter), from the
 * rows an UPDATE … RETURNING gave back with their `previous_stage`: only where the stage really
 * changed, so a write repeated with a later time reports nothing twice; and at most one per
 * workflow (`workflow`, by default $1), type and stage time (`dedupe_key`, see db/webhook-events.ts).
 */
function stageEvents(name: string, rows: { from: string; alias: string }, event: { subject: string; types: string; data: string; workflow?: string }): string {
  const a = rows.alias;
  return `${name} AS (
       SELECT ${a}.account_id, t.type, ${event.subject} AS subject, ${event.workflow ?? '$1'} || '|' || t.type || '|' || $3::timestamptz::text AS dedupe_key,
              ${event.data} AS data
         FROM ${rows.from} ${a} CROSS JOIN unnest(${event.types}::text[]) AS t(type) WHERE ${a}.previous_stage IS DISTINCT FROM $2)`;
}

/**
 * A user's row moved to the stage ($2, entered at $3 by workflow $1) unless it already holds a later
 * one: its `onboarding` or its `offboarding` columns (separate, so neither workflow's late write hides
 * the other's). RETURNING gives the row with its `previous_stage` for stageEvents.
 */
function personStage(side: 'onboarding' | 'offboarding', where: { also?: string; match: string }, returning = ''): string {
  return `person AS (
       UPDATE users u SET ${side}_stage = $2, ${side}_stage_since = $3, ${side}_workflow_id = $1
         FROM ${where.also ? `${where.also}, ` : ''}users prev
        WHERE ${where.match} AND prev.id = u.id AND (u.${side}_stage_since IS NULL OR u.${side}_stage_since <= $3)
        RETURNING u.id, u.account_id, u.email${returning}, prev.${side}_stage AS previous_stage)`;
}

/** A person's events go under their first invitation's id when they have one, so they stay in order with its events; else under `otherwise`. */
const personSubject = (otherwise: string) => `coalesce((SELECT i.id FROM invitations i WHERE i.user_id = p.id ORDER BY i.created_at LIMIT 1), ${otherwise})`;

/**
 * The invitation's row; and, for a user who signed up from it (not one an admin added, whose
 * onboarding is their provisioning workflow's), the user's onboarding stage: one statement.
 */
async function writeInvitationStage(q: Queryable, r: InvitationStageRecord): Promise<void> {
  const types = eventsForStage(r);
  await q.query(
    withWebhookEvents([
      `invitation AS (
       UPDATE invitations i SET stage = $2, stage_since = $3, expires_at = $4, license = $5, delivery_failure = $6, updated_at = now()
         FROM invitations prev
        WHERE i.id = $1 AND prev.id = i.id AND (i.stage_since IS NULL OR i.stage_since <= $3)
        RETURNING i.id, i.account_id, i.user_id, i.channel, i.invitee_email, i.invitee_phone, i.invitee_type, i.role, prev.stage AS previous_stage)`,
      personStage('onboarding', { also: 'invitation', match: 'u.id = coalesce($7, invitation.user_id) AND u.provisioning_workflow_id IS NULL' }),
      stageEvents('invitation_events', { from: 'invitation', alias: 'i' }, {
        subject: 'i.id',
        workflow: 'i.id',
        types: '$8',
        data: `jsonb_build_object('invitationId', i.id, 'stage', $2::text, 'stageSince', $3::timestamptz, 'channel', i.channel,
                'invitee', jsonb_build_object('email', i.invitee_email, 'phone', i.invitee_phone), 'inviteeType', i.invitee_type, 'role', i.role,
                'license', $5::text, 'userId', coalesce($7, i.user_id), 'expiresAt', $4::timestamptz, 'deliveryFailure', $6::text)`,
      }),
      stageEvents('user_events', { from: 'person', alias: 'p' }, {
        subject: '$1',
        types: '$9',
        data: `jsonb_build_object('userId', p.id, 'email', p.email, 'onboardingStage', $2::text, 'stageSince', $3::timestamptz,
                'invitationId', $1, 'license', $5::text)`,
      }),
    ], ['invitation_events', 'user_events']),
    [r.workflowId, r.stage, r.since, r.expiresAt ?? null, r.license, r.deliveryFailure ?? null, r.userId ?? null,
      types.filter((t) => !t.startsWith('user.')), types.filter((t) => t.startsWith('user.'))],
  );
}

/** A user an admin added; before the user row exists (reserving) there is nothing to write. */
async function writeUserProvisioningStage(q: Queryable, r: UserProvisioningStageRecord): Promise<void> {
  await q.query(
    withWebhookEvents([
      personStage('onboarding', { match: 'u.provisioning_workflow_id = $1' }, ', u.license'),
      stageEvents('user_events', { from: 'person', alias: 'p' }, {
        // In order with the events of the person's welcome invitation, when there is one.
        subject: personSubject('$1'),
        types: '$4',
        data: `jsonb_build_object('userId', p.id, 'email', p.email, 'onboardingStage', $2::text, 'stageSince', $3::timestamptz,
                'provisioningWorkflowId', $1, 'license', p.license)`,
      }),
    ], ['user_events']),
    [r.workflowId, r.stage, r.since, eventsForStage(r)],
  );
}

async function writeProvisioningRequestStage(q: Queryable, r: ProvisioningRequestStageRecord): Promise<void> {
  await q.query(
    withWebhookEvents([
      `request AS (
       UPDATE provisioning_requests r SET stage = $2, stage_since = $3, users_failed = coalesce($4, r.users_failed)
         FROM provisioning_requests prev
        WHERE r.workflow_id = $1 AND prev.id = r.id AND (r.stage_since IS NULL OR r.stage_since <= $3)
        RETURNING r.id, r.account_id, r.user_count, r.users_failed, prev.stage AS previous_stage)`,
      stageEvents('request_events', { from: 'request', alias: 'rq' }, {
        subject: '$1',
        types: '$5',
        data: `jsonb_build_object('provisioningRequestId', rq.id, 'stage', $2::text, 'stageSince', $3::timestamptz,
                'users', rq.user_count, 'usersFailed', rq.users_failed)`,
      }),
    ], ['request_events']),
    [r.workflowId, r.stage, r.since, r.usersFailed ?? null, eventsForStage(r)],
  );
}

/** A user's offboarding: its own columns, so an onboarding workflow's late write never hides it (nor it theirs). */
async function writeOffboardingStage(q: Queryable, r: OffboardingStageRecord): Promise<void> {
  await q.query(
    withWebhookEvents([
      personStage('offboarding', { match: 'u.id = $4' }, ', u.provisioning_workflow_id'),
      stageEvents('user_events', { from: 'person', alias: 'p' }, {
        // In order with the person's earlier events: their invitation's, else their provisioning's.
        subject: personSubject('p.provisioning_workflow_id, $1'),
        types: '$5',
        data: `jsonb_build_object('userId', p.id, 'email', p.email, 'offboardingStage', $2::text, 'stageSince', $3::timestamptz, 'offboardingWorkflowId', $1)`,
      }),
    ], ['user_events']),
    [r.workflowId, r.stage, r.since, r.userId, eventsForStage(r)],
  );
}

/** Records a stage entry; a row that is not there (a workflow started without one, e.g. by the benchmark) is left alone. */
export async function writeStage(q: Queryable, r: StageRecord): Promise<void> {
  if (r.kind === 'invitation') return writeInvitationStage(q, r);
  if (r.kind === 'user_provisioning') return writeUserProvisioningStage(q, r);
  if (r.kind === 'offboarding') return writeOffboardingStage(q, r);
  return writeProvisioningRequestStage(q, r);
}
