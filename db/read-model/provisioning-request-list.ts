// The account's provisioning requests ("add users") as the read model lists them.
import type { ProvisioningRequestStage } from '../../domain/stages';
import { Conditions, tableList, type ListedRow, type StagedRow } from './sql';
import type { Queryable } from './stage-writes';

export interface ProvisioningRequestFilter {
  stages?: ProvisioningRequestStage[];
  /** The admin who made the request (user id). */
  requestedBy?: string;
  /** Completed with at least one user who could not be added (true), or without (false). */
  withFailures?: boolean;
  createdAfter?: Date;
  createdBefore?: Date;
  ids?: string[];
}

export interface ProvisioningRequestListRow extends ListedRow, StagedRow<ProvisioningRequestStage> {
  workflow_id: string;
  user_count: number;
  users_failed: number | null;
  requested_by: string;
  requested_by_name: string | null;
  quote_id: string | null;
}

/** What the filter adds to the account's rows (tableList scopes them to the account). */
function filtered(where: Conditions, f: ProvisioningRequestFilter): void {
  where.anyOf('r.stage', f.stages).anyOf('r.id', f.ids);
  where.equals('r.requested_by', f.requestedBy);
  if (f.withFailures !== undefined) where.add(f.withFailures ? 'r.users_failed > 0' : 'r.users_failed = 0');
  where.createdBetween('r.created_at', f.createdAfter, f.createdBefore);
}

const COLUMNS = 'r.id, r.workflow_id, r.stage, r.stage_since, r.user_count, r.users_failed, r.requested_by, r.quote_id, r.created_at';
const REQUESTER = `(SELECT nullif(trim(u.first_name || ' ' || u.last_name), '') FROM users u WHERE u.id = p.requested_by) AS requested_by_name`;

/** `page`: the account's requests matching the filter, newest first; `countByStage`: how many stand in each stage. */
export function createProvisioningRequestList(db: Queryable) {
  return tableList<ProvisioningRequestFilter, ProvisioningRequestListRow, ProvisioningRequestStage>(db, { alias: 'r', from: 'provisioning_requests r', columns: COLUMNS, extra: REQUESTER, stageColumn: 'r.stage' }, filtered);
}
export type ProvisioningRequestList = ReturnType<typeof createProvisioningRequestList>;
