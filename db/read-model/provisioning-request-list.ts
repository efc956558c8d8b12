// The account's provisioning requests ("add users") as the read model lists them.
import type { ProvisioningRequestStage } from '../../domain/stages';
import { Conditions, tableList } from './sql';
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

export interface ProvisioningRequestListRow {
  id: string;
  workflow_id: string;
  stage: ProvisioningRequestStage | null;
  stage_since: Date | null;
  user_count: number;
  users_failed: number | null;
  requested_by: string;
  requested_by_name: string | null;
  quote_id: string | null;
  created_at: Date;
  keyset_created_at: string;
}

function conditions(accountId: string, f: ProvisioningRequestFilter): Conditions {
  const where = new Conditions();
  where.add(`r.account_id = ${where.param(accountId)}`);
  where.anyOf('r.stage', f.stages).anyOf('r.id', f.ids);
  if (f.requestedBy) where.add(`r.requested_by = ${where.param(f.requestedBy)}`);
  if (f.withFailures !== undefined) where.add(f.withFailures ? 'r.users_failed > 0' : 'r.users_failed = 0');
  where.createdBetween('r.created_at', f.createdAfter, f.createdBefore);
  return where;
}

const COLUMNS = 'r.id, r.workflow_id, r.stage, r.stage_since, r.user_count, r.users_failed, r.requested_by, r.quote_id, r.created_at';
const REQUESTER = `(SELECT nullif(trim(u.first_name || ' ' || u.last_name), '') FROM users u WHERE u.id = p.requested_by) AS requested_by_name`;

/** `page`: the account's requests matching the filter, newest first; `countByStage`: how many stand in each stage. */
export function createProvisioningRequestList(db: Queryable) {
  return tableList<ProvisioningRequestFilter, ProvisioningRequestListRow, ProvisioningRequestStage>(db, { alias: 'r', from: 'provisioning_requests r', columns: COLUMNS, extra: REQUESTER, stageColumn: 'r.stage' }, conditions);
}
export type ProvisioningRequestList = ReturnType<typeof createProvisioningRequestList>;
