// Filling the read model for workflows started before it (`stage-read-model-v1`): their rows have
// no stage until their next stage entry records one, which for an invitation waiting for a signup
// can be weeks. Visibility already knows where each of them stands (the OnboardingStage and
// OnboardingStageSince search attributes, upserted at every stage entry since the start), so that
// is all the backfill reads: no workflow is queried or woken. A row the workflow records meanwhile
// keeps what the workflow wrote. Run by `npm run backfill:stages`; safe to run again.
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { invitationStages, provisioningRequestStages, userProvisioningStages } from '../domain/stages';
import { OnboardingStage, OnboardingStageSince } from '../workflows/search-attributes';

interface Target {
  name: 'invitations' | 'provisioningRequests' | 'provisionedUsers';
  /** Workflow ids of rows without a stage, after `$1`, at most `$2`. */
  missing: string;
  /** Sets `$2` (stage) and `$3` (since) on the row of workflow `$1`, if it still has none. */
  fill: string;
  stages: readonly string[];
}

const targets: Target[] = [
  {
    name: 'invitations',
    missing: `SELECT id AS workflow_id FROM invitations WHERE stage IS NULL AND id > $1 ORDER BY id LIMIT $2`,
    fill: `UPDATE invitations SET stage = $2, stage_since = $3 WHERE id = $1 AND stage IS NULL`,
    stages: invitationStages,
  },
  {
    name: 'provisioningRequests',
    missing: `SELECT workflow_id FROM provisioning_requests WHERE stage IS NULL AND workflow_id > $1 ORDER BY workflow_id LIMIT $2`,
    fill: `UPDATE provisioning_requests SET stage = $2, stage_since = $3 WHERE workflow_id = $1 AND stage IS NULL`,
    stages: provisioningRequestStages,
  },
  {
    name: 'provisionedUsers',
    missing: `SELECT provisioning_workflow_id AS workflow_id FROM users
               WHERE onboarding_stage IS NULL AND provisioning_workflow_id > $1 ORDER BY provisioning_workflow_id LIMIT $2`,
    fill: `UPDATE users SET onboarding_stage = $2, onboarding_stage_since = $3, onboarding_workflow_id = $1
            WHERE provisioning_workflow_id = $1 AND onboarding_stage IS NULL`,
    stages: userProvisioningStages,
  },
];

export interface BackfillCounts {
  invitations: number;
  provisioningRequests: number;
  provisionedUsers: number;
  /** Users who signed up from an invitation: their onboarding is their invitation's. */
  signedUpUsers: number;
  /** Rows whose workflow visibility does not know (never started, or past the namespace's retention): left without a stage. */
  unknown: number;
}

/** Where each workflow stands as visibility says, latest run first. */
async function visibleStages(temporal: Client, workflowIds: string[]): Promise<Map<string, { stage: string; since: Date }>> {
  const quoted = workflowIds.filter((id) => !/["\\]/.test(id)).map((id) => `"${id}"`);
  const found = new Map<string, { stage: string; since: Date; started: number }>();
  if (quoted.length === 0) return found;
  for await (const wf of temporal.workflow.list({ query: `WorkflowId IN (${quoted.join(', ')})` })) {
    const stage = wf.typedSearchAttributes.get(OnboardingStage);
    const since = wf.typedSearchAttributes.get(OnboardingStageSince) ?? wf.startTime;
    const started = wf.startTime.getTime();
    const known = found.get(wf.workflowId);
    if (stage && (!known || known.started < started)) found.set(wf.workflowId, { stage, since, started });
  }
  return found;
}

export async function backfillStages(db: Db, temporal: Client, { batch = 100, log = () => undefined }: { batch?: number; log?: (m: string) => void } = {}): Promise<BackfillCounts> {
  const counts: BackfillCounts = { invitations: 0, provisioningRequests: 0, provisionedUsers: 0, signedUpUsers: 0, unknown: 0 };
  for (const target of targets) {
    let after = '';
    for (;;) {
      const { rows } = await db.query<{ workflow_id: string }>(target.missing, [after, batch]);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.workflow_id;
      const ids = rows.map((r) => r.workflow_id);
      const visible = await visibleStages(temporal, ids);
      for (const id of ids) {
        const v = visible.get(id);
        if (!v || !target.stages.includes(v.stage)) {
          counts.unknown += 1;
          continue;
        }
        counts[target.name] += (await db.query(target.fill, [id, v.stage, v.since])).rowCount ?? 0;
      }
      log(`${target.name}: ${counts[target.name]} filled so far`);
    }
  }
  const { rowCount } = await db.query(
    `UPDATE users u SET onboarding_stage = i.stage, onboarding_stage_since = i.stage_since, onboarding_workflow_id = i.id
       FROM invitations i
      WHERE i.user_id = u.id AND u.provisioning_workflow_id IS NULL AND u.onboarding_stage IS NULL AND i.stage IS NOT NULL`,
  );
  counts.signedUpUsers = rowCount ?? 0;
  return counts;
}
